//! The discussion guides page (issue 14): the study's guide and one per
//! prompt, written in a small Markdown subset, with a preview of each as
//! the gallery will show it. Anyone who may facilitate edits them.

use super::Fields;
use crate::app::App;
use crate::app::facilitate::{GuideProblems, GuidesError, GuidesInput, guides, save_guides};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::dashboard::DoneQuery;
use crate::web::admin::views::{AdminError, AdminLayout, done, render_form};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::response::Response;
use vitrine_core::{PromptId, guide};

/// One prompt's part of the form.
struct PromptField {
    /// The field's name and id: `guide-{prompt id}`.
    name: String,
    title: String,
    text: String,
    value: String,
    error: Option<String>,
    /// The saved guide as the gallery shows it (sanitised HTML).
    preview: Option<String>,
}

/// One line of the error summary: the field's id and what to do.
struct Problem {
    field: String,
    message: String,
}

#[derive(Template)]
#[template(path = "admin/guides.html", whitespace = "minimize")]
struct GuidesPage {
    layout: AdminLayout,
    csrf: String,
    action: String,
    hint: &'static str,
    study_value: String,
    study_error: Option<String>,
    study_preview: Option<String>,
    /// The reflections' consent statement as typed or saved.
    consent_value: String,
    /// Whether approved reflections are shown, as ticked or saved.
    show_reflections: bool,
    prompts: Vec<PromptField>,
    problems: Vec<Problem>,
    /// No guide is saved yet.
    nothing_written: bool,
}

const PREFIX: &str = "guide-";

async fn guides_page(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    notice: Option<&str>,
    refused: Option<(GuidesInput, GuideProblems)>,
) -> Result<Response, AdminError> {
    let saved = guides(app, &access.study).await?;
    let preview = |g: &Option<String>| g.as_deref().map(guide::to_html);
    let (input, problems) = refused.clone().unzip();
    let problems = problems.unwrap_or_default();
    let typed = |id: PromptId| {
        input
            .as_ref()
            .and_then(|i| i.prompts.iter().find(|(p, _)| *p == id))
            .map(|(_, v)| v.clone())
    };
    let prompts: Vec<PromptField> = saved
        .prompts
        .iter()
        .map(|p| PromptField {
            name: format!("{PREFIX}{}", p.id.0),
            title: p.title.clone(),
            text: p.text.clone(),
            value: typed(p.id).unwrap_or_else(|| p.guide.clone().unwrap_or_default()),
            error: problems.prompts.get(&p.id).cloned(),
            preview: preview(&p.guide),
        })
        .collect();
    let mut summary: Vec<Problem> = problems
        .study
        .iter()
        .map(|m| Problem {
            field: "guide".into(),
            message: m.clone(),
        })
        .collect();
    summary.extend(prompts.iter().filter_map(|p| {
        p.error.as_ref().map(|m| Problem {
            field: p.name.clone(),
            message: m.clone(),
        })
    }));
    if problems.stale {
        summary.push(Problem {
            field: "guide".into(),
            message: "A prompt on this page was removed meanwhile; nothing was saved. Check \
                      the guides below and save again."
                .into(),
        });
    }
    let nothing_written = saved.study.is_none() && prompts.iter().all(|p| p.preview.is_none());
    let page = GuidesPage {
        nothing_written,
        layout: AdminLayout::study("Discussion guides", staff, access, "/guides")
            .with_notice(notice),
        csrf: staff.csrf.clone(),
        action: access.href("/guides"),
        hint: guide::SYNTAX_HINT,
        study_value: input.as_ref().map_or_else(
            || saved.study.clone().unwrap_or_default(),
            |i| i.study.clone(),
        ),
        study_error: problems.study.clone(),
        consent_value: input.as_ref().map_or_else(
            || saved.reflection_consent.clone().unwrap_or_default(),
            |i| i.reflection_consent.clone(),
        ),
        show_reflections: input
            .as_ref()
            .map_or(saved.show_reflections, |i| i.show_reflections),
        study_preview: preview(&saved.study),
        prompts,
        problems: summary,
    };
    render_form(&page, refused.is_some())
}

/// `GET /admin/studies/{study}/guides`.
pub async fn show_guides(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    guides_page(&app, &staff, &access, query.done.as_deref(), None).await
}

/// `POST /admin/studies/{study}/guides`: saves every guide on the page.
pub async fn save_guides_form(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let f = Fields(fields);
    let prompts =
        f.0.iter()
            .filter_map(|(name, value)| {
                let id = name.strip_prefix(PREFIX)?.parse::<i64>().ok()?;
                Some((PromptId(id), value.clone()))
            })
            .collect();
    let input = GuidesInput {
        study: f.get("guide"),
        reflection_consent: f.get("reflection_consent"),
        show_reflections: f.get("show_reflections") == "yes",
        prompts,
    };
    match save_guides(&app, &access.study, &input, staff.actor()).await {
        Ok(()) => Ok(done(&access.href("/guides"), "saved")),
        Err(GuidesError::Invalid(problems)) => {
            guides_page(&app, &staff, &access, None, Some((input, problems))).await
        }
        Err(GuidesError::Failed(e)) => Err(e.into()),
    }
}
