//! `GET|POST …/entries/{entry}/withdraw` and
//! `GET|POST …/participants/{participant}/withdraw` (ETH-22, ETH-23, PRV-13).
//!
//! The GET page says exactly what withdrawing will do and that it cannot be
//! undone. The POST does it and answers with the report (200, not a
//! redirect): what was done, the copies outside Vitrine to recall and the
//! message to send to the participant. The report is shown once: the
//! withdrawn words are gone, so it cannot be rebuilt later.

use super::super::access::{Staff, StudyAccess};
use super::super::views::{AdminError, AdminLayout, render};
use super::id;
use crate::app::App;
use crate::app::withdraw::{
    Reason, WithdrawReport, purge_paths, withdraw_entry as withdraw_one,
    withdraw_participant as withdraw_all,
};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vitrine_core::{EntryId, ParticipantId};
use vitrine_store::StudyContent;

/// A reason on the form.
struct ReasonView {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin/withdraw.html", whitespace = "minimize")]
struct ConfirmPage {
    layout: AdminLayout,
    /// "this entry" or "Mary (participant p03)".
    what: String,
    back: String,
    /// Staff labels of the entries that will be withdrawn.
    entries: Vec<String>,
    /// Releases that showed them: "Release 2, published 2024-03-08".
    releases: Vec<String>,
    public_now: bool,
    participant: bool,
    already: bool,
    reasons: Vec<ReasonView>,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/withdrawn.html", whitespace = "minimize")]
struct ReportPage {
    layout: AdminLayout,
    report: WithdrawReport,
    participant: bool,
    releases: Vec<String>,
    purge_paths: Vec<String>,
    purge_configured: bool,
    dashboard: String,
}

/// The confirmation form.
#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// What is about to be withdrawn.
struct Target {
    what: String,
    back: String,
    entries: Vec<EntryId>,
    already: bool,
    participant: Option<ParticipantId>,
}

/// `GET …/entries/{entry}/withdraw`.
pub async fn show_withdraw_entry(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
) -> Result<Response, AdminError> {
    let content = crate::app::studies::content(&app, &access.study).await?;
    let target = entry_target(&access, &content, &entry)?;
    confirm(&app, &staff, &access, &content, &target, None, None).await
}

/// `GET …/participants/{participant}/withdraw`.
pub async fn show_withdraw_participant(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, participant)): Path<(String, String)>,
) -> Result<Response, AdminError> {
    let content = crate::app::studies::content(&app, &access.study).await?;
    let target = participant_target(&access, &content, &participant)?;
    confirm(&app, &staff, &access, &content, &target, None, None).await
}

/// `POST …/entries/{entry}/withdraw`.
pub async fn withdraw_entry(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AdminError> {
    let content = crate::app::studies::content(&app, &access.study).await?;
    let target = entry_target(&access, &content, &entry)?;
    withdraw(&app, &staff, &access, &content, &target, &form).await
}

/// `POST …/participants/{participant}/withdraw`.
pub async fn withdraw_participant(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, participant)): Path<(String, String)>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AdminError> {
    let content = crate::app::studies::content(&app, &access.study).await?;
    let target = participant_target(&access, &content, &participant)?;
    withdraw(&app, &staff, &access, &content, &target, &form).await
}

fn entry_target(
    access: &StudyAccess,
    content: &StudyContent,
    raw: &str,
) -> Result<Target, AdminError> {
    let id = EntryId(id(raw)?);
    let entry = content
        .entries
        .iter()
        .find(|e| e.id == id)
        .ok_or(AdminError::NotFound)?;
    Ok(Target {
        what: "this entry".into(),
        back: access.href(&format!("/entries/{}", id.0)),
        entries: vec![id],
        already: entry.withdrawn,
        participant: None,
    })
}

fn participant_target(
    access: &StudyAccess,
    content: &StudyContent,
    raw: &str,
) -> Result<Target, AdminError> {
    let id = ParticipantId(id(raw)?);
    let participant = content
        .participants
        .iter()
        .find(|p| p.id == id)
        .ok_or(AdminError::NotFound)?;
    let mine: Vec<_> = content
        .entries
        .iter()
        .filter(|e| e.participant == id)
        .collect();
    let consent_withdrawn = content
        .consents
        .get(&id)
        .is_some_and(|c| c.withdrawn_on.is_some());
    Ok(Target {
        what: format!("participant {}", participant.pseudonym),
        back: access.href(&format!("/participants/{}", id.0)),
        entries: mine.iter().filter(|e| !e.withdrawn).map(|e| e.id).collect(),
        already: consent_withdrawn && mine.iter().all(|e| e.withdrawn),
        participant: Some(id),
    })
}

async fn confirm(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    content: &StudyContent,
    target: &Target,
    chosen: Option<&str>,
    problem: Option<String>,
) -> Result<Response, AdminError> {
    let releases = crate::app::withdraw::releases_showing(app, &target.entries).await?;
    let latest = crate::app::studies::current_version(app, &access.study).await?;
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&ConfirmPage {
        layout: AdminLayout::study("Withdraw", staff, access, ""),
        what: target.what.clone(),
        back: target.back.clone(),
        entries: target
            .entries
            .iter()
            .map(|e| crate::app::publish::entry_label(content, *e))
            .collect(),
        public_now: releases.iter().any(|(v, _)| Some(*v) == latest),
        releases: releases
            .iter()
            .map(|(v, at)| release_line(*v, at))
            .collect(),
        participant: target.participant.is_some(),
        already: target.already,
        reasons: Reason::ALL
            .into_iter()
            .map(|r| ReasonView {
                code: r.code(),
                label: r.label(),
                selected: chosen == Some(r.code()),
            })
            .collect(),
        problem,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

async fn withdraw(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    content: &StudyContent,
    target: &Target,
    form: &WithdrawForm,
) -> Result<Response, AdminError> {
    let reason = Reason::parse(&form.reason);
    let problem = match (reason, form.confirm.is_some()) {
        _ if target.already => Some("This has been withdrawn already.".to_owned()),
        (None, _) => Some("Choose why it is being withdrawn.".to_owned()),
        (Some(_), false) => {
            Some("Tick the box to confirm that you understand this cannot be undone.".to_owned())
        }
        (Some(_), true) => None,
    };
    let (Some(reason), None) = (reason, problem.clone()) else {
        let chosen = Some(form.reason.as_str());
        return confirm(app, staff, access, content, target, chosen, problem).await;
    };
    let report = match (target.participant, target.entries.first()) {
        (Some(p), _) => withdraw_all(app, &access.study, p, staff.actor(), reason).await?,
        (None, Some(e)) => withdraw_one(app, &access.study, *e, staff.actor(), reason).await?,
        (None, None) => None,
    }
    .ok_or(AdminError::NotFound)?;
    render(&ReportPage {
        layout: AdminLayout::study("Withdrawn", staff, access, ""),
        participant: target.participant.is_some(),
        releases: report
            .done
            .releases
            .iter()
            .map(|r| release_line(r.version, &r.published_at))
            .collect(),
        purge_paths: purge_paths(&report.done),
        purge_configured: report.done.purge_queued,
        dashboard: access.href(""),
        report,
    })
}

/// "Release 2, published 2024-03-08".
fn release_line(version: u32, published_at: &str) -> String {
    format!(
        "Release {version}, published {}",
        published_at.get(..10).unwrap_or(published_at)
    )
}
