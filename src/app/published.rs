//! What is published: a study's current Release, for the public side and
//! for what is presented from it (workshop sessions).
//!
//! Which Release of the study is current comes from the store, which answers
//! from a lease of a quarter of a second that every publish and withdrawal
//! waits out before it returns (`vitrine-store/src/lease.rs`): a withdrawal
//! that has returned is honoured by every `serve` process, and most requests
//! never reach the database. The parsed body comes from [`crate::app::cache`]
//! when that Release at that revision was read before.

use crate::app::App;
use std::sync::Arc;
use vitrine_core::{Release, ReleaseId};

/// A study's current Release, with the id and revision the caches key on.
pub struct Current {
    /// The Release's id.
    pub id: ReleaseId,
    /// Its revision (moves when its stored body is changed in place).
    pub revision: i64,
    /// The parsed Release.
    pub release: Arc<Release>,
}

/// The current Release of the study named `slug`; `None` when it has none
/// (or no such study).
pub async fn current(app: &App, slug: &str) -> vitrine_store::Result<Option<Current>> {
    let Some((id, revision)) = app.store.latest_release_ref(slug).await? else {
        return Ok(None);
    };
    at_revision(app, id, revision).await
}

/// Release `id` as it is at `revision`: from the cache when it was read at
/// that revision before, else read and kept. `None` when it is gone.
async fn at_revision(
    app: &App,
    id: ReleaseId,
    revision: i64,
) -> vitrine_store::Result<Option<Current>> {
    if let Some(release) = app.releases.get(id, revision) {
        return Ok(Some(Current {
            id,
            revision,
            release,
        }));
    }
    // Read after the revision: if the body changes in between, the newer body
    // is held under the older revision and the next request reloads it.
    let Some(release) = app.store.find_release(id).await? else {
        return Ok(None);
    };
    Ok(Some(Current {
        id,
        revision,
        release: app.releases.insert(id, revision, release),
    }))
}

/// The current Release of every published study that can be served (its
/// slug passes the one study-slug rule), ordered by slug; parsed bodies come
/// from the Release cache.
pub async fn all_current(app: &App) -> vitrine_store::Result<Vec<Current>> {
    let mut releases = Vec::new();
    for (slug, id, revision) in app.store.latest_release_refs().await?.iter() {
        if !vitrine_core::slug::is_study_slug(slug) {
            continue;
        }
        if let Some(current) = at_revision(app, *id, *revision).await? {
            releases.push(current);
        }
    }
    Ok(releases)
}

/// A revision number that changes whenever any of `releases` is replaced
/// or changed in place: what a page made from all of them (the home page)
/// is cached under.
pub fn combined_revision(releases: &[Current]) -> i64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for current in releases {
        (current.id.0, current.revision).hash(&mut hasher);
    }
    i64::from_ne_bytes(hasher.finish().to_ne_bytes())
}

/// The study's Releases, oldest first, as its history lists them.
pub async fn history(
    app: &App,
    slug: &str,
) -> vitrine_store::Result<Vec<vitrine_store::ReleaseSummary>> {
    app.store.list_releases(slug).await
}

/// Whether a current Release shows the public derivative `key`: the only
/// media the public side may serve.
pub async fn shows_media(app: &App, key: &str) -> vitrine_store::Result<bool> {
    app.store.is_public_media(key).await
}

/// The bytes of the public derivative `key` (ask [`shows_media`] first);
/// `None`, with a warning in the log, when the blob is missing.
pub async fn media_bytes(
    app: &App,
    key: &str,
) -> vitrine_store::Result<Option<vitrine_store::Bytes>> {
    let bytes = app
        .blobs
        .get(&vitrine_store::BlobKey::Public(key.to_owned()))
        .await?;
    if bytes.is_none() {
        tracing::warn!(media.key = %key, "a published media key has no blob");
    }
    Ok(bytes)
}

/// The entries `current` shows, by their slug in it: which entry each
/// public address name is.
pub async fn entry_ids(
    app: &App,
    current: &Current,
) -> anyhow::Result<std::collections::HashMap<String, vitrine_core::EntryId>> {
    use anyhow::Context;
    Ok(app
        .store
        .release_entries(current.id)
        .await
        .context("cannot read the Release's entries")?
        .into_iter()
        .map(|(id, slug)| (slug, id))
        .collect())
}
