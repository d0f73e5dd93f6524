//! Sweeping orphan blobs.
//!
//! Import writes blobs first and rows last, and removes its blobs again when it
//! fails. A process killed part-way (`kill -9`, power loss) cannot clean up, so
//! its blobs are left with no row referring to them. The sweep deletes blobs
//! that no row refers to once they are older than `min_age`, which must be
//! longer than any import takes, so an import still running elsewhere keeps
//! its blobs.

use crate::app::App;
use anyhow::Context;
use std::time::{Duration, SystemTime};
use vitrine_store::BlobKey;

/// How old an unreferenced blob must be before the scheduled sweep removes it.
pub const DEFAULT_MIN_AGE: Duration = Duration::from_secs(6 * 3600);

/// What a sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Private originals removed.
    pub originals: usize,
    /// Public derivatives removed.
    pub public: usize,
}

/// Deletes every blob no row refers to that is older than `min_age`.
pub async fn sweep(app: &App, min_age: Duration) -> anyhow::Result<Swept> {
    // Read the blob listing before the references: a blob written after the
    // listing is not considered, and one whose row commits in between is in
    // the references read afterwards.
    let blobs = app
        .blobs
        .list_all()
        .await
        .context("cannot list the blob store")?;
    let (originals, public) = app
        .store
        .referenced_blobs()
        .await
        .context("cannot read references")?;
    let now = SystemTime::now();
    let mut swept = Swept::default();
    for (key, written) in blobs {
        let old_enough = now.duration_since(written).unwrap_or_default() >= min_age;
        let referenced = match &key {
            BlobKey::Original(sha) => originals.contains(sha),
            BlobKey::Public(name) => public.contains(name),
            BlobKey::ConsentForm(_) | BlobKey::Export(_) => true,
        };
        if referenced || !old_enough {
            continue;
        }
        app.blobs
            .delete(&key)
            .await
            .with_context(|| format!("cannot delete {key:?}"))?;
        match key {
            BlobKey::Original(_) => swept.originals += 1,
            BlobKey::Public(_) => swept.public += 1,
            BlobKey::ConsentForm(_) | BlobKey::Export(_) => {}
        }
    }
    if swept != Swept::default() {
        tracing::info!(
            originals = swept.originals,
            public = swept.public,
            "removed orphan blobs"
        );
    }
    Ok(swept)
}
