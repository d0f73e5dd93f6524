//! Rewriting the stored Releases of a study without withdrawn entries.
//!
//! Each Release records which entry each of its slugs is (`release_entries`);
//! a Release stored before that was recorded is searched by the entry's
//! participant and its title, caption or image instead. A rewritten Release
//! keeps its version, date and changelog; its counts and themes are
//! recomputed as [`Release::keeping`] does, and its media rows follow its body.

use super::{Withdrawal, WithdrawnRelease};
use crate::releases::{read, rewrite_release, write_release};
use crate::{AuditTx, Result};
use std::collections::{BTreeSet, HashSet};
use vitrine_core::{EntryId, Release, ReleaseEntry, StudyId};

/// An entry as read before its words are cleared, to find it in Releases.
pub(super) struct Gone {
    pub(super) id: EntryId,
    pub(super) key: String,
    pub(super) title: String,
    pub(super) caption: String,
    pub(super) pseudonym: String,
    pub(super) image: Option<i64>,
    /// The images of its redactions: the participant's original and every
    /// master made from it (the current one is `image`).
    pub(super) redacted: Vec<i64>,
    pub(super) media: HashSet<String>,
}

impl Gone {
    /// Whether a Release entry is this one, for Releases stored before the
    /// slug of each entry was recorded: same participant, and the same title,
    /// caption or image.
    fn shown_as(&self, e: &ReleaseEntry) -> bool {
        e.pseudonym == self.pseudonym
            && (e.title == self.title
                || e.texts.caption == self.caption
                || e.image
                    .as_ref()
                    .is_some_and(|i| i.variants.iter().any(|v| self.media.contains(&v.key))))
    }
}

/// The latest Release, the slugs it keeps (with their entries) and drops.
type Latest = (Release, Vec<(EntryId, String)>, BTreeSet<String>);

/// Rewrites every stored Release of the study that showed one of `gone`
/// without it, and supersedes the latest one if it did.
pub(super) async fn redact_releases(
    tx: &mut AuditTx,
    study: StudyId,
    gone: &[Gone],
    done: &mut Withdrawal,
) -> Result<()> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT id, version, published_at, body FROM releases WHERE study_id = $1 ORDER BY version",
    )
    .bind(study.0)
    .fetch_all(&mut *tx.tx)
    .await?;
    let ids: HashSet<i64> = gone.iter().map(|g| g.id.0).collect();
    let mut slugs = BTreeSet::new();
    let mut media = BTreeSet::new();
    let mut prompts = BTreeSet::new();
    // The latest Release, which of its slugs stay (entry ids) and which go.
    let mut latest: Option<Latest> = None;
    for (id, version, published_at, body) in rows {
        let release = read(&mut *tx.tx, id, &body).await?;
        let mapping: Vec<(i64, String)> =
            sqlx::query_as("SELECT entry_id, slug FROM release_entries WHERE release_id = $1")
                .bind(id)
                .fetch_all(&mut *tx.tx)
                .await?;
        let drop: BTreeSet<String> = if mapping.is_empty() {
            let legacy = release
                .entries()
                .filter(|e| gone.iter().any(|g| g.shown_as(e)));
            legacy.map(|e| e.slug.clone()).collect()
        } else {
            let mine = mapping.iter().filter(|(e, _)| ids.contains(e));
            mine.map(|(_, s)| s.clone()).collect()
        };
        let kept: Vec<(EntryId, String)> = mapping
            .iter()
            .filter(|(e, _)| !ids.contains(e))
            .map(|(e, s)| (EntryId(*e), s.clone()))
            .collect();
        latest = Some((release.clone(), kept, drop.clone()));
        if drop.is_empty() {
            continue;
        }
        for prompt in &release.prompts {
            if prompt.entries.iter().any(|e| drop.contains(&e.slug)) {
                prompts.insert(prompt.slug.clone());
            }
        }
        for e in release.entries().filter(|e| drop.contains(&e.slug)) {
            slugs.insert(e.slug.clone());
            media.extend(
                e.image
                    .iter()
                    .flat_map(|i| i.variants.iter().map(|v| v.key.clone())),
            );
        }
        let mut redacted = release.keeping(
            |e| !drop.contains(&e.slug),
            release.version,
            release.published_at,
        );
        redacted.changelog = release.changelog.clone();
        // The same version, so the same DOI (its landing page still resolves).
        redacted.doi = release.doi.clone();
        rewrite_release(&mut tx.tx, id, &redacted).await?;
        for g in gone {
            sqlx::query("DELETE FROM release_entries WHERE release_id = $1 AND entry_id = $2")
                .bind(id)
                .bind(g.id.0)
                .execute(&mut *tx.tx)
                .await?;
        }
        done.releases.push(WithdrawnRelease {
            version: u32::try_from(version).unwrap_or(u32::MAX),
            published_at,
        });
    }
    if let Some((release, kept, drop)) = latest.filter(|(_, _, drop)| !drop.is_empty()) {
        let version = release.version + 1;
        let mut next = release.keeping(
            |e| !drop.contains(&e.slug),
            version,
            time::OffsetDateTime::now_utc(),
        );
        next.changelog = vec![if drop.len() == 1 {
            "1 entry withdrawn".to_owned()
        } else {
            format!("{} entries withdrawn", drop.len())
        }];
        write_release(tx, study, &next, &kept).await?;
        done.new_release = Some(version);
    }
    done.entry_slugs = slugs.into_iter().collect();
    done.prompt_slugs = prompts.into_iter().collect();
    done.media_keys = media.into_iter().collect();
    Ok(())
}
