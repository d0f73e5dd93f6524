//! Workshop sessions (issue 14): a facilitator's choice of entries in an
//! order, each with the questions to ask, and the unlisted link that shares
//! one until it expires. Every change is recorded with its audit event in
//! one transaction.

use crate::{AuditEvent, Result, Store, now_text};
use sqlx::Row;
use vitrine_core::{EntryId, StudyId};

/// A workshop session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workshop {
    /// Its id.
    pub id: i64,
    /// The study.
    pub study: StudyId,
    /// Its title, for the facilitator.
    pub title: String,
    /// Who made it.
    pub created_by: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// The entries in presenting order.
    pub items: Vec<WorkshopItem>,
    /// The unlisted link's token and when it stops working (RFC 3339).
    pub share: Option<(String, String)>,
}

/// One entry of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopItem {
    /// The entry.
    pub entry: EntryId,
    /// What to ask about it (Markdown subset of `vitrine_core::guide`).
    pub questions: Option<String>,
}

impl Store {
    /// Creates an empty session.
    pub async fn create_workshop(
        &self,
        study: StudyId,
        title: &str,
        event: &AuditEvent,
    ) -> Result<i64> {
        let mut tx = self.begin_audited().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO workshops (study_id, title, created_by, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(study.0)
        .bind(title)
        .bind(&event.actor)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.record(event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A study's sessions, newest first, with their items.
    pub async fn workshops(&self, study: StudyId) -> Result<Vec<Workshop>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM workshops WHERE study_id = $1 ORDER BY id DESC")
                .bind(study.0)
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(w) = self.workshop(study, id).await? {
                out.push(w);
            }
        }
        Ok(out)
    }

    /// Session `id` of `study`, if it is one of its.
    pub async fn workshop(&self, study: StudyId, id: i64) -> Result<Option<Workshop>> {
        let row = sqlx::query(
            "SELECT title, created_by, created_at, share_token, share_expires
             FROM workshops WHERE id = $1 AND study_id = $2",
        )
        .bind(id)
        .bind(study.0)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        self.read_workshop(id, study, &row).await.map(Some)
    }

    /// The session shared under `token`, with its study, whether or not the
    /// link has expired (the caller compares `share.1` with the time).
    pub async fn workshop_by_token(&self, token: &str) -> Result<Option<Workshop>> {
        let row = sqlx::query(
            "SELECT id, study_id, title, created_by, created_at, share_token, share_expires
             FROM workshops WHERE share_token = $1",
        )
        .bind(token)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let study = StudyId(row.try_get("study_id")?);
        self.read_workshop(id, study, &row).await.map(Some)
    }

    async fn read_workshop(
        &self,
        id: i64,
        study: StudyId,
        row: &sqlx::any::AnyRow,
    ) -> Result<Workshop> {
        let items: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT entry_id, questions FROM workshop_items WHERE workshop_id = $1 ORDER BY ord",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let token: Option<String> = row.try_get("share_token")?;
        let expires: Option<String> = row.try_get("share_expires")?;
        Ok(Workshop {
            id,
            study,
            title: row.try_get("title")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            items: items
                .into_iter()
                .map(|(entry, questions)| WorkshopItem {
                    entry: EntryId(entry),
                    questions,
                })
                .collect(),
            share: token.zip(expires),
        })
    }

    /// Replaces a session's title and items. `false`, with nothing written,
    /// when the study has no such session.
    pub async fn save_workshop(
        &self,
        study: StudyId,
        id: i64,
        title: &str,
        items: &[WorkshopItem],
        event: &AuditEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        let found = sqlx::query("UPDATE workshops SET title = $1 WHERE id = $2 AND study_id = $3")
            .bind(title)
            .bind(id)
            .bind(study.0)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
        if found == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM workshop_items WHERE workshop_id = $1")
            .bind(id)
            .execute(&mut *tx.tx)
            .await?;
        for (ord, item) in (1_i64..).zip(items) {
            sqlx::query(
                "INSERT INTO workshop_items (workshop_id, ord, entry_id, questions)
                 SELECT $1, $2, id, $4 FROM entries WHERE id = $3 AND study_id = $5",
            )
            .bind(id)
            .bind(ord)
            .bind(item.entry.0)
            .bind(&item.questions)
            .bind(study.0)
            .execute(&mut *tx.tx)
            .await?;
        }
        tx.record(event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Shares a session under `token` until `expires` (RFC 3339), or stops
    /// sharing it (`None`). `false` when the study has no such session.
    pub async fn share_workshop(
        &self,
        study: StudyId,
        id: i64,
        share: Option<(&str, &str)>,
        event: &AuditEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        let found = sqlx::query(
            "UPDATE workshops SET share_token = $1, share_expires = $2
             WHERE id = $3 AND study_id = $4",
        )
        .bind(share.map(|s| s.0))
        .bind(share.map(|s| s.1))
        .bind(id)
        .bind(study.0)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        tx.commit_if(found, event).await
    }

    /// Deletes a session. `false` when the study has no such session.
    pub async fn delete_workshop(
        &self,
        study: StudyId,
        id: i64,
        event: &AuditEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        sqlx::query("DELETE FROM workshop_items WHERE workshop_id = $1 AND workshop_id IN (SELECT id FROM workshops WHERE study_id = $2)")
            .bind(id)
            .bind(study.0)
            .execute(&mut *tx.tx)
            .await?;
        let found = sqlx::query("DELETE FROM workshops WHERE id = $1 AND study_id = $2")
            .bind(id)
            .bind(study.0)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
        tx.commit_if(found, event).await
    }
}
