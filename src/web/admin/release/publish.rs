//! `GET|POST /admin/studies/{study}/publish`: a preview of exactly what the
//! next Release will show, built by the same function that publishing runs
//! (nothing saved), with every entry left out and why, and what changed since
//! the latest Release; then publishing it.

use super::super::access::{Staff, StudyAccess};
use super::super::dashboard::DoneQuery;
use super::super::views::{AdminError, AdminLayout, done, render};
use crate::app::App;
use crate::app::publish::{Preview, PublishError, entry_label, preview, publish_as};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// A prompt and the entries the Release will show under it.
struct PromptView {
    title: String,
    entries: Vec<String>,
}

/// An entry left out, with its reasons.
struct LeftOut {
    label: String,
    href: String,
    reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/publish.html", whitespace = "minimize")]
struct PublishPage {
    layout: AdminLayout,
    version: u32,
    previous: Option<u32>,
    count: usize,
    prompts: Vec<PromptView>,
    left_out: Vec<LeftOut>,
    withdrawn: usize,
    added: Vec<String>,
    changed: Vec<String>,
    removed: Vec<String>,
    changelog: Vec<String>,
    problem: Option<String>,
    published: Vec<PublishedRelease>,
}

/// A published Release and its DOI form.
struct PublishedRelease {
    version: u32,
    date: String,
    doi: String,
    action: String,
}

/// The DOI form of one Release.
#[derive(Deserialize)]
pub struct DoiForm {
    doi: String,
}

/// The publish form: the version the person reviewed.
#[derive(Deserialize)]
pub struct PublishForm {
    version: u32,
}

/// `GET /admin/studies/{study}/publish`.
pub async fn show_publish(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let layout = AdminLayout::study("Publish", &staff, &access, "/publish")
        .with_notice(query.done.as_deref());
    page(&app, &access, layout, None).await
}

/// `POST /admin/studies/{study}/publish`: writes the Release the person
/// reviewed, or shows the new preview if someone published meanwhile.
pub async fn publish(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(form): Form<PublishForm>,
) -> Result<Response, AdminError> {
    match publish_as(&app, &access.study, staff.actor(), Some(form.version)).await {
        Ok(_) => Ok(done(&access.href(""), "published")),
        Err(PublishError::Conflict(_)) => {
            let layout = AdminLayout::study("Publish", &staff, &access, "/publish");
            let problem = "Someone else published a Release of this study since you opened this \
                           page, so nothing was published. Review the preview below again.";
            let mut response = page(&app, &access, layout, Some(problem.to_owned())).await?;
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(PublishError::Failed(e)) => Err(e.into()),
    }
}

async fn page(
    app: &App,
    access: &StudyAccess,
    layout: AdminLayout,
    problem: Option<String>,
) -> Result<Response, AdminError> {
    let preview = preview(app, &access.study)
        .await
        .map_err(anyhow::Error::new)?;
    render(&view(preview, access, layout, problem))
}

fn view(
    preview: Preview,
    access: &StudyAccess,
    layout: AdminLayout,
    problem: Option<String>,
) -> PublishPage {
    let release = &preview.release;
    let prompts = release
        .prompts
        .iter()
        .map(|p| PromptView {
            title: p.title.clone(),
            entries: p
                .entries
                .iter()
                .map(|e| format!("{} ({}, {})", e.title, e.pseudonym, e.provenance.code()))
                .collect(),
        })
        .collect();
    let withdrawn = preview
        .content
        .entries
        .iter()
        .filter(|e| e.withdrawn)
        .count();
    let left_out = preview
        .left_out
        .iter()
        .filter(|(id, _)| {
            !preview
                .content
                .entries
                .iter()
                .any(|e| e.id == *id && e.withdrawn)
        })
        .map(|(id, reasons)| LeftOut {
            label: entry_label(&preview.content, *id),
            href: access.href(&format!("/entries/{}", id.0)),
            reasons: reasons.iter().map(ToString::to_string).collect(),
        })
        .collect();
    PublishPage {
        layout,
        version: release.version,
        previous: preview.previous,
        count: release.entry_count(),
        prompts,
        left_out,
        withdrawn,
        added: preview.changes.added.clone(),
        changed: preview.changes.changed.clone(),
        removed: preview.changes.removed.clone(),
        changelog: release.changelog.clone(),
        problem,
        published: preview
            .published
            .iter()
            .map(|r| PublishedRelease {
                version: r.version,
                date: crate::site::views::long_date(r.published_at.date()),
                doi: r.doi.clone().unwrap_or_default(),
                action: access.href(&format!("/releases/{}/doi", r.version)),
            })
            .collect(),
    }
}

/// `POST /admin/studies/{study}/releases/{version}/doi`: records (or with
/// an empty field removes) the DOI minted for a published Release.
pub async fn save_doi(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    axum::extract::Path((_, version)): axum::extract::Path<(String, u32)>,
    Form(form): Form<DoiForm>,
) -> Result<Response, AdminError> {
    use crate::app::publish::{DoiError, set_doi};
    match set_doi(&app, &access.study, version, &form.doi, staff.actor()).await {
        Ok(_) => Ok(done(&access.href("/publish"), "doi")),
        Err(DoiError::Invalid(problem)) => {
            let layout = AdminLayout::study("Publish", &staff, &access, "/publish");
            let mut response = page(
                &app,
                &access,
                layout,
                Some(format!("Release {version}: {problem}")),
            )
            .await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(DoiError::UnknownRelease { .. }) => Err(AdminError::NotFound),
        Err(DoiError::Failed(e)) => Err(e.into()),
    }
}
