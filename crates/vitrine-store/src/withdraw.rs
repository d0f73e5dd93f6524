//! Withdrawal (ETH-22, ETH-23, PRV-13): one transaction that takes an entry,
//! or every entry of a participant, out of everything Vitrine stores.
//!
//! In that transaction the entries are marked withdrawn and their words
//! cleared; every stored Release of the study that showed them is rewritten
//! without them (and, when the latest one did, a new Release supersedes it);
//! audit payloads that held their words are erased; the rows of images no
//! entry uses any more are deleted; the withdrawal is audited (keys and counts
//! only) and a CDN purge is queued. The blobs of those images are deleted by
//! the caller after the commit; if it dies first, nothing refers to them any
//! more, so the orphan sweep removes them.

mod redact;

use crate::{AuditEvent, AuditTx, Result, Store, now_ms, now_text};
use redact::{Gone, redact_releases};
use sqlx::Row;
use std::collections::BTreeSet;
use vitrine_core::{Date, EntryId, ParticipantId, StudyId, text};

/// What to withdraw.
pub struct WithdrawalPlan<'a> {
    /// The study.
    pub study: StudyId,
    /// One entry, or (with `participant`) none: every entry of the participant.
    pub entry: Option<EntryId>,
    /// A whole participant: all their entries, and a consent row recording
    /// the withdrawal.
    pub participant: Option<ParticipantId>,
    /// The day recorded as the consent's withdrawal.
    pub today: Date,
    /// Why, as a code from a fixed list (never free text, which could hold
    /// the withdrawn words or a name).
    pub reason: &'a str,
    /// Who and what (`actor`, `action`); its subject and payload are filled
    /// in here, with keys and counts only.
    pub event: AuditEvent,
    /// When set, a `cdn_purge` job is queued with the paths this gives.
    pub purge: Option<&'a PurgePaths>,
}

/// Gives the public paths a CDN must drop after a withdrawal.
pub type PurgePaths = dyn Fn(&Withdrawal) -> Vec<String> + Sync;

/// A stored Release that showed a withdrawn entry (and no longer does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawnRelease {
    /// Its version.
    pub version: u32,
    /// When it was published (RFC 3339).
    pub published_at: String,
}

/// What a withdrawal did.
#[derive(Debug, Clone, Default)]
pub struct Withdrawal {
    /// The study's slug.
    pub slug: String,
    /// Import keys of the entries withdrawn now.
    pub entries: Vec<String>,
    /// Releases that had shown them, oldest first; each was rewritten without them.
    pub releases: Vec<WithdrawnRelease>,
    /// The version of the Release written because the latest one showed them.
    pub new_release: Option<u32>,
    /// Every public entry slug they had, in any Release.
    pub entry_slugs: Vec<String>,
    /// Every prompt (by slug) they were shown under, in any Release: its
    /// IIIF manifest changes.
    pub prompt_slugs: Vec<String>,
    /// Every public media key they showed, in any Release.
    pub media_keys: Vec<String>,
    /// Public derivatives no row refers to any more: delete after the commit.
    pub delete_public: Vec<String>,
    /// Originals (by sha256) no entry uses any more: delete after the commit.
    pub delete_originals: Vec<String>,
    /// Whether a consent row recording the withdrawal was added.
    pub consent_recorded: bool,
    /// Whether a CDN purge was queued.
    pub purge_queued: bool,
    /// Exports that held any of the withdrawn entries: off-line copies to
    /// recall, oldest first.
    pub exports: Vec<crate::ExportRecord>,
}

impl Store {
    /// Import keys of the withdrawn entries of the study with this slug, so
    /// an import can leave their images alone.
    pub async fn withdrawn_entry_keys(&self, slug: &str) -> Result<BTreeSet<String>> {
        let keys: Vec<String> = sqlx::query_scalar(
            "SELECT e.import_key FROM entries e JOIN studies s ON s.id = e.study_id
             WHERE s.slug = $1 AND e.withdrawn_at IS NOT NULL",
        )
        .bind(slug)
        .fetch_all(&self.pool)
        .await?;
        Ok(keys.into_iter().collect())
    }

