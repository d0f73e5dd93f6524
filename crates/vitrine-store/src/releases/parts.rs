//! How a Release is stored: its head (everything but the entries) in
//! `releases.body`, and its entries in parts of [`PART_ENTRIES`] of one
//! prompt in `release_parts` (migration 0019), so a Release of any size is
//! written a part at a time. Releases stored before parts hold their entries
//! in the head and have no parts; [`read`] reads both.

use crate::{Result, StoreError};
use sqlx::{Any, Transaction};
use vitrine_core::{Release, ReleaseEntry, ReleasePrompt};

/// Entries in one stored part of a Release: about 150 KB of JSON, so writing
/// a Release of any size holds one part's text at a time.
const PART_ENTRIES: usize = 100;

/// A part of a Release as written: entries of the head's prompt `prompt`.
#[derive(serde::Serialize)]
struct Part<'a> {
    prompt: usize,
    entries: &'a [ReleaseEntry],
}

/// A part of a Release as read back.
#[derive(serde::Deserialize)]
struct StoredPart {
    prompt: usize,
    entries: Vec<ReleaseEntry>,
}

/// The Release without its entries: what `releases.body` holds. Every field
/// is named, so one added to `Release` must be placed here too.
pub(super) fn head(release: &Release) -> Release {
    Release {
        version: release.version,
        published_at: release.published_at,
        study: release.study.clone(),
        prompts: release
            .prompts
            .iter()
            .map(|p| ReleasePrompt {
                slug: p.slug.clone(),
                title: p.title.clone(),
                text: p.text.clone(),
                note: p.note.clone(),
                guide: p.guide.clone(),
                participants_answered: p.participants_answered,
                entries: Vec::new(),
            })
            .collect(),
        themes: release.themes.clone(),
        participants_total: release.participants_total,
        changelog: release.changelog.clone(),
        doi: release.doi.clone(),
        reflections: release.reflections.clone(),
    }
}

/// Writes the entries of Release `id` as parts of [`PART_ENTRIES`], prompt
/// by prompt, in order.
pub(super) async fn write_parts(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    release: &Release,
) -> Result<()> {
    let mut part = 0_i64;
    for (prompt, p) in release.prompts.iter().enumerate() {
        for entries in p.entries.chunks(PART_ENTRIES) {
            let body = serde_json::to_string(&Part { prompt, entries })
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query("INSERT INTO release_parts (release_id, part, body) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(part)
                .bind(body.as_str())
                .execute(&mut **tx)
                .await?;
            part += 1;
        }
    }
    Ok(())
}

/// Release `id` as stored: `head` (its `releases.body`, read with the row)
/// with the entries of its parts put back in place. A Release stored before
/// parts existed has its entries in the head and no parts.
pub(crate) async fn read<'c, E>(executor: E, id: i64, head: &str) -> Result<Release>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    use futures::TryStreamExt;
    let mut release = parse(head)?;
    let mut parts = sqlx::query_scalar::<_, String>(
        "SELECT body FROM release_parts WHERE release_id = $1 ORDER BY part",
    )
    .bind(id)
    .fetch(executor);
    while let Some(body) = parts.try_next().await? {
        let part: StoredPart = serde_json::from_str(&body)
            .map_err(|e| StoreError::Corrupt(format!("release {id}, a part: {e}")))?;
        let prompts = release.prompts.len();
        let prompt = release.prompts.get_mut(part.prompt).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "release {id}: a part names prompt {} of {prompts}",
                part.prompt
            ))
        })?;
        prompt.entries.extend(part.entries);
    }
    Ok(release)
}

/// A Release's body as stored, without its parts: enough for what the list
/// of Releases shows (version, date, changelog, DOI), and for a change to
/// the head alone (`rewrite_head`).
pub(crate) fn parse(body: &str) -> Result<Release> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("release body: {e}")))
}
