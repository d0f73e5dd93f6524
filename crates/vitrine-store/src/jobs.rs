//! Durable background jobs in the database, shared by every instance.
//!
//! A job is claimed with a lease (`locked_until`). An instance that dies (even by
//! `kill -9`) simply stops renewing nothing: when the lease runs out any other
//! instance claims the job again. On PostgreSQL the claim uses
//! `FOR UPDATE SKIP LOCKED`, so instances never wait on each other; on SQLite the
//! single writer makes the same statement atomic. Jobs must therefore be
//! idempotent: a job may run more than once, never less.

use crate::db::Backend;
use crate::{Result, Store};
use std::time::Duration;

/// A claimed job, to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Id.
    pub id: i64,
    /// What to do, e.g. `consent_expiry`.
    pub kind: String,
    /// JSON arguments.
    pub payload: String,
    /// How many times it has been claimed, this time included.
    pub attempts: u32,
}

/// A job as listed for people watching the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// queued, running, done or failed.
    pub state: String,
    /// Claims so far.
    pub attempts: u32,
    /// The last error, if it failed before.
    pub last_error: Option<String>,
    /// Last change, Unix milliseconds.
    pub updated_at: i64,
}

/// Milliseconds since the Unix epoch, the unit job times are stored in.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Store {
    /// Queues a job to run from `run_after` (Unix ms). With a `dedupe_key`, a
    /// second job with the same key is not queued. Returns whether it was.
    pub async fn enqueue_job(
        &self,
        kind: &str,
        payload: &str,
        dedupe_key: Option<&str>,
        run_after: i64,
    ) -> Result<bool> {
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO jobs (kind, payload, dedupe_key, state, attempts, run_after, created_at, updated_at)
             VALUES ($1, $2, $3, 'queued', 0, $4, $5, $5) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(kind)
        .bind(payload)
        .bind(dedupe_key)
        .bind(run_after)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    /// Claims the oldest job that is due, or whose previous claim's lease ran
    /// out, for `worker` until `lease` from now.
    pub async fn claim_job(&self, worker: &str, lease: Duration) -> Result<Option<Job>> {
        let now = now_ms();
        let lock = if self.backend() == Backend::Postgres {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3
             WHERE id = (SELECT id FROM jobs
                         WHERE (state = 'queued' AND run_after <= $3) OR (state = 'running' AND locked_until < $3)
                         ORDER BY id LIMIT 1 {lock})
             RETURNING id, kind, payload, attempts"
        );
        let row: Option<(i64, String, String, i64)> = sqlx::query_as(&sql)
            .bind(worker)
            .bind(now.saturating_add(ms(lease)))
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(id, kind, payload, attempts)| Job {
            id,
            kind,
            payload,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        }))
    }

    /// Marks a job done, if `worker` still holds it. Returns whether it did (a
    /// worker whose lease ran out and was taken over has nothing to record).
    pub async fn complete_job(&self, id: i64, worker: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'done', locked_by = NULL, locked_until = NULL, last_error = NULL, updated_at = $3
             WHERE id = $1 AND locked_by = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a failure: queued again from `retry_at`, or failed for good
    /// when `retry_at` is `None`.
    pub async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<()> {
        let (state, run_after) = match retry_at {
            Some(at) => ("queued", at),
            None => ("failed", now_ms()),
        };
        sqlx::query(
            "UPDATE jobs SET state = $3, run_after = $4, last_error = $5, locked_by = NULL, locked_until = NULL,
                 updated_at = $6
             WHERE id = $1 AND locked_by = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(state)
        .bind(run_after)
        .bind(error)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The most recently changed jobs, newest first.
    pub async fn list_jobs(&self, limit: i64) -> Result<Vec<JobStatus>> {
        let rows: Vec<(i64, String, String, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, kind, state, attempts, last_error, updated_at FROM jobs ORDER BY updated_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, kind, state, attempts, last_error, updated_at)| JobStatus {
                    id,
                    kind,
                    state,
                    attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                    last_error,
                    updated_at,
                },
            )
            .collect())
    }
}
