//! `GET /{study}/about`: about the study and how to use and cite its images.

use super::error::WebError;
use super::page;
use super::published::latest;
use super::views::{Current, Layout, Prose, gallery_href, iso_date, long_date, site_url};
use crate::app::App;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use vitrine_core::provenance::ALL;
use vitrine_core::{Date, Provenance, Release};

/// The about page.
#[derive(Template)]
#[template(path = "about.html", whitespace = "minimize")]
pub struct AboutPage<'a> {
    layout: Layout,
    release: &'a Release,
    summary: Prose,
    method: Option<Prose>,
    suggested_use: Option<Prose>,
    notice: Option<Prose>,
    participation_note: Option<Prose>,
    funder_disclaimer: Option<Prose>,
    fieldwork: Option<Fieldwork>,
    legend: [Provenance; 4],
    published: DateView,
    gallery_href: String,
    gallery_url: String,
    citation: String,
}

/// A date for `<time>`: the text shown and the machine form.
pub struct DateView {
    text: String,
    iso: String,
}

impl DateView {
    fn new(date: Date) -> Self {
        Self {
            text: long_date(date),
            iso: iso_date(date),
        }
    }
}

/// When fieldwork took place (either end may be unknown).
pub struct Fieldwork {
    start: Option<DateView>,
    end: Option<DateView>,
}

/// Shows the about page of the study's latest Release.
pub async fn show_about(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let latest = latest(&app, &study).await?;
    let release = &latest.release;
    let build = || {
        let info = &release.study;
        let gallery = gallery_href(&info.slug);
        let gallery_url = site_url(&headers, &gallery);
        let fieldwork =
            (info.fieldwork_start.is_some() || info.fieldwork_end.is_some()).then(|| Fieldwork {
                start: info.fieldwork_start.map(DateView::new),
                end: info.fieldwork_end.map(DateView::new),
            });
        Ok(AboutPage {
            layout: Layout::study(release, Some("About this gallery"), Current::About),
            release,
            summary: Prose::new(&info.summary),
            method: Prose::optional(info.method.as_ref()),
            suggested_use: Prose::optional(info.suggested_use.as_ref()),
            notice: Prose::optional(info.notice.as_ref()),
            participation_note: Prose::optional(info.participation_note.as_ref()),
            funder_disclaimer: Prose::optional(info.funder_disclaimer.as_ref()),
            fieldwork,
            legend: ALL,
            published: DateView::new(release.published_at.date()),
            gallery_href: gallery,
            citation: citation(release, &gallery_url),
            gallery_url,
        })
    };
    page::render_cached(&app, &latest, "about", &headers, build)
}

/// "University of Oxford (2024). Link worker retention study: Gallery of images
/// from interviewees [image gallery]. Release 1, 8 March 2024. URL"
fn citation(release: &Release, url: &str) -> String {
    let study = &release.study;
    let author = study.institution.as_deref().unwrap_or(&study.contact.name);
    let subtitle = study
        .subtitle
        .as_ref()
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    format!(
        "{author} ({}). {}{subtitle} [image gallery]. Release {}, {}. {url}",
        release.published_at.year(),
        study.title,
        release.version,
        long_date(release.published_at.date()),
    )
}
