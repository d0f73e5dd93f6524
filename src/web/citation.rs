//! `GET /{study}/CITATION.cff` and `GET /{study}/datacite.json`: how to cite
//! the study's latest Release, for reference managers and repositories
//! ([`vitrine_core::citation`]); 404 unless the study is published.

use super::error::WebError;
use super::page::{self, origin};
use super::published::latest_release;
use crate::app::App;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use vitrine_core::citation;
use vitrine_core::paths::Links;

/// The latest Release's `CITATION.cff`.
pub async fn show_citation_cff(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let release = latest_release(&app, &study).await?;
    let url = gallery_url(&headers, &release.study.slug);
    page::text_file(
        citation::citation_cff(&release, url.as_deref()),
        "text/plain; charset=utf-8",
        &headers,
        release.study.allow_search_engines,
    )
}

/// The latest Release's DataCite metadata record.
pub async fn show_datacite(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let release = latest_release(&app, &study).await?;
    let url = gallery_url(&headers, &release.study.slug);
    let record = citation::datacite(&release, url.as_deref());
    page::text_file(
        serde_json::to_string_pretty(&record).map_err(|e| WebError::Internal(e.to_string()))?,
        "application/json",
        &headers,
        release.study.allow_search_engines,
    )
}

fn gallery_url(headers: &HeaderMap, slug: &str) -> Option<String> {
    let gallery = Links::Served.gallery(slug);
    origin(headers).served().url(&gallery, &gallery)
}
