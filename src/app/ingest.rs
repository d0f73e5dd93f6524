//! Ingest: one uploaded image in, a private original and clean public
//! JPEG derivatives out at once, WebP ones later ([`encode_webp`], run by a
//! background job). Shared by import and upload.
//!
//! Blobs are written first and rows last (by the caller, in its transaction).
//! Every blob this ingest writes is recorded in a [`WrittenBlobs`] so that, if
//! anything later fails, the caller can remove them and leave no orphans.
//!
//! Processing is admitted against the process's [`ImageBudget`] for the
//! peak its header predicts, before anything is decoded.

use crate::app::App;
use crate::app::image_budget::{Busy, ImageBudget};
use std::time::Duration;
use vitrine_media::{Limits, MediaError, Processed, Request};
use vitrine_store::{BlobKey, Blobs, NewDerivative, NewImage};

/// Blobs written during one import or upload, removed again on failure.
#[derive(Debug, Default)]
#[must_use = "call rollback on failure or disarm on success"]
pub struct WrittenBlobs {
    keys: Vec<BlobKey>,
}

impl WrittenBlobs {
    /// Removes every blob written so far. Errors are logged, not returned: the
    /// caller is already handling a failure and reports that one.
    pub async fn rollback(self, blobs: &Blobs) {
        for key in self.keys {
            if let Err(e) = blobs.delete(&key).await {
                tracing::error!(error = %e, ?key, "could not remove a blob after a failed import");
            }
        }
    }

    /// Keeps the blobs: the rows that reference them are committed.
    pub fn disarm(self) {}

    /// Takes over the blobs another record holds.
    pub fn absorb(&mut self, other: WrittenBlobs) {
        self.keys.extend(other.keys);
    }
}

/// Why one image could not be ingested.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The image itself is unusable (type, size, corrupt).
    #[error("{0}")]
    Media(#[from] MediaError),
    /// Writing to the blob store failed.
    #[error("could not store the image: {0}")]
    Store(#[from] vitrine_store::StoreError),
    /// The memory budget stayed full for as long as the caller would wait.
    #[error("{0}")]
    Busy(#[from] Busy),
    /// The processing task failed to run.
    #[error("image processing stopped unexpectedly: {0}")]
    Task(String),
}

/// The content-addressed public file name of a derivative: 128 bits of the
/// sha256 of its bytes plus the extension. It reveals nothing about the
/// original and changes whenever the bytes do, so it can be cached forever.
pub fn derivative_key(bytes: &[u8], extension: &str) -> String {
    let hash = vitrine_media::sha256_hex(bytes);
    format!("{}.{extension}", &hash[..32])
}

/// Runs [`vitrine_media::process_request`] on a blocking thread once the
/// budget has room for its estimated peak, waiting at most `wait` (if given).
/// A file the limits refuse is refused at once, without waiting. Hands the
/// bytes back with the result.
async fn process(
    budget: &ImageBudget,
    limits: Limits,
    bytes: Vec<u8>,
    request: Request<'static>,
    wait: Option<Duration>,
) -> Result<(Vec<u8>, Processed), IngestError> {
    let peak = vitrine_media::peak_memory(&bytes, &limits, &request)?;
    let (bytes, processed) = within_budget(budget, peak, wait, move || {
        let processed = vitrine_media::process_request(&bytes, &limits, &request);
        (bytes, processed)
    })
    .await?;
    Ok((bytes, processed?))
}

/// Runs `work` on a blocking thread once the budget has room for `peak`
/// bytes, waiting at most `wait` (if given); the room is given back only
/// when `work` is done and its pixels are gone.
pub(crate) async fn within_budget<T: Send + 'static>(
    budget: &ImageBudget,
    peak: u64,
    wait: Option<Duration>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, IngestError> {
    let admitted = budget.admit(peak, wait).await?;
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop(admitted);
        out
    })
    .await
    .map_err(|e| IngestError::Task(e.to_string()))
}

/// Applies a redaction to an original's full-size pixels
/// ([`vitrine_media::redact`]) off the async runtime, within the image
/// budget, waiting at most `wait` for room.
pub async fn redact(
    app: &App,
    original: Vec<u8>,
    edit: vitrine_core::redaction::Edit,
    output: vitrine_media::RedactOutput,
    wait: Option<Duration>,
) -> Result<vitrine_media::Redacted, IngestError> {
    let limits = app.settings.limits;
    let peak = vitrine_media::redaction_peak_memory(&original, &limits)?;
    let redacted = within_budget(&app.image_budget, peak, wait, move || {
        vitrine_media::redact(&original, &limits, &edit, output)
    })
    .await?;
    Ok(redacted?)
}

