//! Writing a validated study import in one transaction.
//!
//! The importer (in the binary) parses and validates a study folder and stores the
//! image blobs first; this module then writes every row in a single transaction, so
//! a study is either wholly updated or untouched. Rows are matched on the import
//! keys from the spreadsheets, so importing the same folder again updates in place.

use crate::{BlobKey, Result, Store, now_text};
use sqlx::{Any, Transaction};
use std::collections::HashMap;
use vitrine_core::{Consent, StudyId, StudyInfo};

mod records;

pub use records::{
    ImportEntry, ImportParticipant, ImportPrompt, ImportSummary, ImportTheme, NewDerivative,
    NewImage, StudyImport,
};

impl Store {
    /// Whether an image with this original hash is stored (so re-importing it
    /// needs no processing and writes no blobs).
    pub async fn image_exists(&self, sha256: &str) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM images WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    /// Writes a whole study in one transaction.
    pub async fn import_study(&self, import: &StudyImport) -> Result<ImportSummary> {
        let mut tx = self.pool.begin().await?;
        let (study, updated) = upsert_study(&mut tx, &import.info).await?;
        let prompts = upsert_prompts(&mut tx, study, &import.prompts).await?;
        let themes = upsert_themes(&mut tx, study, &import.themes).await?;
        let participants = upsert_participants(&mut tx, study, &import.participants).await?;
        let images = insert_images(&mut tx, &import.images).await?;
        let keys = Keys {
            prompts,
            themes,
            participants,
            images,
        };
        let entries_removed = write_entries(&mut tx, study, &import.entries, &keys).await?;
        remove_unlisted(&mut tx, "prompts", study, keys.prompts.keys()).await?;
        remove_unlisted(&mut tx, "themes", study, keys.themes.keys()).await?;
        remove_unlisted(&mut tx, "participants", study, keys.participants.keys()).await?;
        tx.commit().await?;
        Ok(ImportSummary {
            study: StudyId(study),
            updated,
            entries: import.entries.len(),
            entries_removed,
        })
    }
}

struct Keys {
    prompts: HashMap<String, i64>,
    themes: HashMap<String, i64>,
    participants: HashMap<String, i64>,
    images: HashMap<String, i64>,
}

/// Inserts or updates the study by slug in one statement, so two instances
/// importing the same study at once cannot both insert it.
async fn upsert_study(tx: &mut Transaction<'_, Any>, info: &StudyInfo) -> Result<(i64, bool)> {
    let json =
        serde_json::to_string(info).map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
    let now = now_text();
    let (id, created_at): (i64, String) = sqlx::query_as(
        "INSERT INTO studies (slug, info, created_at, updated_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (slug) DO UPDATE SET info = excluded.info, updated_at = excluded.updated_at
         RETURNING id, created_at",
    )
    .bind(&info.slug)
    .bind(&json)
    .bind(&now)
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, created_at != now))
}

async fn upsert_prompts(
    tx: &mut Transaction<'_, Any>,
    study: i64,
    prompts: &[ImportPrompt],
) -> Result<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for p in prompts {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO prompts (study_id, import_key, ord, title, body, note) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (study_id, import_key) DO UPDATE
             SET ord = excluded.ord, title = excluded.title, body = excluded.body, note = excluded.note
             RETURNING id",
        )
        .bind(study)
        .bind(&p.key)
        .bind(p.order)
        .bind(&p.title)
        .bind(&p.text)
        .bind(&p.note)
        .fetch_one(&mut **tx)
        .await?;
        ids.insert(p.key.clone(), id);
    }
    Ok(ids)
}

async fn upsert_themes(
    tx: &mut Transaction<'_, Any>,
    study: i64,
    themes: &[ImportTheme],
) -> Result<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for t in themes {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO themes (study_id, import_key, name, description) VALUES ($1, $2, $3, $4)
             ON CONFLICT (study_id, import_key) DO UPDATE
             SET name = excluded.name, description = excluded.description
             RETURNING id",
        )
        .bind(study)
        .bind(&t.key)
        .bind(&t.name)
        .bind(&t.description)
        .fetch_one(&mut **tx)
        .await?;
        ids.insert(t.key.clone(), id);
    }
    Ok(ids)
}

async fn upsert_participants(
    tx: &mut Transaction<'_, Any>,
    study: i64,
    participants: &[ImportParticipant],
) -> Result<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for p in participants {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO participants (study_id, import_key, pseudonym, role) VALUES ($1, $2, $3, $4)
             ON CONFLICT (study_id, import_key) DO UPDATE
             SET pseudonym = excluded.pseudonym, role = excluded.role
             RETURNING id",
        )
        .bind(study)
        .bind(&p.key)
        .bind(&p.pseudonym)
        .bind(&p.role)
        .fetch_one(&mut **tx)
        .await?;
        replace_consent(tx, id, p.consent.as_ref()).await?;
        ids.insert(p.key.clone(), id);
    }
    Ok(ids)
}

