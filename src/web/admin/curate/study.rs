//! The study settings page: the public texts, the prompts in gallery order
//! (with add and move up/down), and the analytic themes (with add). The
//! public contact e-mail and search-engine indexing are shown here but
//! changed on the listing page ([`super::listing`]), by those who may manage
//! the study (the permission table in `vitrine_core::access`).

use super::{Fields, parse_id, problem_for};
use crate::app::App;
use crate::app::curate::FieldProblem;
use crate::app::curate::study::{
    FormError, PromptInput, SettingsInput, ThemeInput, add_prompt as add_prompt_to,
    add_theme as add_theme_to, move_prompt as move_one, save_settings as save,
};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::dashboard::DoneQuery;
use crate::web::admin::views::{AdminError, AdminLayout, done, render_form};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::Response;
use vitrine_core::{Permission, PromptId};

/// A prompt in the list.
struct PromptRow {
    title: String,
    text: String,
    note: String,
    move_action: String,
    first: bool,
    last: bool,
}

/// A theme in the list.
struct ThemeRow {
    name: String,
    description: String,
}

#[derive(Template)]
#[template(path = "admin/settings.html", whitespace = "minimize")]
struct SettingsPage {
    layout: AdminLayout,
    csrf: String,
    action: String,
    input: SettingsInput,
    problems: Vec<FieldProblem>,
    prompts: Vec<PromptRow>,
    prompt_action: String,
    prompt_input: PromptInput,
    prompt_problems: Vec<FieldProblem>,
    themes: Vec<ThemeRow>,
    theme_action: String,
    theme_input: ThemeInput,
    theme_problems: Vec<FieldProblem>,
    /// Where they change the public contact e-mail and search-engine
    /// indexing, if they may (the study settings of `Permission::Manage`).
    listing_action: Option<String>,
}

impl SettingsPage {
    fn error(&self, field: &str) -> Option<&str> {
        problem_for(&self.problems, field)
            .or_else(|| problem_for(&self.prompt_problems, field))
            .or_else(|| problem_for(&self.theme_problems, field))
    }
}

/// What to show again after a refused form.
#[derive(Default)]
struct Refused {
    settings: Option<(SettingsInput, Vec<FieldProblem>)>,
    prompt: Option<(PromptInput, Vec<FieldProblem>)>,
    theme: Option<(ThemeInput, Vec<FieldProblem>)>,
}

async fn settings_page(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    done_code: Option<&str>,
    refused: Refused,
) -> Result<Response, AdminError> {
    let content = crate::app::studies::content(app, &access.study).await?;
    let invalid = refused.settings.is_some() || refused.prompt.is_some() || refused.theme.is_some();
    let (input, problems) = refused
        .settings
        .unwrap_or_else(|| (SettingsInput::from_info(&content.study.info), Vec::new()));
    let (prompt_input, prompt_problems) = refused.prompt.unwrap_or_default();
    let (theme_input, theme_problems) = refused.theme.unwrap_or_default();
    let mut prompts: Vec<&vitrine_core::Prompt> = content.prompts.iter().collect();
    prompts.sort_by_key(|p| (p.order, p.id));
    let count = prompts.len();
    let page = SettingsPage {
        layout: AdminLayout::study("Study settings", staff, access, "/settings")
            .with_notice(done_code),
        csrf: staff.csrf.clone(),
        action: access.href("/settings"),
        input,
        problems,
        prompts: prompts
            .iter()
            .enumerate()
            .map(|(i, p)| PromptRow {
                title: p.title.clone(),
                text: p.text.clone(),
                note: p.note.clone().unwrap_or_default(),
                move_action: access.href(&format!("/prompts/{}/move", p.id.0)),
                first: i == 0,
                last: i + 1 == count,
            })
            .collect(),
        prompt_action: access.href("/prompts"),
        prompt_input,
        prompt_problems,
        themes: content
            .themes
            .iter()
            .map(|t| ThemeRow {
                name: t.name.clone(),
                description: t.description.clone().unwrap_or_default(),
            })
            .collect(),
        theme_action: access.href("/themes"),
        theme_input,
        theme_problems,
        listing_action: access
            .can(Permission::Manage)
            .then(|| access.href("/listing")),
    };
    render_form(&page, invalid)
}

