//! View pieces shared by several pages: the layout, plain-text prose, responsive
//! pictures and entry cards. Templates receive these ready to print, so they hold
//! no logic beyond loops and conditions, and every text goes through askama's
//! escaping (no `|safe` on anything that came from a study).

use super::assets::{AssetUrls, urls};
use vitrine_core::paths::Links;
use vitrine_core::{Release, ReleaseEntry, ReleaseImage, text};

/// What every page's frame needs.
pub struct Layout {
    /// `<html lang>`.
    pub lang: String,
    /// The `<title>`, unique per page.
    pub title: String,
    /// A short summary for `<meta name="description">`.
    pub description: String,
    /// Whether to ask search engines not to index the page.
    pub noindex: bool,
    /// Fingerprinted stylesheet, script and icon URLs.
    pub assets: AssetUrls,
    /// The study the page belongs to, for the header and footer.
    pub study: Option<StudyNav>,
    /// Which study page this is, for `aria-current`.
    pub current: Current,
    /// schema.org JSON-LD for the `<head>`, ready to print ([`json_ld`]).
    pub json_ld: Option<String>,
}

/// `value` as JSON that can sit inside a `<script>` element: `<`, `>` and
/// `&` are written as `\u` escapes, so no text can close the element.
pub fn json_ld(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// How many words of a text make a page's meta description.
pub const DESCRIPTION_WORDS: usize = 30;

/// Which of a study's pages is being shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Current {
    /// The gallery.
    Gallery,
    /// The about page.
    About,
    /// Anything else.
    Other,
}

/// A study's name and links, shown on each of its pages in the same place.
pub struct StudyNav {
    /// Title.
    pub title: String,
    /// Gallery URL.
    pub gallery: String,
    /// About page URL.
    pub about: String,
    /// Public contact name.
    pub contact_name: String,
    /// Public contact e-mail.
    pub contact_email: String,
}

impl Layout {
    /// A page that belongs to no study (home, errors): English, not indexed.
    pub fn site(title: &str) -> Self {
        Self {
            lang: "en".to_owned(),
            title: format!("{title} – Vitrine"),
            description: "Research image galleries published with Vitrine.".to_owned(),
            noindex: true,
            assets: urls().clone(),
            study: None,
            current: Current::Other,
            json_ld: None,
        }
    }

    /// Whether this is the gallery page (for `aria-current`).
    pub fn is_gallery(&self) -> bool {
        self.current == Current::Gallery
    }

    /// Whether this is the about page.
    pub fn is_about(&self) -> bool {
        self.current == Current::About
    }

    /// A page of a study, in the study's language, linking as `links` says.
    pub fn study(
        release: &Release,
        links: Links,
        page_title: Option<&str>,
        current: Current,
    ) -> Self {
        let study = &release.study;
        let title = match page_title {
            Some(page) => format!("{page} – {}", study.title),
            None => study.title.clone(),
        };
        Self {
            lang: study.language.clone(),
            title,
            description: text::first_words(&study.summary, DESCRIPTION_WORDS),
            noindex: !study.allow_search_engines,
            assets: AssetUrls::new(links),
            study: Some(StudyNav {
                title: study.title.clone(),
                gallery: links.gallery(&study.slug),
                about: links.about(&study.slug),
                contact_name: study.contact.name.clone(),
                contact_email: study.contact.email.clone(),
            }),
            current,
            json_ld: None,
        }
    }
}

/// Plain text as paragraphs (split at blank lines) of lines (split at single
/// newlines), so templates can print `<p>` and `<br>` around escaped text.
pub struct Prose {
    /// Paragraphs, each a list of lines.
    pub paragraphs: Vec<Vec<String>>,
}

impl Prose {
    /// Splits `text` for display.
    pub fn new(text: &str) -> Self {
        Self {
            paragraphs: text::paragraphs(text)
                .iter()
                .map(|p| p.lines().map(|l| l.trim().to_owned()).collect())
                .collect(),
        }
    }

    /// [`Prose::new`] for optional text.
    pub fn optional(text: Option<&String>) -> Option<Self> {
        text.map(|t| Self::new(t))
    }
}

/// A responsive `<picture>`: WebP and JPEG sources at every width.
pub struct Picture {
    /// `srcset` of the WebP source.
    pub webp: String,
    /// `srcset` of the JPEG fallback.
    pub jpeg: String,
    /// `src` for browsers that ignore `srcset`.
    pub src: String,
    /// Intrinsic width, to reserve space before loading.
    pub width: u32,
    /// Intrinsic height.
    pub height: u32,
    /// `sizes`: how wide the image is shown.
    pub sizes: &'static str,
    /// Placeholder colour `#rrggbb`, or empty.
    pub color: String,
    /// Alt text, never empty.
    pub alt: String,
    /// Whether the browser may defer loading.
    pub lazy: bool,
}

/// Largest JPEG width used as the plain `src`.
const FALLBACK_WIDTH: u32 = 1024;

impl Picture {
    /// The picture of `entry`, or `None` for entries with no image (R).
    pub fn of(entry: &ReleaseEntry, links: Links, sizes: &'static str, lazy: bool) -> Option<Self> {
        let image = entry.image.as_ref()?;
        let alt = entry
            .texts
            .alt
            .as_deref()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or(&entry.title);
        Some(Self::new(image, links, alt, sizes, lazy))
    }

