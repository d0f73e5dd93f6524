//! A study's public texts and settings, its prompts (shown word for word,
//! PRE-02) and its analytic themes, edited from the workspace.

use super::{FieldProblem, changed_fields};
use crate::app::Actor;
use crate::app::App;
use serde_json::json;
use vitrine_core::text::{clean, optional};
use vitrine_core::{Funder, PromptId, Study, StudyInfo, ThemeId};
use vitrine_store::AuditEvent;

/// Why a study form was not saved.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The form has problems; nothing was written.
    #[error("the form has problems")]
    Invalid(Vec<FieldProblem>),
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<vitrine_store::StoreError> for FormError {
    fn from(e: vitrine_store::StoreError) -> Self {
        Self::Failed(e.into())
    }
}

/// The study settings form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsInput {
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Summary.
    pub summary: String,
    /// Method.
    pub method: String,
    /// Institution.
    pub institution: String,
    /// Public contact name.
    pub contact_name: String,
    /// Public contact e-mail.
    pub contact_email: String,
    /// Funder name.
    pub funder_name: String,
    /// Funder award reference.
    pub funder_award: String,
    /// Ethics approval reference.
    pub ethics_reference: String,
    /// Funder disclaimer.
    pub funder_disclaimer: String,
    /// Participation note (blank: generated from the counts).
    pub participation_note: String,
    /// Suggested use.
    pub suggested_use: String,
    /// Notice.
    pub notice: String,
    /// Language tag.
    pub language: String,
    /// Whether search engines may index the gallery.
    pub allow_search_engines: bool,
}

impl SettingsInput {
    /// The form filled in with what is stored.
    pub fn from_info(info: &StudyInfo) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            title: info.title.clone(),
            subtitle: text(&info.subtitle),
            summary: info.summary.clone(),
            method: text(&info.method),
            institution: text(&info.institution),
            contact_name: info.contact.name.clone(),
            contact_email: info.contact.email.clone(),
            funder_name: info
                .funder
                .as_ref()
                .map(|f| f.name.clone())
                .unwrap_or_default(),
            funder_award: info
                .funder
                .as_ref()
                .and_then(|f| f.award.clone())
                .unwrap_or_default(),
            ethics_reference: text(&info.ethics_reference),
            funder_disclaimer: text(&info.funder_disclaimer),
            participation_note: text(&info.participation_note),
            suggested_use: text(&info.suggested_use),
            notice: text(&info.notice),
            language: info.language.clone(),
            allow_search_engines: info.allow_search_engines,
        }
    }

    /// The study's texts with this form applied; the slug, fieldwork dates and
    /// contact role stay as they are.
    pub fn validate(&self, current: &StudyInfo) -> Result<StudyInfo, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let title = clean(&self.title);
        if title.is_empty() {
            problems.push(FieldProblem::new("title", "Give the study a title."));
        }
        let summary = clean(&self.summary);
        if summary.is_empty() {
            problems.push(FieldProblem::new(
                "summary",
                "Write a summary: a few sentences on what the study is about, shown on the \
                 gallery's first page.",
            ));
        }
        let contact_name = clean(&self.contact_name);
        if contact_name.is_empty() {
            problems.push(FieldProblem::new(
                "contact_name",
                "Give the name of the person or team visitors can contact.",
            ));
        }
        let email = clean(&self.contact_email);
        if !vitrine_core::text::is_email_address(&email) {
            problems.push(FieldProblem::new(
                "contact_email",
                "Give a public contact e-mail address, such as study@example.ac.uk.",
            ));
        }
        let language = clean(&self.language);
        if !vitrine_core::text::is_language_tag(&language) {
            problems.push(FieldProblem::new(
                "language",
                "Give the language of the gallery's texts as a tag such as en or en-GB.",
            ));
        }
        let funder_name = clean(&self.funder_name);
        let award = optional(&self.funder_award);
        if funder_name.is_empty() && award.is_some() {
            problems.push(FieldProblem::new(
                "funder_name",
                "Give the funder's name for the award reference, or clear the award.",
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut info = current.clone();
        info.title = title;
        info.subtitle = optional(&self.subtitle);
        info.summary = summary;
        info.method = optional(&self.method);
        info.institution = optional(&self.institution);
        info.contact.name = contact_name;
        info.contact.email = email;
        info.funder = (!funder_name.is_empty()).then_some(Funder {
            name: funder_name,
            award,
        });
        info.ethics_reference = optional(&self.ethics_reference);
        info.funder_disclaimer = optional(&self.funder_disclaimer);
        info.participation_note = optional(&self.participation_note);
        info.suggested_use = optional(&self.suggested_use);
        info.notice = optional(&self.notice);
        info.language = language;
        info.allow_search_engines = self.allow_search_engines;
        Ok(info)
    }
}

/// Saves the study's public texts; `Ok(false)` when nothing changed. The
/// audit event `study.settings` holds the changed fields only.
pub async fn save_settings(
    app: &App,
    study: &Study,
    input: &SettingsInput,
    actor: Actor<'_>,
) -> Result<bool, FormError> {
    let info = input.validate(&study.info).map_err(FormError::Invalid)?;
    let as_json = |i: &StudyInfo| serde_json::to_value(i).unwrap_or_default();
    let Some((before, after)) = changed_fields(&as_json(&study.info), &as_json(&info)) else {
        return Ok(false);
    };
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: "study.settings".into(),
        subject: format!("study {}", study.info.slug),
        before: Some(before),
        after: Some(after),
        ..Default::default()
    };
    app.store.update_study_info(study.id, &info, &event).await?;
    Ok(true)
}

