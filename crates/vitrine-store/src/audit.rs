//! The append-only, hash-chained audit log (PRV-11).
//!
//! Every change made through the workspace (and publishes from the command
//! line) is recorded in the same transaction as the change itself, so there is
//! never a change without its record or a record without its change. Each row's
//! hash covers the previous row's hash and the row's own fields, including the
//! SHA-256 of its payload; the payload (before/after values, salted) is kept in
//! a separate table so that a withdrawal can erase withdrawn words without
//! breaking the chain: `vitrine audit verify` then reports the payload as
//! erased, not as tampered with.
//!
//! Appends are serialised by locking the single `audit_head` row first (on
//! SQLite the first write of a transaction takes the database's write lock,
//! waiting under `busy_timeout`; on PostgreSQL the row lock), so two instances
//! can never fork the chain.

use crate::{Result, Store, StoreError};
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use vitrine_core::{EntryId, ParticipantId, StudyId};

/// One thing that happened, as the caller describes it.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent {
    /// Who did it: a user's e-mail, or "command line".
    pub actor: String,
    /// The study it concerns, if any.
    pub study: Option<StudyId>,
    /// What was done, dotted, e.g. `entry.edit`, `release.publish`.
    pub action: String,
    /// What it was done to, staff-facing, e.g. `entry e03`.
    pub subject: String,
    /// Values before the change (omit personal data that must not be logged).
    pub before: Option<serde_json::Value>,
    /// Values after the change.
    pub after: Option<serde_json::Value>,
    /// The entry whose words the payload may contain (erased on withdrawal).
    pub entry: Option<EntryId>,
    /// The participant whose words the payload may contain.
    pub participant: Option<ParticipantId>,
}

/// One recorded row, for the log page.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// What it was done to.
    pub subject: String,
    /// The before/after payload as JSON text, or `None` once erased.
    pub payload: Option<String>,
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, Default)]
pub struct AuditVerification {
    /// Rows checked.
    pub rows: i64,
    /// Rows whose payload was erased by a withdrawal (allowed).
    pub erased: i64,
    /// Everything that does not add up; empty means the log is intact.
    pub problems: Vec<String>,
}

/// A transaction that records audit events as it goes.
pub struct AuditTx {
    pub(crate) tx: Transaction<'static, Any>,
    seq: i64,
    hash: String,
}

fn field(hasher: &mut Sha256, text: &str) {
    hasher.update((text.len() as u64).to_be_bytes());
    hasher.update(text.as_bytes());
}

