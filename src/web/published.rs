//! Loading what is published: the only way handlers get content.
//!
//! Each request asks the database which Release of the study is current (one
//! small indexed query), which keeps withdrawal immediate and several `serve`
//! processes consistent; the parsed body comes from `app::cache` when that
//! Release at that revision was read before, and pages that are a pure function
//! of it are rendered once per revision (`page::render_cached`).

use super::error::WebError;
use crate::app::App;
use std::sync::Arc;
use vitrine_core::{Release, ReleaseId};

/// A study's current Release, with the id and revision the caches key on.
pub struct Latest {
    /// The Release's id.
    pub id: ReleaseId,
    /// Its revision (moves when its stored body is changed in place).
    pub revision: i64,
    /// The parsed Release.
    pub release: Arc<Release>,
}

/// The latest Release of the study named `slug`, or 404. Asks the database
/// which Release is current on every call; the parsed body comes from the
/// process's cache when it holds that Release at that revision.
pub async fn latest(app: &App, slug: &str) -> Result<Latest, WebError> {
    if !is_slug(slug) {
        return Err(WebError::NotFound);
    }
    let (id, revision) = app
        .store
        .latest_release_ref(slug)
        .await?
        .ok_or(WebError::NotFound)?;
    if let Some(release) = app.releases.get(id, revision) {
        return Ok(Latest {
            id,
            revision,
            release,
        });
    }
    // Read after the revision: if the body changes in between, the newer body
    // is held under the older revision and the next request reloads it.
    let release = app
        .store
        .find_release(id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Latest {
        id,
        revision,
        release: app.releases.insert(id, revision, release),
    })
}

/// [`latest`], for handlers that need only the Release.
pub async fn latest_release(app: &App, slug: &str) -> Result<Arc<Release>, WebError> {
    Ok(latest(app, slug).await?.release)
}

/// The latest Release of every published study, ordered by slug.
pub async fn all_latest_releases(app: &App) -> Result<Vec<Release>, WebError> {
    let mut releases = Vec::new();
    for (_, id) in app.store.latest_release_ids().await? {
        if let Some(release) = app.store.find_release(id).await? {
            releases.push(release);
        }
    }
    Ok(releases)
}

/// Whether `text` could be a slug (lower-case letters of any script, digits and
/// hyphens, as `vitrine_core::slug` makes them), so junk never reaches the store.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 400
        && text
            .chars()
            .all(|c| c == '-' || (c.is_alphanumeric() && !c.is_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_and_hyphens() {
        assert!(is_slug("link-worker-retention"));
        assert!(is_slug("café-ñandú"));
        assert!(!is_slug(""));
        assert!(!is_slug("../vault"));
        assert!(!is_slug("Caps"));
    }
}
