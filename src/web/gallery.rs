//! `GET /{study}/`: a study's gallery, grouped by prompt in order.

use super::error::WebError;
use super::page;
use super::published::{latest, latest_release};
use super::views::{Current, EntryCard, Layout, Prose, gallery_href};
use crate::app::App;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use vitrine_core::{Release, ReleasePrompt};

/// The gallery page.
#[derive(Template)]
#[template(path = "gallery.html", whitespace = "minimize")]
pub struct GalleryPage<'a> {
    layout: Layout,
    release: &'a Release,
    summary: Prose,
    notice: Option<Prose>,
    participation_note: Option<Prose>,
    about_href: String,
    prompts: Vec<PromptSection<'a>>,
}

/// One prompt and its entry cards.
pub struct PromptSection<'a> {
    prompt: &'a ReleasePrompt,
    note: Option<Prose>,
    cards: Vec<EntryCard<'a>>,
}

/// Shows the gallery of the study's latest Release.
pub async fn show_gallery(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let latest = latest(&app, &study).await?;
    let release = &latest.release;
    let build = || {
        let slug = &release.study.slug;
        let mut shown = 0;
        let prompts = release
            .prompts
            .iter()
            .map(|prompt| {
                let cards = prompt
                    .entries
                    .iter()
                    .map(|entry| {
                        shown += 1;
                        EntryCard::new(slug, entry, shown - 1)
                    })
                    .collect();
                PromptSection {
                    prompt,
                    note: Prose::optional(prompt.note.as_ref()),
                    cards,
                }
            })
            .collect();
        Ok(GalleryPage {
            layout: Layout::study(release, None, Current::Gallery),
            release,
            summary: Prose::new(&release.study.summary),
            notice: Prose::optional(release.study.notice.as_ref()),
            participation_note: Prose::optional(release.study.participation_note.as_ref()),
            about_href: format!("/{slug}/about"),
            prompts,
        })
    };
    page::render_cached(&app, &latest, "gallery", &headers, build)
}

/// `GET /{study}`: sends visitors to the gallery's canonical URL, ending in `/`.
pub async fn redirect_to_gallery(
    State(app): State<App>,
    Path(study): Path<String>,
) -> Result<Response, WebError> {
    let release = latest_release(&app, &study).await?;
    Ok(
        Redirect::permanent(&percent_encode_path(&gallery_href(&release.study.slug)))
            .into_response(),
    )
}

/// Percent-encodes everything but unreserved characters and `/`, so a slug in
/// any script makes a valid `Location` header.
fn percent_encode_path(path: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_paths_encode_non_ascii_letters() {
        assert_eq!(percent_encode_path("/café/"), "/caf%C3%A9/");
        assert_eq!(percent_encode_path("/a-b/"), "/a-b/");
    }
}
