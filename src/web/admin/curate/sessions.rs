//! Workshop sessions in the workspace (issue 14): the list with a form to
//! start one, a session's page (its entries in order with their questions,
//! adding, removing, renumbering, sharing by a link that expires, deleting)
//! and presenting it. Anyone who may facilitate uses them.

use super::{Fields, parse_id};
use crate::app::App;
use crate::app::facilitate::workshops::{
    self, MAX_SHARE_DAYS, Session, SessionInput, WorkshopError,
};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::dashboard::DoneQuery;
use crate::web::admin::views::{AdminError, AdminLayout, done, render_form};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use vitrine_core::EntryId;

/// A session in the list.
struct SessionRow {
    title: String,
    href: String,
    entries: usize,
    dropped: usize,
    shared_until: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/sessions.html", whitespace = "minimize")]
struct SessionsPage {
    layout: AdminLayout,
    csrf: String,
    action: String,
    sessions: Vec<SessionRow>,
    title: String,
    problem: Option<String>,
}

/// One entry of the session's form.
struct ItemRow {
    entry: i64,
    place: usize,
    title: String,
    prompt: String,
    questions: String,
    slide_href: String,
}

#[derive(Template)]
#[template(path = "admin/session.html", whitespace = "minimize")]
struct SessionPage {
    layout: AdminLayout,
    csrf: String,
    action: String,
    title: String,
    items: Vec<ItemRow>,
    dropped: usize,
    choices: Vec<(i64, String)>,
    present_href: Option<String>,
    id: i64,
    print_action: String,
    share: Option<(String, String, bool)>,
    max_days: u32,
    problem: Option<String>,
    hint: &'static str,
}

fn session_href(access: &StudyAccess, id: i64) -> String {
    access.href(&format!("/sessions/{id}"))
}

fn day(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

async fn list_page(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    notice: Option<&str>,
    refused: Option<(String, String)>,
) -> Result<Response, AdminError> {
    let sessions = workshops::sessions(app, &access.study).await?;
    let invalid = refused.is_some();
    let (title, problem) = refused.map_or((String::new(), None), |(t, p)| (t, Some(p)));
    let page = SessionsPage {
        layout: AdminLayout::study("Workshop sessions", staff, access, "/sessions")
            .with_notice(notice),
        csrf: staff.csrf.clone(),
        action: access.href("/sessions"),
        sessions: sessions
            .iter()
            .map(|s| SessionRow {
                title: s.workshop.title.clone(),
                href: session_href(access, s.workshop.id),
                entries: s.shown.len(),
                dropped: s.dropped,
                shared_until: s
                    .shared_now
                    .then(|| s.workshop.share.as_ref().map(|(_, u)| day(u)))
                    .flatten(),
            })
            .collect(),
        title,
        problem,
    };
    render_form(&page, invalid)
}

/// `GET /admin/studies/{study}/sessions`.
pub async fn show_sessions(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    list_page(&app, &staff, &access, query.done.as_deref(), None).await
}

/// `POST /admin/studies/{study}/sessions`: starts a session.
pub async fn create_session(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let title = Fields(fields).get("title");
    match workshops::create(&app, &access.study, &title, staff.actor()).await {
        Ok(id) => Ok(done(&session_href(&access, id), "created")),
        Err(WorkshopError::Invalid(why)) => {
            list_page(&app, &staff, &access, None, Some((title, why))).await
        }
        Err(e) => Err(failed(e)),
    }
}

fn failed(e: WorkshopError) -> AdminError {
    match e {
        WorkshopError::NotFound => AdminError::NotFound,
        WorkshopError::Invalid(why) => AdminError::BadRequest(why),
        WorkshopError::Failed(e) => e.into(),
    }
}

fn session_page(
    staff: &Staff,
    access: &StudyAccess,
    session: &Session,
    headers: &HeaderMap,
    notice: Option<&str>,
    problem: Option<String>,
) -> Result<Response, AdminError> {
    let id = session.workshop.id;
    let present = |n: usize| access.href(&format!("/sessions/{id}/present/{n}"));
    let share = session.workshop.share.as_ref().map(|(token, until)| {
        let path = vitrine_core::paths::shared_slide(&access.study.info.slug, token, 1, false);
        (
            crate::web::page::site_url(headers, &path),
            day(until),
            session.shared_now,
        )
    });
    let page = SessionPage {
        layout: AdminLayout::study(&session.workshop.title, staff, access, "/sessions")
            .with_notice(notice),
        csrf: staff.csrf.clone(),
        action: session_href(access, id),
        title: session.workshop.title.clone(),
        items: session
            .shown
            .iter()
            .enumerate()
            .map(|(i, s)| ItemRow {
                entry: s.entry.0,
                place: i + 1,
                title: s.title.clone(),
                prompt: s.prompt.clone(),
                questions: s.questions.clone().unwrap_or_default(),
                slide_href: present(i + 1),
            })
            .collect(),
        dropped: session.dropped,
        choices: session
            .choices
            .iter()
            .map(|(id, l)| (id.0, l.clone()))
            .collect(),
        present_href: (!session.shown.is_empty()).then(|| present(1)),
        id,
        print_action: access.href("/print"),
        share,
        max_days: MAX_SHARE_DAYS,
        problem: problem.clone(),
        hint: vitrine_core::guide::SYNTAX_HINT,
    };
    render_form(&page, problem.is_some())
}

/// `GET /admin/studies/{study}/sessions/{id}`.
pub async fn show_session(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, id)): Path<(String, String)>,
    Query(query): Query<DoneQuery>,
    headers: HeaderMap,
) -> Result<Response, AdminError> {
    let id = parse_id(&id).ok_or(AdminError::NotFound)?;
    let session = workshops::session(&app, &access.study, id)
        .await
        .map_err(failed)?;
    session_page(
        &staff,
        &access,
        &session,
        &headers,
        query.done.as_deref(),
        None,
    )
}

