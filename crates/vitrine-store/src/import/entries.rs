//! Writing entries: upserted by import key, withdrawn entries left alone, and
//! sign-offs made outside Vitrine recorded with the fingerprint of what was
//! checked.

use super::{ImportEntry, ImportSignOff, Keys, remove_unlisted};
use crate::{Result, now_text};
use sqlx::{Any, Transaction};
use std::collections::HashMap;
use vitrine_core::{Checklist, EntryTexts, fingerprint};

/// What [`write_entries`] did.
pub(super) struct WrittenEntries {
    /// Entries inserted or updated.
    pub(super) entries: usize,
    /// Entries deleted because the folder no longer lists them.
    pub(super) removed: usize,
    /// Withdrawn entries left as they were, one note each.
    pub(super) notes: Vec<String>,
}

/// Upserts every entry and deletes the study's entries the folder no longer
/// lists. Withdrawn entries are neither updated nor deleted.
pub(super) async fn write_entries(
    tx: &mut Transaction<'_, Any>,
    study: i64,
    entries: &[ImportEntry],
    keys: &Keys,
) -> Result<WrittenEntries> {
    let mut kept = Vec::new();
    let mut written = WrittenEntries {
        entries: 0,
        removed: 0,
        notes: Vec::new(),
    };
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
        let EntryTexts {
            caption,
            quote,
            alt,
            long_description,
            description,
            provenance_note,
            creator,
            content_note,
        } = &e.texts;
        // The update is skipped (no row returned) when the stored entry was withdrawn.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO entries (study_id, import_key, prompt_id, ord, participant_id, title, provenance, image_id,
                 caption, quote, alt, long_description, description, provenance_note, creator, licence, content_note,
                 from_import)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1)
             ON CONFLICT (study_id, import_key) DO UPDATE SET
                 prompt_id = excluded.prompt_id, ord = excluded.ord, participant_id = excluded.participant_id,
                 title = excluded.title, provenance = excluded.provenance, image_id = excluded.image_id,
                 caption = excluded.caption, quote = excluded.quote, alt = excluded.alt,
                 long_description = excluded.long_description, description = excluded.description,
                 provenance_note = excluded.provenance_note, creator = excluded.creator,
                 licence = excluded.licence, content_note = excluded.content_note
             WHERE entries.withdrawn_at IS NULL
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
        .bind(caption)
        .bind(quote)
        .bind(alt)
        .bind(long_description)
        .bind(description)
        .bind(provenance_note)
        .bind(creator)
        .bind(e.licence.as_ref().map(|l| l.id().to_owned()))
        .bind(content_note)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(id) = id else {
            let withdrawn_at: Option<String> = sqlx::query_scalar(
                "SELECT withdrawn_at FROM entries WHERE study_id = $1 AND import_key = $2",
            )
            .bind(study)
            .bind(&e.key)
            .fetch_one(&mut **tx)
            .await?;
            written.notes.push(format!(
                "entry {} was withdrawn on {} and is not imported again",
                e.key,
                day(withdrawn_at.as_deref().unwrap_or("an unknown date"))
            ));
            kept.push(e.key.clone());
            continue;
        };
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
        if let Some(sign_off) = &e.sign_off {
            record_sign_off(tx, id, e, sign_off).await?;
        }
        kept.push(e.key.clone());
        written.entries += 1;
    }
    written.removed = remove_unlisted(tx, "entries", study, kept.iter()).await?;
    Ok(written)
}

/// The day part of a stored RFC 3339 time, for notes people read.
fn day(at: &str) -> &str {
    at.get(..10)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
        .unwrap_or(at)
}

/// Writes (or replaces) the sign-off of entry `id` made outside Vitrine: every
/// checklist item cleared, the two people by name, and the fingerprint of the
/// image, caption and alt text as imported.
async fn record_sign_off(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    entry: &ImportEntry,
    sign_off: &ImportSignOff,
) -> Result<()> {
    let checklist = serde_json::to_string(&Checklist::all_cleared(Some(
        "recorded at import".to_owned(),
    )))
    .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
    let now = now_text();
    sqlx::query(
        "INSERT INTO entry_reviews (entry_id, checklist, checked_by, checked_by_user, checked_at,
             fingerprint, approved_by, approved_by_user, approved_at)
         VALUES ($1, $2, $3, NULL, $4, $5, $6, NULL, $4)
         ON CONFLICT (entry_id) DO UPDATE SET
             checklist = excluded.checklist, checked_by = excluded.checked_by,
             checked_by_user = NULL, checked_at = excluded.checked_at,
             fingerprint = excluded.fingerprint, approved_by = excluded.approved_by,
             approved_by_user = NULL, approved_at = excluded.approved_at",
    )
    .bind(id)
    .bind(checklist)
    .bind(&sign_off.checked_by)
    .bind(&now)
    .bind(fingerprint(
        entry.image_sha256.as_deref(),
        &entry.texts.caption,
        entry.texts.alt.as_deref(),
    ))
    .bind(&sign_off.approved_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn image_id_by_sha(tx: &mut Transaction<'_, Any>, sha: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM images WHERE sha256 = $1")
            .bind(sha)
            .fetch_optional(&mut **tx)
            .await?,
    )
}