    /// Withdraws what `plan` names, all in one transaction. Entries already
    /// withdrawn are skipped (when nothing is left to do, nothing is written,
    /// not even an audit record); `Ok(None)` when the entry or participant is
    /// not in the study. Returns once every public server has stopped showing
    /// what was withdrawn (it waits out their leases, `lease.rs`).
    pub async fn withdraw(&self, plan: WithdrawalPlan<'_>) -> Result<Option<Withdrawal>> {
        let mut tx = self.begin_audited().await?;
        let slug: String = sqlx::query_scalar("SELECT slug FROM studies WHERE id = $1")
            .bind(plan.study.0)
            .fetch_one(&mut *tx.tx)
            .await?;
        let Some((subject, ids)) = targets(&mut tx, &plan).await? else {
            return Ok(None);
        };
        let mut gone = Vec::new();
        for id in ids {
            gone.push(read_entry(&mut tx, id).await?);
        }
        let mut done = Withdrawal {
            slug,
            entries: gone.iter().map(|g| g.key.clone()).collect(),
            ..Withdrawal::default()
        };
        if gone.is_empty() && plan.participant.is_none() {
            // Withdrawn already: nothing to do, nothing to record.
            return Ok(Some(done));
        }
        let ids: Vec<EntryId> = gone.iter().map(|g| g.id).collect();
        done.exports = crate::exports::holding(&mut tx.tx, &ids).await?;
        redact_releases(&mut tx, plan.study, &gone, &mut done).await?;
        for g in &gone {
            clear_entry(&mut tx, g.id).await?;
        }
        if let Some(p) = plan.participant {
            done.consent_recorded =
                record_consent_withdrawal(&mut tx, p, plan.today, &plan.event.actor).await?;
        }
        if gone.is_empty() && !done.consent_recorded {
            return Ok(Some(done));
        }
        delete_unused_images(&mut tx, &gone, &mut done).await?;
        tx.erase_payloads(&ids, plan.participant).await?;
        let mut event = plan.event.clone();
        event.study = Some(plan.study);
        event.subject = subject;
        event.before = None;
        event.entry = None;
        event.participant = None;
        event.after = Some(serde_json::json!({
            "reason": plan.reason,
            "entries": done.entries,
            "releases_rewritten": done.releases.iter().map(|r| r.version).collect::<Vec<_>>(),
            "new_release": done.new_release,
            "public_files_deleted": done.delete_public.len(),
            "originals_deleted": done.delete_originals.len(),
            "consent_recorded": done.consent_recorded,
            "exports_holding": done.exports.len(),
        }));
        tx.record(&event).await?;
        if let Some(paths) = plan.purge {
            let payload = serde_json::json!({ "paths": paths(&done), "reason": "withdrawn" });
            let now = now_ms();
            sqlx::query(
                "INSERT INTO jobs (kind, payload, dedupe_key, state, attempts, run_after, created_at, updated_at)
                 VALUES ('cdn_purge', $1, NULL, 'queued', 0, $2, $2, $2)",
            )
            .bind(payload.to_string())
            .bind(now)
            .execute(&mut *tx.tx)
            .await?;
            done.purge_queued = true;
        }
        tx.commit().await?;
        crate::lease::outlast().await;
        Ok(Some(done))
    }
}

/// The audit subject and the entries to withdraw (not yet withdrawn ones).
async fn targets(
    tx: &mut AuditTx,
    plan: &WithdrawalPlan<'_>,
) -> Result<Option<(String, Vec<EntryId>)>> {
    let (subject, rows): (String, Vec<(i64, Option<String>)>) = match (plan.entry, plan.participant)
    {
        (Some(entry), _) => {
            let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
                "SELECT id, import_key, withdrawn_at FROM entries WHERE id = $1 AND study_id = $2",
            )
            .bind(entry.0)
            .bind(plan.study.0)
            .fetch_optional(&mut *tx.tx)
            .await?;
            let Some((id, key, withdrawn)) = row else {
                return Ok(None);
            };
            (format!("entry {key}"), vec![(id, withdrawn)])
        }
        (None, Some(participant)) => {
            let key: Option<String> = sqlx::query_scalar(
                "SELECT import_key FROM participants WHERE id = $1 AND study_id = $2",
            )
            .bind(participant.0)
            .bind(plan.study.0)
            .fetch_optional(&mut *tx.tx)
            .await?;
            let Some(key) = key else {
                return Ok(None);
            };
            let rows = sqlx::query_as(
                "SELECT id, withdrawn_at FROM entries WHERE participant_id = $1 AND study_id = $2 ORDER BY id",
            )
            .bind(participant.0)
            .bind(plan.study.0)
            .fetch_all(&mut *tx.tx)
            .await?;
            (format!("participant {key}"), rows)
        }
        (None, None) => return Ok(None),
    };
    let ids = rows
        .into_iter()
        .filter(|(_, withdrawn)| withdrawn.is_none())
        .map(|(id, _)| EntryId(id))
        .collect();
    Ok(Some((subject, ids)))
}