    fn new(image: &ReleaseImage, links: Links, alt: &str, sizes: &'static str, lazy: bool) -> Self {
        let srcset = |media_type: &str| {
            image
                .variants
                .iter()
                .filter(|v| v.media_type == media_type)
                .map(|v| format!("{} {}w", links.media(&v.key), v.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let jpegs = || {
            image
                .variants
                .iter()
                .filter(|v| v.media_type == "image/jpeg")
        };
        let src = jpegs()
            .rfind(|v| v.width <= FALLBACK_WIDTH)
            .or_else(|| jpegs().next())
            .or_else(|| image.variants.first())
            .map(|v| links.media(&v.key))
            .unwrap_or_default();
        let color = image.color.clone();
        let valid_color = color.len() == 7
            && color.starts_with('#')
            && color[1..].bytes().all(|b| b.is_ascii_hexdigit());
        Self {
            webp: srcset("image/webp"),
            jpeg: srcset("image/jpeg"),
            src,
            width: image.width,
            height: image.height,
            sizes,
            color: if valid_color { color } else { String::new() },
            alt: alt.to_owned(),
            lazy,
        }
    }
}

/// An entry as a card in the gallery.
pub struct EntryCard<'a> {
    /// The published entry.
    pub entry: &'a ReleaseEntry,
    /// Its page.
    pub href: String,
    /// Its picture (none for R entries).
    pub picture: Option<Picture>,
    /// The caption.
    pub caption: Prose,
    /// R entries: what the participant described.
    pub description: Option<Prose>,
}

/// How wide a card image is shown, matching the grid in `site.css`.
const CARD_SIZES: &str = "(min-width: 66em) 20rem, (min-width: 40em) 45vw, 100vw";

/// How many images at the top of the gallery load at once (the rest lazily).
const EAGER_IMAGES: usize = 3;

impl<'a> EntryCard<'a> {
    /// The card for `entry`; `shown_before` counts the cards above it on the page.
    pub fn new(study: &str, links: Links, entry: &'a ReleaseEntry, shown_before: usize) -> Self {
        Self {
            entry,
            href: links.entry(study, &entry.slug),
            picture: Picture::of(entry, links, CARD_SIZES, shown_before >= EAGER_IMAGES),
            caption: Prose::new(&entry.texts.caption),
            description: Prose::optional(entry.texts.description.as_ref()),
        }
    }
}

pub use vitrine_core::text::{iso_date, long_date};

/// The form that asks a visitor for a reflection (issue 14), on served
/// pages of a study that asks for them; a static export has no server to
/// send it to, so it never shows one.
pub struct ReflectForm {
    /// Where it is sent.
    pub action: String,
    /// The entry's public slug, or "" for the gallery.
    pub entry: String,
    /// The statement the visitor agrees to.
    pub consent: String,
    /// The question and its five answers.
    pub question: &'static str,
    /// The answers, 1 to 5.
    pub scale: [&'static str; 5],
}

impl ReflectForm {
    /// The form for `entry` (or the gallery) of `release`, when it asks for
    /// reflections and the page is served.
    pub fn of(release: &Release, entry: Option<&str>, origin: super::Origin<'_>) -> Option<Self> {
        if !matches!(origin, super::Origin::Served(_)) {
            return None;
        }
        let consent = release.study.reflection_consent.clone()?;
        Some(Self {
            action: vitrine_core::paths::reflections(&release.study.slug),
            entry: entry.unwrap_or_default().to_owned(),
            consent,
            question: vitrine_core::reflection::QUESTION,
            scale: vitrine_core::reflection::SCALE,
        })
    }
}

/// An approved reflection shown on the gallery or an entry's page (when
/// the study allows it; it is in the Release).
pub struct ShownReflection {
    /// What they wrote, in paragraphs.
    pub body: Prose,
    /// What they said they do.
    pub role: Option<String>,
    /// Their answer to [`vitrine_core::reflection::QUESTION`], in words.
    pub answer: Option<&'static str>,
    /// The day sent, `YYYY-MM-DD` and in words.
    pub date: (String, String),
}

impl ShownReflection {
    /// The reflections of `release` on the entry `slug` (or the gallery).
    pub fn on(release: &Release, slug: Option<&str>) -> Vec<Self> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        release
            .reflections_on(slug)
            .map(|r| Self {
                body: Prose::new(&r.body),
                role: r.role.clone(),
                answer: r
                    .reflects
                    .and_then(|n| vitrine_core::reflection::answer(i64::from(n))),
                date: (
                    r.date.clone(),
                    time::Date::parse(&r.date, format)
                        .map(long_date)
                        .unwrap_or_else(|_| r.date.clone()),
                ),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_splits_paragraphs_and_lines_without_touching_markup() {
        let prose = Prose::new("one <b>\ntwo\n\nthree");
        assert_eq!(
            prose.paragraphs,
            vec![
                vec!["one <b>".to_owned(), "two".to_owned()],
                vec!["three".to_owned()]
            ]
        );
    }
}
