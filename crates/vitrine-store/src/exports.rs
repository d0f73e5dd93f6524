//! The export registry: every export made from a Release (a static site, a
//! study folder, an archive for deposit), with who made it, when, where it
//! went and which entries it held, so a withdrawal can list the off-line
//! copies a team must recall. Recording is audited.

use crate::{AuditEvent, Result, Store, now_text};
use vitrine_core::{EntryId, Release, ReleaseId, StudyId};

/// One recorded export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRecord {
    /// Its id in the registry.
    pub id: i64,
    /// What was exported: `site`, `study`, `archive`, ….
    pub kind: String,
    /// The Release it was made from (0 for a study folder, made from the
    /// working copy).
    pub release_version: u32,
    /// Where it was written (a folder or file on the server), or `download`.
    pub destination: String,
    /// Who made it.
    pub actor: String,
    /// When (RFC 3339).
    pub created_at: String,
}

/// What an export of a study must never hold (see [`Store::export_guards`]).
#[derive(Debug, Clone, Default)]
pub struct ExportGuards {
    /// The sha256 (lower-case hex) of each original the study's entries use.
    pub originals: Vec<String>,
    /// The import keys of its entries, participants, prompts and themes.
    pub keys: Vec<String>,
}

/// An export kind (`site`, `study`, `archive`) as people read it.
pub fn describe_kind(kind: &str) -> &str {
    match kind {
        "site" => "Static site",
        "study" => "Study folder",
        "archive" => "Archive for deposit",
        "cards" => "Photo cards (PDF)",
        "handout" => "Handout (PDF)",
        other => other,
    }
}

impl ExportRecord {
    /// What kind of export this is, for people.
    pub fn describe(&self) -> &str {
        describe_kind(&self.kind)
    }
}

/// Import keys and originals of a study, by row id ([`Store::folder_keys`]).
#[derive(Debug, Clone, Default)]
pub struct FolderKeys {
    /// Prompt id → import key.
    pub prompts: std::collections::HashMap<i64, String>,
    /// Participant id → import key.
    pub participants: std::collections::HashMap<i64, String>,
    /// Theme id → import key.
    pub themes: std::collections::HashMap<i64, String>,
    /// Image id → (sha256 of the original, its media type).
    pub images: std::collections::HashMap<i64, (String, String)>,
}

/// What an export holds, for the registry.
#[derive(Debug, Clone)]
pub enum Held {
    /// The entries a Release shows.
    Release(ReleaseId),
    /// These entries, from the working copy (a study folder).
    Entries(Vec<EntryId>),
    /// These entries of a Release (printed cards and handouts).
    Selected(ReleaseId, Vec<EntryId>),
}

/// An export to record.
#[derive(Debug, Clone)]
pub struct NewExport<'a> {
    /// The study.
    pub study: StudyId,
    /// What it holds: a Release's entries, or a working copy's.
    pub held: Held,
    /// What was exported.
    pub kind: &'a str,
    /// Where it went.
    pub destination: &'a str,
    /// Who and what, for the audit log (`actor`, `action`); the subject and
    /// payload are filled in here.
    pub event: AuditEvent,
}