/// `GET /admin/studies/{study}/settings`.
pub async fn show_settings(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    settings_page(
        &app,
        &staff,
        &access,
        query.done.as_deref(),
        Refused::default(),
    )
    .await
}

/// `POST /admin/studies/{study}/settings`: saves the public texts.
pub async fn save_settings(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let f = Fields(fields);
    let mut input = SettingsInput {
        title: f.get("title"),
        subtitle: f.get("subtitle"),
        summary: f.get("summary"),
        method: f.get("method"),
        institution: f.get("institution"),
        contact_name: f.get("contact_name"),
        contact_email: f.get("contact_email"),
        funder_name: f.get("funder_name"),
        funder_award: f.get("funder_award"),
        ethics_reference: f.get("ethics_reference"),
        funder_disclaimer: f.get("funder_disclaimer"),
        participation_note: f.get("participation_note"),
        suggested_use: f.get("suggested_use"),
        notice: f.get("notice"),
        language: f.get("language"),
        allow_search_engines: f.ticked("allow_search_engines"),
    };
    // The public contact address and search-engine indexing are study
    // settings, changed on the listing page (`Permission::Manage`); this form
    // is the texts anyone who may edit may change.
    let current = &access.study.info;
    input.contact_email = current.contact.email.clone();
    input.allow_search_engines = current.allow_search_engines;
    match save(&app, &access.study, &input, staff.actor()).await {
        Ok(_) => Ok(done(&access.href("/settings"), "saved")),
        Err(FormError::Invalid(problems)) => {
            let refused = Refused {
                settings: Some((input, problems)),
                ..Refused::default()
            };
            settings_page(&app, &staff, &access, None, refused).await
        }
        Err(FormError::Failed(e)) => Err(e.into()),
    }
}

/// The add-a-prompt form.
#[derive(serde::Deserialize)]
pub struct NewPrompt {
    #[serde(default)]
    prompt_title: String,
    #[serde(default)]
    prompt_text: String,
    #[serde(default)]
    prompt_note: String,
}

/// `POST /admin/studies/{study}/prompts`: adds a prompt at the end.
pub async fn add_prompt(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(form): Form<NewPrompt>,
) -> Result<Response, AdminError> {
    let input = PromptInput {
        title: form.prompt_title,
        text: form.prompt_text,
        note: form.prompt_note,
    };
    match add_prompt_to(&app, &access.study, &input, staff.actor()).await {
        Ok(_) => Ok(done(&access.href("/settings"), "created")),
        Err(FormError::Invalid(problems)) => {
            let refused = Refused {
                prompt: Some((input, problems)),
                ..Refused::default()
            };
            settings_page(&app, &staff, &access, None, refused).await
        }
        Err(FormError::Failed(e)) => Err(e.into()),
    }
}

/// The move buttons' form.
#[derive(serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    direction: String,
}

/// `POST /admin/studies/{study}/prompts/{prompt}/move`: one place up or down.
pub async fn move_prompt(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, prompt)): Path<(String, String)>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AdminError> {
    let prompt = PromptId(parse_id(&prompt).ok_or(AdminError::NotFound)?);
    match move_one(&app, &access.study, prompt, &form.direction, staff.actor()).await {
        Ok(_) => Ok(done(&access.href("/settings"), "moved")),
        Err(FormError::Invalid(problems)) => Err(AdminError::BadRequest(
            problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join(" "),
        )),
        Err(FormError::Failed(e)) => Err(e.into()),
    }
}

/// The add-a-theme form.
#[derive(serde::Deserialize)]
pub struct NewTheme {
    #[serde(default)]
    theme_name: String,
    #[serde(default)]
    theme_description: String,
}

/// `POST /admin/studies/{study}/themes`: adds a theme.
pub async fn add_theme(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(form): Form<NewTheme>,
) -> Result<Response, AdminError> {
    let input = ThemeInput {
        name: form.theme_name,
        description: form.theme_description,
    };
    match add_theme_to(&app, &access.study, &input, staff.actor()).await {
        Ok(_) => Ok(done(&access.href("/settings"), "created")),
        Err(FormError::Invalid(problems)) => {
            let refused = Refused {
                theme: Some((input, problems)),
                ..Refused::default()
            };
            settings_page(&app, &staff, &access, None, refused).await
        }
        Err(FormError::Failed(e)) => Err(e.into()),
    }
}
