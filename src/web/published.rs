//! Loading what is published: the only way handlers get content.
//!
//! The current Release comes from [`crate::app::published`] (asked of the
//! store on every request, which holds the answer for a short lease that
//! publishing and withdrawing wait out; parsed once per revision); pages that are a pure
//! function of it are rendered once per revision (`page::render_cached`).

use super::error::WebError;
use crate::app::App;
use std::sync::Arc;
use vitrine_core::Release;

/// A study's current Release, with the id and revision the caches key on.
pub use crate::app::published::Current as Latest;

/// The latest Release of the study named `slug`, or 404 ([`crate::app::published::current`]).
pub async fn latest(app: &App, slug: &str) -> Result<Latest, WebError> {
    if !is_slug(slug) {
        return Err(WebError::NotFound);
    }
    crate::app::published::current(app, slug)
        .await?
        .ok_or(WebError::NotFound)
}

/// [`latest`], for handlers that need only the Release.
pub async fn latest_release(app: &App, slug: &str) -> Result<Arc<Release>, WebError> {
    Ok(latest(app, slug).await?.release)
}

/// Whether `text` can name a study: the one rule
/// (`vitrine_core::slug::check_study_slug`) that import and the new-study form
/// apply, so a slug they would refuse is never served and junk never reaches
/// the store.
pub fn is_slug(text: &str) -> bool {
    vitrine_core::slug::is_study_slug(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_core::slug::RESERVED_STUDY_SLUGS;

    #[test]
    fn slugs_follow_the_study_slug_rule() {
        assert!(is_slug("link-worker-retention"));
        assert!(!is_slug("café-ñandú"));
        assert!(!is_slug(""));
        assert!(!is_slug("../vault"));
        assert!(!is_slug("Caps"));
        assert!(!is_slug("metrics"));
    }

    /// The first segment of every fixed route of the public router and the
    /// workspace, read from their source, so a new top-level route cannot be
    /// added without reserving it as a study slug.
    fn top_level_segments() -> Vec<String> {
        let mut found = Vec::new();
        for source in [include_str!("mod.rs"), include_str!("admin/mod.rs")] {
            for piece in source.split('"').skip(1).step_by(2) {
                let Some(path) = piece.strip_prefix('/') else {
                    continue;
                };
                let first = path.split('/').next().unwrap_or_default();
                if !first.is_empty()
                    && !first.starts_with('{')
                    && !found.contains(&first.to_owned())
                {
                    found.push(first.to_owned());
                }
            }
        }
        found
    }

    #[test]
    fn every_top_level_path_is_a_reserved_study_slug() {
        let segments = top_level_segments();
        for expected in [
            "admin",
            "healthz",
            "metrics",
            "static",
            "media",
            "robots.txt",
        ] {
            assert!(segments.contains(&expected.to_owned()), "{segments:?}");
        }
        for segment in &segments {
            assert!(
                RESERVED_STUDY_SLUGS.contains(&segment.as_str()),
                "/{segment} is served by the router but is not in RESERVED_STUDY_SLUGS"
            );
        }
    }
}
