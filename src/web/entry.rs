//! `GET /{study}/entries/{entry}`: one entry, with everything published about it.

use super::error::WebError;
use super::page::{self, origin};
use super::published::latest;
use crate::app::App;
use crate::site::entry::EntryPage;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

/// Shows one entry of the study's latest Release; 404 if it is not in it.
pub async fn show_entry(
    State(app): State<App>,
    Path((study, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let latest = latest(&app, &study).await?;
    let release = &latest.release;
    let found = release.find_entry(&slug).ok_or(WebError::NotFound)?;
    let origin = origin(&headers);
    page::render_cached(&app, &latest, &format!("entry {slug}"), &headers, || {
        EntryPage::new(release, found.prompt, found.index, origin.served())
            .ok_or(WebError::NotFound)
    })
}
