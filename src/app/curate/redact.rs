//! The de-identification studio (issue 13): hide regions of a participant's
//! photo, crop and turn it, look at the result at full size, and apply it.
//!
//! Applying always starts from the participant's original, never from a
//! derivative or an earlier master: the original is decoded at full size,
//! the edit painted into its pixels ([`vitrine_media::redact`]), and the
//! result stored as a new private master that goes through ingest like any
//! upload, so every public size and format, the placeholder colour and the
//! thumbhash are made from the redacted pixels. The entry then shows the
//! master, is marked O-edited with the curator's note, and its
//! de-identification sign-off is void (its fingerprint covers the image).
//! The original stays in the vault byte for byte, and each version of the
//! edit is kept as data and in the audit log, so it can be reopened.

mod form;

pub use form::{EditInput, RegionInput};

use super::FieldProblem;
use super::images::{ImageError, Stored, store_image};
use crate::app::Actor;
use crate::app::App;
use crate::app::ingest::IngestError;
use serde_json::json;
use vitrine_core::redaction::{Edit, Rect};
use vitrine_core::{Entry, EntryId, Provenance, Study};
use vitrine_media::RedactOutput;
use vitrine_store::{
    AuditEvent, BlobKey, NewRedaction, RedactionBase, RedactionRecord, StudyContent,
};

/// Why the studio cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum RedactError {
    /// No such entry in this study.
    #[error("no such entry")]
    NotFound,
    /// The entry was withdrawn.
    #[error("the entry was withdrawn and can no longer be changed")]
    Withdrawn,
    /// Only a participant's photo is redacted.
    #[error(
        "only a participant's photo (provenance O or O-edited) is redacted here; an \
         illustration (I) is replaced with another image instead, and a described entry (R) \
         shows no image"
    )]
    NotAPhoto,
    /// The form has problems to fix (regions, note).
    #[error("the redaction cannot be applied as it is")]
    Invalid(Vec<FieldProblem>),
    /// The entry's image changed since the studio was opened.
    #[error(
        "the entry's image was changed or redacted by someone else since this page was opened; \
         nothing was applied: open the studio again to start from the image it shows now"
    )]
    Changed,
    /// Reading, processing or storing the image failed (see
    /// [`ImageError`]), e.g. the image budget stayed full.
    #[error("{0}")]
    Image(#[from] ImageError),
}

/// What the studio shows for one entry (`base.source.records_location`
/// says whether the uploaded file recorded where it was taken).
#[derive(Debug, Clone)]
pub struct Studio {
    /// The entry's name for people: its title, or its key.
    pub label: String,
    /// Its provenance note now.
    pub note: String,
    /// The original and what the entry shows now.
    pub base: RedactionBase,
    /// Every version applied to this entry, newest first.
    pub versions: Vec<RedactionRecord>,
    /// Where the local detector suggests a face, in the original's upright
    /// pixels (see [`crate::app::faces`]); `None` when it could not run just now.
    pub faces: Option<Vec<Rect>>,
}

impl Studio {
    /// The edit to start from: the one the entry shows now, if any.
    pub fn current_edit(&self) -> Edit {
        self.base
            .applied
            .as_ref()
            .map(|r| r.edit.clone())
            .unwrap_or_default()
    }
}

/// The entry `id`, if it is not withdrawn.
fn photo(content: &StudyContent, id: EntryId) -> Result<&Entry, RedactError> {
    let entry = content
        .entries
        .iter()
        .find(|e| e.id == id)
        .ok_or(RedactError::NotFound)?;
    if entry.withdrawn {
        return Err(RedactError::Withdrawn);
    }
    Ok(entry)
}

/// Whether the studio may work on `entry`: a participant's photo (O or
/// O-edited), or an illustration shown in place of one (a substitute, so
/// the original can be redacted and shown again instead).
fn studio_may_open(entry: &Entry, base: &RedactionBase) -> bool {
    entry.provenance.is_participants_photo()
        || (entry.provenance == Provenance::Illustration
            && base.applied.as_ref().is_some_and(|a| a.substitute))
}

fn failed(e: impl Into<anyhow::Error>) -> RedactError {
    RedactError::Image(ImageError::Failed(e.into()))
}

