//! Curating from the workspace: entry texts, images, uploads, prompts and
//! themes. Each write takes the [`AuditEvent`] describing it and records it in
//! the same transaction; every entry write stamps `updated_by`, which the
//! four-eyes rule of the de-identification sign-off relies on.

use crate::import::insert_images;
use crate::{AuditEvent, NewImage, Result, Store, StoreError};
use sqlx::{Any, Transaction};
use vitrine_core::{
    EntryId, EntryTexts, ImageId, Licence, ParticipantId, PromptId, Provenance, StudyId, ThemeId,
    UserId,
};

/// What a curator can change about an entry in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryEdit {
    /// Title.
    pub title: Option<String>,
    /// O, O-edited, I or R.
    pub provenance: Provenance,
    /// Its words (the caption may be blank while drafting; blank blocks
    /// publishing).
    pub texts: EntryTexts,
    /// Licence; `None` while not chosen.
    pub licence: Option<Licence>,
    /// Themes (of the same study).
    pub themes: Vec<ThemeId>,
}

/// A new draft entry made from one uploaded image.
#[derive(Debug, Clone)]
pub struct NewUpload {
    /// The prompt it answers (of the same study).
    pub prompt: PromptId,
    /// Whose it is (of the same study).
    pub participant: ParticipantId,
    /// O, O-edited or I.
    pub provenance: Provenance,
    /// The sha256 of the image's original.
    pub image_sha256: String,
}

/// One stored public derivative of an image, for the staff thumbnail route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffDerivative {
    /// Its blob key in the public area.
    pub key: String,
    /// Pixel width.
    pub width: u32,
    /// MIME type.
    pub media_type: String,
}

/// Writes the image row (and its derivatives) when it is new, and returns the
/// id of the image with this hash.
pub(crate) async fn image_id(
    tx: &mut Transaction<'static, Any>,
    sha256: &str,
    new: Option<&NewImage>,
) -> Result<i64> {
    if let Some(new) = new {
        insert_images(tx, std::slice::from_ref(new)).await?;
    }
    sqlx::query_scalar("SELECT id FROM images WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("image {sha256} is not stored")))
}

/// Deletes the rows of `image` (and its derivatives) when no entry shows it
/// and no redaction starts from or made it, returning its original's hash and
/// its public files; `None`, with nothing deleted, while it is in use. The
/// blobs are left to the caller (withdrawal deletes them at once) or to the
/// orphan sweep.
pub(crate) async fn delete_image_if_unused(
    tx: &mut Transaction<'static, Any>,
    image: i64,
) -> Result<Option<(String, Vec<String>)>> {
    let users: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM entries WHERE image_id = $1)
              + (SELECT COUNT(*) FROM redactions
                 WHERE source_image_id = $1 OR result_image_id = $1)",
    )
    .bind(image)
    .fetch_one(&mut **tx)
    .await?;
    if users > 0 {
        return Ok(None);
    }
    let Some(sha) = sqlx::query_scalar::<_, String>("SELECT sha256 FROM images WHERE id = $1")
        .bind(image)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT media_key FROM derivatives WHERE image_id = $1")
            .bind(image)
            .fetch_all(&mut **tx)
            .await?;
    for table in ["derivatives WHERE image_id", "images WHERE id"] {
        sqlx::query(&format!("DELETE FROM {table} = $1"))
            .bind(image)
            .execute(&mut **tx)
            .await?;
    }
    Ok(Some((sha, keys)))
}

/// The next free `upload-N` import key of a study.
async fn next_upload_key(tx: &mut Transaction<'static, Any>, study: i64) -> Result<String> {
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT import_key FROM entries WHERE study_id = $1 AND import_key LIKE 'upload-%'",
    )
    .bind(study)
    .fetch_all(&mut **tx)
    .await?;
    let highest = keys
        .iter()
        .filter_map(|k| k.strip_prefix("upload-")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    Ok(format!("upload-{}", highest + 1))
}

/// The next free import key `{prefix}-N` of a study's prompts or themes.
async fn next_key(
    tx: &mut Transaction<'static, Any>,
    table: &'static str,
    study: i64,
    prefix: &str,
) -> Result<String> {
    let keys: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT import_key FROM {table} WHERE study_id = $1"
    ))
    .bind(study)
    .fetch_all(&mut **tx)
    .await?;
    let mut n = keys.len() + 1;
    while keys.contains(&format!("{prefix}-{n}")) {
        n += 1;
    }
    Ok(format!("{prefix}-{n}"))
}

