//! Every Release of a study, with its date and its changelog (PRE-05, ARC-13),
//! so a citation of "Release 2" can be placed and a visitor can tell what
//! changed. Changelogs hold counts only: a withdrawal shows as "1 entry
//! withdrawn", never what it was.

use super::Origin;
use super::views::{Current, Layout, iso_date, long_date};
use askama::Template;
use time::OffsetDateTime;
use vitrine_core::Release;
use vitrine_core::paths::Links;

/// One Release in the list.
pub struct ReleaseRow {
    version: u32,
    date: String,
    iso: String,
    changelog: Vec<String>,
    current: bool,
    doi: Option<String>,
}

impl ReleaseRow {
    /// A Release published at `published_at` with `changelog` and the DOI
    /// the team recorded for it; `current` marks the one the pages show.
    pub fn new(
        version: u32,
        published_at: OffsetDateTime,
        changelog: Vec<String>,
        doi: Option<&str>,
        current: bool,
    ) -> Self {
        Self {
            version,
            date: long_date(published_at.date()),
            iso: iso_date(published_at.date()),
            changelog,
            current,
            doi: doi.map(vitrine_core::citation::doi_url),
        }
    }
}

/// The rows of the Releases page of Release `current`: every Release up to
/// it, newest first as listed, with `current` marked.
pub fn rows_up_to(
    summaries: impl IntoIterator<Item = vitrine_store::ReleaseSummary>,
    current: u32,
) -> Vec<ReleaseRow> {
    summaries
        .into_iter()
        .filter(|r| r.version <= current)
        .map(|r| {
            ReleaseRow::new(
                r.version,
                r.published_at,
                r.changelog,
                r.doi.as_deref(),
                r.version == current,
            )
        })
        .collect()
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

impl ReleasesPage {
    /// The list `rows` (newest first) on a page of `current`'s study.
    pub fn new(current: &Release, rows: Vec<ReleaseRow>, origin: Origin<'_>) -> Self {
        let slug = &current.study.slug;
        let links = origin.links(&Links::Static { depth: 0 }.releases(slug));
        Self {
            layout: Layout::study(current, links, Some("Releases"), Current::Other),
            rows,
            gallery_href: links.gallery(slug),
            about_href: links.about(slug),
        }
    }
}
