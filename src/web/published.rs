//! Loading what is published: the only way handlers get content.
//!
//! Each request reads the study's latest Release (one indexed query and a JSON
//! parse). That keeps withdrawal immediate and several `serve` processes
//! consistent without cache invalidation; if it ever shows in profiles, a cache
//! keyed by `ReleaseId` and checked against `latest_release_ids` fits here.

use super::error::WebError;
use crate::app::App;
use vitrine_core::Release;

/// The latest Release of the study named `slug`, or 404.
pub async fn latest_release(app: &App, slug: &str) -> Result<Release, WebError> {
    if !is_slug(slug) {
        return Err(WebError::NotFound);
    }
    app.store
        .latest_release(slug)
        .await?
        .map(|(_, release)| release)
        .ok_or(WebError::NotFound)
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
