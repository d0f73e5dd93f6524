//! Sign-in throttling rows: one per client address and one per account at an
//! address, each counting the password checks of its current window that did
//! not succeed, with the time before which it may not be tried again.
//!
//! The rule the application sets (limits, window, delays) lives in
//! `app::auth`; here is only what must be atomic. A sign-in *claims* an
//! attempt before it checks a password, in one conditional upsert that starts
//! a new window, or counts one more attempt only while the row is under its
//! limit and past its delay, and answers whether it did. Concurrent requests
//! on any number of instances therefore check at most the limit of passwords
//! per window, on SQLite and PostgreSQL alike.

use crate::{AuditEvent, Result, Store};
use sqlx::Row;

/// Which row: a client address alone (`account` empty), or an account at an
/// address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleKey<'a> {
    /// The lower-cased e-mail signed in to, or "" for the address's own row.
    pub account: &'a str,
    /// The client address as the application keys it.
    pub address: &'a str,
}

/// The answer to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The attempt is counted: this is attempt `attempts` of the window
    /// that started at `window_start` (Unix ms).
    Granted {
        /// Attempts in the window, this one included.
        attempts: i64,
        /// When the window started.
        window_start: i64,
    },
    /// Not now: too many attempts in the window, or a delay not yet over.
    /// `until` is when the row may be claimed again (Unix ms).
    Refused {
        /// When trying again can work.
        until: i64,
    },
}

impl Store {
    /// Claims one password check against `key`, at `now` (Unix ms): granted
    /// when the row is new, its window (`window_ms` long) has ended, or it has
    /// fewer than `limit` attempts and its delay is over. One statement, so
    /// concurrent claims are counted one by one.
    pub async fn claim_sign_in(
        &self,
        key: ThrottleKey<'_>,
        limit: i64,
        window_ms: i64,
        now: i64,
    ) -> Result<Claim> {
        let row = sqlx::query(
            "INSERT INTO sign_in_throttle (account, address, window_start, attempts, not_before)
             VALUES ($1, $2, $3, 1, 0)
             ON CONFLICT (account, address) DO UPDATE SET
               window_start = CASE WHEN sign_in_throttle.window_start <= $4 THEN $3
                              ELSE sign_in_throttle.window_start END,
               attempts = CASE WHEN sign_in_throttle.window_start <= $4 THEN 1
                          ELSE sign_in_throttle.attempts + 1 END
             WHERE sign_in_throttle.not_before <= $3
               AND (sign_in_throttle.window_start <= $4 OR sign_in_throttle.attempts < $5)
             RETURNING attempts, window_start",
        )
        .bind(key.account)
        .bind(key.address)
        .bind(now)
        .bind(now.saturating_sub(window_ms))
        .bind(limit)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = row {
            return Ok(Claim::Granted {
                attempts: row.try_get("attempts")?,
                window_start: row.try_get("window_start")?,
            });
        }
        // Refused: read when it ends, for the message (a later claim decides
        // again, so this read need not be atomic with the one above).
        let row = sqlx::query(
            "SELECT window_start, attempts, not_before FROM sign_in_throttle
             WHERE account = $1 AND address = $2",
        )
        .bind(key.account)
        .bind(key.address)
        .fetch_optional(&self.pool)
        .await?;
        let until = match row {
            Some(row) => {
                let not_before: i64 = row.try_get("not_before")?;
                let attempts: i64 = row.try_get("attempts")?;
                let window_end = row
                    .try_get::<i64, _>("window_start")?
                    .saturating_add(window_ms);
                if attempts >= limit {
                    not_before.max(window_end)
                } else {
                    not_before
                }
            }
            None => now,
        };
        Ok(Claim::Refused { until })
    }

    /// Gives back one claimed attempt that did not end in a failed password
    /// check (another row refused it, the check was too busy to run, or the
    /// password was right).
    pub async fn release_sign_in(&self, key: ThrottleKey<'_>) -> Result<()> {
        sqlx::query(
            "UPDATE sign_in_throttle SET attempts = attempts - 1
             WHERE account = $1 AND address = $2 AND attempts > 0",
        )
        .bind(key.account)
        .bind(key.address)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// After a failed password check: `key` may not be claimed again before
    /// `not_before` (an existing later time is kept). With `lockout`, the
    /// event is recorded in the audit log in the same transaction.
    pub async fn delay_sign_in(
        &self,
        key: ThrottleKey<'_>,
        not_before: i64,
        lockout: Option<&AuditEvent>,
    ) -> Result<()> {
        const DELAY: &str = "UPDATE sign_in_throttle
             SET not_before = CASE WHEN not_before > $3 THEN not_before ELSE $3 END
             WHERE account = $1 AND address = $2";
        let Some(event) = lockout else {
            sqlx::query(DELAY)
                .bind(key.account)
                .bind(key.address)
                .bind(not_before)
                .execute(&self.pool)
                .await?;
            return Ok(());
        };
        let mut tx = self.begin_audited().await?;
        sqlx::query(DELAY)
            .bind(key.account)
            .bind(key.address)
            .bind(not_before)
            .execute(&mut *tx.tx)
            .await?;
        tx.record(event).await?;
        tx.commit().await
    }

    /// Forgets one row (an account at an address, after a right password).
    pub async fn clear_sign_in(&self, key: ThrottleKey<'_>) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE account = $1 AND address = $2")
            .bind(key.account)
            .bind(key.address)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Lifts throttling: every row of `account` (at any address) and every
    /// row at `address` (the address's own and its accounts'), recording
    /// `event` in the audit log. Returns how many rows were removed.
    pub async fn lift_sign_in_limits(
        &self,
        account: Option<&str>,
        address: Option<&str>,
        event: &AuditEvent,
    ) -> Result<u64> {
        let mut tx = self.begin_audited().await?;
        let removed = sqlx::query(
            "DELETE FROM sign_in_throttle
             WHERE ($1 IS NOT NULL AND account = $1) OR ($2 IS NOT NULL AND address = $2)",
        )
        .bind(account)
        .bind(address)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        tx.record(event).await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// Removes rows whose window and delay have both ended before `now`.
    pub async fn sweep_sign_in_throttle(&self, window_ms: i64, now: i64) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE window_start <= $1 AND not_before <= $2")
            .bind(now.saturating_sub(window_ms))
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
