//! `GET /{study}/`: a study's gallery, grouped by prompt in order.

use super::error::WebError;
use super::page::{self, origin};
use super::published::{latest, latest_release};
use crate::app::App;
use crate::site::gallery::GalleryPage;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use vitrine_core::paths::Links;

/// Shows the gallery of the study's latest Release.
pub async fn show_gallery(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let latest = latest(&app, &study).await?;
    let origin = origin(&headers);
    page::render_cached(&app, &latest, "gallery", &headers, || {
        Ok(GalleryPage::new(&latest.release, origin.served()))
    })
}

/// `GET /{study}`: sends visitors to the gallery's canonical URL, ending in `/`.
pub async fn redirect_to_gallery(
    State(app): State<App>,
    Path(study): Path<String>,
) -> Result<Response, WebError> {
    let release = latest_release(&app, &study).await?;
    Ok(Redirect::permanent(&percent_encode_path(
        &Links::Served.gallery(&release.study.slug),
    ))
    .into_response())
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
