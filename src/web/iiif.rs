//! `GET /{study}/iiif/collection.json` and `GET /{study}/iiif/{prompt}.json`:
//! the latest Release as IIIF Presentation 3 ([`vitrine_core::iiif`]), for
//! IIIF viewers on any site (so with `Access-Control-Allow-Origin: *`);
//! 404 unless the study is published and the prompt has an image.

use super::error::WebError;
use super::page::{self, site_url};
use super::published::latest_release;
use crate::app::App;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use vitrine_core::iiif::{self, IiifUrls};
use vitrine_core::paths::Links;

const JSON_LD: &str =
    "application/ld+json;profile=\"http://iiif.io/api/presentation/3/context.json\"";

/// The study's Collection, or one prompt's Manifest.
pub async fn show_iiif(
    State(app): State<App>,
    Path((study, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let release = latest_release(&app, &study).await?;
    let root = format!("{}/", site_url(&headers, ""));
    let urls = IiifUrls {
        root: &root,
        links: Links::Served,
    };
    let document = if file == "collection.json" {
        iiif::collection(&release, &urls)
    } else {
        let slug = file.strip_suffix(".json").ok_or(WebError::NotFound)?;
        let prompt = release
            .prompts
            .iter()
            .find(|p| p.slug == slug)
            .ok_or(WebError::NotFound)?;
        iiif::manifest(&release, prompt, &urls).ok_or(WebError::NotFound)?
    };
    let body =
        serde_json::to_string_pretty(&document).map_err(|e| WebError::Internal(e.to_string()))?;
    let mut response =
        page::text_file(body, JSON_LD, &headers, release.study.allow_search_engines)?;
    response
        .headers_mut()
        .insert("access-control-allow-origin", HeaderValue::from_static("*"));
    Ok(response)
}
