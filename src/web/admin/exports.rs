//! `GET|POST /admin/studies/{study}/exports` and
//! `GET /admin/studies/{study}/exports/{id}/download`: make a static site or
//! an archive of a Release as a ZIP in the background, watch its progress,
//! download it, and see every export of the study. The work is
//! [`crate::app::exports::downloads`].

use super::access::{Staff, StudyAccess};
use super::dashboard::DoneQuery;
use super::views::{AdminError, AdminLayout, done, render, render_form};
use crate::app::App;
use crate::app::exports::downloads::{self, DownloadError, KINDS, Overview};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vitrine_store::Download;

#[derive(Template)]
#[template(path = "admin/exports.html", whitespace = "minimize")]
struct ExportsPage {
    layout: AdminLayout,
    problem: Option<String>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    releases: Vec<(u32, String)>,
    originals: bool,
    downloads: Vec<DownloadRow>,
    pending: bool,
    registry: Vec<RegistryRow>,
    page_href: String,
}

/// A ZIP made here, as the table shows it.
struct DownloadRow {
    id: i64,
    what: String,
    asked: String,
    /// `queued`, `running`, `ready`, `failed` or `removed`, for the script.
    code: String,
    state: String,
    /// Files written and to write, while it is being made.
    progress: Option<(u64, u64)>,
    pending: bool,
    download: Option<(String, String)>,
}

/// One export in the registry.
struct RegistryRow {
    kind: String,
    release: String,
    destination: String,
    actor: String,
    when: String,
}

/// The export form.
#[derive(Deserialize, Default)]
pub struct ExportForm {
    kind: String,
    release: String,
    #[serde(default)]
    originals: Option<String>,
}

/// `GET /admin/studies/{study}/exports`.
pub async fn show_exports(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let layout = AdminLayout::study("Exports", &staff, &access, "/exports")
        .with_notice(query.done.as_deref());
    let overview = downloads::overview(&app, &access.study).await?;
    render(&page(
        overview,
        &access,
        layout,
        None,
        &ExportForm::default(),
    ))
}

/// `POST /admin/studies/{study}/exports`: queues the ZIP and goes back to
/// the page, where its progress shows.
pub async fn request_export(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(form): Form<ExportForm>,
) -> Result<Response, AdminError> {
    let version = match form.release.trim() {
        "" | "latest" => None,
        v => Some(
            v.parse::<u32>()
                .map_err(|_| AdminError::BadRequest(format!("\"{v}\" is not a Release number.")))?,
        ),
    };
    let originals = form.originals.is_some();
    match downloads::request(
        &app,
        &access.study,
        &form.kind,
        version,
        originals,
        staff.actor(),
    )
    .await
    {
        Ok(_) => Ok(done(&access.href("/exports"), "export")),
        Err(DownloadError::Invalid(problem)) => {
            let layout = AdminLayout::study("Exports", &staff, &access, "/exports");
            let overview = downloads::overview(&app, &access.study).await?;
            render_form(&page(overview, &access, layout, Some(problem), &form), true)
        }
        Err(e) => Err(anyhow::Error::new(e).into()),
    }
}

/// `GET /admin/studies/{study}/exports/{id}/download`: the ZIP, recorded in
/// the export registry as downloaded by this person.
pub async fn download_export(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, AdminError> {
    match downloads::open(&app, &access.study, id, staff.actor()).await {
        Ok(ready) => Ok((
            [
                (header::CONTENT_TYPE, "application/zip".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", ready.file_name),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            ready.bytes,
        )
            .into_response()),
        Err(DownloadError::NotFound) => Err(AdminError::NotFound),
        Err(DownloadError::Gone(why) | DownloadError::Invalid(why)) => Err(AdminError::Gone(why)),
        Err(DownloadError::Failed(e)) => Err(e.into()),
    }
}

fn page(
    overview: Overview,
    access: &StudyAccess,
    layout: AdminLayout,
    problem: Option<String>,
    form: &ExportForm,
) -> ExportsPage {
    let chosen = if form.kind.is_empty() {
        "site"
    } else {
        form.kind.as_str()
    };
    let latest = overview.releases.first().copied();
    let releases = overview
        .releases
        .iter()
        .map(|&v| {
            let label = if Some(v) == latest {
                format!("Release {v} (the latest)")
            } else {
                format!("Release {v}")
            };
            (v, label)
        })
        .collect();
    let downloads: Vec<DownloadRow> = overview
        .downloads
        .iter()
        .map(|d| download_row(d, access))
        .collect();
    ExportsPage {
        layout,
        problem,
        kinds: KINDS
            .iter()
            .map(|(k, label)| (*k, *label, *k == chosen))
            .collect(),
        releases,
        originals: form.originals.is_some(),
        pending: downloads.iter().any(|d| d.pending),
        downloads,
        registry: overview
            .registry
            .iter()
            .map(|r| RegistryRow {
                kind: r.describe().to_owned(),
                release: match r.release_version {
                    0 => "working copy".to_owned(),
                    v => format!("Release {v}"),
                },
                destination: r.destination.clone(),
                actor: r.actor.clone(),
                when: when(&r.created_at),
            })
            .collect(),
        page_href: access.href("/exports"),
    }
}

fn download_row(d: &Download, access: &StudyAccess) -> DownloadRow {
    let mut what = format!("{}, Release {}", d.describe(), d.release_version);
    if d.originals {
        what.push_str(", with originals");
    }
    let pending = matches!(d.state.as_str(), "queued" | "running");
    let state = match d.state.as_str() {
        "queued" => "Waiting to start".to_owned(),
        "running" if d.total > 0 => {
            format!("Writing: {} of {} files", d.done.min(d.total), d.total)
        }
        "running" => "Starting".to_owned(),
        "ready" => "Ready".to_owned(),
        "failed" => format!("Not made: {}", d.problem.as_deref().unwrap_or("it failed")),
        _ => d
            .problem
            .clone()
            .unwrap_or_else(|| "No longer available".to_owned()),
    };
    DownloadRow {
        id: d.id,
        what,
        asked: format!("{}, {}", d.requested_by, when(&d.created_at)),
        code: d.state.clone(),
        state,
        progress: (d.state == "running" && d.total > 0).then_some((d.done.min(d.total), d.total)),
        pending,
        download: (d.state == "ready").then(|| {
            (
                access.href(&format!("/exports/{}/download", d.id)),
                format!(
                    "{} ({:.1} MB)",
                    d.file_name,
                    d.bytes.unwrap_or(0) as f64 / 1e6
                ),
            )
        }),
    }
}

/// "2026-12-06T22:51:03Z" as "2026-12-06 22:51 UTC".
fn when(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(head) if rfc3339.ends_with('Z') => format!("{} UTC", head.replace('T', " ")),
        _ => rfc3339.to_owned(),
    }
}