/// What the studio shows for entry `id` of `study` (see [`Studio`]), with
/// the face suggestions.
pub async fn studio(app: &App, study: &Study, id: EntryId) -> Result<Studio, RedactError> {
    let content = load(app, study).await?;
    let mut studio = open(app, &content, id).await?;
    studio.faces =
        crate::app::faces::suggestions(app, studio.base.source.id, &studio.base.source.sha256)
            .await;
    Ok(studio)
}

async fn load(app: &App, study: &Study) -> Result<StudyContent, RedactError> {
    app.store
        .load_study_content(study.clone())
        .await
        .map_err(failed)
}

async fn open(app: &App, content: &StudyContent, id: EntryId) -> Result<Studio, RedactError> {
    let entry = photo(content, id)?;
    let key = content.entry_keys.get(&id).cloned().unwrap_or_default();
    let base = app
        .store
        .redaction_base(id)
        .await
        .map_err(failed)?
        .ok_or(RedactError::NotAPhoto)?;
    if !studio_may_open(entry, &base) {
        return Err(RedactError::NotAPhoto);
    }
    let versions = app.store.redactions(id).await.map_err(failed)?;
    Ok(Studio {
        label: entry.title.clone().unwrap_or(key),
        note: entry.texts.provenance_note.clone().unwrap_or_default(),
        base,
        versions,
        faces: None,
    })
}

/// Checks `edit` against the original's size.
fn check(base: &RedactionBase, edit: &Edit) -> Result<(), RedactError> {
    edit.check(base.source.width, base.source.height)
        .map_err(|problems| {
            RedactError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldProblem::new("regions", p.to_string()))
                    .collect(),
            )
        })
}

/// The original of entry `id` with `edit` applied, as a full-size JPEG for
/// the curator to look at (an empty edit gives the original, upright and
/// without metadata). Made on demand, within the image budget; nothing is
/// stored.
pub async fn preview(
    app: &App,
    study: &Study,
    id: EntryId,
    edit: &Edit,
) -> Result<Vec<u8>, RedactError> {
    // `open`, not `studio`: a preview needs no face suggestions.
    let studio = open(app, &load(app, study).await?, id).await?;
    check(&studio.base, edit)?;
    let original = read_original(app, &studio.base).await?;
    let redacted = crate::app::ingest::redact(
        app,
        original,
        edit.clone(),
        RedactOutput::Preview,
        Some(app.image_budget.upload_wait()),
    )
    .await
    .map_err(image_error)?;
    Ok(redacted.bytes)
}

async fn read_original(app: &App, base: &RedactionBase) -> Result<Vec<u8>, RedactError> {
    app.blobs
        .get(&BlobKey::Original(base.source.sha256.clone()))
        .await
        .map_err(failed)?
        .map(|b| b.to_vec())
        .ok_or_else(|| failed(anyhow::anyhow!("the original is missing from the vault")))
}

fn image_error(e: IngestError) -> RedactError {
    RedactError::Image(match e {
        IngestError::Media(media) => ImageError::File(media.to_string()),
        IngestError::Busy(busy) => ImageError::Busy(busy),
        other => ImageError::Failed(other.into()),
    })
}

/// Applies `edit` to entry `id`'s original with the provenance `note` (see
/// the module docs). Returns the version's number (1 for the first).
pub async fn apply(
    app: &App,
    study: &Study,
    id: EntryId,
    edit: &Edit,
    note: &str,
    actor: Actor<'_>,
) -> Result<usize, RedactError> {
    actor.account().map_err(failed)?;
    let content = load(app, study).await?;
    let content = &content;
    let studio = open(app, content, id).await?;
    let mut problems = match check(&studio.base, edit) {
        Err(RedactError::Invalid(problems)) => problems,
        _ => Vec::new(),
    };
    if edit.is_empty() {
        problems.push(FieldProblem::new(
            "regions",
            "Add at least one region, a crop or a turn: there is nothing to apply.",
        ));
    }
    let note = note.trim();
    if note.is_empty() {
        problems.push(FieldProblem::new(
            "note",
            "Say what was hidden and why, e.g. \"faces of two colleagues blurred\": visitors \
             read this note beside the photo.",
        ));
    }
    if !problems.is_empty() {
        return Err(RedactError::Invalid(problems));
    }
    let original = read_original(app, &studio.base).await?;
    let master = crate::app::ingest::redact(
        app,
        original,
        edit.clone(),
        RedactOutput::Master,
        Some(app.image_budget.upload_wait()),
    )
    .await
    .map_err(image_error)?;
    let stored = store_image(app, master.bytes).await?;
    let provenance = content
        .entries
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.provenance.code());
    let version = Version {
        action: "entry.redact",
        before: json!({ "image_id": studio.base.current.0, "provenance": provenance }),
        edit: Some(edit),
        note,
    };
    record(app, content, &studio, id, version, stored, actor).await
}

