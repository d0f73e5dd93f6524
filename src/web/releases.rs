//! `GET /{study}/releases`: every Release of a study, with its date and its
//! changelog ([`crate::site::releases`]).

use super::error::WebError;
use super::page::{self, origin};
use super::published::latest_release;
use crate::app::App;
use crate::site::releases::{ReleasesPage, rows_up_to};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

/// Lists the Releases of a study that has a published Release; 404 otherwise.
pub async fn show_releases(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let latest = latest_release(&app, &study).await?;
    let rows = rows_up_to(
        crate::app::published::history(&app, &latest.study.slug).await?,
        latest.version,
    );
    let origin = origin(&headers);
    let page = ReleasesPage::new(&latest, rows, origin.served());
    page::render(&page, &headers, latest.study.allow_search_engines)
}
