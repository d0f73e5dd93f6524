//! Visitors' reflections in the workspace (issue 14): the moderation queue
//! (approve or reject each), the approved ones, and their CSV and JSON
//! exports for analysis. Anyone who may facilitate moderates.

use super::Fields;
use crate::app::App;
use crate::app::facilitate::reflections::{self, Shown};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::dashboard::DoneQuery;
use crate::web::admin::views::{AdminError, AdminLayout, done, render};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// One reflection on the page.
struct Row {
    id: i64,
    about: String,
    answer: String,
    role: String,
    body: String,
    given: String,
}

impl Row {
    fn of(s: &Shown) -> Self {
        let r = &s.reflection;
        Self {
            id: r.id,
            about: s.about.clone(),
            answer: s.answer.unwrap_or("(not answered)").to_owned(),
            role: r.role.clone().unwrap_or_default(),
            body: r.body.clone(),
            given: r.created_at.get(..10).unwrap_or(&r.created_at).to_owned(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/reflections.html", whitespace = "minimize")]
struct ReflectionsPage {
    layout: AdminLayout,
    csrf: String,
    action: String,
    open: bool,
    guides_href: String,
    pending: Vec<Row>,
    approved: Vec<Row>,
    rejected: usize,
    csv_href: String,
    json_href: String,
    question: &'static str,
}

/// `GET /admin/studies/{study}/reflections`.
pub async fn show_reflections(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let (pending, approved, rejected) = reflections::queue(&app, &access.study).await?;
    render(&ReflectionsPage {
        layout: AdminLayout::study("Reflections", &staff, &access, "/reflections")
            .with_notice(query.done.as_deref()),
        csrf: staff.csrf.clone(),
        action: access.href("/reflections"),
        open: access.study.info.reflection_consent.is_some(),
        guides_href: access.href("/guides#reflections"),
        pending: pending.iter().map(Row::of).collect(),
        approved: approved.iter().map(Row::of).collect(),
        rejected,
        csv_href: access.href("/reflections.csv"),
        json_href: access.href("/reflections.json"),
        question: reflections::QUESTION,
    })
}

/// `POST /admin/studies/{study}/reflections`: `approve` or `reject` the
/// pending reflection `id`, or `take_down` an approved one.
pub async fn moderate_reflection(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let f = Fields(fields);
    let id: i64 = f
        .get("id")
        .parse()
        .map_err(|_| AdminError::BadRequest("Choose a reflection to moderate.".into()))?;
    let done_now = match f.get("decision").as_str() {
        "approve" => reflections::moderate(&app, &access.study, id, true, staff.actor()).await?,
        "reject" => reflections::moderate(&app, &access.study, id, false, staff.actor()).await?,
        "take_down" => reflections::take_down(&app, &access.study, id, staff.actor()).await?,
        _ => {
            return Err(AdminError::BadRequest(
                "Approve, reject or take down the reflection.".into(),
            ));
        }
    };
    if done_now {
        Ok(done(&access.href("/reflections"), "saved"))
    } else {
        Err(AdminError::Gone(
            "That reflection was moderated or taken down meanwhile, or left with its withdrawn \
             entry; the page shows where things stand now."
                .into(),
        ))
    }
}

fn attachment(bytes: Vec<u8>, content_type: &str, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /admin/studies/{study}/reflections.csv`: the approved reflections.
pub async fn reflections_csv(
    State(app): State<App>,
    Extension(access): Extension<StudyAccess>,
) -> Result<Response, AdminError> {
    let bytes = reflections::export_csv(&app, &access.study).await?;
    let name = format!("{}-reflections.csv", access.study.info.slug);
    Ok(attachment(bytes, "text/csv; charset=utf-8", name))
}

/// `GET /admin/studies/{study}/reflections.json`: the same, with the data
/// dictionary.
pub async fn reflections_json(
    State(app): State<App>,
    Extension(access): Extension<StudyAccess>,
) -> Result<Response, AdminError> {
    let value = reflections::export_json(&app, &access.study).await?;
    let bytes = serde_json::to_vec_pretty(&value)
        .map_err(|e| AdminError::Internal(format!("cannot write JSON: {e}")))?;
    let name = format!("{}-reflections.json", access.study.info.slug);
    Ok(attachment(bytes, "application/json", name))
}
