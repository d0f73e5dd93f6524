//! URL slugs made from titles, never from ids, and the one rule for a study's slug.
//!
//! Public URLs must not reveal internal ids or import keys, and should read well:
//! "Christmas bags for families" becomes `christmas-bags-for-families`. Letters of
//! any script are kept (lower-cased) in entry and prompt slugs; accents on Latin
//! letters are dropped so URLs stay easy to type.
//!
//! A study's slug is the first segment of every public URL of the study, so it
//! has its own stricter rule, [`check_study_slug`]: ASCII letters, digits and
//! hyphens, and never a name the site serves itself ([`RESERVED_STUDY_SLUGS`]).
//! Import, the workspace's new-study form, the workspace gate and the public
//! router all ask it.

use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// Longest slug we produce, in characters; longer titles are cut at a word boundary.
const MAX_LEN: usize = 60;

/// The longest study slug, in characters.
pub const MAX_STUDY_SLUG: usize = 60;

/// The first path segments the server answers itself, so no study can be
/// served there: every top-level path of the public router (`src/web/mod.rs`,
/// whose unit test checks this list against it) and the workspace.
pub const RESERVED_STUDY_SLUGS: &[&str] = &[
    "admin",
    "api",
    "favicon.ico",
    "healthz",
    "media",
    "metrics",
    "readyz",
    "robots.txt",
    "static",
];

/// Why a study slug was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StudySlugError {
    /// Not lower-case ASCII letters, digits and single inner hyphens, or too long.
    #[error(
        "\"{0}\" must be lower-case letters a-z, digits and hyphens (not at the start or \
         end), at most 60 characters, such as my-study-2025"
    )]
    Shape(String),
    /// A name the server keeps for its own pages.
    #[error("\"{0}\" is reserved for Vitrine's own pages; choose another")]
    Reserved(String),
}

/// The one rule for a study's slug: what import, the new-study form, the
/// workspace and the public site accept.
pub fn check_study_slug(slug: &str) -> Result<(), StudySlugError> {
    let shaped = !slug.is_empty()
        && slug.len() <= MAX_STUDY_SLUG
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if !shaped {
        return Err(StudySlugError::Shape(slug.to_owned()));
    }
    if RESERVED_STUDY_SLUGS.contains(&slug) {
        return Err(StudySlugError::Reserved(slug.to_owned()));
    }
    Ok(())
}

/// Whether [`check_study_slug`] accepts `slug`.
pub fn is_study_slug(slug: &str) -> bool {
    check_study_slug(slug).is_ok()
}

/// Makes a slug from a title. Returns `fallback` when nothing usable remains.
pub fn slugify(title: &str, fallback: &str) -> String {
    let mut slug = String::new();
    let mut pending_dash = false;
    for c in title.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            pending_dash = true;
        }
    }
    let slug = truncate_at_dash(&slug, MAX_LEN);
    if slug.is_empty() {
        fallback.to_owned()
    } else {
        slug.nfc().collect()
    }
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

fn truncate_at_dash(slug: &str, max: usize) -> &str {
    if slug.chars().count() <= max {
        return slug;
    }
    let cut = slug.char_indices().nth(max).map_or(slug.len(), |(i, _)| i);
    let head = &slug[..cut];
    head.rfind('-').map_or(head, |i| &head[..i])
}

/// Hands out slugs unique within one scope (a study), adding `-2`, `-3`… on clashes
/// and avoiding reserved words that name other pages.
#[derive(Debug, Default)]
pub struct SlugSet {
    taken: HashSet<String>,
}

impl SlugSet {
    /// A set that refuses the given reserved slugs.
    pub fn reserving(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A unique slug for `title`.
    pub fn claim(&mut self, title: &str, fallback: &str) -> String {
        let base = slugify(title, fallback);
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn study_slugs_are_ascii_words_and_never_a_reserved_path() {
        for good in ["link-worker-retention", "study-2025", "a"] {
            assert_eq!(check_study_slug(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "Caps",
            "прогулка",
            "café",
            "-a",
            "a-",
            "a--b",
            "a/b",
            "../vault",
        ] {
            assert!(
                matches!(check_study_slug(bad), Err(StudySlugError::Shape(_))),
                "{bad}"
            );
        }
        assert!(check_study_slug(&"a".repeat(61)).is_err());
        for reserved in ["admin", "metrics", "healthz", "readyz", "media", "static"] {
            assert!(
                matches!(check_study_slug(reserved), Err(StudySlugError::Reserved(_))),
                "{reserved}"
            );
        }
    }

    #[test]
    fn slug_drops_punctuation_and_accents() {
        assert_eq!(slugify("Café: a “normal” day!", "x"), "cafe-a-normal-day");
        assert_eq!(slugify("People’s need", "x"), "peoples-need");
    }

    #[test]
    fn slug_keeps_non_latin_letters() {
        assert_eq!(slugify("Прогулка в парке", "x"), "прогулка-в-парке");
    }

    #[test]
    fn empty_title_uses_fallback() {
        assert_eq!(slugify("!!!", "entry-3"), "entry-3");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let slug = slugify(&"word ".repeat(40), "x");
        assert!(slug.len() <= MAX_LEN && !slug.ends_with('-'), "{slug}");
    }

    #[test]
    fn clashes_get_numbered_and_reserved_words_are_avoided() {
        let mut set = SlugSet::reserving(&["about"]);
        assert_eq!(set.claim("About", "x"), "about-2");
        assert_eq!(set.claim("Walks", "x"), "walks");
        assert_eq!(set.claim("Walks", "x"), "walks-2");
    }
}