/// Shows a researcher-made illustration (`bytes`, an image file the curator
/// uploads) in place of entry `id`'s photo, with the required note on how it
/// was made: the entry becomes I, its sign-off is void, and the participant's
/// original stays private in the vault (a version in the studio's list, so
/// it can be redacted and shown again instead, and so a withdrawal deletes
/// it). Returns the version's number.
pub async fn substitute(
    app: &App,
    study: &Study,
    id: EntryId,
    bytes: Vec<u8>,
    note: &str,
    actor: Actor<'_>,
) -> Result<usize, RedactError> {
    actor.account().map_err(failed)?;
    let content = load(app, study).await?;
    let studio = open(app, &content, id).await?;
    let note = note.trim();
    if note.is_empty() {
        return Err(RedactError::Invalid(vec![FieldProblem::new(
            "substitute_note",
            "Say how the illustration was made and why it stands in for the photo, e.g. \
             \"drawn by the research team from the participant's description\": visitors \
             read this note beside it.",
        )]));
    }
    let stored = store_image(app, bytes).await?;
    let version = Version {
        action: "entry.substitute",
        before: json!({ "image_id": studio.base.current.0 }),
        edit: None,
        note,
    };
    record(app, &content, &studio, id, version, stored, actor).await
}

/// What a new version of an entry's image is, for [`record`].
struct Version<'a> {
    /// The audit action: `entry.redact` or `entry.substitute`.
    action: &'static str,
    /// The audit record's `before`.
    before: serde_json::Value,
    /// The redaction, or `None` for a substitute.
    edit: Option<&'a Edit>,
    /// The provenance note, trimmed.
    note: &'a str,
}

/// Records `version` of entry `id`, whose image `stored` holds (a master or
/// an illustration), with its audit event, in one transaction; on failure
/// removes the blobs written for it again. Returns the version's number.
async fn record(
    app: &App,
    content: &StudyContent,
    studio: &Studio,
    id: EntryId,
    version: Version<'_>,
    stored: Stored,
    actor: Actor<'_>,
) -> Result<usize, RedactError> {
    let number = studio.versions.len() + 1;
    let key = content.entry_keys.get(&id).map_or("?", String::as_str);
    let mut after = json!({
        "version": number,
        "note": version.note,
        "original_image_id": studio.base.source.id.0,
        "image_sha256": stored.sha256,
    });
    if let (Some(edit), Some(fields)) = (version.edit, after.as_object_mut()) {
        fields.insert("edit".into(), json!(edit.to_spec()));
    }
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(content.study.id),
        action: version.action.into(),
        subject: format!("entry {key}"),
        before: Some(version.before),
        after: Some(after),
        entry: Some(id),
        participant: None,
    };
    let new = NewRedaction {
        study: content.study.id,
        entry: id,
        base: &studio.base,
        edit: version.edit,
        note: version.note,
        master_sha256: &stored.sha256,
        master: stored.new.as_ref(),
        by: actor.account().map_err(failed)?,
    };
    let written = app.store.apply_redaction(new, &event).await;
    match written {
        Ok(true) => {
            stored.written.disarm();
            crate::app::jobs::queue_image_jobs(app).await;
            Ok(number)
        }
        Ok(false) => {
            stored.written.rollback(&app.blobs).await;
            Err(RedactError::Changed)
        }
        Err(e) => {
            stored.written.rollback(&app.blobs).await;
            Err(failed(e))
        }
    }
}
