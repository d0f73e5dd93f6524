//! De-identification sign-off (ETH-08, ETH-09): saving an entry's checklist
//! and a second person's approval, each with its audit record.
//!
//! The fingerprint of what was checked (image, caption, alt text) is computed
//! here from the rows, inside the transaction that saves the checklist, so it
//! always describes the entry as it was when the checklist was saved.

use crate::{AuditEvent, Result, Store, StoreError, now_text};
use vitrine_core::{Checklist, EntryId, StudyId, UserId, fingerprint};

/// When an entry's checklist was saved and approved (RFC 3339 text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewTimes {
    /// When the checklist was last saved.
    pub checked_at: Option<String>,
    /// When it was approved, if it was.
    pub approved_at: Option<String>,
}

impl Store {
    /// Saves the checklist of entry `entry` of `study` as completed by
    /// `checked_by` (user `user`), covering the entry's image, caption and alt
    /// text as they are now; any earlier approval is cleared. `Ok(false)`
    /// (nothing written) when the entry is not in the study or was withdrawn.
    pub async fn save_checklist(
        &self,
        study: StudyId,
        entry: EntryId,
        checklist: &Checklist,
        checked_by: &str,
        user: UserId,
        event: &AuditEvent,
    ) -> Result<bool> {
        let json =
            serde_json::to_string(checklist).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_audited().await?;
        let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT e.caption, e.alt, i.sha256 FROM entries e LEFT JOIN images i ON i.id = e.image_id
             WHERE e.id = $1 AND e.study_id = $2 AND e.withdrawn_at IS NULL",
        )
        .bind(entry.0)
        .bind(study.0)
        .fetch_optional(&mut *tx.tx)
        .await?;
        let Some((caption, alt, sha256)) = row else {
            return Ok(false);
        };
        let checked = fingerprint(sha256.as_deref(), &caption, alt.as_deref());
        sqlx::query(
            "INSERT INTO entry_reviews (entry_id, checklist, checked_by, checked_by_user, checked_at,
                 fingerprint, approved_by, approved_by_user, approved_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL)
             ON CONFLICT (entry_id) DO UPDATE SET
                 checklist = excluded.checklist, checked_by = excluded.checked_by,
                 checked_by_user = excluded.checked_by_user, checked_at = excluded.checked_at,
                 fingerprint = excluded.fingerprint, approved_by = NULL,
                 approved_by_user = NULL, approved_at = NULL",
        )
        .bind(entry.0)
        .bind(&json)
        .bind(checked_by)
        .bind(user.0)
        .bind(now_text())
        .bind(&checked)
        .execute(&mut *tx.tx)
        .await?;
        let mut event = event.clone();
        event.study = Some(study);
        event.entry = Some(entry);
        tx.record(&event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records `approved_by` (user `user`) as approving the checklist of
    /// `entry` that covered `checked_fingerprint`. `Ok(false)` (nothing
    /// written) when that checklist is no longer the stored one (it was saved
    /// again meanwhile) or the entry was withdrawn. The caller has applied
    /// the four-eyes rule ([`vitrine_core::may_approve`]).
    pub async fn approve_checklist(
        &self,
        study: StudyId,
        entry: EntryId,
        checked_fingerprint: &str,
        approved_by: &str,
        user: UserId,
        event: &AuditEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        let updated = sqlx::query(
            "UPDATE entry_reviews SET approved_by = $1, approved_by_user = $2, approved_at = $3
             WHERE entry_id = $4 AND fingerprint = $5
               AND entry_id IN (SELECT id FROM entries WHERE study_id = $6 AND withdrawn_at IS NULL)",
        )
        .bind(approved_by)
        .bind(user.0)
        .bind(now_text())
        .bind(entry.0)
        .bind(checked_fingerprint)
        .bind(study.0)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        let mut event = event.clone();
        event.study = Some(study);
        event.entry = Some(entry);
        tx.record(&event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// When the checklist of `entry` was saved and approved.
    pub async fn review_times(&self, entry: EntryId) -> Result<ReviewTimes> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT checked_at, approved_at FROM entry_reviews WHERE entry_id = $1")
                .bind(entry.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row
            .map(|(checked_at, approved_at)| ReviewTimes {
                checked_at: Some(checked_at),
                approved_at,
            })
            .unwrap_or_default())
    }
}
