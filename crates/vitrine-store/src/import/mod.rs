//! Writing a validated study import in one transaction.
//!
//! The importer (in the binary) parses and validates a study folder and stores the
//! image blobs first; this module then writes every row in a single transaction, so
//! a study is either wholly updated or untouched. Rows are matched on the import
//! keys from the spreadsheets, so importing the same folder again updates in place.
//! A withdrawn entry is never overwritten or removed by an import: its row stays
//! as the withdrawal left it, and the summary says so.

use crate::{BlobKey, Result, Store, now_text};
use sqlx::{Any, Transaction};
use std::collections::HashMap;
use vitrine_core::{Consent, StudyId, StudyInfo};

mod entries;
mod records;

pub use records::{
    ImportEntry, ImportParticipant, ImportPrompt, ImportSignOff, ImportSummary, ImportTheme,
    NewDerivative, NewImage, StudyImport,
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

    /// Writes a whole study in one transaction, recording the import in the
    /// audit log (counts only) as done by `actor`.
    pub async fn import_study(&self, import: &StudyImport, actor: &str) -> Result<ImportSummary> {
        let mut audited = self.begin_audited().await?;
        let tx = &mut audited.tx;
        let (study, updated) = upsert_study(tx, &import.info).await?;
        let prompts = upsert_prompts(tx, study, &import.prompts).await?;
        let themes = upsert_themes(tx, study, &import.themes).await?;
        let participants = upsert_participants(tx, study, &import.participants).await?;
        let images = insert_images(tx, &import.images).await?;
        let keys = Keys {
            prompts,
            themes,
            participants,
            images,
        };
        let written = entries::write_entries(tx, study, &import.entries, &keys).await?;
        remove_unlisted(tx, "prompts", study, keys.prompts.keys()).await?;
        remove_unlisted(tx, "themes", study, keys.themes.keys()).await?;
        remove_unlisted(tx, "participants", study, keys.participants.keys()).await?;
        audited
            .record(&crate::AuditEvent {
                actor: actor.to_owned(),
                study: Some(StudyId(study)),
                action: "study.import".into(),
                subject: format!("study {}", import.info.slug),
                after: Some(serde_json::json!({
                    "entries_written": written.entries,
                    "entries_removed": written.removed,
                    "images_added": import.images.len(),
                })),
                ..Default::default()
            })
            .await?;
        audited.commit().await?;
        Ok(ImportSummary {
            study: StudyId(study),
            updated,
            entries: written.entries,
            entries_removed: written.removed,
            notes: written.notes,
        })
    }
}

/// Row ids by import key (images by sha256), for resolving entries' references.
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
            "INSERT INTO prompts (study_id, import_key, ord, title, body, note, guide, from_import)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
             ON CONFLICT (study_id, import_key) DO UPDATE
             SET ord = excluded.ord, title = excluded.title, body = excluded.body,
                 note = excluded.note, guide = excluded.guide
             RETURNING id",
        )
        .bind(study)
        .bind(&p.key)
        .bind(p.order)
        .bind(&p.title)
        .bind(&p.text)
        .bind(&p.note)
        .bind(&p.guide)
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
            "INSERT INTO themes (study_id, import_key, name, description, from_import) VALUES ($1, $2, $3, $4, 1)
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
            "INSERT INTO participants (study_id, import_key, pseudonym, role, from_import) VALUES ($1, $2, $3, $4, 1)
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

/// A stored consent record's fields, as compared with an imported one.
type ConsentRow = (String, String, String, Option<String>, Option<String>);

