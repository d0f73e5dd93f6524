//! `GET /`: the list of published studies.

use super::error::WebError;
use super::page;
use crate::app::App;
use crate::site::views::Layout;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use vitrine_core::paths::Links;

/// The home page.
#[derive(Template)]
#[template(path = "home.html", whitespace = "minimize")]
pub struct HomePage {
    layout: Layout,
    studies: Vec<StudyCard>,
}

/// One published study in the list.
pub struct StudyCard {
    title: String,
    subtitle: Option<String>,
    institution: Option<String>,
    lang: String,
    entries: usize,
    href: String,
}

/// Lists every study with a Release. Indexable only when every study allows it.
pub async fn show_home(State(app): State<App>, headers: HeaderMap) -> Result<Response, WebError> {
    let all = crate::app::published::all_current(&app).await?;
    let indexable = !all.is_empty() && all.iter().all(|c| c.release.study.allow_search_engines);
    page::render_cached_from_all(&app, &all, "home", &headers, indexable, || {
        let mut layout = Layout::site("Published galleries");
        layout.noindex = !indexable;
        let studies = all
            .iter()
            .map(|c| &c.release)
            .map(|release| StudyCard {
                entries: release.entry_count(),
                href: Links::Served.gallery(&release.study.slug),
                title: release.study.title.clone(),
                subtitle: release.study.subtitle.clone(),
                institution: release.study.institution.clone(),
                lang: release.study.language.clone(),
            })
            .collect();
        Ok(HomePage { layout, studies })
    })
}
