//! The consent register and the identity store's column (ETH-01, ETH-03,
//! PRV-01): participants as staff see them, every consent record ever made,
//! and the encrypted identities.
//!
//! Consent rows are never updated: recording a renewal, an amendment or a
//! withdrawal adds a row, and the newest row (highest id) is the current
//! record, as [`Store::load_study_content`] reads it. Identities arrive here
//! already encrypted; this crate never sees a real name.

use crate::{AuditEvent, Result, Store, StoreError, now_text};
use sqlx::Row;
use std::collections::BTreeSet;
use vitrine_core::{ConsentScope, Date, ParticipantId, StudyId};

/// A participant as the workspace lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantSummary {
    /// Internal id.
    pub id: ParticipantId,
    /// The id used in the study folder's spreadsheets (staff-only).
    pub import_key: String,
    /// Pseudonym.
    pub pseudonym: String,
    /// Role in the study, if given.
    pub role: Option<String>,
    /// How many entries are theirs.
    pub entries: i64,
    /// Whether an (encrypted) identity is held for them.
    pub has_identity: bool,
}

/// One stored consent record, as it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Row id: later records have higher ids.
    pub id: i64,
    /// What the participant agreed to.
    pub scopes: BTreeSet<ConsentScope>,
    /// When consent was given.
    pub given_on: Date,
    /// The consent form or information sheet version.
    pub form_version: String,
    /// The last day it covers, if it lapses.
    pub expires_on: Option<Date>,
    /// Set on a withdrawal record.
    pub withdrawn_on: Option<Date>,
    /// When it was written (RFC 3339).
    pub recorded_at: String,
    /// Who wrote it into Vitrine (an account's e-mail, or "import").
    pub recorded_by: Option<String>,
    /// How consent was taken: written, verbal or recorded.
    pub method: Option<String>,
    /// Who took it.
    pub taken_by: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// The signed form's key in the private vault, if one was uploaded.
    pub form_key: Option<String>,
}

/// A consent record to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    /// What the participant agreed to.
    pub scopes: BTreeSet<ConsentScope>,
    /// When consent was given.
    pub given_on: Date,
    /// The consent form or information sheet version.
    pub form_version: String,
    /// The last day it covers, if it lapses.
    pub expires_on: Option<Date>,
    /// Set when this record is a withdrawal.
    pub withdrawn_on: Option<Date>,
    /// How consent was taken: written, verbal or recorded.
    pub method: Option<String>,
    /// Who took it.
    pub taken_by: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// The signed form's key in the private vault.
    pub form_key: Option<String>,
    /// Who is writing it (an account's e-mail).
    pub recorded_by: String,
}

fn day_text(day: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    day.format(&format)
        .unwrap_or_else(|_| String::from("0000-00-00"))
}

fn day(text: Option<String>) -> Result<Option<Date>> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    text.map(|t| {
        Date::parse(&t, format).map_err(|e| StoreError::Corrupt(format!("consent date {t}: {e}")))
    })
    .transpose()
}

fn summary(r: &sqlx::any::AnyRow) -> Result<ParticipantSummary, sqlx::Error> {
    Ok(ParticipantSummary {
        id: ParticipantId(r.try_get("id")?),
        import_key: r.try_get("import_key")?,
        pseudonym: r.try_get("pseudonym")?,
        role: r.try_get("role")?,
        entries: r.try_get("entries")?,
        has_identity: r.try_get::<Option<String>, _>("identity")?.is_some(),
    })
}

const SUMMARY_SQL: &str = "SELECT p.id, p.import_key, p.pseudonym, p.role, p.identity,
        (SELECT COUNT(*) FROM entries e WHERE e.participant_id = p.id) AS entries
    FROM participants p WHERE p.study_id = $1";

impl Store {
    /// A study's participants, in the order they were added.
    pub async fn participants(&self, study: StudyId) -> Result<Vec<ParticipantSummary>> {
        let rows = sqlx::query(&format!("{SUMMARY_SQL} ORDER BY p.id"))
            .bind(study.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(summary).collect::<Result<_, _>>()?)
    }

    /// One participant of a study; `Ok(None)` when the study has no such
    /// participant.
    pub async fn participant(
        &self,
        study: StudyId,
        participant: ParticipantId,
    ) -> Result<Option<ParticipantSummary>> {
        let row = sqlx::query(&format!("{SUMMARY_SQL} AND p.id = $2"))
            .bind(study.0)
            .bind(participant.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(summary).transpose()?)
    }

    /// Adds a participant with the next free spreadsheet id `p-N`; returns
    /// its id and that import key. The event's subject is set to the new
    /// participant.
    pub async fn add_participant(
        &self,
        study: StudyId,
        pseudonym: &str,
        role: Option<&str>,
        event: &AuditEvent,
    ) -> Result<(ParticipantId, String)> {
        let mut tx = self.begin_audited().await?;
        let keys: Vec<String> =
            sqlx::query_scalar("SELECT import_key FROM participants WHERE study_id = $1")
                .bind(study.0)
                .fetch_all(&mut *tx.tx)
                .await?;
        let mut n = keys
            .iter()
            .filter_map(|k| k.strip_prefix("p-")?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        let (id, key) = loop {
            n += 1;
            let key = format!("p-{n}");
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO participants (study_id, import_key, pseudonym, role)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (study_id, import_key) DO NOTHING RETURNING id",
            )
            .bind(study.0)
            .bind(&key)
            .bind(pseudonym)
            .bind(role)
            .fetch_optional(&mut *tx.tx)
            .await?;
            if let Some(id) = id {
                break (ParticipantId(id), key);
            }
        };
        let mut event = event.clone();
        event.study = Some(study);
        event.participant = Some(id);
        event.subject = format!("participant {id}");
        tx.record(&event).await?;
        tx.commit().await?;
        Ok((id, key))
    }