/// `POST /admin/studies/{study}/sessions/{id}`: `action` is `save`,
/// `share`, `unshare` or `delete`.
pub async fn change_session(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let id = parse_id(&id).ok_or(AdminError::NotFound)?;
    let f = Fields(fields);
    let study = &access.study;
    let who = staff.actor();
    let (result, code) = match f.get("action").as_str() {
        "save" => {
            let entries = f.all("entry");
            let places = f.all("place");
            let questions = f.all("questions");
            let removed = f.all("remove");
            let items = entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| {
                    let entry = EntryId(e.parse().ok()?);
                    Some((
                        entry,
                        places.get(i).cloned().unwrap_or_default(),
                        questions.get(i).cloned().unwrap_or_default(),
                        removed.contains(e),
                    ))
                })
                .collect();
            let add = f.get("add").parse().ok().map(EntryId);
            let input = SessionInput {
                title: f.get("title"),
                items,
                add,
            };
            (workshops::save(&app, study, id, &input, who).await, "saved")
        }
        "share" => {
            let days = f.get("days").trim().parse::<u32>().unwrap_or(0);
            (
                workshops::share(&app, study, id, Some(days), who).await,
                "shared",
            )
        }
        "unshare" => (
            workshops::share(&app, study, id, None, who).await,
            "unshared",
        ),
        "delete" => {
            return match workshops::delete(&app, study, id, who).await {
                Ok(()) => Ok(done(&access.href("/sessions"), "deleted")),
                Err(e) => Err(failed(e)),
            };
        }
        _ => return Err(AdminError::BadRequest("unknown action".into())),
    };
    match result {
        Ok(()) => Ok(done(&session_href(&access, id), code)),
        Err(WorkshopError::Invalid(why)) => {
            let session = workshops::session(&app, study, id).await.map_err(failed)?;
            session_page(&staff, &access, &session, &headers, None, Some(why))
        }
        Err(e) => Err(failed(e)),
    }
}

/// `GET /admin/studies/{study}/sessions/{id}/present/{n}` (and `/notes`):
/// presenting a session from the workspace.
pub async fn present_session(
    State(app): State<App>,
    Extension(access): Extension<StudyAccess>,
    Path((_, id, n)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AdminError> {
    present(&app, &access, &id, &n, false, &headers).await
}

/// The notes for a slide of a session presented from the workspace.
pub async fn present_session_notes(
    State(app): State<App>,
    Extension(access): Extension<StudyAccess>,
    Path((_, id, n)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AdminError> {
    present(&app, &access, &id, &n, true, &headers).await
}

async fn present(
    app: &App,
    access: &StudyAccess,
    id: &str,
    n: &str,
    notes: bool,
    headers: &HeaderMap,
) -> Result<Response, AdminError> {
    let id = parse_id(id).ok_or(AdminError::NotFound)?;
    let n: usize = n.parse().map_err(|_| AdminError::NotFound)?;
    let presented = workshops::present(app, &access.study, id)
        .await
        .map_err(failed)?
        .ok_or(AdminError::NotFound)?;
    let base = access.href(&format!("/sessions/{id}/present"));
    let href =
        |i: usize, notes: bool| format!("{base}/{}{}", i + 1, if notes { "/notes" } else { "" });
    let page =
        crate::web::present::session_page(&presented, n, notes, &href, session_href(access, id))
            .ok_or(AdminError::NotFound)?;
    crate::web::page::render(&page, headers, false).map_err(|e| AdminError::Internal(e.to_string()))
}
