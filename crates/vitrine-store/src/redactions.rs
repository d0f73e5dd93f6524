//! Redactions (issue 13): each version of an entry's redaction as data, the
//! participant's original it starts from, and applying one, which points the
//! entry at the new master in the same audited transaction.

use crate::curate::image_id;
use crate::{AuditEvent, NewImage, Result, Store, StoreError, now_text};
use sqlx::Row;
use vitrine_core::redaction::{Edit, Rect};
use vitrine_core::{EntryId, ImageId, Provenance, StudyId, UserId};

/// A stored image an edit starts from: the participant's original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceImage {
    /// Its id.
    pub id: ImageId,
    /// The hash that names its blob in the vault.
    pub sha256: String,
    /// Upright width.
    pub width: u32,
    /// Upright height.
    pub height: u32,
    /// Whether the upload's metadata recorded where it was taken (GPS).
    pub records_location: bool,
}

/// One applied version of an entry's redaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactionRecord {
    /// Its id; later versions have larger ones.
    pub id: i64,
    /// What was done (empty for a substitute).
    pub edit: Edit,
    /// Whether the version shows a researcher-made illustration instead of
    /// the original (the entry is then I), rather than a redaction of it.
    pub substitute: bool,
    /// The original it was applied to.
    pub source: ImageId,
    /// The master it made.
    pub result: ImageId,
    /// The provenance note written with it.
    pub note: String,
    /// Who applied it.
    pub created_by: String,
    /// When (RFC 3339).
    pub created_at: String,
}

/// Where an edit of an entry starts: the original, and the redaction the
/// entry shows now, if it shows one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactionBase {
    /// The participant's original.
    pub source: SourceImage,
    /// The image the entry shows now (the original, or the current master).
    pub current: ImageId,
    /// The redaction the entry shows now, to reopen.
    pub applied: Option<RedactionRecord>,
}

/// A redaction to apply.
#[derive(Debug, Clone)]
pub struct NewRedaction<'a> {
    /// The study.
    pub study: StudyId,
    /// The entry.
    pub entry: EntryId,
    /// What [`Store::redaction_base`] returned: the entry must still show
    /// `base.current`, or nothing is written.
    pub base: &'a RedactionBase,
    /// What to do; `None` for a substitute: `master` is then the
    /// researcher-made illustration and the entry becomes I.
    pub edit: Option<&'a Edit>,
    /// The provenance note, which the entry shows from then on.
    pub note: &'a str,
    /// The hash of the master.
    pub master_sha256: &'a str,
    /// The master's rows, unless an identical image is stored already.
    pub master: Option<&'a NewImage>,
    /// Who applies it.
    pub by: UserId,
}

