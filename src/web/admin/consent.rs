//! Participants, the consent register and identities (ETH-01, ETH-03, ETH-20,
//! PRV-01).
//!
//! The participants page lists everyone with their current consent and warns
//! people who may see identities when a pseudonym is, or contains, a real name
//! held in the identity store, without saying whose. Each participant's page (see [`participant`]) holds
//! the consent history, the form for a new record and, for owners only, the
//! identity.

mod participant;
mod record;

pub use participant::show_participant;
pub use record::{record_consent, save_identity};

use super::access::{Staff, StudyAccess};
use super::dashboard::DoneQuery;
use super::views::{AdminError, AdminLayout, done, render};
use crate::app::App;
use crate::app::consent::{FieldProblem, RegisterError, scopes_text};
use crate::app::identity::names::NameCheck;
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;
use vitrine_core::{ConsentScope, Date, Permission};

/// One participant in the table.
struct ParticipantRow {
    pseudonym: String,
    href: Option<String>,
    role: String,
    consent: String,
    web: bool,
    given_on: String,
    form_version: String,
    expires_on: String,
    withdrawn_on: String,
    entries: i64,
}

/// A consent about to lapse.
struct Expiring {
    pseudonym: String,
    href: Option<String>,
    on: Date,
}

/// The add-participant form as typed, with its problems.
#[derive(Default)]
struct AddForm {
    pseudonym: String,
    role: String,
    errors: HashMap<&'static str, String>,
}

#[derive(Template)]
#[template(path = "admin/participants.html", whitespace = "minimize")]
struct ParticipantsPage {
    layout: AdminLayout,
    rows: Vec<ParticipantRow>,
    expiring: Vec<Expiring>,
    name_warnings: Vec<String>,
    name_check_failed: bool,
    add: Option<AddForm>,
    problems: Vec<String>,
    csrf: String,
}

fn day(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Problems keyed by field, for showing beside each input.
pub(super) fn by_field(problems: &[FieldProblem]) -> HashMap<&'static str, String> {
    let mut map: HashMap<&'static str, String> = HashMap::new();
    for p in problems {
        map.entry(p.field)
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&p.message);
            })
            .or_insert_with(|| p.message.clone());
    }
    map
}

async fn participants_page(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    done_code: Option<&str>,
    add: AddForm,
    problems: Vec<String>,
) -> Result<Response, AdminError> {
    let content = crate::app::studies::content(app, &access.study).await?;
    let summaries = crate::app::consent::participants(app, &access.study).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let horizon = today + time::Duration::days(30);
    let can_consent = access.can(Permission::Consent);
    let href = |id| can_consent.then(|| access.href(&format!("/participants/{id}")));
    let mut expiring = Vec::new();
    let rows: Vec<ParticipantRow> = summaries
        .iter()
        .map(|p| {
            let consent = content.consents.get(&p.id);
            if let Some(c) = consent
                && let Some(on) = c.expires_on
                && c.withdrawn_on.is_none()
                && on >= today
                && on <= horizon
            {
                expiring.push(Expiring {
                    pseudonym: p.pseudonym.clone(),
                    href: href(p.id),
                    on,
                });
            }
            ParticipantRow {
                pseudonym: p.pseudonym.clone(),
                href: href(p.id),
                role: p.role.clone().unwrap_or_default(),
                consent: consent.map_or_else(
                    || "No consent recorded".to_owned(),
                    |c| scopes_text(&c.scopes),
                ),
                web: consent.is_some_and(|c| c.covers(ConsentScope::Web, today).is_ok()),
                given_on: day(consent.map(|c| c.given_on)),
                form_version: consent.map(|c| c.form_version.clone()).unwrap_or_default(),
                expires_on: day(consent.and_then(|c| c.expires_on)),
                withdrawn_on: day(consent.and_then(|c| c.withdrawn_on)),
                entries: p.entries,
            }
        })
        .collect();
    expiring.sort_by_key(|e| e.on);
    // Which pseudonyms are real names is said only to people who may see
    // identities (issue 10 item 7).
    let names = NameCheck::load(app, &access.study, access.can(Permission::Identity)).await;
    let pseudonyms: Vec<&str> = summaries.iter().map(|p| p.pseudonym.as_str()).collect();
    let name_warnings = names
        .matching_pseudonyms(&pseudonyms)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let name_check_failed = names.failed();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = render(&ParticipantsPage {
        layout: AdminLayout::study("Participants and consent", staff, access, "/participants")
            .with_notice(done_code),
        rows,
        expiring,
        name_warnings,
        name_check_failed,
        add: access.can(Permission::Edit).then_some(add),
        problems,
        csrf: staff.csrf.clone(),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /admin/studies/{study}/participants`: everyone in the study with
/// their current consent.
pub async fn show_participants(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    participants_page(
        &app,
        &staff,
        &access,
        query.done.as_deref(),
        AddForm::default(),
        Vec::new(),
    )
    .await
}

/// The add-participant form.
#[derive(Deserialize)]
pub struct NewParticipant {
    #[serde(default)]
    pseudonym: String,
    #[serde(default)]
    role: String,
}

/// `POST /admin/studies/{study}/participants`: adds a participant.
pub async fn add_participant(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(form): Form<NewParticipant>,
) -> Result<Response, AdminError> {
    match crate::app::consent::add_participant(
        &app,
        &access.study,
        &form.pseudonym,
        &form.role,
        staff.actor(),
    )
    .await
    {
        Ok(_) => Ok(done(&access.href("/participants"), "created")),
        Err(RegisterError::Invalid(problems)) => {
            let add = AddForm {
                pseudonym: form.pseudonym,
                role: form.role,
                errors: by_field(&problems),
            };
            let summary = problems.into_iter().map(|p| p.message).collect();
            participants_page(&app, &staff, &access, None, add, summary).await
        }
        Err(RegisterError::Failed(e)) => Err(e.into()),
    }
}
