//! Images from the workspace: replacing an entry's image, and uploads that
//! become new draft entries. Both use the folder import's ingest
//! ([`crate::app::ingest`]): decode, orient, strip, derivatives; blobs first,
//! then the rows in one audited transaction, and if that fails the blobs
//! written are removed again, so a failure leaves no orphan.
//!
//! File names are never stored: they appear only on the uploader's results page.

use super::FieldProblem;
use crate::app::Actor;
use crate::app::App;
use crate::app::ingest::{IngestError, WrittenBlobs, ingest};
use serde_json::json;
use vitrine_core::{EntryId, ParticipantId, PromptId, Provenance, Study};
use vitrine_media::MediaError;
use vitrine_store::{AuditEvent, NewImage, NewUpload, StudyContent};

/// Why an image was not stored.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// Something about the file the researcher can fix (type, size, corrupt).
    #[error("{0}")]
    File(String),
    /// No such entry in this study.
    #[error("no such entry")]
    NotFound,
    /// The entry was withdrawn.
    #[error("the entry was withdrawn and can no longer be changed")]
    Withdrawn,
    /// An R entry shows no image.
    #[error(
        "this entry is marked R (described only), which shows no image; change its provenance \
         first if an image should be shown"
    )]
    Described,
    /// The server's image memory budget stayed full while the upload waited
    /// ([`ImageBudget::upload_wait`](crate::app::image_budget::ImageBudget::upload_wait));
    /// nothing was kept, and trying again later works.
    #[error("{0}")]
    Busy(#[from] crate::app::image_budget::Busy),
    /// Storing failed; nothing was kept.
    #[error(
        "the image could not be stored because of a problem on the server; nothing was saved, \
         please try again"
    )]
    Failed(#[source] anyhow::Error),
}

impl ImageError {
    /// The error for a file larger than the limit (`size` bytes).
    pub fn too_large(app: &App, size: u64) -> Self {
        Self::File(
            MediaError::FileTooLarge {
                size,
                limit: app.settings.limits.max_bytes,
            }
            .to_string(),
        )
    }
}

/// The image's hash and, unless an identical image is stored already, the
/// new image rows with the blobs written for them.
pub(super) struct Stored {
    pub(super) sha256: String,
    pub(super) new: Option<NewImage>,
    pub(super) written: WrittenBlobs,
}

/// Hashes `bytes` and, unless the same image is stored already, processes and
/// stores it through the import's ingest.
pub(super) async fn store_image(app: &App, bytes: Vec<u8>) -> Result<Stored, ImageError> {
    let size = bytes.len() as u64;
    if size > app.settings.limits.max_bytes {
        return Err(ImageError::too_large(app, size));
    }
    let sha256 = vitrine_media::sha256_hex(&bytes);
    if app
        .store
        .image_exists(&sha256)
        .await
        .map_err(|e| ImageError::Failed(e.into()))?
    {
        return Ok(Stored {
            sha256,
            new: None,
            written: WrittenBlobs::default(),
        });
    }
    let mut written = WrittenBlobs::default();
    let wait = Some(app.image_budget.upload_wait());
    match ingest(app, bytes, sha256.clone(), &mut written, wait).await {
        Ok(image) => Ok(Stored {
            sha256,
            new: Some(image),
            written,
        }),
        Err(e) => {
            written.rollback(&app.blobs).await;
            Err(match e {
                IngestError::Media(media) => ImageError::File(media.to_string()),
                IngestError::Busy(busy) => ImageError::Busy(busy),
                other => ImageError::Failed(other.into()),
            })
        }
    }
}

/// Writes the rows for a stored image with `write`; on failure removes the
/// blobs again.
async fn commit<T>(
    app: &App,
    stored: Stored,
    write: impl std::future::Future<Output = vitrine_store::Result<T>>,
) -> Result<T, ImageError> {
    match write.await {
        Ok(value) => {
            stored.written.disarm();
            crate::app::jobs::queue_image_jobs(app).await;
            Ok(value)
        }
        Err(e) => {
            stored.written.rollback(&app.blobs).await;
            Err(ImageError::Failed(e.into()))
        }
    }
}

/// Replaces an entry's image. The de-identification sign-off is void from
/// then on, since its fingerprint covers the image (ETH-08).
pub async fn replace_image(
    app: &App,
    study: &Study,
    id: EntryId,
    bytes: Vec<u8>,
    actor: Actor<'_>,
) -> Result<(), ImageError> {
    let user = actor.account().map_err(ImageError::Failed)?;
    let content = &crate::app::studies::content(app, study)
        .await
        .map_err(|e| ImageError::Failed(anyhow::Error::new(e).context("cannot read the study")))?;
    let entry = content
        .entries
        .iter()
        .find(|e| e.id == id)
        .ok_or(ImageError::NotFound)?;
    if entry.withdrawn {
        return Err(ImageError::Withdrawn);
    }
    if !entry.provenance.has_image() {
        return Err(ImageError::Described);
    }
    let stored = store_image(app, bytes).await?;
    let key = content.entry_keys.get(&id).map_or("?", String::as_str);
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(content.study.id),
        action: "entry.image".into(),
        subject: format!("entry {key}"),
        before: Some(json!({ "image_id": entry.image.as_ref().map(|i| i.id.0) })),
        after: Some(json!({ "image_sha256": stored.sha256 })),
        entry: Some(id),
        participant: None,
    };
    let sha256 = stored.sha256.clone();
    let new = stored.new.clone();
    let written =
        app.store
            .set_entry_image(content.study.id, id, &sha256, new.as_ref(), user, &event);
    if commit(app, stored, written).await? {
        Ok(())
    } else {
        Err(ImageError::Withdrawn)
    }
}

