//! Ingest: one uploaded image in, a private original and clean public
//! JPEG derivatives out at once, WebP ones later ([`encode_webp`], run by a
//! background job). Shared by import and upload.
//!
//! Blobs are written first and rows last (by the caller, in its transaction).
//! Every blob this ingest writes is recorded in a [`WrittenBlobs`] so that, if
//! anything later fails, the caller can remove them and leave no orphans.

use vitrine_media::{Limits, MediaError};
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

/// Processes `bytes` (off the async runtime), stores the original in the vault
/// and each derivative in the public area, and describes the result for the
/// store. `sha256` is the hash of `bytes`, computed by the caller.
pub async fn ingest(
    blobs: &Blobs,
    limits: Limits,
    bytes: Vec<u8>,
    sha256: String,
    written: &mut WrittenBlobs,
) -> Result<NewImage, IngestError> {
    let (bytes, processed) = tokio::task::spawn_blocking(move || {
        // JPEGs only: the WebP versions are made afterwards by a background
        // job (`webp_derivatives`), so nobody waits for the slower encoder.
        let processed = vitrine_media::process_request(
            &bytes,
            &limits,
            &vitrine_media::Request::jpeg_widths(&vitrine_media::DEFAULT_WIDTHS),
        );
        (bytes, processed)
    })
    .await
    .map_err(|e| IngestError::Task(e.to_string()))?;
    let processed = processed?;
    let media_type = processed.source_format.media_type().to_owned();
    let byte_size = bytes.len() as u64;

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
        derivatives,
    })
}

/// Makes the WebP versions of a stored original (the background job's part of
/// ingest) and writes them to the public area; returns them for the store.
/// Blobs written before a failure are left for the orphan sweep: they are
/// content-addressed, so another instance may be storing the very same files.
pub async fn encode_webp(
    blobs: &Blobs,
    limits: Limits,
    original: Vec<u8>,
) -> Result<Vec<NewDerivative>, IngestError> {
    let processed = tokio::task::spawn_blocking(move || {
        vitrine_media::process_request(
            &original,
            &limits,
            &vitrine_media::Request::webp_widths(&vitrine_media::DEFAULT_WIDTHS),
        )
    })
    .await
    .map_err(|e| IngestError::Task(e.to_string()))??;
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
