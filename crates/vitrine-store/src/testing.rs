//! Helpers for tests that must break things on purpose, such as the audit
//! log's chain. Not part of the store's API: compiled only for this crate's
//! tests and with the `test-support` feature, which only other crates' test
//! builds turn on, so no build of the binary can call them.

use crate::{Result, Store};

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
}