/// Where uploaded images go: the prompt, participant and provenance chosen
/// once for the whole upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadTarget {
    /// The prompt.
    pub prompt: PromptId,
    /// The participant.
    pub participant: ParticipantId,
    /// O, O-edited or I.
    pub provenance: Provenance,
}

impl UploadTarget {
    /// Checks the upload form's choices against the study.
    pub fn parse(
        content: &StudyContent,
        prompt: &str,
        participant: &str,
        provenance: &str,
    ) -> Result<Self, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let prompt = prompt
            .trim()
            .parse::<i64>()
            .ok()
            .map(PromptId)
            .filter(|id| content.prompts.iter().any(|p| p.id == *id));
        if prompt.is_none() {
            problems.push(FieldProblem::new(
                "prompt",
                "Choose the prompt the images answer.",
            ));
        }
        let participant = participant
            .trim()
            .parse::<i64>()
            .ok()
            .map(ParticipantId)
            .filter(|id| content.participants.iter().any(|p| p.id == *id));
        if participant.is_none() {
            problems.push(FieldProblem::new(
                "participant",
                "Choose the participant the images are from.",
            ));
        }
        let provenance = Provenance::parse(provenance).filter(|p| p.has_image());
        if provenance.is_none() {
            problems.push(FieldProblem::new(
                "provenance",
                "Choose the provenance: O, O-edited or I (R entries have no image).",
            ));
        }
        match (prompt, participant, provenance) {
            (Some(prompt), Some(participant), Some(provenance)) if problems.is_empty() => {
                Ok(Self {
                    prompt,
                    participant,
                    provenance,
                })
            }
            _ => Err(problems),
        }
    }
}

/// A draft entry made from one uploaded image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    /// The entry.
    pub id: EntryId,
    /// Its import key.
    pub key: String,
    /// The file's metadata recorded where it was taken (EXIF GPS): never
    /// published, but worth a look at the picture for places.
    pub records_location: bool,
    /// How many faces the local detector suggests in a participant's photo
    /// (see [`crate::app::faces`]); `None` for an illustration, or when it
    /// could not look yet (the background job looks later).
    pub faces: Option<usize>,
}

/// Makes one uploaded image a new draft entry (caption blank: blocked until
/// a curator writes one).
pub async fn upload_image(
    app: &App,
    content: &StudyContent,
    target: UploadTarget,
    bytes: Vec<u8>,
    actor: Actor<'_>,
) -> Result<Uploaded, ImageError> {
    let user = actor.account().map_err(ImageError::Failed)?;
    let records_location = vitrine_media::records_location(&bytes);
    // Kept for the face detector, which runs once the image is stored.
    let photo = target
        .provenance
        .is_participants_photo()
        .then(|| bytes.clone());
    let stored = store_image(app, bytes).await?;
    let sha256 = stored.sha256.clone();
    let prompt = content
        .prompts
        .iter()
        .find(|p| p.id == target.prompt)
        .map(|p| p.title.as_str());
    let pseudonym = content
        .participants
        .iter()
        .find(|p| p.id == target.participant)
        .map(|p| p.pseudonym.as_str());
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(content.study.id),
        action: "entry.upload".into(),
        after: Some(json!({
            "prompt": prompt,
            "participant": pseudonym,
            "provenance": target.provenance.code(),
            "image_sha256": stored.sha256,
        })),
        participant: Some(target.participant),
        ..Default::default()
    };
    let upload = NewUpload {
        prompt: target.prompt,
        participant: target.participant,
        provenance: target.provenance,
        image_sha256: stored.sha256.clone(),
    };
    let new = stored.new.clone();
    let written =
        app.store
            .create_uploaded_entry(content.study.id, &upload, new.as_ref(), user, &event);
    let (id, key) = commit(app, stored, written).await?;
    let faces = match photo {
        Some(bytes) => {
            let wait = Some(app.image_budget.upload_wait());
            crate::app::faces::look(app, &sha256, bytes, wait)
                .await
                .map(|f| f.len())
        }
        None => None,
    };
    Ok(Uploaded {
        id,
        key,
        records_location,
        faces,
    })
}

/// A stored public derivative of `image`, `width` pixels wide, when one of
/// the study's entries uses the image: its media type and bytes (JPEG before
/// WebP). Never the original. For staff pages, drafts included.
pub async fn staff_image(
    app: &App,
    study: &vitrine_core::Study,
    image: vitrine_core::ImageId,
    width: u32,
) -> vitrine_store::Result<Option<(String, vitrine_store::Bytes)>> {
    let derivatives = app.store.staff_derivatives(study.id, image).await?;
    let Some(derivative) = derivatives
        .into_iter()
        .filter(|d| d.width == width)
        .min_by_key(|d| d.media_type != "image/jpeg")
    else {
        return Ok(None);
    };
    let bytes = app
        .blobs
        .get(&vitrine_store::BlobKey::Public(derivative.key.clone()))
        .await?;
    if bytes.is_none() {
        tracing::warn!(media.key = %derivative.key, "a stored derivative has no blob");
    }
    Ok(bytes.map(|b| (derivative.media_type, b)))
}
