//! Storing and finding Releases, and answering "is this media key public?".
//!
//! A Release is written once and never changed, with one exception: a
//! withdrawal removes the withdrawn entry from every stored Release that
//! showed it (see `withdraw.rs`), so no stored view of the study keeps it. The
//! public side asks only two questions: the latest Release of a study, and
//! whether a media key belongs to any study's latest Release.

use crate::lease::ReleaseRefs;
use crate::{AuditEvent, AuditTx, Result, Store, StoreError, now_text};
use sqlx::{Any, Transaction};
use std::collections::BTreeSet;
use vitrine_core::{EntryId, Release, ReleaseId, StudyId};

mod parts;

use parts::{head, write_parts};
pub(crate) use parts::{parse, read};

/// A Release as the public list of Releases shows it: no entries.
#[derive(Debug, Clone)]
pub struct ReleaseSummary {
    /// Version.
    pub version: u32,
    /// When it was published.
    pub published_at: time::OffsetDateTime,
    /// What changed, as counts only.
    pub changelog: Vec<String>,
    /// Its DOI, once the team has recorded one.
    pub doi: Option<String>,
}

impl Store {
    /// The version the next Release of `study` will get.
    pub async fn next_release_version(&self, study: StudyId) -> Result<u32> {
        let max: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM releases WHERE study_id = $1")
                .bind(study.0)
                .fetch_one(&self.pool)
                .await?;
        let next = max.unwrap_or(0) + 1;
        u32::try_from(next).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Writes a Release with the media keys it shows and which entry each of
    /// its slugs is (`entries`, staff-side only), recording `event` in the same
    /// transaction: a killed publish leaves either nothing or all of it. Fails
    /// with [`StoreError::Conflict`] if that version already exists, or if one
    /// of `entries` was withdrawn while the Release was being built. Returns
    /// once every server shows it (it waits out their leases, `lease.rs`).
    pub async fn insert_release(
        &self,
        study: StudyId,
        release: &Release,
        entries: &[(EntryId, String)],
        event: &AuditEvent,
    ) -> Result<ReleaseId> {
        let mut tx = self.begin_audited().await?;
        for chunk in entries.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT COUNT(*) FROM entries WHERE withdrawn_at IS NULL AND id IN ({})",
                placeholders(chunk.len(), 1)
            );
            let query = chunk
                .iter()
                .fold(sqlx::query_scalar(&sql), |q, (entry, _)| q.bind(entry.0));
            let present: i64 = query.fetch_one(&mut *tx.tx).await?;
            if usize::try_from(present).ok() != Some(chunk.len()) {
                return Err(StoreError::Conflict);
            }
        }
        let id = write_release(&mut tx, study, release, entries).await?;
        let mut event = event.clone();
        event.study = Some(study);
        tx.record(&event).await?;
        tx.commit().await?;
        crate::lease::outlast().await;
        Ok(id)
    }

    /// Which entry each slug of Release `id` is, as stored when it was
    /// published (Releases published before that was recorded have none).
    pub async fn release_entries(&self, id: ReleaseId) -> Result<Vec<(EntryId, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT entry_id, slug FROM release_entries WHERE release_id = $1 ORDER BY slug",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(e, s)| (EntryId(e), s)).collect())
    }

    /// The Releases recorded as showing `entry`, oldest first: version and
    /// publication time (RFC 3339).
    pub async fn releases_showing(&self, entry: EntryId) -> Result<Vec<(u32, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT r.version, r.published_at FROM releases r
             JOIN release_entries re ON re.release_id = r.id
             WHERE re.entry_id = $1 ORDER BY r.version",
        )
        .bind(entry.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(v, at)| (u32::try_from(v).unwrap_or(u32::MAX), at))
            .collect())
    }

    /// Every Release of the study with this slug, newest first: version, date
    /// and public changelog (for the public Releases page).
    pub async fn list_releases(&self, slug: &str) -> Result<Vec<ReleaseSummary>> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT r.body FROM releases r JOIN studies s ON s.id = r.study_id
             WHERE s.slug = $1 ORDER BY r.version DESC",
        )
        .bind(slug)
        .fetch_all(&self.pool)
        .await?;
        bodies
            .iter()
            .map(|b| {
                let release = parse(b)?;
                Ok(ReleaseSummary {
                    version: release.version,
                    published_at: release.published_at,
                    changelog: release.changelog,
                    doi: release.doi,
                })
            })
            .collect()
    }

    /// Every stored Release of a study, oldest first, as JSON (its head and
    /// every part stored for it put together), each with the media keys
    /// recorded for it. For tests that prove no stored Release shows a
    /// withdrawn entry.
    #[doc(hidden)]
    pub async fn release_bodies(&self, study: StudyId) -> Result<Vec<(String, Vec<String>)>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, body FROM releases WHERE study_id = $1 ORDER BY version")
                .bind(study.0)
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, head) in rows {
            let release = read(&self.pool, id, &head).await?;
            let body =
                serde_json::to_string(&release).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let keys: Vec<String> = sqlx::query_scalar(
                "SELECT media_key FROM release_media WHERE release_id = $1 ORDER BY media_key",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            out.push((body, keys));
        }
        Ok(out)
    }

    /// The latest Release of the study with this slug, with its id.
    pub async fn latest_release(&self, slug: &str) -> Result<Option<(ReleaseId, Release)>> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT r.id, r.body FROM releases r JOIN studies s ON s.id = r.study_id
             WHERE s.slug = $1 ORDER BY r.version DESC LIMIT 1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some((id, body)) => Ok(Some((ReleaseId(id), read(&self.pool, id, &body).await?))),
            None => Ok(None),
        }
    }

    /// The id and revision of the latest Release of the study `slug`, so a
    /// server can tell whether the Release it has parsed is still the current
    /// one (the revision counts in-place changes). From
    /// [`Store::latest_release_refs`]: leased, current as of every write that
    /// has returned.
    pub async fn latest_release_ref(&self, slug: &str) -> Result<Option<(ReleaseId, i64)>> {
        Ok(self
            .latest_release_refs()
            .await?
            .iter()
            .find(|(held, _, _)| held == slug)
            .map(|(_, id, revision)| (*id, *revision)))
    }

    /// [`Store::latest_release_ref`] of every published study, with its slug,
    /// by slug, so a page made from all of them (the home page) can tell from a
    /// cache whether what it holds is still current. One query, answered from
    /// a lease (`lease.rs`): it reflects every write that has returned, in any
    /// process, because those writes wait the lease out.
    pub async fn latest_release_refs(&self) -> Result<ReleaseRefs> {
        self.leases
            .refs(|| async {
                let rows: Vec<(String, i64, i64)> = sqlx::query_as(
                    "SELECT s.slug, r.id, r.revision FROM releases r JOIN studies s ON s.id = r.study_id
                     WHERE r.version = (SELECT MAX(version) FROM releases r2 WHERE r2.study_id = r.study_id)
                     ORDER BY s.slug",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(slug, id, revision)| (slug, ReleaseId(id), revision))
                    .collect())
            })
            .await
    }

    /// Loads one Release by id.
    pub async fn find_release(&self, id: ReleaseId) -> Result<Option<Release>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM releases WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        match body {
            Some(body) => Ok(Some(read(&self.pool, id.0, &body).await?)),
            None => Ok(None),
        }
    }

    /// Whether `key` is shown by the latest Release of some study: the only media
    /// the public side may serve. Leased like [`Store::latest_release_refs`].
    pub async fn is_public_media(&self, key: &str) -> Result<bool> {
        self.leases
            .shown(key, || async {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT rm.release_id FROM release_media rm JOIN releases r ON r.id = rm.release_id
                     WHERE rm.media_key = $1
                       AND r.version = (SELECT MAX(version) FROM releases r2 WHERE r2.study_id = r.study_id)
                     LIMIT 1",
                )
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                Ok(found.is_some())
            })
            .await
    }

    /// The blobs the database refers to: original hashes and public media keys
    /// (of stored derivatives and of any Release). Anything else in the blob
    /// store is an orphan, left by an import that was killed part-way.
    pub async fn referenced_blobs(
        &self,
    ) -> Result<(
        std::collections::HashSet<String>,
        std::collections::HashSet<String>,
    )> {
        let originals: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM images")
            .fetch_all(&self.pool)
            .await?;
        let public: Vec<String> = sqlx::query_scalar(
            "SELECT media_key FROM derivatives UNION SELECT media_key FROM release_media",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok((
            originals.into_iter().collect(),
            public.into_iter().collect(),
        ))
    }
}

