//! A cache of parsed Releases for the public side.
//!
//! Every public request still asks the database which Release is current (one
//! small indexed query, `Store::latest_release_ref`), so a new Release or a
//! withdrawal shows on every instance at the next request; what the cache saves
//! is reading and parsing the Release's body, which grows with the study
//! (about 1.5 MB of JSON per 1,000 entries). Entries are keyed by Release id and
//! revision, and the revision moves whenever a stored body is changed in place.

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
}
