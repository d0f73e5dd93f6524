//! The workspace's front pages: the list of one's studies, and a study's
//! dashboard with every entry's blockers and the consents about to expire.

use super::access::{Staff, StudyAccess};
use super::views::{AdminError, AdminLayout, done, render, render_form};
use crate::app::{App, studies};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::response::Response;
use serde::Deserialize;
use vitrine_core::{Date, Permission};
use vitrine_store::StudyContent;

/// Query of pages that show a confirmation after a redirect.
#[derive(Deserialize, Default)]
pub struct DoneQuery {
    /// The confirmation code.
    pub done: Option<String>,
}

/// One study in the list.
struct StudyLink {
    title: String,
    href: String,
    role: String,
}

#[derive(Template)]
#[template(path = "admin/home.html", whitespace = "minimize")]
struct HomePage {
    layout: AdminLayout,
    studies: Vec<StudyLink>,
    is_admin: bool,
    csrf: String,
    problem: Option<String>,
}

/// `GET /admin`: the studies this person works on.
pub async fn show_home(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    home(&app, &staff, query.done.as_deref(), None).await
}

async fn home(
    app: &App,
    staff: &Staff,
    done: Option<&str>,
    problem: Option<String>,
) -> Result<Response, AdminError> {
    let studies = studies::listed(app, &staff.user)
        .await?
        .into_iter()
        .map(|s| StudyLink {
            href: format!("/admin/studies/{}", s.slug),
            title: s.title,
            role: s
                .role
                .map_or("Administrator (not on the team)", |r| r.label())
                .to_owned(),
        })
        .collect();
    render_form(
        &HomePage {
            layout: AdminLayout::new("Your studies", Some(staff)).with_notice(done),
            studies,
            is_admin: staff.user.is_admin,
            csrf: staff.csrf.clone(),
            problem: problem.clone(),
        },
        problem.is_some(),
    )
}

/// The new-study form.
#[derive(Deserialize)]
pub struct NewStudy {
    title: String,
    slug: String,
    contact_name: String,
    contact_email: String,
}

/// `POST /admin/studies`: an administrator creates an empty study and becomes
/// its owner.
pub async fn create_study(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Form(form): Form<NewStudy>,
) -> Result<Response, AdminError> {
    let form = studies::NewStudy {
        title: form.title,
        slug: form.slug,
        contact_name: form.contact_name,
        contact_email: form.contact_email,
    };
    match studies::create(&app, staff.actor(), &form).await {
        Ok(slug) => Ok(done(&format!("/admin/studies/{slug}"), "created")),
        Err(studies::CreateError::Store(e)) => Err(e.into()),
        Err(problem) => home(&app, &staff, None, Some(problem.to_string())).await,
    }
}

/// One entry on the dashboard.
pub struct EntryRow {
    /// Staff label: import key and title.
    pub label: String,
    /// Workspace URL.
    pub href: String,
    /// O, O-edited, I or R.
    pub provenance: String,
    /// Pseudonym.
    pub pseudonym: String,
    /// De-identification state, as words.
    pub sign_off: String,
    /// Why it cannot be published; empty when it can.
    pub blockers: Vec<String>,
    /// Withdrawn entries are listed apart.
    pub withdrawn: bool,
}

/// A consent about to lapse.
pub struct Expiring {
    pseudonym: String,
    href: String,
    on: Date,
}

#[derive(Template)]
#[template(path = "admin/study.html", whitespace = "minimize")]
struct StudyPage {
    layout: AdminLayout,
    rows: Vec<EntryRow>,
    ready: usize,
    expiring: Vec<Expiring>,
    latest: Option<u32>,
    can_publish: bool,
    upload_href: Option<String>,
}

/// Every entry of a study with its blockers, for the dashboard and the
/// publish page.
pub fn entry_rows(content: &StudyContent, access: &StudyAccess) -> Vec<EntryRow> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut rows: Vec<EntryRow> = content
        .entries
        .iter()
        .map(|e| {
            let pseudonym = content
                .participants
                .iter()
                .find(|p| p.id == e.participant)
                .map(|p| p.pseudonym.clone())
                .unwrap_or_default();
            EntryRow {
                label: crate::app::publish::entry_label(content, e.id),
                href: access.href(&format!("/entries/{}", e.id)),
                provenance: e.provenance.code().to_owned(),
                pseudonym,
                sign_off: if e.provenance.needs_sign_off() {
                    e.sign_off.to_string()
                } else {
                    "not needed".to_owned()
                },
                blockers: vitrine_core::blockers(e, content.consents.get(&e.participant), today)
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                withdrawn: e.withdrawn,
            }
        })
        .collect();
    rows.sort_by_key(|r| r.withdrawn);
    rows
}

/// `GET /admin/studies/{study}`: the dashboard.
pub async fn show_study(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let content = studies::content(&app, &access.study).await?;
    let rows = entry_rows(&content, &access);
    let ready = rows
        .iter()
        .filter(|r| !r.withdrawn && r.blockers.is_empty())
        .count();
    let today = time::OffsetDateTime::now_utc().date();
    let horizon = today + time::Duration::days(30);
    // Consent dates are for those who may see consent (the permission table).
    let consent_visible = access.can(Permission::Consent);
    let mut expiring: Vec<Expiring> = content
        .participants
        .iter()
        .filter(|_| consent_visible)
        .filter_map(|p| {
            let consent = content.consents.get(&p.id)?;
            let on = consent.expires_on?;
            (consent.withdrawn_on.is_none() && on >= today && on <= horizon).then(|| Expiring {
                pseudonym: p.pseudonym.clone(),
                href: access.href(&format!("/participants/{}", p.id)),
                on,
            })
        })
        .collect();
    expiring.sort_by_key(|e| e.on);
    let latest = studies::current_version(&app, &access.study).await?;
    render(&StudyPage {
        layout: AdminLayout::study("Dashboard", &staff, &access, "")
            .with_notice(query.done.as_deref()),
        rows,
        ready,
        expiring,
        latest,
        can_publish: access.can(Permission::Publish),
        upload_href: access.can(Permission::Edit).then(|| access.href("/upload")),
    })
}
