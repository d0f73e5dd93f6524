//! `GET /{study}/releases`: every Release of a study, with its date and its
//! changelog (PRE-05, ARC-13), so a citation of "Release 2" can be placed and
//! a visitor can tell what changed. Changelogs hold counts only: a withdrawal
//! shows as "1 entry withdrawn", never what it was.

use super::error::WebError;
use super::page;
use super::published::latest_release;
use super::views::{Current, Layout, gallery_href, iso_date, long_date};
use crate::app::App;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

/// One Release in the list.
pub struct ReleaseRow {
    version: u32,
    date: String,
    iso: String,
    changelog: Vec<String>,
    current: bool,
}

/// The Releases page.
#[derive(Template)]
#[template(path = "releases.html", whitespace = "minimize")]
pub struct ReleasesPage {
    layout: Layout,
    rows: Vec<ReleaseRow>,
    gallery_href: String,
    about_href: String,
}

/// Lists the Releases of a study that has a published Release; 404 otherwise.
pub async fn show_releases(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let latest = latest_release(&app, &study).await?;
    let slug = &latest.study.slug;
    let rows = app
        .store
        .list_releases(slug)
        .await?
        .into_iter()
        .map(|r| ReleaseRow {
            current: r.version == latest.version,
            version: r.version,
            date: long_date(r.published_at.date()),
            iso: iso_date(r.published_at.date()),
            changelog: r.changelog,
        })
        .collect();
    let page = ReleasesPage {
        layout: Layout::study(&latest, Some("Releases"), Current::Other),
        rows,
        gallery_href: gallery_href(slug),
        about_href: format!("/{slug}/about"),
    };
    page::render(&page, &headers, latest.study.allow_search_engines)
}