/// The listing form as sent: the study settings that only those who may
/// manage the study change (`Permission::Manage`: owners, and instance
/// administrators whether or not they are on the team).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingInput {
    /// Public contact e-mail.
    pub contact_email: String,
    /// Whether search engines may index the gallery.
    pub allow_search_engines: bool,
}

impl ListingInput {
    /// The form filled in with what is stored.
    pub fn from_info(info: &StudyInfo) -> Self {
        Self {
            contact_email: info.contact.email.clone(),
            allow_search_engines: info.allow_search_engines,
        }
    }
}

/// Saves the public contact e-mail and search-engine listing, checked as the
/// settings form checks them, leaving the texts as they are. Returns whether
/// anything changed; the change is audited as a settings change.
pub async fn save_listing(
    app: &App,
    study: &Study,
    input: &ListingInput,
    actor: Actor<'_>,
) -> Result<bool, FormError> {
    let settings = SettingsInput {
        contact_email: input.contact_email.clone(),
        allow_search_engines: input.allow_search_engines,
        ..SettingsInput::from_info(&study.info)
    };
    save_settings(app, study, &settings, actor).await
}

/// The add-a-prompt form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromptInput {
    /// Short title.
    pub title: String,
    /// The exact wording participants were given.
    pub text: String,
    /// An optional note.
    pub note: String,
}

/// Adds a prompt after the study's others.
pub async fn add_prompt(
    app: &App,
    study: &Study,
    input: &PromptInput,
    actor: Actor<'_>,
) -> Result<PromptId, FormError> {
    let title = clean(&input.title);
    let text = clean(&input.text);
    let note = optional(&input.note);
    let mut problems = Vec::new();
    if title.is_empty() {
        problems.push(FieldProblem::new(
            "prompt_title",
            "Give the prompt a short title.",
        ));
    }
    if text.is_empty() {
        problems.push(FieldProblem::new(
            "prompt_text",
            "Give the prompt's exact wording, as participants were given it.",
        ));
    }
    if !problems.is_empty() {
        return Err(FormError::Invalid(problems));
    }
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: "prompt.add".into(),
        subject: format!("prompt {title}"),
        after: Some(json!({ "title": title, "text": text, "note": note })),
        ..Default::default()
    };
    Ok(app
        .store
        .add_prompt(study.id, &title, &text, note.as_deref(), &event)
        .await?)
}

/// Moves a prompt one place `"up"` (earlier) or `"down"`. `Ok(false)` when it
/// is already first or last, or not in the study.
pub async fn move_prompt(
    app: &App,
    study: &Study,
    prompt: PromptId,
    direction: &str,
    actor: Actor<'_>,
) -> Result<bool, FormError> {
    let up = match direction.trim() {
        "up" => true,
        "down" => false,
        _ => {
            return Err(FormError::Invalid(vec![FieldProblem::new(
                "direction",
                "Use the Move up or Move down buttons.",
            )]));
        }
    };
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: "prompt.move".into(),
        subject: format!("prompt {}", prompt.0),
        ..Default::default()
    };
    Ok(app.store.move_prompt(study.id, prompt, up, &event).await?)
}

/// The add-a-theme form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeInput {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
}

/// Adds an analytic theme; names are unique in a study (ignoring case).
pub async fn add_theme(
    app: &App,
    study: &Study,
    input: &ThemeInput,
    actor: Actor<'_>,
) -> Result<ThemeId, FormError> {
    let name = clean(&input.name);
    let description = optional(&input.description);
    if name.is_empty() {
        return Err(FormError::Invalid(vec![FieldProblem::new(
            "theme_name",
            "Give the theme a name.",
        )]));
    }
    let existing = crate::app::studies::content(app, study)
        .await
        .map_err(|e| anyhow::Error::new(e).context("cannot read the study's themes"))?
        .themes;
    if existing
        .iter()
        .any(|t| t.name.to_lowercase() == name.to_lowercase())
    {
        return Err(FormError::Invalid(vec![FieldProblem::new(
            "theme_name",
            format!("There is already a theme called \"{name}\"; choose another name."),
        )]));
    }
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: "theme.add".into(),
        subject: format!("theme {name}"),
        after: Some(json!({ "name": name, "description": description })),
        ..Default::default()
    };
    Ok(app
        .store
        .add_theme(study.id, &name, description.as_deref(), &event)
        .await?)
}
