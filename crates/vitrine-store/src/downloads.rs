//! Exports made in the workspace as ZIP files to download: the request, its
//! progress while a background job writes it, and the private blob it ends
//! in. The export itself goes in the export registry (`exports`) like any
//! other; so does each download of it.

use crate::jobs::now_ms;
use crate::{AuditEvent, Result, Store, now_text};
use vitrine_core::StudyId;

/// The job kind that writes a requested download.
pub const EXPORT_ZIP: &str = "export_zip";

/// A download as the workspace lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// Id.
    pub id: i64,
    /// `site` or `archive`.
    pub kind: String,
    /// The Release exported.
    pub release_version: u32,
    /// Whether an archive holds originals.
    pub originals: bool,
    /// Who asked for it.
    pub requested_by: String,
    /// `queued`, `running`, `ready`, `failed` or `removed`.
    pub state: String,
    /// Files written so far.
    pub done: u64,
    /// Files to write, once known (0 before).
    pub total: u64,
    /// Why it failed or was removed, for the person.
    pub problem: Option<String>,
    /// The name it downloads as.
    pub file_name: String,
    /// The private blob holding the ZIP, once ready.
    pub blob: Option<String>,
    /// The ZIP's size, once ready.
    pub bytes: Option<u64>,
    /// Its row in the export registry, once ready.
    pub export_id: Option<i64>,
    /// When it was asked for (RFC 3339).
    pub created_at: String,
}

/// A download to queue.
#[derive(Debug)]
pub struct NewDownload<'a> {
    /// The study.
    pub study: StudyId,
    /// `site` or `archive`.
    pub kind: &'a str,
    /// The Release to export.
    pub release_version: u32,
    /// Whether an archive holds originals.
    pub originals: bool,
    /// The name it will download as.
    pub file_name: &'a str,
    /// Who asks; recorded as `export.requested`.
    pub event: AuditEvent,
}

impl Download {
    /// What kind of export this is, for people.
    pub fn describe(&self) -> &str {
        crate::describe_kind(&self.kind)
    }
}

const COLUMNS: &str = "id, kind, release_version, originals, requested_by, state, done, total, \
                       problem, file_name, blob, bytes, created_at, export_id";

type Row = (
    i64,
    String,
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    Option<String>,
    String,
    Option<String>,
    Option<i64>,
    String,
    Option<i64>,
);

fn download(row: Row) -> Download {
    let (id, kind, version, originals, requested_by, state, done, total) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
    Download {
        id,
        kind,
        release_version: u32::try_from(version).unwrap_or(0),
        originals: originals != 0,
        requested_by,
        state,
        done: u64::try_from(done).unwrap_or(0),
        total: u64::try_from(total).unwrap_or(0),
        problem: row.8,
        file_name: row.9,
        blob: row.10,
        bytes: row.11.and_then(|b| u64::try_from(b).ok()),
        created_at: row.12,
        export_id: row.13,
    }
}

impl Store {
    /// Records a download request and queues the job that writes it, in one
    /// transaction with its audit event; returns its id.
    pub async fn request_download(&self, new: NewDownload<'_>) -> Result<i64> {
        let mut tx = self.begin_audited().await?;
        let now = now_text();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO downloads (study_id, kind, release_version, originals, requested_by, state,
                                    file_name, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $7) RETURNING id",
        )
        .bind(new.study.0)
        .bind(new.kind)
        .bind(i64::from(new.release_version))
        .bind(i64::from(new.originals))
        .bind(&new.event.actor)
        .bind(new.file_name)
        .bind(&now)
        .fetch_one(&mut *tx.tx)
        .await?;
        let payload = serde_json::json!({ "download": id }).to_string();
        let at = now_ms();
        sqlx::query(
            "INSERT INTO jobs (kind, payload, dedupe_key, state, attempts, run_after, created_at, updated_at)
             VALUES ($1, $2, NULL, 'queued', 0, $3, $3, $3)",
        )
        .bind(EXPORT_ZIP)
        .bind(payload)
        .bind(at)
        .execute(&mut *tx.tx)
        .await?;
        let mut event = new.event;
        event.study = Some(new.study);
        event.subject = format!("download {id}");
        event.after = Some(serde_json::json!({
            "kind": new.kind,
            "release": new.release_version,
            "originals": new.originals,
        }));
        tx.record(&event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A study's downloads, newest first.
    pub async fn list_downloads(&self, study: StudyId) -> Result<Vec<Download>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM downloads WHERE study_id = $1 ORDER BY id DESC"
        ))
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(download).collect())
    }

    /// One download, with the id and slug of the study it belongs to.
    pub async fn find_download(&self, id: i64) -> Result<Option<(StudyId, String, Download)>> {
        let found: Option<Row> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM downloads WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(found) = found else { return Ok(None) };
        let (study, slug): (i64, String) = sqlx::query_as(
            "SELECT s.id, s.slug FROM downloads d JOIN studies s ON s.id = d.study_id
             WHERE d.id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(Some((StudyId(study), slug, download(found))))
    }

    /// Sets a download's state and progress (`total` 0 keeps the known one).
    pub async fn update_download(
        &self,
        id: i64,
        state: &str,
        done: u64,
        total: u64,
        problem: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE downloads SET state = $2, done = $3,
                    total = CASE WHEN $4 > 0 THEN $4 ELSE total END,
                    problem = $5, updated_at = $6
             WHERE id = $1",
        )
        .bind(id)
        .bind(state)
        .bind(i64::try_from(done).unwrap_or(i64::MAX))
        .bind(i64::try_from(total).unwrap_or(i64::MAX))
        .bind(problem)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a download ready in its blob, made as registry export `export`.
    pub async fn finish_download(
        &self,
        id: i64,
        blob: &str,
        bytes: u64,
        export: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE downloads SET state = 'ready', blob = $2, bytes = $3, done = total,
                    problem = NULL, updated_at = $4, export_id = $5
             WHERE id = $1",
        )
        .bind(id)
        .bind(blob)
        .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
        .bind(now_text())
        .bind(export)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a download removed (its blob deleted), saying why.
    pub async fn remove_download(&self, id: i64, why: &str) -> Result<()> {
        sqlx::query(
            "UPDATE downloads SET state = 'removed', blob = NULL, problem = $2, updated_at = $3
             WHERE id = $1",
        )
        .bind(id)
        .bind(why)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
