//! Helpers for tests that must break things on purpose, such as the audit
//! log's chain. Not part of the store's API: compiled only for this crate's
//! tests and with the `test-support` feature, which only other crates' test
//! builds turn on, so no build of the binary can call them.

use crate::{Result, Store, StoreError};
use vitrine_core::ReleaseId;

impl Store {
    /// Changes the subject of audit row `seq` behind the chain's back, as
    /// someone editing the database by hand would. `false` if there is no
    /// such row.
    #[doc(hidden)]
    pub async fn tamper_audit_row(&self, seq: i64) -> Result<bool> {
        let changed =
            sqlx::query("UPDATE audit_log SET subject = subject || ' (edited)' WHERE seq = $1")
                .bind(seq)
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok(changed > 0)
    }

    /// Deletes audit row `seq` and its payload behind the chain's back.
    /// `false` if there is no such row.
    #[doc(hidden)]
    pub async fn delete_audit_row(&self, seq: i64) -> Result<bool> {
        sqlx::query("DELETE FROM audit_payloads WHERE seq = $1")
            .bind(seq)
            .execute(&self.pool)
            .await?;
        let deleted = sqlx::query("DELETE FROM audit_log WHERE seq = $1")
            .bind(seq)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(deleted > 0)
    }

    /// Stores Release `id` as Releases were stored before they had parts
    /// (migration 0019): the whole Release, entries and all, in
    /// `releases.body`, and no parts. For tests that such Releases, which
    /// existing databases hold, still read, show and withdraw.
    #[doc(hidden)]
    pub async fn store_release_in_one_body(&self, id: ReleaseId) -> Result<()> {
        let head: String = sqlx::query_scalar("SELECT body FROM releases WHERE id = $1")
            .bind(id.0)
            .fetch_one(&self.pool)
            .await?;
        let whole = crate::releases::read(&self.pool, id.0, &head).await?;
        let body = serde_json::to_string(&whole).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE releases SET body = $1 WHERE id = $2")
            .bind(body.as_str())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM release_parts WHERE release_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