/// The chain hash of one row.
#[allow(clippy::too_many_arguments)]
fn row_hash(
    seq: i64,
    at: &str,
    actor: &str,
    study: Option<i64>,
    action: &str,
    subject: &str,
    payload_hash: &str,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    field(&mut h, &seq.to_string());
    field(&mut h, at);
    field(&mut h, actor);
    field(&mut h, &study.map(|s| s.to_string()).unwrap_or_default());
    field(&mut h, action);
    field(&mut h, subject);
    field(&mut h, payload_hash);
    field(&mut h, prev_hash);
    hex::encode(h.finalize())
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Store {
    /// Starts a transaction that may record audit events; it holds the audit
    /// chain's lock until it commits or is dropped.
    pub async fn begin_audited(&self) -> Result<AuditTx> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *tx)
            .await?;
        Ok(AuditTx {
            tx,
            seq: row.try_get("seq")?,
            hash: row.try_get("hash")?,
        })
    }

    /// Records one event on its own.
    pub async fn audit(&self, event: &AuditEvent) -> Result<()> {
        let mut tx = self.begin_audited().await?;
        tx.record(event).await?;
        tx.commit().await
    }

    /// The most recent `limit` rows, newest first, for one study or for all.
    pub async fn audit_log(&self, study: Option<StudyId>, limit: i64) -> Result<Vec<AuditRecord>> {
        let rows = sqlx::query(
            "SELECT l.seq, l.at, l.actor, l.action, l.subject, p.body FROM audit_log l
             LEFT JOIN audit_payloads p ON p.seq = l.seq
             WHERE ($1 IS NULL OR l.study_id = $1) ORDER BY l.seq DESC LIMIT $2",
        )
        .bind(study.map(|s| s.0))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRecord {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    subject: r.try_get("subject")?,
                    payload: r.try_get("body")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Walks the whole chain and reports anything that does not add up.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        let rows = sqlx::query(
            "SELECT l.seq, l.at, l.actor, l.study_id, l.action, l.subject, l.payload_hash,
                    l.prev_hash, l.hash, p.body
             FROM audit_log l LEFT JOIN audit_payloads p ON p.seq = l.seq ORDER BY l.seq",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut report = AuditVerification::default();
        let mut expected_prev = "0".repeat(64);
        let mut expected_seq = 1;
        for r in &rows {
            let seq: i64 = r.try_get("seq")?;
            let prev: String = r.try_get("prev_hash")?;
            let hash: String = r.try_get("hash")?;
            let payload_hash: String = r.try_get("payload_hash")?;
            if seq != expected_seq {
                report.problems.push(format!(
                    "row {expected_seq} is missing (the next row is {seq})"
                ));
            }
            if prev != expected_prev {
                report.problems.push(format!(
                    "row {seq} does not follow the row before it (its previous hash differs)"
                ));
            }
            let computed = row_hash(
                seq,
                &r.try_get::<String, _>("at")?,
                &r.try_get::<String, _>("actor")?,
                r.try_get("study_id")?,
                &r.try_get::<String, _>("action")?,
                &r.try_get::<String, _>("subject")?,
                &payload_hash,
                &prev,
            );
            if computed != hash {
                report
                    .problems
                    .push(format!("row {seq} was changed after it was written"));
            }
            match r.try_get::<Option<String>, _>("body")? {
                Some(body) if sha256_hex(&body) != payload_hash => report.problems.push(format!(
                    "the details of row {seq} were changed after they were written"
                )),
                Some(_) => {}
                None => report.erased += 1,
            }
            report.rows += 1;
            expected_prev = hash;
            expected_seq = seq + 1;
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        match head {
            Some(head) => {
                let seq: i64 = head.try_get("seq")?;
                let hash: String = head.try_get("hash")?;
                if seq != expected_seq - 1 || hash != expected_prev {
                    report.problems.push(format!(
                        "the log ends at row {} but its head says {seq}: rows were removed from the end",
                        expected_seq - 1
                    ));
                }
            }
            None => report.problems.push("the log's head row is missing".into()),
        }
        Ok(report)
    }
}

impl AuditTx {
    /// Appends `event` to the chain, inside this transaction.
    pub async fn record(&mut self, event: &AuditEvent) -> Result<()> {
        let seq = self.seq + 1;
        let at = crate::now_text();
        let salt = {
            let mut h = Sha256::new();
            h.update(at.as_bytes());
            h.update(seq.to_be_bytes());
            h.update(std::process::id().to_be_bytes());
            h.update(format!("{:?}", std::time::Instant::now()).as_bytes());
            hex::encode(&h.finalize()[..16])
        };
        let body = serde_json::json!({
            "salt": salt,
            "before": event.before,
            "after": event.after,
        })
        .to_string();
        let payload_hash = sha256_hex(&body);
        let study = event.study.map(|s| s.0);
        let hash = row_hash(
            seq,
            &at,
            &event.actor,
            study,
            &event.action,
            &event.subject,
            &payload_hash,
            &self.hash,
        );
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, study_id, action, subject, payload_hash, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(seq)
        .bind(&at)
        .bind(&event.actor)
        .bind(study)
        .bind(&event.action)
        .bind(&event.subject)
        .bind(&payload_hash)
        .bind(&self.hash)
        .bind(&hash)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit_payloads (seq, entry_id, participant_id, body) VALUES ($1, $2, $3, $4)",
        )
        .bind(seq)
        .bind(event.entry.map(|e| e.0))
        .bind(event.participant.map(|p| p.0))
        .bind(&body)
        .execute(&mut *self.tx)
        .await?;
        self.seq = seq;
        self.hash = hash;
        Ok(())
    }

    /// Erases the payloads that may hold a withdrawn entry's or participant's
    /// words. The chain still verifies; those rows read as erased.
    pub async fn erase_payloads(
        &mut self,
        entries: &[EntryId],
        participant: Option<ParticipantId>,
    ) -> Result<()> {
        for entry in entries {
            sqlx::query("DELETE FROM audit_payloads WHERE entry_id = $1")
                .bind(entry.0)
                .execute(&mut *self.tx)
                .await?;
        }
        if let Some(p) = participant {
            sqlx::query("DELETE FROM audit_payloads WHERE participant_id = $1")
                .bind(p.0)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Records `event` and commits when a write `changed` rows; otherwise
    /// rolls back (dropping the transaction) and records nothing. Returns
    /// whether it committed: the usual end of a conditional write.
    pub async fn commit_if(mut self, changed: u64, event: &AuditEvent) -> Result<bool> {
        if changed == 0 {
            return Ok(false);
        }
        self.record(event).await?;
        self.commit().await?;
        Ok(true)
    }

    /// Moves the chain's head and commits everything.
    pub async fn commit(mut self) -> Result<()> {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.seq)
            .bind(&self.hash)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}
