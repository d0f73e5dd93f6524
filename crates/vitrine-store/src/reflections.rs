//! Visitors' reflections (issue 14): stored as given, held for moderation,
//! approved or rejected by the team with an audit event each, and an
//! approved one taken down again from every stored Release. Nothing that
//! identifies the visitor is stored.

use crate::{AuditEvent, Result, Store, now_text};
use sqlx::Row;
use vitrine_core::{EntryId, StudyId};

/// A reflection as the visitor gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReflection<'a> {
    /// The study.
    pub study: StudyId,
    /// The entry it is about; `None` for the gallery as a whole.
    pub entry: Option<EntryId>,
    /// The Release the visitor was reading.
    pub release_version: u32,
    /// How far it reflects their experience, 1 (not at all) to 5 (completely).
    pub reflects: Option<u8>,
    /// What they said they do.
    pub role: Option<&'a str>,
    /// What they wrote.
    pub body: &'a str,
}

/// A stored reflection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reflection {
    /// Its id.
    pub id: i64,
    /// The entry it is about, if one.
    pub entry: Option<EntryId>,
    /// The Release the visitor was reading.
    pub release_version: i64,
    /// 1 to 5, if answered.
    pub reflects: Option<i64>,
    /// What they said they do.
    pub role: Option<String>,
    /// What they wrote.
    pub body: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    /// When it was given (RFC 3339).
    pub created_at: String,
    /// When and by whom it was moderated.
    pub moderated: Option<(String, String)>,
}

impl Store {
    /// Stores a reflection as pending.
    pub async fn add_reflection(&self, new: &NewReflection<'_>) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO reflections
               (study_id, entry_id, release_version, reflects, role, body, state, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id",
        )
        .bind(new.study.0)
        .bind(new.entry.map(|e| e.0))
        .bind(i64::from(new.release_version))
        .bind(new.reflects.map(i64::from))
        .bind(new.role)
        .bind(new.body)
        .bind(now_text())
        .fetch_one(&self.pool)
        .await?)
    }

    /// A study's reflections in `state` (all when `None`), oldest first.
    pub async fn reflections(
        &self,
        study: StudyId,
        state: Option<&str>,
    ) -> Result<Vec<Reflection>> {
        let rows = sqlx::query(
            "SELECT id, entry_id, release_version, reflects, role, body, state, created_at,
                    moderated_at, moderated_by
             FROM reflections WHERE study_id = $1 AND ($2 IS NULL OR state = $2) ORDER BY id",
        )
        .bind(study.0)
        .bind(state)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let at: Option<String> = r.try_get("moderated_at")?;
                let by: Option<String> = r.try_get("moderated_by")?;
                Ok(Reflection {
                    id: r.try_get("id")?,
                    entry: r.try_get::<Option<i64>, _>("entry_id")?.map(EntryId),
                    release_version: r.try_get("release_version")?,
                    reflects: r.try_get("reflects")?,
                    role: r.try_get("role")?,
                    body: r.try_get("body")?,
                    state: r.try_get("state")?,
                    created_at: r.try_get("created_at")?,
                    moderated: at.zip(by),
                })
            })
            .collect()
    }

    /// Approves or rejects a pending reflection (`state`). `false`, with
    /// nothing written, when the study has no such pending reflection.
    pub async fn moderate_reflection(
        &self,
        study: StudyId,
        id: i64,
        state: &str,
        event: &AuditEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        let found = sqlx::query(
            "UPDATE reflections SET state = $1, moderated_at = $2, moderated_by = $3
             WHERE id = $4 AND study_id = $5 AND state = 'pending'",
        )
        .bind(state)
        .bind(now_text())
        .bind(&event.actor)
        .bind(id)
        .bind(study.0)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        tx.commit_if(found, event).await
    }

    /// Takes an approved reflection off the public side: it becomes
    /// `rejected`, and every stored Release of the study that shows it is
    /// rewritten without it (a new revision, as a withdrawal does), with
    /// `event`, in one transaction. Returns once no server shows it any more
    /// (it waits out their leases, `lease.rs`). `false`, with nothing written,
    /// when the study has no such approved reflection.
    pub async fn take_down_reflection(
        &self,
        study: StudyId,
        id: i64,
        event: &AuditEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        let row: Option<(Option<i64>, String, String)> = sqlx::query_as(
            "UPDATE reflections SET state = 'rejected', moderated_at = $1, moderated_by = $2
             WHERE id = $3 AND study_id = $4 AND state = 'approved'
             RETURNING entry_id, body, created_at",
        )
        .bind(now_text())
        .bind(&event.actor)
        .bind(id)
        .bind(study.0)
        .fetch_optional(&mut *tx.tx)
        .await?;
        let Some((entry, body, created_at)) = row else {
            return Ok(false);
        };
        // As publishing shows it (`app::publish`): the entry by its slug in
        // that Release, the day it was sent.
        let date = vitrine_core::reflection::day(&created_at);
        let releases: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, body FROM releases WHERE study_id = $1")
                .bind(study.0)
                .fetch_all(&mut *tx.tx)
                .await?;
        for (release_id, stored) in releases {
            let slug: Option<String> = match entry {
                None => None,
                Some(entry) => {
                    let slug = sqlx::query_scalar(
                        "SELECT slug FROM release_entries WHERE release_id = $1 AND entry_id = $2",
                    )
                    .bind(release_id)
                    .bind(entry)
                    .fetch_optional(&mut *tx.tx)
                    .await?;
                    if slug.is_none() {
                        continue;
                    }
                    slug
                }
            };
            // Reflections are in the head: entries, parts and media stay.
            let mut stored = crate::releases::parse(&stored)?;
            let before = stored.reflections.len();
            stored
                .reflections
                .retain(|r| !(r.entry == slug && r.body == body && r.date == date));
            if stored.reflections.len() != before {
                crate::releases::rewrite_head(&mut tx.tx, release_id, &stored).await?;
            }
        }
        tx.record(event).await?;
        tx.commit().await?;
        crate::lease::outlast().await;
        Ok(true)
    }
}