impl Store {
    /// The Release of the study `slug` with this version, with its id.
    pub async fn release_by_version(
        &self,
        slug: &str,
        version: u32,
    ) -> Result<Option<(ReleaseId, Release)>> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT r.id, r.body FROM releases r JOIN studies s ON s.id = r.study_id
             WHERE s.slug = $1 AND r.version = $2",
        )
        .bind(slug)
        .bind(i64::from(version))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some((id, body)) => Ok(Some((
                ReleaseId(id),
                crate::releases::read(&self.pool, id, &body).await?,
            ))),
            None => Ok(None),
        }
    }

    /// Records an export of a Release, with the entries that Release shows,
    /// and audits it; all in one transaction.
    pub async fn record_export(&self, export: NewExport<'_>) -> Result<ExportRecord> {
        let mut tx = self.begin_audited().await?;
        let version: i64 = match &export.held {
            Held::Release(release) | Held::Selected(release, _) => {
                sqlx::query_scalar("SELECT version FROM releases WHERE id = $1")
                    .bind(release.0)
                    .fetch_one(&mut *tx.tx)
                    .await?
            }
            Held::Entries(_) => 0,
        };
        let created_at = now_text();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exports (study_id, kind, release_version, destination, actor, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(export.study.0)
        .bind(export.kind)
        .bind(version)
        .bind(export.destination)
        .bind(&export.event.actor)
        .bind(&created_at)
        .fetch_one(&mut *tx.tx)
        .await?;
        let held = match &export.held {
            Held::Release(release) => sqlx::query(
                "INSERT INTO export_entries (export_id, entry_id)
                 SELECT $1, entry_id FROM release_entries WHERE release_id = $2",
            )
            .bind(id)
            .bind(release.0)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected(),
            Held::Entries(entries) | Held::Selected(_, entries) => {
                for entry in entries {
                    sqlx::query("INSERT INTO export_entries (export_id, entry_id) VALUES ($1, $2)")
                        .bind(id)
                        .bind(entry.0)
                        .execute(&mut *tx.tx)
                        .await?;
                }
                entries.len() as u64
            }
        };
        let mut event = export.event;
        event.study = Some(export.study);
        event.subject = format!("export {id}");
        event.after = Some(serde_json::json!({
            "kind": export.kind,
            "release": version,
            "destination": export.destination,
            "entries": held,
        }));
        tx.record(&event).await?;
        tx.commit().await?;
        Ok(ExportRecord {
            id,
            kind: export.kind.to_owned(),
            release_version: u32::try_from(version).unwrap_or(u32::MAX),
            destination: export.destination.to_owned(),
            actor: event.actor,
            created_at,
        })
    }

    /// What an export of the study must never hold: the sha256 of every
    /// original the study's entries use (hex), and every import key of its
    /// entries, participants, prompts and themes.
    pub async fn export_guards(&self, study: StudyId) -> Result<ExportGuards> {
        let originals: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT i.sha256 FROM images i JOIN entries e ON e.image_id = i.id
             WHERE e.study_id = $1 ORDER BY i.sha256",
        )
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        let mut keys: Vec<String> = Vec::new();
        for table in ["entries", "participants", "prompts", "themes"] {
            let found: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT import_key FROM {table} WHERE study_id = $1"
            ))
            .bind(study.0)
            .fetch_all(&self.pool)
            .await?;
            keys.extend(found);
        }
        keys.sort();
        keys.dedup();
        Ok(ExportGuards { originals, keys })
    }

    /// What a study-folder export needs beyond [`crate::StudyContent`]: the
    /// import key of each prompt, participant and theme, and each image's
    /// original (sha256 and media type).
    pub async fn folder_keys(&self, study: StudyId) -> Result<FolderKeys> {
        let mut keys = FolderKeys::default();
        for (table, map) in [
            ("prompts", &mut keys.prompts),
            ("participants", &mut keys.participants),
            ("themes", &mut keys.themes),
        ] {
            let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
                "SELECT id, import_key FROM {table} WHERE study_id = $1"
            ))
            .bind(study.0)
            .fetch_all(&self.pool)
            .await?;
            map.extend(rows);
        }
        let images: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT DISTINCT i.id, i.sha256, i.media_type FROM images i
             JOIN entries e ON e.image_id = i.id WHERE e.study_id = $1",
        )
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        keys.images = images
            .into_iter()
            .map(|(id, sha, media_type)| (id, (sha, media_type)))
            .collect();
        Ok(keys)
    }

    /// The entries export `id` held.
    pub async fn export_entries(&self, id: i64) -> Result<Vec<EntryId>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT entry_id FROM export_entries WHERE export_id = $1")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(e,)| EntryId(e)).collect())
    }

    /// Every export of the study, newest first.
    pub async fn list_exports(&self, study: StudyId) -> Result<Vec<ExportRecord>> {
        let rows: Vec<ExportRow> = sqlx::query_as(
            "SELECT id, kind, release_version, destination, actor, created_at FROM exports
             WHERE study_id = $1 ORDER BY id DESC",
        )
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(record).collect())
    }
}

type ExportRow = (i64, String, i64, String, String, String);

fn record((id, kind, version, destination, actor, created_at): ExportRow) -> ExportRecord {
    ExportRecord {
        id,
        kind,
        release_version: u32::try_from(version).unwrap_or(u32::MAX),
        destination,
        actor,
        created_at,
    }
}

/// The exports that held any of `entries`, oldest first (inside a
/// withdrawal's transaction, before the entries are cleared).
pub(crate) async fn holding(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    entries: &[EntryId],
) -> Result<Vec<ExportRecord>> {
    let mut found: Vec<(i64, ExportRecord)> = Vec::new();
    for entry in entries {
        let rows: Vec<(i64, String, i64, String, String, String)> = sqlx::query_as(
            "SELECT x.id, x.kind, x.release_version, x.destination, x.actor, x.created_at
             FROM exports x JOIN export_entries xe ON xe.export_id = x.id
             WHERE xe.entry_id = $1",
        )
        .bind(entry.0)
        .fetch_all(&mut **tx)
        .await?;
        for (id, kind, version, destination, actor, created_at) in rows {
            if !found.iter().any(|(seen, _)| *seen == id) {
                found.push((
                    id,
                    record((id, kind, version, destination, actor, created_at)),
                ));
            }
        }
    }
    found.sort_by_key(|(id, _)| *id);
    Ok(found.into_iter().map(|(_, r)| r).collect())
}
