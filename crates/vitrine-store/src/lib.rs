//! Vitrine's storage: the relational store (studies, entries, consent, Releases)
//! and the blob store (private originals, public derivatives).
//!
//! The database is chosen by URL. SQL here is portable (`$1` placeholders,
//! `INSERT … ON CONFLICT … RETURNING`, no backend-specific functions) and runs
//! through sqlx's `Any` driver, so adding PostgreSQL is a matter of migrations and a
//! feature, not of reshaping callers. Nothing outside this crate sees SQL, pools or
//! object-store paths: callers get domain types from `vitrine-core`.

mod accounts;
mod audit;
pub mod blobs;
mod content;
mod curate;
mod db;
mod downloads;
mod exports;
mod import;
mod jobs;
mod lease;
mod redactions;
mod reflections;
mod register;
mod releases;
mod schema;
mod signoff;
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod testing;
mod throttle;
mod webp;
mod withdraw;
mod workshops;
mod workspace;

pub use accounts::{Membership, Session, User};
pub use audit::{AuditEvent, AuditRecord, AuditTx, AuditVerification};
pub use blobs::{BlobKey, Blobs, S3Options};
/// The bytes of a blob, shared without copying.
pub use bytes::Bytes;
pub use content::StudyContent;
pub use curate::{EntryEdit, NewUpload, StaffDerivative};
pub use db::{Backend, Store, redact};
pub use downloads::{Download, EXPORT_ZIP, NewDownload};
pub use exports::{ExportGuards, ExportRecord, FolderKeys, Held, NewExport, describe_kind};
pub use import::{
    ImportEntry, ImportParticipant, ImportPrompt, ImportSignOff, ImportSummary, ImportTheme,
    NewDerivative, NewImage, StudyImport,
};
pub use jobs::{Job, JobStatus, now_ms};
pub use lease::{LEASE, ReleaseRefs};
pub use redactions::{NewRedaction, RedactionBase, RedactionRecord, SourceImage};
pub use reflections::{NewReflection, Reflection};
pub use register::{ConsentRecord, NewConsent, ParticipantSummary};
pub use releases::ReleaseSummary;
pub use schema::LogicalSchema;
pub use signoff::ReviewTimes;
pub use throttle::{Claim, ThrottleKey};
pub use withdraw::{PurgePaths, Withdrawal, WithdrawalPlan, WithdrawnRelease};
pub use workshops::{Workshop, WorkshopItem};

/// Errors from the store. Messages are for operators; input problems are caught
/// before anything reaches the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names a backend this build does not have.
    #[error("unsupported database URL \"{0}\": use sqlite://PATH or postgres://USER@HOST/DATABASE")]
    UnsupportedUrl(String),
    /// The blob URL names a scheme this build does not have.
    #[error("unsupported blob store URL \"{0}\": use file:///ABSOLUTE/DIR or s3://BUCKET/PREFIX")]
    UnsupportedBlobUrl(String),
    /// A database operation failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Running the embedded migrations failed.
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data could not be read back (a bug or a hand-edited database).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Someone else published a Release of the same study at the same moment.
    #[error("another Release of this study was published at the same time; try again")]
    Conflict,
    /// The blob store failed.
    #[error("blob store error: {0}")]
    Blob(#[from] object_store::Error),
}

/// Result alias for store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The current time as RFC 3339 text, the form timestamps are stored in.
fn now_text() -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00Z"))
}