/// The folder is the source of truth for consent on import: the record is replaced.
async fn replace_consent(
    tx: &mut Transaction<'_, Any>,
    participant: i64,
    consent: Option<&Consent>,
) -> Result<()> {
    sqlx::query("DELETE FROM consents WHERE participant_id = $1")
        .bind(participant)
        .execute(&mut **tx)
        .await?;
    let Some(c) = consent else { return Ok(()) };
    let scopes: Vec<&str> = c.scopes.iter().map(|s| s.as_str()).collect();
    sqlx::query(
        "INSERT INTO consents (participant_id, scopes, given_on, form_version, expires_on, withdrawn_on, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(participant)
    .bind(scopes.join(";"))
    .bind(c.given_on.to_string())
    .bind(&c.form_version)
    .bind(c.expires_on.map(|d| d.to_string()))
    .bind(c.withdrawn_on.map(|d| d.to_string()))
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_images(
    tx: &mut Transaction<'_, Any>,
    images: &[NewImage],
) -> Result<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for img in images {
        sqlx::query(
            "INSERT INTO images (sha256, original_key, media_type, byte_size, width, height, color, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&img.sha256)
        .bind(BlobKey::Original(img.sha256.clone()).path().to_string())
        .bind(&img.media_type)
        .bind(i64::try_from(img.byte_size).unwrap_or(i64::MAX))
        .bind(i64::from(img.width))
        .bind(i64::from(img.height))
        .bind(&img.color)
        .bind(now_text())
        .execute(&mut **tx)
        .await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM images WHERE sha256 = $1")
            .bind(&img.sha256)
            .fetch_one(&mut **tx)
            .await?;
        for d in &img.derivatives {
            sqlx::query(
                "INSERT INTO derivatives (image_id, media_key, width, height, media_type, byte_size)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (media_key) DO NOTHING",
            )
            .bind(id)
            .bind(&d.key)
            .bind(i64::from(d.width))
            .bind(i64::from(d.height))
            .bind(&d.media_type)
            .bind(i64::try_from(d.byte_size).unwrap_or(i64::MAX))
            .execute(&mut **tx)
            .await?;
        }
        ids.insert(img.sha256.clone(), id);
    }
    Ok(ids)
}

/// Upserts every entry and deletes the study's entries the folder no longer lists.
async fn write_entries(
    tx: &mut Transaction<'_, Any>,
    study: i64,
    entries: &[ImportEntry],
    keys: &Keys,
) -> Result<usize> {
    let mut kept = Vec::new();
    for e in entries {
        let lookup = |map: &HashMap<String, i64>, key: &str, what: &str| {
            map.get(key).copied().ok_or_else(|| {
                crate::StoreError::Corrupt(format!("entry {} names unknown {what} {key}", e.key))
            })
        };
        let prompt = lookup(&keys.prompts, &e.prompt_key, "prompt")?;
        let participant = lookup(&keys.participants, &e.participant_key, "participant")?;
        let image = match &e.image_sha256 {
            Some(sha) => match keys.images.get(sha) {
                Some(id) => Some(*id),
                None => Some(image_id_by_sha(tx, sha).await?.ok_or_else(|| {
                    crate::StoreError::Corrupt(format!(
                        "entry {} names an image that is not stored",
                        e.key
                    ))
                })?),
            },
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO entries (study_id, import_key, prompt_id, ord, participant_id, title, provenance, image_id,
                 caption, quote, alt, long_description, description, provenance_note, creator, licence, content_note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
             ON CONFLICT (study_id, import_key) DO UPDATE SET
                 prompt_id = excluded.prompt_id, ord = excluded.ord, participant_id = excluded.participant_id,
                 title = excluded.title, provenance = excluded.provenance, image_id = excluded.image_id,
                 caption = excluded.caption, quote = excluded.quote, alt = excluded.alt,
                 long_description = excluded.long_description, description = excluded.description,
                 provenance_note = excluded.provenance_note, creator = excluded.creator,
                 licence = excluded.licence, content_note = excluded.content_note
             RETURNING id",
        )
        .bind(study)
        .bind(&e.key)
        .bind(prompt)
        .bind(e.order)
        .bind(participant)
        .bind(&e.title)
        .bind(e.provenance.code())
        .bind(image)
        .bind(&e.caption)
        .bind(&e.quote)
        .bind(&e.alt)
        .bind(&e.long_description)
        .bind(&e.description)
        .bind(&e.provenance_note)
        .bind(&e.creator)
        .bind(e.licence.as_ref().map(|l| l.id().to_owned()))
        .bind(&e.content_note)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM entry_themes WHERE entry_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        for key in &e.theme_keys {
            let theme = lookup(&keys.themes, key, "theme")?;
            sqlx::query("INSERT INTO entry_themes (entry_id, theme_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(theme)
                .execute(&mut **tx)
                .await?;
        }
        kept.push(e.key.clone());
    }
    remove_unlisted(tx, "entries", study, kept.iter()).await
}

async fn image_id_by_sha(tx: &mut Transaction<'_, Any>, sha: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM images WHERE sha256 = $1")
            .bind(sha)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// Deletes rows of `table` in `study` whose import key is not in `keep`.
async fn remove_unlisted<'k>(
    tx: &mut Transaction<'_, Any>,
    table: &'static str,
    study: i64,
    keep: impl Iterator<Item = &'k String>,
) -> Result<usize> {
    let keep: std::collections::HashSet<&String> = keep.collect();
    let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT id, import_key FROM {table} WHERE study_id = $1"
    ))
    .bind(study)
    .fetch_all(&mut **tx)
    .await?;
    let mut removed = 0;
    for (id, key) in rows {
        if !keep.contains(&key) {
            sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
                .bind(id)
                .execute(&mut **tx)
                .await?;
            removed += 1;
        }
    }
    Ok(removed)
}
