//! What changed between two Releases of a study.
//!
//! Staff see which entries were added, changed or removed, by title
//! ([`Changes`]); the public sees only counts ([`Changes::public_lines`]), which
//! are stored in the Release so a visitor can tell that the gallery changed
//! without learning what was taken down.

use crate::release::{Release, ReleaseEntry};
use std::collections::HashMap;

/// Entries added, changed and removed by a Release, named by title.
/// Staff-facing only: titles of removed entries must never be published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Titles of entries that were not in the previous Release.
    pub added: Vec<String>,
    /// Titles of entries in both whose published content differs.
    pub changed: Vec<String>,
    /// Titles of entries in the previous Release that are gone.
    pub removed: Vec<String>,
}

/// The changes from `previous` (none for a study's first Release) to `next`,
/// matching entries by slug, in gallery order.
pub fn changes(previous: Option<&Release>, next: &Release) -> Changes {
    let before: HashMap<&str, &ReleaseEntry> = previous
        .map(|p| p.entries().map(|e| (e.slug.as_str(), e)).collect())
        .unwrap_or_default();
    let mut changes = Changes::default();
    for entry in next.entries() {
        match before.get(entry.slug.as_str()) {
            None => changes.added.push(entry.title.clone()),
            Some(old) if *old != entry => changes.changed.push(entry.title.clone()),
            Some(_) => {}
        }
    }
    if let Some(previous) = previous {
        changes.removed = previous
            .entries()
            .filter(|e| next.find_entry(&e.slug).is_none())
            .map(|e| e.title.clone())
            .collect();
    }
    changes
}

impl Changes {
    /// Whether no entry was added, changed or removed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// The public changelog of `next`: counts only, never titles, e.g.
    /// "2 entries added". A study's first Release says how many entries it has.
    pub fn public_lines(&self, next: &Release) -> Vec<String> {
        if next.version <= 1 {
            return vec![format!("First Release: {}", entries(next.entry_count()))];
        }
        if self.is_empty() {
            return vec!["No changes to entries".to_owned()];
        }
        [
            (self.added.len(), "added"),
            (self.changed.len(), "changed"),
            (self.removed.len(), "withdrawn"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{} {what}", entries(n)))
        .collect()
    }
}

fn entries(n: usize) -> String {
    if n == 1 {
        "1 entry".to_owned()
    } else {
        format!("{n} entries")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::ReleasePrompt;
    use crate::{Contact, EntryTexts, Licence, Provenance, StudyInfo};

    fn entry(slug: &str, caption: &str) -> ReleaseEntry {
        ReleaseEntry {
            slug: slug.into(),
            title: format!("Title {slug}"),
            provenance: Provenance::Described,
            pseudonym: "P".into(),
            role: None,
            image: None,
            texts: EntryTexts {
                caption: caption.into(),
                description: Some("d".into()),
                ..EntryTexts::default()
            },
            licence: Licence::None,
            themes: vec![],
        }
    }

    fn release(version: u32, entries: Vec<ReleaseEntry>) -> Release {
        let info = StudyInfo {
            slug: "s".into(),
            title: "T".into(),
            subtitle: None,
            language: "en".into(),
            summary: "S".into(),
            method: None,
            institution: None,
            fieldwork_start: None,
            fieldwork_end: None,
            contact: Contact {
                name: "N".into(),
                role: None,
                email: "n@example.org".into(),
            },
            funder: None,
            ethics_reference: None,
            funder_disclaimer: None,
            participation_note: None,
            suggested_use: None,
            discussion_guide: None,
            reflection_consent: None,
            show_reflections: false,
            notice: None,
            allow_search_engines: false,
        };
        Release {
            version,
            published_at: time::OffsetDateTime::UNIX_EPOCH,
            study: info,
            prompts: vec![ReleasePrompt {
                slug: "p".into(),
                title: "P".into(),
                text: "T".into(),
                note: None,
                guide: None,
                participants_answered: 1,
                entries,
            }],
            themes: vec![],
            participants_total: 1,
            changelog: vec![],
            reflections: vec![],
            doi: None,
        }
    }

    #[test]
    fn the_first_release_counts_its_entries() {
        let first = release(1, vec![entry("a", "x"), entry("b", "y")]);
        let c = changes(None, &first);
        assert_eq!(c.added, vec!["Title a", "Title b"]);
        assert_eq!(c.public_lines(&first), vec!["First Release: 2 entries"]);
        let one = release(1, vec![entry("a", "x")]);
        assert_eq!(
            changes(None, &one).public_lines(&one),
            vec!["First Release: 1 entry"]
        );
    }

    #[test]
    fn entries_are_matched_by_slug() {
        let before = release(1, vec![entry("a", "x"), entry("b", "y"), entry("c", "z")]);
        let after = release(
            2,
            vec![
                entry("a", "x"),
                entry("b", "changed"),
                entry("d", "new"),
                entry("e", "new"),
            ],
        );
        let c = changes(Some(&before), &after);
        assert_eq!(c.added, vec!["Title d", "Title e"]);
        assert_eq!(c.changed, vec!["Title b"]);
        assert_eq!(c.removed, vec!["Title c"]);
        assert_eq!(
            c.public_lines(&after),
            vec!["2 entries added", "1 entry changed", "1 entry withdrawn"]
        );
    }

    #[test]
    fn public_lines_never_name_entries_and_say_when_nothing_changed() {
        let before = release(1, vec![entry("a", "x"), entry("b", "y")]);
        let same = release(2, vec![entry("a", "x"), entry("b", "y")]);
        let c = changes(Some(&before), &same);
        assert!(c.is_empty());
        assert_eq!(c.public_lines(&same), vec!["No changes to entries"]);
        let fewer = release(3, vec![]);
        let lines = changes(Some(&same), &fewer).public_lines(&fewer);
        assert_eq!(lines, vec!["2 entries withdrawn"]);
        assert!(lines.iter().all(|l| !l.contains("Title")));
    }
}