    /// Every consent record of a participant, newest first.
    pub async fn consent_history(&self, participant: ParticipantId) -> Result<Vec<ConsentRecord>> {
        let rows = sqlx::query(
            "SELECT id, scopes, given_on, form_version, expires_on, withdrawn_on, recorded_at,
                    recorded_by, method, taken_by, note, form_key
             FROM consents WHERE participant_id = $1 ORDER BY id DESC",
        )
        .bind(participant.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let scopes: String = r.try_get("scopes")?;
                let scopes = scopes
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        ConsentScope::parse(s)
                            .ok_or_else(|| StoreError::Corrupt(format!("consent scope {s}")))
                    })
                    .collect::<Result<_>>()?;
                Ok(ConsentRecord {
                    id: r.try_get("id")?,
                    scopes,
                    given_on: day(Some(r.try_get("given_on")?))?
                        .ok_or_else(|| StoreError::Corrupt("consent date".into()))?,
                    form_version: r.try_get("form_version")?,
                    expires_on: day(r.try_get("expires_on")?)?,
                    withdrawn_on: day(r.try_get("withdrawn_on")?)?,
                    recorded_at: r.try_get("recorded_at")?,
                    recorded_by: r.try_get("recorded_by")?,
                    method: r.try_get("method")?,
                    taken_by: r.try_get("taken_by")?,
                    note: r.try_get("note")?,
                    form_key: r.try_get("form_key")?,
                })
            })
            .collect()
    }

    /// Adds a consent record (never changing an earlier one); it becomes the
    /// participant's current record. Returns its id.
    pub async fn record_consent(
        &self,
        participant: ParticipantId,
        consent: &NewConsent,
        event: &AuditEvent,
    ) -> Result<i64> {
        let scopes = consent
            .scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let mut tx = self.begin_audited().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO consents (participant_id, scopes, given_on, form_version, expires_on,
                 withdrawn_on, recorded_at, note, form_key, recorded_by, method, taken_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(participant.0)
        .bind(&scopes)
        .bind(day_text(consent.given_on))
        .bind(&consent.form_version)
        .bind(consent.expires_on.map(day_text))
        .bind(consent.withdrawn_on.map(day_text))
        .bind(now_text())
        .bind(consent.note.as_deref())
        .bind(consent.form_key.as_deref())
        .bind(&consent.recorded_by)
        .bind(consent.method.as_deref())
        .bind(consent.taken_by.as_deref())
        .fetch_one(&mut *tx.tx)
        .await?;
        let mut event = event.clone();
        event.participant = Some(participant);
        tx.record(&event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The encrypted identities held for a study's participants.
    pub async fn sealed_identities(&self, study: StudyId) -> Result<Vec<(ParticipantId, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, identity FROM participants
             WHERE study_id = $1 AND identity IS NOT NULL ORDER BY id",
        )
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, sealed)| (ParticipantId(id), sealed))
            .collect())
    }

    /// Whether any participant of any study has an encrypted identity (so a
    /// missing key file is a lost key, not a first use).
    pub async fn holds_identities(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM participants WHERE identity IS NOT NULL LIMIT 1) t",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// Replaces (or, with `None`, removes) a participant's encrypted identity.
    /// `event` must not carry the identity's values.
    pub async fn set_sealed_identity(
        &self,
        study: StudyId,
        participant: ParticipantId,
        sealed: Option<&str>,
        event: &AuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_audited().await?;
        let changed =
            sqlx::query("UPDATE participants SET identity = $1 WHERE id = $2 AND study_id = $3")
                .bind(sealed)
                .bind(participant.0)
                .bind(study.0)
                .execute(&mut *tx.tx)
                .await?
                .rows_affected();
        if changed != 1 {
            return Err(StoreError::Corrupt(format!(
                "participant {participant} is not in study {study}"
            )));
        }
        let mut event = event.clone();
        event.study = Some(study);
        event.participant = Some(participant);
        tx.record(&event).await?;
        tx.commit().await
    }

    /// The `participants.identity` column exactly as stored, for tests that
    /// prove it is encrypted.
    #[doc(hidden)]
    pub async fn participant_identity_raw(
        &self,
        participant: ParticipantId,
    ) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT identity FROM participants WHERE id = $1")
                .bind(participant.0)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    /// Every audit payload and subject as stored, for tests that prove no
    /// real name reaches the log.
    #[doc(hidden)]
    pub async fn audit_text_raw(&self) -> Result<Vec<String>> {
        let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT l.actor, l.action, l.subject, p.body FROM audit_log l
             LEFT JOIN audit_payloads p ON p.seq = l.seq ORDER BY l.seq",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(actor, action, subject, body)| {
                format!("{actor} {action} {subject} {}", body.unwrap_or_default())
            })
            .collect())
    }
}
