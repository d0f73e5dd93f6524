//! URL slugs made from titles, never from ids.
//!
//! Public URLs must not reveal internal ids or import keys, and should read well:
//! "Christmas bags for families" becomes `christmas-bags-for-families`. Letters of
//! any script are kept (lower-cased); accents on Latin letters are dropped so URLs
//! stay easy to type.

use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// Longest slug we produce, in characters; longer titles are cut at a word boundary.
const MAX_LEN: usize = 60;

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