impl Store {
    /// Saves an entry's texts and themes, stamping `by` as its last editor.
    /// `Ok(false)` (nothing written) when the entry is not in the study or
    /// was withdrawn.
    pub async fn update_entry(
        &self,
        study: StudyId,
        entry: EntryId,
        edit: &EntryEdit,
        by: UserId,
        event: &AuditEvent,
    ) -> Result<bool> {
        let EntryTexts {
            caption,
            quote,
            alt,
            long_description,
            description,
            provenance_note,
            creator,
            content_note,
        } = &edit.texts;
        let mut tx = self.begin_audited().await?;
        let updated = sqlx::query(
            "UPDATE entries SET title = $1, provenance = $2, caption = $3, quote = $4, alt = $5,
                 long_description = $6, description = $7, provenance_note = $8, creator = $9,
                 licence = $10, content_note = $11, updated_by = $12
             WHERE id = $13 AND study_id = $14 AND withdrawn_at IS NULL",
        )
        .bind(&edit.title)
        .bind(edit.provenance.code())
        .bind(caption)
        .bind(quote)
        .bind(alt)
        .bind(long_description)
        .bind(description)
        .bind(provenance_note)
        .bind(creator)
        .bind(edit.licence.as_ref().map(|l| l.id().to_owned()))
        .bind(content_note)
        .bind(by.0)
        .bind(entry.0)
        .bind(study.0)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM entry_themes WHERE entry_id = $1")
            .bind(entry.0)
            .execute(&mut *tx.tx)
            .await?;
        for theme in &edit.themes {
            sqlx::query(
                "INSERT INTO entry_themes (entry_id, theme_id)
                 SELECT $1, id FROM themes WHERE id = $2 AND study_id = $3
                 ON CONFLICT DO NOTHING",
            )
            .bind(entry.0)
            .bind(theme.0)
            .bind(study.0)
            .execute(&mut *tx.tx)
            .await?;
        }
        tx.record(event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Points an entry at the image with `sha256`, writing the image's rows
    /// first when `new` describes one not stored yet. The entry's sign-off is
    /// void from then on, since its fingerprint covers the image. `Ok(false)`
    /// (nothing written) when the entry is not in the study or was withdrawn.
    pub async fn set_entry_image(
        &self,
        study: StudyId,
        entry: EntryId,
        sha256: &str,
        new: Option<&NewImage>,
        by: UserId,
        event: &AuditEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        let image = image_id(&mut tx.tx, sha256, new).await?;
        let old: Option<i64> =
            sqlx::query_scalar("SELECT image_id FROM entries WHERE id = $1 AND study_id = $2")
                .bind(entry.0)
                .bind(study.0)
                .fetch_optional(&mut *tx.tx)
                .await?
                .flatten();
        let updated = sqlx::query(
            "UPDATE entries SET image_id = $1, updated_by = $2
             WHERE id = $3 AND study_id = $4 AND withdrawn_at IS NULL",
        )
        .bind(image)
        .bind(by.0)
        .bind(entry.0)
        .bind(study.0)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        if updated == 0 {
            // Dropping the transaction rolls the image rows back too.
            return Ok(false);
        }
        // The replaced image goes unless something else uses it: left behind,
        // a participant's photo would outlive a later withdrawal, which deletes
        // only the images an entry shows or its redactions used. Its blobs are
        // then orphans for the sweep (public files of a stored Release stay).
        if let Some(old) = old.filter(|old| *old != image) {
            delete_image_if_unused(&mut tx.tx, old).await?;
        }
        tx.record(event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Creates a draft entry for one uploaded image (caption blank, no
    /// licence: blocked until a curator writes them), with the next free
    /// `upload-N` import key, last in its prompt. Returns its id and key. The
    /// event's `entry` and `subject` are filled in here.
    pub async fn create_uploaded_entry(
        &self,
        study: StudyId,
        upload: &NewUpload,
        new: Option<&NewImage>,
        by: UserId,
        event: &AuditEvent,
    ) -> Result<(EntryId, String)> {
        let mut tx = self.begin_audited().await?;
        let image = image_id(&mut tx.tx, &upload.image_sha256, new).await?;
        let key = next_upload_key(&mut tx.tx, study.0).await?;
        let order: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(ord), 0) FROM entries WHERE study_id = $1 AND prompt_id = $2",
        )
        .bind(study.0)
        .bind(upload.prompt.0)
        .fetch_one(&mut *tx.tx)
        .await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO entries (study_id, import_key, prompt_id, ord, participant_id, provenance,
                 image_id, caption, updated_by)
             SELECT $1, $2, p.id, $3, r.id, $4, $5, '', $6
             FROM prompts p JOIN participants r ON r.study_id = p.study_id
             WHERE p.id = $7 AND r.id = $8 AND p.study_id = $1
             RETURNING id",
        )
        .bind(study.0)
        .bind(&key)
        .bind(order + 1)
        .bind(upload.provenance.code())
        .bind(image)
        .bind(by.0)
        .bind(upload.prompt.0)
        .bind(upload.participant.0)
        .fetch_optional(&mut *tx.tx)
        .await?;
        let id = EntryId(id.ok_or_else(|| {
            StoreError::Corrupt("the prompt or participant is not in this study".into())
        })?);
        let mut event = event.clone();
        event.entry = Some(id);
        event.subject = format!("entry {key}");
        tx.record(&event).await?;
        tx.commit().await?;
        Ok((id, key))
    }

    /// Adds a prompt after the study's others.
    pub async fn add_prompt(
        &self,
        study: StudyId,
        title: &str,
        text: &str,
        note: Option<&str>,
        event: &AuditEvent,
    ) -> Result<PromptId> {
        let mut tx = self.begin_audited().await?;
        let key = next_key(&mut tx.tx, "prompts", study.0, "prompt").await?;
        let order: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(ord), 0) FROM prompts WHERE study_id = $1")
                .bind(study.0)
                .fetch_one(&mut *tx.tx)
                .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO prompts (study_id, import_key, ord, title, body, note)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(study.0)
        .bind(&key)
        .bind(order + 1)
        .bind(title)
        .bind(text)
        .bind(note)
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.record(event).await?;
        tx.commit().await?;
        Ok(PromptId(id))
    }

    /// Moves a prompt one place up (earlier) or down in the gallery order,
    /// renumbering the study's prompts 1, 2, 3… `Ok(false)` (nothing
    /// written) when the prompt is not in the study or is already first or
    /// last. The event's `before` and `after` are filled in with the order.
    pub async fn move_prompt(
        &self,
        study: StudyId,
        prompt: PromptId,
        up: bool,
        event: &AuditEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        let mut ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM prompts WHERE study_id = $1 ORDER BY ord, id")
                .bind(study.0)
                .fetch_all(&mut *tx.tx)
                .await?;
        let Some(at) = ids.iter().position(|id| *id == prompt.0) else {
            return Ok(false);
        };
        let other = if up {
            at.checked_sub(1)
        } else {
            Some(at + 1).filter(|i| *i < ids.len())
        };
        let Some(other) = other else {
            return Ok(false);
        };
        ids.swap(at, other);
        for (i, id) in ids.iter().enumerate() {
            sqlx::query("UPDATE prompts SET ord = $1 WHERE id = $2")
                .bind(i64::try_from(i + 1).unwrap_or(i64::MAX))
                .bind(id)
                .execute(&mut *tx.tx)
                .await?;
        }
        let mut event = event.clone();
        event.before = Some(serde_json::json!({ "position": at + 1 }));
        event.after = Some(serde_json::json!({ "position": other + 1 }));
        tx.record(&event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Adds an analytic theme.
    pub async fn add_theme(
        &self,
        study: StudyId,
        name: &str,
        description: Option<&str>,
        event: &AuditEvent,
    ) -> Result<ThemeId> {
        let mut tx = self.begin_audited().await?;
        let key = next_key(&mut tx.tx, "themes", study.0, "theme").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO themes (study_id, import_key, name, description)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(study.0)
        .bind(&key)
        .bind(name)
        .bind(description)
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.record(event).await?;
        tx.commit().await?;
        Ok(ThemeId(id))
    }

    /// The public derivatives of an image that an entry of `study` uses, by
    /// width. Empty when no entry of the study uses the image.
    pub async fn staff_derivatives(
        &self,
        study: StudyId,
        image: ImageId,
    ) -> Result<Vec<StaffDerivative>> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT d.media_key, d.width, d.media_type FROM derivatives d
             WHERE d.image_id = $1
               AND EXISTS (SELECT 1 FROM entries e WHERE e.image_id = d.image_id AND e.study_id = $2)
             ORDER BY d.width, d.media_type",
        )
        .bind(image.0)
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(key, width, media_type)| {
                Ok(StaffDerivative {
                    key,
                    width: u32::try_from(width).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    media_type,
                })
            })
            .collect()
    }
}
