//! Face suggestions (issue 13): where the local detector
//! ([`vitrine_media::suggest_faces`], rustface's frontal model) sees a face
//! in a participant's photo, kept per image as boxes in its upright pixels.
//! Boxes only: no face embeddings, nothing that recognises anyone, and
//! nothing leaves the machine.
//!
//! They are looked for at three moments, all through [`look`]:
//! - at upload in the workspace, so the upload's results can warn at once;
//! - by the `face_suggestions` job (queued by every import and upload, and
//!   hourly as a safety net) for photos nobody has looked at yet;
//! - when the studio opens on a photo still without them.
//!
//! The studio offers them as regions to tick; the checklist page tells the
//! reviewer how many there are. They are never applied on their own.

use crate::app::App;
use anyhow::Context;
use std::time::Duration;
use vitrine_core::redaction::Rect;
use vitrine_store::BlobKey;

/// Looks for faces in the original `bytes` named by `sha256` and keeps what
/// it finds, waiting at most `wait` for room in the image budget (`None`:
/// as long as it takes). `None`, logged, when it could not look now (the
/// budget stayed full, or the detector failed); the job tries again later.
pub async fn look(
    app: &App,
    sha256: &str,
    bytes: Vec<u8>,
    wait: Option<Duration>,
) -> Option<Vec<Rect>> {
    match crate::app::ingest::suggest_faces(app, bytes, wait).await {
        Ok(faces) => {
            if let Err(e) = app.store.set_face_suggestions(sha256, &faces).await {
                tracing::error!(error = %e, "cannot keep face suggestions");
            }
            Some(faces)
        }
        Err(e) => {
            tracing::warn!(error = %e, "no face suggestions for now");
            None
        }
    }
}

/// The face suggestions kept for the original `image` (named by `sha256`),
/// or made now within the upload's wait and kept. `None` when they cannot
/// be had now: the studio then says so instead of suggesting nothing.
pub async fn suggestions(
    app: &App,
    image: vitrine_core::ImageId,
    sha256: &str,
) -> Option<Vec<Rect>> {
    match app.store.face_suggestions(image).await {
        Ok(Some(faces)) => return Some(faces),
        Ok(None) => {}
        Err(e) => {
            tracing::error!(error = %e, "cannot read face suggestions");
            return None;
        }
    }
    let original = match app.blobs.get(&BlobKey::Original(sha256.to_owned())).await {
        Ok(Some(bytes)) => bytes.to_vec(),
        Ok(None) => {
            tracing::error!(image = %image, "the original is missing from the vault");
            return None;
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read an original");
            return None;
        }
    };
    look(app, sha256, original, Some(app.image_budget.upload_wait())).await
}

/// Looks for faces in up to `max` participants' photos nobody has looked at
/// yet (the `face_suggestions` job). Returns how many it took. A photo the
/// detector cannot read is kept with no suggestions, so it is not tried for
/// ever; an original gone from the vault (withdrawn meanwhile) is skipped.
pub async fn look_for_pending(app: &App, max: i64) -> anyhow::Result<usize> {
    let pending = app
        .store
        .images_pending_faces(max)
        .await
        .context("cannot list photos waiting for face suggestions")?;
    for (image, sha256) in &pending {
        let original = app
            .blobs
            .get(&BlobKey::Original(sha256.clone()))
            .await
            .context("cannot read an original")?;
        let Some(bytes) = original else {
            app.store
                .set_face_suggestions(sha256, &[])
                .await
                .context("cannot record face suggestions")?;
            continue;
        };
        match crate::app::ingest::suggest_faces(app, bytes.to_vec(), None).await {
            Ok(faces) => app.store.set_face_suggestions(sha256, &faces).await,
            Err(crate::app::ingest::IngestError::Media(e)) => {
                tracing::warn!(image = %image, error = %e, "no face suggestions for this photo");
                app.store.set_face_suggestions(sha256, &[]).await
            }
            Err(e) => return Err(anyhow::Error::new(e).context("cannot look for faces")),
        }
        .context("cannot record face suggestions")?;
    }
    Ok(pending.len())
}
