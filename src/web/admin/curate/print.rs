//! Printing in the workspace (issue 14): a page listing the sessions and
//! published prompts, each with a button for photo cards and one for a
//! handout; the POST answers with the PDF. Anyone who may facilitate prints.

use super::Fields;
use crate::app::App;
use crate::app::facilitate::print::{self, Kind, PrintError, Selection};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::views::{AdminError, AdminLayout, render};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A session or prompt that can be printed.
struct Choice {
    /// `session` or `prompt`: the form field naming it.
    field: &'static str,
    value: String,
    title: String,
    entries: usize,
}

#[derive(Template)]
#[template(path = "admin/print.html", whitespace = "minimize")]
struct PrintPage {
    layout: AdminLayout,
    csrf: String,
    action: String,
    published: bool,
    sessions: Vec<Choice>,
    prompts: Vec<Choice>,
    sessions_href: String,
}

/// `GET /admin/studies/{study}/print`.
pub async fn show_print(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
) -> Result<Response, AdminError> {
    let choices = print::choices(&app, &access.study).await?;
    let choice = |field, (value, title, entries)| Choice {
        field,
        value,
        title,
        entries,
    };
    let page = PrintPage {
        layout: AdminLayout::study("Print cards and handouts", &staff, &access, "/print"),
        csrf: staff.csrf.clone(),
        action: access.href("/print"),
        published: choices.published,
        sessions: choices
            .sessions
            .into_iter()
            .map(|(id, title, n)| choice("session", (id.to_string(), title, n)))
            .collect(),
        prompts: choices
            .prompts
            .into_iter()
            .map(|p| choice("prompt", p))
            .collect(),
        sessions_href: access.href("/sessions"),
    };
    render(&page)
}

/// `POST /admin/studies/{study}/print`: `kind` is `cards` or `handout`, and
/// `session` (an id) or `prompt` (a slug) says what; answers with the PDF.
pub async fn print_pdf(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let f = Fields(fields);
    let kind = Kind::parse(&f.get("kind"))
        .ok_or_else(|| AdminError::BadRequest("Choose photo cards or a handout.".into()))?;
    let selection = match (f.get("session").trim().parse::<i64>(), f.get("prompt")) {
        (Ok(id), _) => Selection::Session(id),
        (Err(_), slug) if !slug.trim().is_empty() => Selection::Prompt(slug.trim().to_owned()),
        _ => {
            return Err(AdminError::BadRequest(
                "Choose a session or a prompt to print.".into(),
            ));
        }
    };
    let who = staff.actor();
    match print::print(
        &app,
        &access.study,
        &selection,
        kind,
        "workspace download",
        who,
    )
    .await
    {
        Ok(printed) => Ok((
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", printed.file_name),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            printed.bytes,
        )
            .into_response()),
        Err(PrintError::NotFound(_)) => Err(AdminError::NotFound),
        Err(PrintError::Nothing(why)) => Err(AdminError::BadRequest(why)),
        Err(PrintError::Busy(busy)) => Err(AdminError::Busy(busy.to_string())),
        Err(PrintError::Failed(e)) => Err(e.into()),
    }
}
