//! `GET /{study}/entries/{entry}`: one entry, with everything published about it.

use super::error::WebError;
use super::page;
use super::published::latest;
use super::views::{
    Current, DESCRIPTION_WORDS, Layout, Picture, Prose, entry_href, gallery_href, long_date,
    site_url,
};
use crate::app::App;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
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
}

/// A link to a neighbouring entry.
pub struct EntryLink<'a> {
    href: String,
    title: &'a str,
}

impl<'a> EntryLink<'a> {
    fn new(study: &str, entry: &'a ReleaseEntry) -> Self {
        Self {
            href: entry_href(study, &entry.slug),
            title: &entry.title,
        }
    }
}

/// Shows one entry of the study's latest Release; 404 if it is not in it.
pub async fn show_entry(
    State(app): State<App>,
    Path((study, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let latest = latest(&app, &study).await?;
    let release = &latest.release;
    let found = release.find_entry(&slug).ok_or(WebError::NotFound)?;
    let (entry, prompt, index) = (found.entry, found.prompt, found.index);
    let study = &release.study.slug;
    let build = || {
        let mut layout = Layout::study(release, Some(&entry.title), Current::Other);
        layout.description = text::first_words(&entry.caption, DESCRIPTION_WORDS);
        Ok(EntryPage {
            layout,
            entry,
            prompt,
            picture: Picture::of(entry, ENTRY_SIZES, false),
            described_by: if entry.long_description.is_some() {
                "long-description"
            } else {
                ""
            },
            caption: Prose::new(&entry.caption),
            quote: Prose::optional(entry.quote.as_ref()),
            description: Prose::optional(entry.description.as_ref()),
            long_description: Prose::optional(entry.long_description.as_ref()),
            provenance_note: Prose::optional(entry.provenance_note.as_ref()),
            themes: release
                .themes
                .iter()
                .filter(|t| entry.themes.contains(&t.slug))
                .collect(),
            position: index + 1,
            total: prompt.entries.len(),
            previous: index
                .checked_sub(1)
                .map(|i| EntryLink::new(study, &prompt.entries[i])),
            next: prompt
                .entries
                .get(index + 1)
                .map(|e| EntryLink::new(study, e)),
            gallery_href: gallery_href(study),
            prompt_href: format!("{}#{}", gallery_href(study), prompt.slug),
            citation: citation(
                release,
                entry,
                &site_url(&headers, &entry_href(study, &entry.slug)),
            ),
        })
    };
    page::render_cached(&app, &latest, &format!("entry {slug}"), &headers, build)
}

/// "Mary (2024). Christmas bags for families. In: Link worker retention study,
/// University of Oxford. Release 1, 8 March 2024. URL"
fn citation(release: &Release, entry: &ReleaseEntry, url: &str) -> String {
    let study = &release.study;
    let institution = study
        .institution
        .as_ref()
        .map(|i| format!(", {i}"))
        .unwrap_or_default();
    format!(
        "{} ({}). {}. In: {}{institution}. Release {}, {}. {url}",
        entry.pseudonym,
        release.published_at.year(),
        entry.title,
        study.title,
        release.version,
        long_date(release.published_at.date()),
    )
}
