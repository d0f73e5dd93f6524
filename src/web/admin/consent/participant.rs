//! One participant's page: the consent history (every record, newest first),
//! the form for a new record, and the identity section for owners.

use super::by_field;
use crate::app::App;
use crate::app::consent::{ConsentInput, FieldProblem, MAX_FORM_BYTES, METHODS};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::dashboard::DoneQuery;
use crate::web::admin::views::{AdminError, AdminLayout, render_form};
use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use std::collections::HashMap;
use vitrine_core::{ConsentScope, ParticipantId, Permission};
use vitrine_store::ParticipantSummary;

/// One record of the history.
struct HistoryRow {
    recorded: String,
    recorded_by: String,
    scopes: String,
    given_on: String,
    form_version: String,
    method: String,
    taken_by: String,
    expires_on: String,
    withdrawn_on: String,
    note: String,
    signed_form: String,
    current: bool,
}

/// A scope's checkbox.
struct ScopeBox {
    name: &'static str,
    label: &'static str,
    checked: bool,
}

/// The identity section, for those who may see it.
struct IdentitySection {
    real_name: String,
    contact: String,
    held: bool,
    unreadable: bool,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/participant.html", whitespace = "minimize")]
struct ParticipantPage {
    layout: AdminLayout,
    pseudonym: String,
    role: String,
    import_key: String,
    entries: i64,
    status: String,
    online: bool,
    history: Vec<HistoryRow>,
    scopes: Vec<ScopeBox>,
    methods: Vec<(&'static str, &'static str, bool)>,
    input: ConsentInput,
    errors: HashMap<&'static str, String>,
    problems: Vec<String>,
    consent_action: String,
    identity_action: String,
    identity: Option<IdentitySection>,
    withdraw_href: Option<String>,
    back_href: String,
    csrf: String,
    max_mb: usize,
}

/// What a re-rendered page carries from a failed POST.
#[derive(Default)]
pub(super) struct Retry {
    /// The consent form as typed.
    pub(super) input: Option<ConsentInput>,
    /// Its problems.
    pub(super) problems: Vec<FieldProblem>,
    /// The identity form as typed, with its problems.
    pub(super) identity: Option<(String, String, Vec<String>)>,
}

fn method_label(name: Option<&str>) -> String {
    METHODS.iter().find(|(n, _)| Some(*n) == name).map_or_else(
        || name.unwrap_or("not recorded").to_owned(),
        |(_, l)| (*l).to_owned(),
    )
}

/// The participant named by the path, if they belong to this study.
pub(super) async fn find(
    app: &App,
    access: &StudyAccess,
    raw: &str,
) -> Result<ParticipantSummary, AdminError> {
    let id: i64 = raw.parse().map_err(|_| AdminError::NotFound)?;
    crate::app::consent::participant(app, &access.study, ParticipantId(id))
        .await?
        .ok_or(AdminError::NotFound)
}

pub(super) async fn participant_page(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    participant: &ParticipantSummary,
    done_code: Option<&str>,
    retry: Retry,
) -> Result<Response, AdminError> {
    let today = time::OffsetDateTime::now_utc().date();
    let history = crate::app::consent::history(app, participant.id).await?;
    let (status, online) = match history.first() {
        None => (
            "No consent is recorded, so no entry of theirs can be published.".to_owned(),
            false,
        ),
        Some(c) => {
            let consent = vitrine_core::Consent {
                scopes: c.scopes.clone(),
                given_on: c.given_on,
                form_version: c.form_version.clone(),
                expires_on: c.expires_on,
                withdrawn_on: c.withdrawn_on,
            };
            match consent.covers(ConsentScope::Web, today) {
                Ok(()) => (
                    "Their current consent covers publishing online.".to_owned(),
                    true,
                ),
                Err(gap) => (
                    format!(
                        "Their current consent does not cover publishing online: {}.",
                        crate::app::consent::gap_text(&gap)
                    ),
                    false,
                ),
            }
        }
    };
    let rows = history
        .iter()
        .enumerate()
        .map(|(i, c)| HistoryRow {
            recorded: c
                .recorded_at
                .get(..16)
                .unwrap_or(&c.recorded_at)
                .replace('T', " "),
            recorded_by: c.recorded_by.clone().unwrap_or_else(|| "import".into()),
            scopes: crate::app::consent::scopes_text(&c.scopes),
            given_on: c.given_on.to_string(),
            form_version: c.form_version.clone(),
            method: method_label(c.method.as_deref()),
            taken_by: c.taken_by.clone().unwrap_or_default(),
            expires_on: c.expires_on.map(|d| d.to_string()).unwrap_or_default(),
            withdrawn_on: c.withdrawn_on.map(|d| d.to_string()).unwrap_or_default(),
            note: c.note.clone().unwrap_or_default(),
            signed_form: match c.form_key.as_deref().and_then(|k| k.rsplit_once('.')) {
                Some((_, ext)) => format!("{} on file", ext.to_uppercase()),
                None => String::new(),
            },
            current: i == 0,
        })
        .collect();
    let input = retry.input.unwrap_or_else(|| ConsentInput {
        method: "written".into(),
        ..ConsentInput::default()
    });
    let scopes = ConsentScope::ALL
        .iter()
        .map(|s| ScopeBox {
            name: s.as_str(),
            label: crate::app::consent::scope_words(*s),
            checked: input.scopes.iter().any(|x| x == s.as_str()),
        })
        .collect();
    let methods = METHODS
        .iter()
        .map(|(n, l)| (*n, *l, input.method == *n))
        .collect();
    let identity = if access.can(Permission::Identity) {
        Some(identity_section(app, staff, access, participant, retry.identity).await)
    } else {
        None
    };
    let failed =
        !retry.problems.is_empty() || identity.as_ref().is_some_and(|i| !i.problems.is_empty());
    let base = access.href(&format!("/participants/{}", participant.id));
    render_form(
        &ParticipantPage {
            layout: AdminLayout::study(&participant.pseudonym, staff, access, "/participants")
                .with_notice(done_code),
            pseudonym: participant.pseudonym.clone(),
            role: participant.role.clone().unwrap_or_default(),
            import_key: participant.import_key.clone(),
            entries: participant.entries,
            status,
            online,
            history: rows,
            scopes,
            methods,
            errors: by_field(&retry.problems),
            problems: retry.problems.into_iter().map(|p| p.message).collect(),
            input,
            consent_action: format!("{base}/consent?csrf={}", staff.csrf),
            identity_action: format!("{base}/identity"),
            identity,
            withdraw_href: access
                .can(Permission::Withdraw)
                .then(|| format!("{base}/withdraw")),
            back_href: access.href("/participants"),
            csrf: staff.csrf.clone(),
            max_mb: MAX_FORM_BYTES / 1_000_000,
        },
        failed,
    )
}

async fn identity_section(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    participant: &ParticipantSummary,
    retry: Option<(String, String, Vec<String>)>,
) -> IdentitySection {
    if let Some((real_name, contact, problems)) = retry {
        return IdentitySection {
            real_name,
            contact,
            held: participant.has_identity,
            unreadable: false,
            problems,
        };
    }
    match crate::app::identity::reveal(app, &access.study, participant.id, staff.actor()).await {
        Ok(found) => {
            let found = found.unwrap_or_default();
            IdentitySection {
                real_name: found.real_name,
                contact: found.contact,
                held: participant.has_identity,
                unreadable: false,
                problems: Vec::new(),
            }
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "cannot read an identity");
            IdentitySection {
                real_name: String::new(),
                contact: String::new(),
                held: participant.has_identity,
                unreadable: true,
                problems: Vec::new(),
            }
        }
    }
}

/// `GET /admin/studies/{study}/participants/{participant}`.
pub async fn show_participant(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, raw)): Path<(String, String)>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let participant = find(&app, &access, &raw).await?;
    participant_page(
        &app,
        &staff,
        &access,
        &participant,
        query.done.as_deref(),
        Retry::default(),
    )
    .await
}
