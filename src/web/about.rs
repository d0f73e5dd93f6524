//! `GET /{study}/about`: about the study and how to use and cite its images.

use super::error::WebError;
use super::page::{self, origin};
use super::published::latest;
use crate::app::App;
use crate::site::about::AboutPage;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

/// Shows the about page of the study's latest Release.
pub async fn show_about(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let latest = latest(&app, &study).await?;
    let origin = origin(&headers);
    page::render_cached(&app, &latest, "about", &headers, || {
        Ok(AboutPage::new(&latest.release, origin.served()))
    })
}
