//! About the study, and how to use and cite its images.

use super::Origin;
use super::views::{Current, Layout, Prose, iso_date, long_date};
use askama::Template;
use vitrine_core::paths::Links;
use vitrine_core::provenance::ALL;
use vitrine_core::{Date, Provenance, Release, citation};

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
    releases_href: String,
    gallery_url: Option<String>,
    citation: String,
    doi: Option<String>,
    citation_cff_href: String,
    datacite_href: String,
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

impl<'a> AboutPage<'a> {
    /// The about page of `release`.
    pub fn new(release: &'a Release, origin: Origin<'_>) -> Self {
        let info = &release.study;
        let root = Links::Static { depth: 0 };
        let links = origin.links(&root.about(&info.slug));
        let gallery_url = origin.url(
            &Links::Served.gallery(&info.slug),
            &root.gallery(&info.slug),
        );
        let fieldwork =
            (info.fieldwork_start.is_some() || info.fieldwork_end.is_some()).then(|| Fieldwork {
                start: info.fieldwork_start.map(DateView::new),
                end: info.fieldwork_end.map(DateView::new),
            });
        let mut layout = Layout::study(release, links, Some("About this gallery"), Current::About);
        layout.json_ld = Some(super::views::json_ld(&citation::schema_org(
            release,
            gallery_url.as_deref(),
        )));
        AboutPage {
            layout,
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
            gallery_href: links.gallery(&info.slug),
            releases_href: links.releases(&info.slug),
            citation: citation::sentence(release, gallery_url.as_deref()),
            doi: release.doi.as_deref().map(citation::doi_url),
            citation_cff_href: links.citation_cff(&info.slug),
            datacite_href: links.datacite(&info.slug),
            gallery_url,
        }
    }
}
