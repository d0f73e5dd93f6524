//! Saving an entry's words: title, caption, the participant's quote, alt text
//! and long description (ACC-02, ACC-03), provenance, licence and themes.
//!
//! A blank caption is refused; alt-text advice is a warning, shown on the
//! entry page, never a refusal. Changing a participant's verbatim words needs
//! a reason, which the audit log keeps with the change (ETH-17).

use super::{FieldProblem, changed_fields};
use crate::app::Actor;
use crate::app::App;
use serde_json::json;
use vitrine_core::text::{clean, optional};
use vitrine_core::{Entry, EntryId, EntryTexts, Licence, Provenance, Study, ThemeId};
use vitrine_store::{AuditEvent, EntryEdit, StudyContent};

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest reason for changing a quote, in characters.
pub const MAX_REASON_CHARS: usize = 2000;

/// The entry form as sent: every field as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryInput {
    /// Title.
    pub title: String,
    /// Provenance code.
    pub provenance: String,
    /// Caption, quote, alt text and the rest, each as typed.
    pub texts: EntryTexts<String>,
    /// Why the participant's words were changed (ETH-17).
    pub quote_reason: String,
    /// Licence id, "none", or "" for not chosen yet.
    pub licence: String,
    /// Theme ids.
    pub themes: Vec<String>,
}

impl EntryInput {
    /// The form filled in with what is stored.
    pub fn from_entry(entry: &Entry) -> Self {
        Self {
            title: entry.title.clone().unwrap_or_default(),
            provenance: entry.provenance.code().to_owned(),
            texts: entry.texts.clone().map(Option::unwrap_or_default),
            quote_reason: String::new(),
            licence: entry
                .licence
                .as_ref()
                .map(|l| l.id().to_owned())
                .unwrap_or_default(),
            themes: entry.themes.iter().map(|t| t.0.to_string()).collect(),
        }
    }
}

/// Why an entry was not saved.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The form has problems; nothing was written.
    #[error("the form has problems")]
    Invalid(Vec<FieldProblem>),
    /// No such entry in this study.
    #[error("no such entry")]
    NotFound,
    /// The entry was withdrawn and can no longer be changed.
    #[error("the entry was withdrawn")]
    Withdrawn,
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// What is stored for `entry`, as an edit.
pub fn current_edit(entry: &Entry) -> EntryEdit {
    EntryEdit {
        title: entry.title.clone(),
        provenance: entry.provenance,
        texts: entry.texts.clone(),
        licence: entry.licence.clone(),
        themes: entry.themes.clone(),
    }
}

