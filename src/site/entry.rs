//! One entry, with everything published about it.

use super::Origin;
use super::views::{
    Current, DESCRIPTION_WORDS, Layout, Picture, Prose, ReflectForm, ShownReflection, long_date,
};
use askama::Template;
use vitrine_core::paths::Links;
use vitrine_core::{Release, ReleaseEntry, ReleasePrompt, ReleaseTheme, text};

/// How wide the entry image is shown, matching `site.css`.
const ENTRY_SIZES: &str = "(min-width: 62em) 58rem, 100vw";

/// The entry page.
#[derive(Template)]
#[template(path = "entry.html", whitespace = "minimize")]
pub struct EntryPage<'a> {
    layout: Layout,
    entry: &'a ReleaseEntry,
    prompt: &'a ReleasePrompt,
    picture: Option<Picture>,
    described_by: &'static str,
    caption: Prose,
    quote: Option<Prose>,
    description: Option<Prose>,
    long_description: Option<Prose>,
    provenance_note: Option<Prose>,
    themes: Vec<&'a ReleaseTheme>,
    position: usize,
    total: usize,
    previous: Option<EntryLink<'a>>,
    next: Option<EntryLink<'a>>,
    gallery_href: String,
    prompt_href: String,
    citation: String,
    /// The reflection form, when the study asks for reflections.
    reflect: Option<ReflectForm>,
    /// Approved reflections, when the study shows them.
    reflections: Vec<ShownReflection>,
}

/// A link to a neighbouring entry.
pub struct EntryLink<'a> {
    href: String,
    title: &'a str,
}

impl<'a> EntryLink<'a> {
    fn new(study: &str, links: Links, entry: &'a ReleaseEntry) -> Self {
        Self {
            href: links.entry(study, &entry.slug),
            title: &entry.title,
        }
    }
}

impl<'a> EntryPage<'a> {
    /// The page of the entry at `index` of `prompt` in `release`; `None`
    /// when there is no such entry.
    pub fn new(
        release: &'a Release,
        prompt: &'a ReleasePrompt,
        index: usize,
        origin: Origin<'_>,
    ) -> Option<Self> {
        let entry = prompt.entries.get(index)?;
        let study = &release.study.slug;
        let file = Links::Static { depth: 0 }.entry(study, &entry.slug);
        let links = origin.links(&file);
        let mut layout = Layout::study(release, links, Some(&entry.title), Current::Other);
        layout.description = text::first_words(&entry.texts.caption, DESCRIPTION_WORDS);
        let url = origin.url(&Links::Served.entry(study, &entry.slug), &file);
        Some(EntryPage {
            layout,
            entry,
            prompt,
            picture: Picture::of(entry, links, ENTRY_SIZES, false),
            described_by: if entry.texts.long_description.is_some() {
                "long-description"
            } else {
                ""
            },
            caption: Prose::new(&entry.texts.caption),
            quote: Prose::optional(entry.texts.quote.as_ref()),
            description: Prose::optional(entry.texts.description.as_ref()),
            long_description: Prose::optional(entry.texts.long_description.as_ref()),
            provenance_note: Prose::optional(entry.texts.provenance_note.as_ref()),
            themes: release
                .themes
                .iter()
                .filter(|t| entry.themes.contains(&t.slug))
                .collect(),
            position: index + 1,
            total: prompt.entries.len(),
            previous: index
                .checked_sub(1)
                .map(|i| EntryLink::new(study, links, &prompt.entries[i])),
            next: prompt
                .entries
                .get(index + 1)
                .map(|e| EntryLink::new(study, links, e)),
            gallery_href: links.gallery(study),
            prompt_href: format!("{}#{}", links.gallery(study), prompt.slug),
            citation: citation(release, entry, url.as_deref()),
            reflect: ReflectForm::of(release, Some(&entry.slug), origin),
            reflections: ShownReflection::on(release, Some(&entry.slug)),
        })
    }
}

/// "Mary (2024). Christmas bags for families. In: Link worker retention study,
/// University of Oxford. Release 1, 8 March 2024. URL"
fn citation(release: &Release, entry: &ReleaseEntry, url: Option<&str>) -> String {
    let study = &release.study;
    let institution = study
        .institution
        .as_ref()
        .map(|i| format!(", {i}"))
        .unwrap_or_default();
    let cited = format!(
        "{} ({}). {}. In: {}{institution}. Release {}, {}.",
        entry.pseudonym,
        release.published_at.year(),
        entry.title,
        study.title,
        release.version,
        long_date(release.published_at.date()),
    );
    match url {
        Some(url) => format!("{cited} {url}"),
        None => cited,
    }
}