/// Inserts a Release (its head, then its entries in parts), its media keys
/// and its slug-to-entry map inside `tx`.
pub(crate) async fn write_release(
    tx: &mut AuditTx,
    study: StudyId,
    release: &Release,
    entries: &[(EntryId, String)],
) -> Result<ReleaseId> {
    let body =
        serde_json::to_string(&head(release)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO releases (study_id, version, published_at, body) VALUES ($1, $2, $3, $4)
         ON CONFLICT (study_id, version) DO NOTHING RETURNING id",
    )
    .bind(study.0)
    .bind(i64::from(release.version))
    .bind(now_text())
    // As `&str`, so the driver borrows the body rather than copying it.
    .bind(body.as_str())
    .fetch_optional(&mut *tx.tx)
    .await?
    .ok_or(StoreError::Conflict)?;
    write_parts(&mut tx.tx, id, release).await?;
    write_media(&mut tx.tx, id, release).await?;
    insert_rows(
        &mut tx.tx,
        "release_entries (release_id, entry_id, slug)",
        3,
        entries,
        |q, (entry, slug)| q.bind(id).bind(entry.0).bind(slug.as_str()),
    )
    .await?;
    Ok(ReleaseId(id))
}

/// A query of the `Any` driver with its arguments.
type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

/// Inserts `items` into `into` (`table (columns)`), `width` values a row,
/// [`ROWS_PER_STATEMENT`] rows a statement, each row's values bound by `bind`.
async fn insert_rows<T>(
    tx: &mut Transaction<'static, Any>,
    into: &str,
    width: usize,
    items: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> Result<()> {
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        let sql = format!("INSERT INTO {into} VALUES {}", rows(chunk.len(), width));
        chunk
            .iter()
            .fold(sqlx::query(&sql), &bind)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Rows per multi-row statement: a large study's Release writes tens of
/// thousands of rows, and one statement per row cost most of a publish.
/// At most three values a row, so far below both databases' limit on
/// parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// `$1, $2, …, $n`: the placeholders of one row of `n` values.
fn placeholders(n: usize, first: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4), …`: the `VALUES` of `count` rows of `width` values.
fn rows(count: usize, width: usize) -> String {
    (0..count)
        .map(|row| format!("({})", placeholders(width, row * width + 1)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Records which media keys Release `id` shows (after removing any recorded
/// before, so a redacted Release lists exactly what its body shows).
pub(crate) async fn write_media(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    release: &Release,
) -> Result<()> {
    sqlx::query("DELETE FROM release_media WHERE release_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let keys: Vec<&str> = release
        .media_keys()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    insert_rows(
        tx,
        "release_media (release_id, media_key)",
        2,
        &keys,
        |q, key| q.bind(id).bind(*key),
    )
    .await
}

impl Store {
    /// Sets (or with `None` removes) the DOI of Release `version` of the
    /// study `slug`, in place: the Release's content is unchanged, so its
    /// version is too; servers show the new revision once this returns. Audited with the
    /// old and new DOI. `false` when there is no such Release.
    pub async fn set_release_doi(
        &self,
        slug: &str,
        version: u32,
        doi: Option<&str>,
        mut event: AuditEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_audited().await?;
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT r.id, s.id, r.body FROM releases r JOIN studies s ON s.id = r.study_id
             WHERE s.slug = $1 AND r.version = $2",
        )
        .bind(slug)
        .bind(i64::from(version))
        .fetch_optional(&mut *tx.tx)
        .await?;
        let Some((id, study, body)) = row else {
            return Ok(false);
        };
        // The DOI is in the head: its entries, parts and media stay as stored.
        let mut stored = parse(&body)?;
        let before = stored.doi.take();
        stored.doi = doi.map(str::to_owned);
        rewrite_head(&mut tx.tx, id, &stored).await?;
        event.study = Some(StudyId(study));
        event.subject = format!("release {version}");
        event.before = Some(serde_json::json!({ "doi": before }));
        event.after = Some(serde_json::json!({ "doi": doi }));
        tx.record(&event).await?;
        tx.commit().await?;
        crate::lease::outlast().await;
        Ok(true)
    }
}

/// Replaces the stored Release `id` (a withdrawal's redaction, WebP
/// versions added): its head, its parts, its media rows, and a new
/// revision so servers' caches of the parsed Release notice.
pub(crate) async fn rewrite_release(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    release: &Release,
) -> Result<()> {
    rewrite_head(tx, id, &head(release)).await?;
    sqlx::query("DELETE FROM release_parts WHERE release_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    write_parts(tx, id, release).await?;
    write_media(tx, id, release).await
}

/// Replaces `releases.body` of Release `id` with `stored`, with a new
/// revision, and leaves its parts and media rows as they are: for a change
/// that touches no entry (a DOI, a reflection taken down), made to the body
/// as [`parse`] read it. That is the head, or for a Release stored whole
/// before parts the whole Release, which so stays whole.
pub(crate) async fn rewrite_head(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    stored: &Release,
) -> Result<()> {
    let json = serde_json::to_string(stored).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE releases SET body = $1, revision = revision + 1 WHERE id = $2")
        .bind(json.as_str())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