/// Checks the form against the entry as stored. Returns the edit and, when
/// the participant's words change, the reason given.
pub fn validate(
    input: &EntryInput,
    content: &StudyContent,
    entry: &Entry,
) -> Result<(EntryEdit, Option<String>), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let provenance = Provenance::parse(&input.provenance).unwrap_or_else(|| {
        problems.push(FieldProblem::new(
            "provenance",
            "Choose the provenance: O, O-edited, I or R.",
        ));
        entry.provenance
    });
    let caption = clean(&input.texts.caption);
    if caption.is_empty() {
        problems.push(FieldProblem::new(
            "caption",
            "Write a caption. It is shown with the entry in the gallery, and an entry without \
             one cannot be published.",
        ));
    }
    let title = optional(&input.title);
    if title
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_TITLE_CHARS)
    {
        problems.push(FieldProblem::new(
            "title",
            format!("Shorten the title to at most {MAX_TITLE_CHARS} characters."),
        ));
    }
    let licence = match input.licence.trim() {
        "" => None,
        raw => match Licence::parse(raw) {
            Ok(licence) => Some(licence),
            Err(why) => {
                problems.push(FieldProblem::new(
                    "licence",
                    format!("Choose a licence: {why}."),
                ));
                None
            }
        },
    };
    let mut themes = Vec::new();
    for raw in &input.themes {
        match raw.trim().parse::<i64>().map(ThemeId) {
            Ok(id) if content.themes.iter().any(|t| t.id == id) => {
                if !themes.contains(&id) {
                    themes.push(id);
                }
            }
            _ => problems.push(FieldProblem::new(
                "themes",
                "Choose themes from the list; one of them no longer exists. Reload the page.",
            )),
        }
    }
    let quote = optional(&input.texts.quote);
    let reason = optional(&input.quote_reason);
    // ETH-17: the participant's words, once recorded, change only with a reason.
    if entry.texts.quote.is_some() && quote != entry.texts.quote {
        match &reason {
            None => problems.push(FieldProblem::new(
                "quote_reason",
                "You changed the participant's own words. Say why in \"Reason for changing \
                 the participant's words\" (for example, a transcription error or their \
                 request); the reason is kept in the audit log.",
            )),
            Some(r) if r.chars().count() > MAX_REASON_CHARS => problems.push(FieldProblem::new(
                "quote_reason",
                format!("Shorten the reason to at most {MAX_REASON_CHARS} characters."),
            )),
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let edit = EntryEdit {
        title,
        provenance,
        texts: EntryTexts {
            caption,
            ..input.texts.clone().map(|text| optional(&text))
        },
        licence,
        themes,
    };
    let reason = reason.filter(|_| quote != entry.texts.quote);
    Ok((edit, reason))
}

/// The audit view of an edit: every field by name, themes by name.
fn snapshot(edit: &EntryEdit, content: &StudyContent) -> serde_json::Value {
    let themes: Vec<&str> = edit
        .themes
        .iter()
        .filter_map(|id| content.themes.iter().find(|t| t.id == *id))
        .map(|t| t.name.as_str())
        .collect();
    let mut fields = serde_json::Map::new();
    fields.insert("title".into(), json!(edit.title));
    fields.insert("provenance".into(), json!(edit.provenance.code()));
    fields.insert("caption".into(), json!(edit.texts.caption));
    for (name, text) in edit.texts.optional() {
        fields.insert(name.into(), json!(text));
    }
    fields.insert(
        "licence".into(),
        json!(edit.licence.as_ref().map(Licence::id)),
    );
    fields.insert("themes".into(), json!(themes));
    fields.into()
}

/// Saves the entry form. `Ok(false)` when nothing changed (nothing written).
/// The audit event `entry.edit` holds the changed fields only, and the reason
/// for changing a quote (ETH-17).
pub async fn save_entry(
    app: &App,
    study: &Study,
    id: EntryId,
    input: &EntryInput,
    actor: Actor<'_>,
) -> Result<bool, EditError> {
    let user = actor.account()?;
    let content = &crate::app::studies::content(app, study)
        .await
        .map_err(|e| anyhow::Error::new(e).context("cannot read the study"))?;
    let entry = content
        .entries
        .iter()
        .find(|e| e.id == id)
        .ok_or(EditError::NotFound)?;
    if entry.withdrawn {
        return Err(EditError::Withdrawn);
    }
    let (edit, reason) = validate(input, content, entry).map_err(EditError::Invalid)?;
    let current = current_edit(entry);
    if edit == current {
        return Ok(false);
    }
    let Some((before, mut after)) =
        changed_fields(&snapshot(&current, content), &snapshot(&edit, content))
    else {
        return Ok(false);
    };
    if let (Some(reason), Some(map)) = (reason, after.as_object_mut()) {
        map.insert("quote_change_reason".into(), reason.into());
    }
    let key = content.entry_keys.get(&id).map_or("?", String::as_str);
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(content.study.id),
        action: "entry.edit".into(),
        subject: format!("entry {key}"),
        before: Some(before),
        after: Some(after),
        entry: Some(id),
        participant: Some(entry.participant),
    };
    let saved = app
        .store
        .update_entry(content.study.id, id, &edit, user, &event)
        .await
        .map_err(anyhow::Error::new)?;
    if saved {
        Ok(true)
    } else {
        Err(EditError::Withdrawn)
    }
}