/// Processes `bytes` (off the async runtime, within the image budget, waiting
/// at most `wait` for room), stores the original in the vault and each
/// derivative in the public area, and describes the result for the store.
/// `sha256` is the hash of `bytes`, computed by the caller.
pub async fn ingest(
    app: &App,
    bytes: Vec<u8>,
    sha256: String,
    written: &mut WrittenBlobs,
    wait: Option<Duration>,
) -> Result<NewImage, IngestError> {
    // JPEGs only: the WebP versions are made afterwards by a background job
    // (`webp_derivatives`), so nobody waits for the slower encoder.
    let (bytes, processed) = process(
        &app.image_budget,
        app.settings.limits,
        bytes,
        Request::jpeg_widths(&vitrine_media::DEFAULT_WIDTHS),
        wait,
    )
    .await?;
    let blobs = &app.blobs;
    let media_type = processed.source_format.media_type().to_owned();
    let byte_size = bytes.len() as u64;
    let records_location = vitrine_media::records_location(&bytes);

    let original = BlobKey::Original(sha256.clone());
    blobs.put(&original, bytes).await?;
    written.keys.push(original);

    let mut derivatives = Vec::with_capacity(processed.variants.len());
    for variant in processed.variants {
        let key = derivative_key(&variant.bytes, variant.format.extension());
        let new = NewDerivative {
            key: key.clone(),
            width: variant.width,
            height: variant.height,
            media_type: variant.format.media_type().to_owned(),
            byte_size: variant.bytes.len() as u64,
        };
        let blob = BlobKey::Public(key);
        blobs.put(&blob, variant.bytes).await?;
        written.keys.push(blob);
        derivatives.push(new);
    }
    Ok(NewImage {
        sha256,
        media_type,
        byte_size,
        width: processed.width,
        height: processed.height,
        color: processed.placeholder.color,
        records_location,
        derivatives,
    })
}

/// Makes the WebP versions of a stored original (the background job's part of
/// ingest, waiting for room in the image budget as long as it takes) and
/// writes them to the public area; returns them for the store.
/// Blobs written before a failure are left for the orphan sweep: they are
/// content-addressed, so another instance may be storing the very same files.
pub async fn encode_webp(app: &App, original: Vec<u8>) -> Result<Vec<NewDerivative>, IngestError> {
    let (_, processed) = process(
        &app.image_budget,
        app.settings.limits,
        original,
        Request::webp_widths(&vitrine_media::DEFAULT_WIDTHS),
        None,
    )
    .await?;
    let blobs: &Blobs = &app.blobs;
    let mut derivatives = Vec::with_capacity(processed.variants.len());
    for variant in processed.variants {
        let key = derivative_key(&variant.bytes, variant.format.extension());
        derivatives.push(NewDerivative {
            key: key.clone(),
            width: variant.width,
            height: variant.height,
            media_type: variant.format.media_type().to_owned(),
            byte_size: variant.bytes.len() as u64,
        });
        blobs.put(&BlobKey::Public(key), variant.bytes).await?;
    }
    Ok(derivatives)
}

/// Looks for faces in an original ([`vitrine_media::suggest_faces`]) off the
/// async runtime, within the image budget, waiting at most `wait` for room.
pub async fn suggest_faces(
    app: &App,
    original: Vec<u8>,
    wait: Option<Duration>,
) -> Result<Vec<vitrine_core::redaction::Rect>, IngestError> {
    let limits = app.settings.limits;
    let peak = vitrine_media::faces_peak_memory(&original, &limits)?;
    let faces = within_budget(&app.image_budget, peak, wait, move || {
        vitrine_media::suggest_faces(&original, &limits)
    })
    .await?;
    Ok(faces?)
}

/// An original at its full upright size as one metadata-free JPEG, for an
/// archive that asked for originals: the participant's pixels, re-encoded
/// like every public image (orientation applied, colours in sRGB, no EXIF,
/// GPS, XMP, IPTC, profile or thumbnail), within the image budget, waiting
/// for room as long as it takes. The uploaded file never leaves the vault.
pub async fn full_size_jpeg(app: &App, original: Vec<u8>) -> Result<Vec<u8>, IngestError> {
    // Sizes at or above the source's width collapse into one full-size output.
    const FULL_SIZE: [u32; 1] = [u32::MAX];
    let (_, processed) = process(
        &app.image_budget,
        app.settings.limits,
        original,
        Request::jpeg_widths(&FULL_SIZE),
        None,
    )
    .await?;
    processed
        .variants
        .into_iter()
        .next_back()
        .map(|v| v.bytes)
        .ok_or(IngestError::Media(MediaError::NoWidths))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivative_keys_are_content_addressed_and_hide_the_source() {
        let a = derivative_key(b"one", "jpg");
        assert_eq!(a, derivative_key(b"one", "jpg"));
        assert_ne!(a, derivative_key(b"two", "jpg"));
        assert!(a.ends_with(".jpg") && a.len() == 36, "{a}");
    }
}
