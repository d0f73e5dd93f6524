//! `GET /{study}/present/{entry}` and `…/notes`: presenter mode (issue 14),
//! one entry at a time from the study's latest Release; 404 for an entry it
//! does not show.

use super::error::WebError;
use super::page::{self, origin};
use super::published::latest;
use crate::app::App;
use crate::site::present::{Deck, PresentPage, Slide};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

/// The slide of one entry.
pub async fn show_slide(
    State(app): State<App>,
    Path((study, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    show(&app, &study, &slug, false, &headers).await
}

/// The facilitator's notes for one entry's slide.
pub async fn show_notes(
    State(app): State<App>,
    Path((study, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    show(&app, &study, &slug, true, &headers).await
}

async fn show(
    app: &App,
    study: &str,
    slug: &str,
    notes: bool,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let latest = latest(app, study).await?;
    let release = &latest.release;
    release.find_entry(slug).ok_or(WebError::NotFound)?;
    let origin = origin(headers);
    let key = format!("{} {slug}", if notes { "notes" } else { "slide" });
    page::render_cached(app, &latest, &key, headers, || {
        PresentPage::new(release, slug, notes, origin.served()).ok_or(WebError::NotFound)
    })
}

/// `GET /{study}/shared/{token}/{n}`: slide `n` of a workshop session shared
/// by an unlisted link; 404 once the link has expired or was stopped.
pub async fn show_shared_slide(
    State(app): State<App>,
    Path((study, token, n)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    shared(&app, &study, &token, &n, false, &headers).await
}

/// `GET /{study}/shared/{token}/{n}/notes`: the facilitator's notes for it.
pub async fn show_shared_notes(
    State(app): State<App>,
    Path((study, token, n)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    shared(&app, &study, &token, &n, true, &headers).await
}

async fn shared(
    app: &App,
    study: &str,
    token: &str,
    n: &str,
    notes: bool,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let n: usize = n.parse().map_err(|_| WebError::NotFound)?;
    let presented = crate::app::facilitate::workshops::shared(app, study, token)
        .await?
        .ok_or(WebError::NotFound)?;
    let href =
        |i: usize, notes: bool| vitrine_core::paths::shared_slide(study, token, i + 1, notes);
    let gallery = vitrine_core::paths::Links::Served.gallery(study);
    let page = session_page(&presented, n, notes, &href, gallery).ok_or(WebError::NotFound)?;
    page::render(&page, headers, false)
}

/// Slide `n` (from 1) of a presented session, or its notes; `None` past the
/// end. `href` addresses slide `i` (from 0); `exit` is where leaving goes.
pub fn session_page<'a>(
    presented: &'a crate::app::facilitate::workshops::Presented,
    n: usize,
    notes: bool,
    href: &dyn Fn(usize, bool) -> String,
    exit: String,
) -> Option<PresentPage<'a>> {
    let release = &presented.current.release;
    let slides: Vec<Slide<'a>> = presented
        .slides
        .iter()
        .filter_map(|(slug, questions)| {
            let found = release.find_entry(slug)?;
            Some(Slide {
                prompt: found.prompt,
                entry: found.entry,
                questions: questions.as_deref().or(found.prompt.guide.as_deref()),
            })
        })
        .collect();
    let deck = Deck {
        slides,
        href,
        exit_href: exit,
        channel: format!("vitrine-session-{}", href(0, false)),
    };
    PresentPage::of_deck(
        release,
        &deck,
        n.checked_sub(1)?,
        notes,
        vitrine_core::paths::Links::Served,
    )
}