/// Consent records are never replaced or deleted (ETH-03): the folder's record
/// is added as the participant's newest one only when no stored record says the
/// same, so re-importing a folder neither erases consent recorded in the
/// workspace nor brings an older record back in front of a renewal.
async fn replace_consent(
    tx: &mut Transaction<'_, Any>,
    participant: i64,
    consent: Option<&Consent>,
) -> Result<()> {
    let Some(c) = consent else { return Ok(()) };
    let scopes: Vec<&str> = c.scopes.iter().map(|s| s.as_str()).collect();
    let scopes = scopes.join(";");
    let given_on = c.given_on.to_string();
    let expires_on = c.expires_on.map(|d| d.to_string());
    let withdrawn_on = c.withdrawn_on.map(|d| d.to_string());
    let stored: Vec<ConsentRow> = sqlx::query_as(
        "SELECT scopes, given_on, form_version, expires_on, withdrawn_on FROM consents WHERE participant_id = $1",
    )
    .bind(participant)
    .fetch_all(&mut **tx)
    .await?;
    let same =
        |(sc, given, form, exp, wd): &(String, String, String, Option<String>, Option<String>)| {
            sc == &scopes
                && given == &given_on
                && form == &c.form_version
                && exp == &expires_on
                && wd == &withdrawn_on
        };
    if stored.iter().any(same) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO consents (participant_id, scopes, given_on, form_version, expires_on, withdrawn_on, recorded_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'folder import')",
    )
    .bind(participant)
    .bind(&scopes)
    .bind(&given_on)
    .bind(&c.form_version)
    .bind(&expires_on)
    .bind(&withdrawn_on)
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn insert_images(
    tx: &mut Transaction<'_, Any>,
    images: &[NewImage],
) -> Result<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for img in images {
        sqlx::query(
            "INSERT INTO images (sha256, original_key, media_type, byte_size, width, height, color, created_at,
                 webp_pending, records_location)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&img.sha256)
        .bind(BlobKey::Original(img.sha256.clone()).path().to_string())
        .bind(&img.media_type)
        .bind(i64::try_from(img.byte_size).unwrap_or(i64::MAX))
        .bind(i64::from(img.width))
        .bind(i64::from(img.height))
        .bind(&img.color)
        .bind(now_text())
        .bind(i64::from(
            !img.derivatives.iter().any(|d| d.media_type == "image/webp"),
        ))
        .bind(i64::from(img.records_location))
        .execute(&mut **tx)
        .await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM images WHERE sha256 = $1")
            .bind(&img.sha256)
            .fetch_one(&mut **tx)
            .await?;
        insert_derivatives(tx, id, &img.derivatives).await?;
        ids.insert(img.sha256.clone(), id);
    }
    Ok(ids)
}

/// Records an image's public derivatives; a key already recorded is kept (keys
/// name their bytes, so it is the same file).
pub(crate) async fn insert_derivatives(
    tx: &mut Transaction<'_, Any>,
    image: i64,
    derivatives: &[NewDerivative],
) -> Result<()> {
    for d in derivatives {
        sqlx::query(
            "INSERT INTO derivatives (image_id, media_key, width, height, media_type, byte_size)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (media_key) DO NOTHING",
        )
        .bind(image)
        .bind(&d.key)
        .bind(i64::from(d.width))
        .bind(i64::from(d.height))
        .bind(&d.media_type)
        .bind(i64::try_from(d.byte_size).unwrap_or(i64::MAX))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Deletes rows of `table` in `study` whose import key is not in `keep`.
/// Withdrawn entries, and the prompts and participants they refer to, stay.
async fn remove_unlisted<'k>(
    tx: &mut Transaction<'_, Any>,
    table: &'static str,
    study: i64,
    keep: impl Iterator<Item = &'k String>,
) -> Result<usize> {
    let keep: std::collections::HashSet<&String> = keep.collect();
    let withdrawn = "SELECT {column} FROM entries WHERE study_id = $1 AND withdrawn_at IS NOT NULL";
    let spare = match table {
        "entries" => " AND withdrawn_at IS NULL".to_owned(),
        "prompts" => format!(
            " AND id NOT IN ({})",
            withdrawn.replace("{column}", "prompt_id")
        ),
        "participants" => format!(
            " AND id NOT IN ({})",
            withdrawn.replace("{column}", "participant_id")
        ),
        _ => String::new(),
    };
    let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT id, import_key FROM {table} WHERE study_id = $1 AND from_import = 1{spare}"
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
