//! Caches for the public side: parsed Releases and the pages rendered from them.
//!
//! Every public request still asks the store which Release is current
//! (`Store::latest_release_ref`, answered from a lease that every publish and
//! withdrawal waits out before it returns), so a new Release or a withdrawal
//! shows on every instance once it has returned. What the caches save
//! is the work after that question: reading and parsing the Release's body,
//! which grows with the study (about 1.5 MB of JSON per 1,000 entries), and
//! rendering and hashing a page from it. Both are keyed by Release id and
//! revision, and the revision moves whenever a stored body is changed in place
//! (a withdrawal redacting an earlier Release), so nothing cached outlives what
//! it was made from.

use axum::body::Bytes;
use axum::http::HeaderValue;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use vitrine_core::{Release, ReleaseId};

/// Parsed Releases kept at most; past this the cache starts again (studies
/// have one current Release each, so this is many studies' worth).
const MAX_ENTRIES: usize = 256;

/// Parsed Releases by (id, revision).
type Held = HashMap<(ReleaseId, i64), Arc<Release>>;

/// Shared between every request of one process. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct ReleaseCache {
    inner: Arc<Mutex<Held>>,
}

impl ReleaseCache {
    /// The parsed Release `id` at `revision`, if held.
    pub fn get(&self, id: ReleaseId, revision: i64) -> Option<Arc<Release>> {
        self.inner
            .lock()
            .ok()
            .and_then(|map| map.get(&(id, revision)).cloned())
    }

    /// Keeps `release` as Release `id` at `revision`, and returns it shared.
    pub fn insert(&self, id: ReleaseId, revision: i64, release: Release) -> Arc<Release> {
        let release = Arc::new(release);
        if let Ok(mut map) = self.inner.lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.retain(|(held, _), _| *held != id);
            map.insert((id, revision), release.clone());
        }
        release
    }
}

/// Bytes of rendered pages kept at most per process; past this the page cache
/// starts again.
const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;

/// One rendered public page: its body and the ETag made from it.
#[derive(Debug)]
pub struct RenderedPage {
    /// The `ETag` header value (quoted).
    pub etag: HeaderValue,
    /// The HTML.
    pub body: Bytes,
}

/// Which page: the Release it was rendered from (id and revision) and a text
/// naming the page and whatever else it was rendered from (route, slug, the
/// origin used for absolute links).
type PageKey = (ReleaseId, i64, String);

/// Rendered public pages, shared between every request of one process.
/// Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct PageCache {
    inner: Arc<Mutex<HashMap<PageKey, Arc<RenderedPage>>>>,
}

impl PageCache {
    /// The page `name` rendered from Release `id` at `revision`, if held.
    pub fn get(&self, id: ReleaseId, revision: i64, name: &str) -> Option<Arc<RenderedPage>> {
        let pages = self.inner.lock().ok()?;
        pages.get(&(id, revision, name.to_owned())).cloned()
    }

    /// Keeps `page` as `name` rendered from Release `id` at `revision`, and
    /// returns it shared. Pages of another revision of the same Release are
    /// dropped, so a withdrawal's redaction leaves no copy behind. Runs only
    /// when a page was not held, so walking the map here is cheap enough.
    pub fn insert(
        &self,
        id: ReleaseId,
        revision: i64,
        name: String,
        page: RenderedPage,
    ) -> Arc<RenderedPage> {
        let page = Arc::new(page);
        if let Ok(mut pages) = self.inner.lock() {
            pages.retain(|(held, rev, _), _| *held != id || *rev == revision);
            let held: usize = pages.values().map(|p| p.body.len()).sum();
            if held + page.body.len() > MAX_PAGE_BYTES {
                pages.clear();
            }
            pages.insert((id, revision, name), page.clone());
        }
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(version: u32) -> Release {
        serde_json::from_value(serde_json::json!({
            "version": version,
            "published_at": "2025-01-01T00:00:00Z",
            "study": {
                "slug": "s", "title": "T", "subtitle": null, "language": "en", "summary": "",
                "method": null, "institution": null, "fieldwork_start": null, "fieldwork_end": null,
                "contact": {"name": "N", "email": "n@example.org", "role": null},
                "funder": null, "ethics_reference": null, "funder_disclaimer": null,
                "participation_note": null, "suggested_use": null, "notice": null,
                "allow_search_engines": false
            },
            "prompts": [], "themes": [], "participants_total": 0
        }))
        .expect("a release")
    }

    #[test]
    fn a_changed_revision_is_a_miss_and_replaces_the_old_copy() {
        let cache = ReleaseCache::default();
        let id = ReleaseId(7);
        assert!(cache.get(id, 0).is_none());
        cache.insert(id, 0, release(1));
        assert_eq!(cache.get(id, 0).map(|r| r.version), Some(1));
        assert!(
            cache.get(id, 1).is_none(),
            "an in-place change is not served stale"
        );
        cache.insert(id, 1, release(2));
        assert_eq!(cache.get(id, 1).map(|r| r.version), Some(2));
        assert!(cache.get(id, 0).is_none(), "the old revision is dropped");
    }

    fn page(body: &'static str) -> RenderedPage {
        RenderedPage {
            etag: HeaderValue::from_static("\"e\""),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn a_page_of_another_revision_is_a_miss_and_the_old_one_is_dropped() {
        let cache = PageCache::default();
        let id = ReleaseId(3);
        cache.insert(id, 0, "entry/a".into(), page("old"));
        cache.insert(id, 0, "entry/b".into(), page("old b"));
        assert_eq!(
            cache.get(id, 0, "entry/a").map(|p| p.body.clone()),
            Some(Bytes::from("old"))
        );
        assert!(
            cache.get(id, 1, "entry/a").is_none(),
            "a redacted Release is re-rendered"
        );
        cache.insert(id, 1, "entry/a".into(), page("new"));
        assert!(
            cache.get(id, 0, "entry/b").is_none(),
            "pages of the old revision are gone"
        );
        assert!(
            cache.get(ReleaseId(4), 1, "entry/a").is_none(),
            "another Release is a miss"
        );
        assert_eq!(
            cache.get(id, 1, "entry/a").map(|p| p.body.clone()),
            Some(Bytes::from("new"))
        );
    }
}
