//! Discussion guides (issue 14): the study's own (how to use the gallery in a
//! discussion) and one per prompt (questions for its entries), written in
//! the small Markdown subset of [`vitrine_core::guide`] by anyone who may
//! facilitate ([`vitrine_core::Permission::Facilitate`]). They are public
//! texts: they reach the gallery with the next Release, like every other
//! text of the study.

use crate::app::Actor;
use crate::app::App;
use anyhow::Context;
use serde_json::json;
use std::collections::BTreeMap;
use vitrine_core::text::optional;
use vitrine_core::{PromptId, Study};
use vitrine_store::AuditEvent;

/// A study's discussion guides, as the workspace edits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guides {
    /// The study's own guide.
    pub study: Option<String>,
    /// The statement visitors agree to before sending a reflection; `None`
    /// when the study asks for none.
    pub reflection_consent: Option<String>,
    /// Whether approved reflections are shown on the public gallery.
    pub show_reflections: bool,
    /// Each prompt's, in gallery order.
    pub prompts: Vec<PromptGuide>,
}

/// One prompt's guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptGuide {
    /// The prompt.
    pub id: PromptId,
    /// Its short title.
    pub title: String,
    /// Its exact wording.
    pub text: String,
    /// Its guide.
    pub guide: Option<String>,
}

/// The guides form as sent: the study's guide and `(prompt, guide)` pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuidesInput {
    /// The study's guide.
    pub study: String,
    /// The reflections' consent statement ("" for no reflections).
    pub reflection_consent: String,
    /// Whether approved reflections are shown on the public gallery.
    pub show_reflections: bool,
    /// Each prompt's guide, by prompt.
    pub prompts: Vec<(PromptId, String)>,
}

/// Why guides were not saved.
#[derive(Debug, thiserror::Error)]
pub enum GuidesError {
    /// Some guides have problems; nothing was written.
    #[error("the guides have problems")]
    Invalid(GuideProblems),
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// What is wrong with the guides form, guide by guide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuideProblems {
    /// The study's guide.
    pub study: Option<String>,
    /// Prompts' guides, by prompt.
    pub prompts: BTreeMap<PromptId, String>,
    /// The form names a prompt the study no longer has.
    pub stale: bool,
}

impl GuideProblems {
    fn is_empty(&self) -> bool {
        self.study.is_none() && self.prompts.is_empty() && !self.stale
    }
}

/// The study's guides now.
pub async fn guides(app: &App, study: &Study) -> anyhow::Result<Guides> {
    let content = app
        .store
        .load_study_content(study.clone())
        .await
        .context("cannot read the study")?;
    Ok(Guides {
        study: content.study.info.discussion_guide.clone(),
        reflection_consent: content.study.info.reflection_consent.clone(),
        show_reflections: content.study.info.show_reflections,
        prompts: content
            .prompts
            .into_iter()
            .map(|p| PromptGuide {
                id: p.id,
                title: p.title,
                text: p.text,
                guide: p.guide,
            })
            .collect(),
    })
}

/// Saves the guides in `input` (a prompt not in the study is an error, so a
/// stale form cannot write elsewhere), with one audit event naming what
/// changed. Nothing is written when any guide has a problem.
pub async fn save_guides(
    app: &App,
    study: &Study,
    input: &GuidesInput,
    actor: Actor<'_>,
) -> Result<(), GuidesError> {
    let before = guides(app, study).await?;
    let mut problems = GuideProblems::default();
    let own = optional(&input.study);
    let consent = optional(&input.reflection_consent);
    if let Some(Err(e)) = own.as_deref().map(vitrine_core::guide::check) {
        problems.study = Some(format!("The study's guide cannot be saved: {e}."));
    }
    let mut prompts = Vec::new();
    for (id, text) in &input.prompts {
        let Some(prompt) = before.prompts.iter().find(|p| p.id == *id) else {
            problems.stale = true;
            continue;
        };
        let guide = optional(text);
        if let Some(Err(e)) = guide.as_deref().map(vitrine_core::guide::check) {
            problems.prompts.insert(
                *id,
                format!("The guide for \"{}\" cannot be saved: {e}.", prompt.title),
            );
        }
        if guide != prompt.guide {
            prompts.push((*id, guide));
        }
    }
    if !problems.is_empty() {
        return Err(GuidesError::Invalid(problems));
    }
    let changed_prompts: Vec<&str> = prompts
        .iter()
        .filter_map(|(id, _)| before.prompts.iter().find(|p| p.id == *id))
        .map(|p| p.title.as_str())
        .collect();
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: "study.guides".into(),
        subject: "discussion guides".into(),
        after: Some(json!({
            "study_guide_changed": own != before.study,
            "reflections": consent.is_some(),
            "consent_statement_changed": consent != before.reflection_consent,
            "show_reflections": input.show_reflections,
            "prompts_changed": changed_prompts,
        })),
        ..Default::default()
    };
    app.store
        .set_guides(
            study.id,
            own.as_deref(),
            consent.as_deref(),
            input.show_reflections,
            &prompts,
            &event,
        )
        .await
        .context("cannot save the guides")?;
    Ok(())
}