async fn read_entry(tx: &mut AuditTx, id: EntryId) -> Result<Gone> {
    let row = sqlx::query(
        "SELECT e.import_key, e.title, e.caption, e.image_id, p.pseudonym
         FROM entries e JOIN participants p ON p.id = e.participant_id WHERE e.id = $1",
    )
    .bind(id.0)
    .fetch_one(&mut *tx.tx)
    .await?;
    let caption: String = row.try_get("caption")?;
    let title: Option<String> = row.try_get("title")?;
    let image: Option<i64> = row.try_get("image_id")?;
    let pairs: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT source_image_id, result_image_id FROM redactions WHERE entry_id = $1",
    )
    .bind(id.0)
    .fetch_all(&mut *tx.tx)
    .await?;
    let redacted: BTreeSet<i64> = pairs.into_iter().flat_map(|(s, r)| [s, r]).collect();
    // Every public file any of its images had, so that a Release that showed
    // it before a redaction is found too.
    let mut media = Vec::new();
    for image in image.iter().chain(&redacted) {
        let keys: Vec<String> =
            sqlx::query_scalar("SELECT media_key FROM derivatives WHERE image_id = $1")
                .bind(image)
                .fetch_all(&mut *tx.tx)
                .await?;
        media.extend(keys);
    }
    Ok(Gone {
        id,
        key: row.try_get("import_key")?,
        title: title.unwrap_or_else(|| text::first_words(&caption, 6)),
        caption,
        pseudonym: row.try_get("pseudonym")?,
        image,
        redacted: redacted.into_iter().collect(),
        media: media.into_iter().collect(),
    })
}

/// Marks an entry withdrawn and clears its words, image, themes and sign-off.
async fn clear_entry(tx: &mut AuditTx, id: EntryId) -> Result<()> {
    sqlx::query(
        "UPDATE entries SET withdrawn_at = $1, title = NULL, caption = '', quote = NULL, alt = NULL,
             long_description = NULL, description = NULL, provenance_note = NULL, creator = NULL,
             content_note = NULL, image_id = NULL
         WHERE id = $2",
    )
    .bind(now_text())
    .bind(id.0)
    .execute(&mut *tx.tx)
    .await?;
    for table in [
        "entry_reviews",
        "entry_themes",
        "redactions",
        "workshop_items",
        "reflections",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE entry_id = $1"))
            .bind(id.0)
            .execute(&mut *tx.tx)
            .await?;
    }
    Ok(())
}

/// Adds a consent row copying the participant's current one, withdrawn on
/// `today` (consent rows are never updated). `false` when there is no
/// consent to withdraw or it is withdrawn already.
async fn record_consent_withdrawal(
    tx: &mut AuditTx,
    participant: ParticipantId,
    today: Date,
    actor: &str,
) -> Result<bool> {
    let current: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT id, withdrawn_on FROM consents WHERE participant_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(participant.0)
    .fetch_optional(&mut *tx.tx)
    .await?;
    let Some((id, None)) = current else {
        return Ok(false);
    };
    sqlx::query(
        "INSERT INTO consents (participant_id, scopes, given_on, form_version, expires_on, withdrawn_on,
             recorded_at, note, form_key, recorded_by, method, taken_by)
         SELECT participant_id, scopes, given_on, form_version, expires_on, $1, $2, note, form_key, $3,
             method, taken_by
         FROM consents WHERE id = $4",
    )
    .bind(today.to_string())
    .bind(now_text())
    .bind(actor)
    .bind(id)
    .execute(&mut *tx.tx)
    .await?;
    Ok(true)
}

/// Deletes the rows of the images of `gone` that no entry uses any more, and
/// lists their blobs for deletion (public files only when no stored Release
/// lists them either).
async fn delete_unused_images(
    tx: &mut AuditTx,
    gone: &[Gone],
    done: &mut Withdrawal,
) -> Result<()> {
    let images: BTreeSet<i64> = gone
        .iter()
        .flat_map(|g| g.image.iter().chain(&g.redacted))
        .copied()
        .collect();
    for image in images {
        let Some((sha, keys)) = crate::curate::delete_image_if_unused(&mut tx.tx, image).await?
        else {
            continue;
        };
        for key in keys {
            let shown: Option<i64> = sqlx::query_scalar(
                "SELECT release_id FROM release_media WHERE media_key = $1 LIMIT 1",
            )
            .bind(&key)
            .fetch_optional(&mut *tx.tx)
            .await?;
            if shown.is_none() {
                done.delete_public.push(key);
            }
        }
        done.delete_originals.push(sha);
    }
    Ok(())
}