fn record(row: &sqlx::any::AnyRow) -> Result<RedactionRecord> {
    let edit: String = row.try_get("edit")?;
    Ok(RedactionRecord {
        id: row.try_get("id")?,
        edit: serde_json::from_str(&edit)
            .map_err(|e| StoreError::Corrupt(format!("a stored redaction is unreadable: {e}")))?,
        substitute: row.try_get::<String, _>("kind")? == SUBSTITUTE,
        source: ImageId(row.try_get("source_image_id")?),
        result: ImageId(row.try_get("result_image_id")?),
        note: row.try_get("note")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

const COLUMNS: &str =
    "id, kind, edit, source_image_id, result_image_id, note, created_by, created_at";

/// `redactions.kind` of a substitute.
const SUBSTITUTE: &str = "substitute";

impl Store {
    /// Every redaction applied to an entry, newest first.
    pub async fn redactions(&self, entry: EntryId) -> Result<Vec<RedactionRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM redactions WHERE entry_id = $1 ORDER BY id DESC"
        ))
        .bind(entry.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }

    /// Where an edit of `entry` starts (see [`RedactionBase`]); `None` when
    /// the entry shows no image. The original is the source of the redaction
    /// the entry shows now, or else the image it shows (a replaced image
    /// starts afresh).
    pub async fn redaction_base(&self, entry: EntryId) -> Result<Option<RedactionBase>> {
        let current: Option<i64> = sqlx::query_scalar("SELECT image_id FROM entries WHERE id = $1")
            .bind(entry.0)
            .fetch_optional(&self.pool)
            .await?
            .flatten();
        let Some(current) = current else {
            return Ok(None);
        };
        let latest = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM redactions WHERE entry_id = $1 ORDER BY id DESC LIMIT 1"
        ))
        .bind(entry.0)
        .fetch_optional(&self.pool)
        .await?;
        let applied = latest
            .as_ref()
            .map(record)
            .transpose()?
            .filter(|r| r.result.0 == current);
        let source = applied.as_ref().map_or(current, |r| r.source.0);
        let row =
            sqlx::query("SELECT sha256, width, height, records_location FROM images WHERE id = $1")
                .bind(source)
                .fetch_one(&self.pool)
                .await?;
        let side = |name: &str| -> Result<u32> {
            let v: i64 = row.try_get(name)?;
            u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("image {source}: {name} {v}")))
        };
        Ok(Some(RedactionBase {
            source: SourceImage {
                id: ImageId(source),
                sha256: row.try_get("sha256")?,
                width: side("width")?,
                height: side("height")?,
                records_location: row.try_get::<i64, _>("records_location")? != 0,
            },
            current: ImageId(current),
            applied,
        }))
    }

    /// Applies a redaction: stores the master's rows (if new), records the
    /// version, points the entry at the master, marks it O-edited with the
    /// note (I for a substitute), and records `event`, in one transaction. The de-identification
    /// sign-off is void from then on (its fingerprint covers the image).
    /// `false`, with nothing written, when the entry was withdrawn or its
    /// image changed since `new.base` was read.
    pub async fn apply_redaction(&self, new: NewRedaction<'_>, event: &AuditEvent) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        let result = image_id(&mut tx.tx, new.master_sha256, new.master).await?;
        let updated = sqlx::query(
            "UPDATE entries SET image_id = $1, provenance = $2, provenance_note = $3, updated_by = $4
             WHERE id = $5 AND study_id = $6 AND withdrawn_at IS NULL AND image_id = $7",
        )
        .bind(result)
        .bind(match new.edit {
            Some(_) => Provenance::OriginalEdited.code(),
            None => Provenance::Illustration.code(),
        })
        .bind(new.note)
        .bind(new.by.0)
        .bind(new.entry.0)
        .bind(new.study.0)
        .bind(new.base.current.0)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        let edit = serde_json::to_string(&new.edit.cloned().unwrap_or_default())
            .map_err(|e| StoreError::Corrupt(format!("cannot store a redaction: {e}")))?;
        sqlx::query(
            "INSERT INTO redactions (entry_id, source_image_id, result_image_id, edit, note,
                 created_by, created_at, kind)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new.entry.0)
        .bind(new.base.source.id.0)
        .bind(result)
        .bind(edit)
        .bind(new.note)
        .bind(&event.actor)
        .bind(now_text())
        .bind(if new.edit.is_some() {
            "redaction"
        } else {
            SUBSTITUTE
        })
        .execute(&mut *tx.tx)
        .await?;
        tx.record(event).await?;
        tx.commit().await?;
        Ok(true)
    }
}

impl Store {
    /// The face suggestions kept for an image (boxes in its upright pixels),
    /// or `None` when it has not been looked at yet.
    pub async fn face_suggestions(&self, image: ImageId) -> Result<Option<Vec<Rect>>> {
        let faces: Option<String> = sqlx::query_scalar("SELECT faces FROM images WHERE id = $1")
            .bind(image.0)
            .fetch_optional(&self.pool)
            .await?
            .flatten();
        faces
            .map(|json| {
                serde_json::from_str(&json).map_err(|e| {
                    StoreError::Corrupt(format!("stored face suggestions are unreadable: {e}"))
                })
            })
            .transpose()
    }

    /// Keeps the face suggestions made for the image whose original is
    /// named by `sha256`.
    pub async fn set_face_suggestions(&self, sha256: &str, faces: &[Rect]) -> Result<()> {
        let json = serde_json::to_string(faces)
            .map_err(|e| StoreError::Corrupt(format!("cannot store face suggestions: {e}")))?;
        sqlx::query("UPDATE images SET faces = $1 WHERE sha256 = $2")
            .bind(json)
            .bind(sha256)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Participants' photos (O and O-edited entries' images, not masters a
    /// redaction made) not yet looked at for faces, oldest first, with the
    /// sha256 that names their original.
    pub async fn images_pending_faces(&self, limit: i64) -> Result<Vec<(ImageId, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT i.id, i.sha256 FROM images i
             WHERE i.faces IS NULL
               AND EXISTS (SELECT 1 FROM entries e
                           WHERE e.image_id = i.id AND e.provenance IN ('O', 'O-edited'))
               AND NOT EXISTS (SELECT 1 FROM redactions r WHERE r.result_image_id = i.id)
             ORDER BY i.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(crate::webp::image_refs(rows))
    }
}
