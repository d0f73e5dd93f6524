//! The audit log, as staff and the command line read it.

use crate::app::App;
use vitrine_core::Study;
use vitrine_store::{AuditRecord, AuditVerification};

/// Checks the whole log's hash chain: how many records, how many erased by
/// a withdrawal, and what is wrong.
pub async fn verify(app: &App) -> vitrine_store::Result<AuditVerification> {
    app.store.verify_audit().await
}

/// The audit log of `study`, newest first, at most `limit` records, with
/// the result of checking the whole log's hash chain.
pub async fn of_study(
    app: &App,
    study: &Study,
    limit: i64,
) -> vitrine_store::Result<(AuditVerification, Vec<AuditRecord>)> {
    let verification = app.store.verify_audit().await?;
    let records = app.store.audit_log(Some(study.id), limit).await?;
    Ok((verification, records))
}
