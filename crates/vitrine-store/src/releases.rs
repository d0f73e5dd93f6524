//! Storing and finding Releases, and answering "is this media key public?".
//!
//! A Release is written once and never changed. The public side asks only two
//! questions: the latest Release of a study, and whether a media key belongs to
//! any study's latest Release.

use crate::{Result, Store, StoreError, now_text};
use vitrine_core::{Release, ReleaseId, StudyId};

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

    /// Writes a Release with the media keys it shows. Fails with
    /// [`StoreError::Conflict`] if that version already exists.
    pub async fn insert_release(&self, study: StudyId, release: &Release) -> Result<ReleaseId> {
        let body =
            serde_json::to_string(release).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO releases (study_id, version, published_at, body) VALUES ($1, $2, $3, $4)
             ON CONFLICT (study_id, version) DO NOTHING RETURNING id",
        )
        .bind(study.0)
        .bind(i64::from(release.version))
        .bind(now_text())
        .bind(&body)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Conflict)?;
        for key in release
            .media_keys()
            .collect::<std::collections::BTreeSet<_>>()
        {
            sqlx::query("INSERT INTO release_media (release_id, media_key) VALUES ($1, $2)")
                .bind(id)
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(ReleaseId(id))
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
        row.map(|(id, body)| Ok((ReleaseId(id), parse(&body)?)))
            .transpose()
    }

    /// The id of the latest Release of every published study, by slug. Cheap: lets
    /// a cache decide whether what it holds is still current.
    pub async fn latest_release_ids(&self) -> Result<Vec<(String, ReleaseId)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT s.slug, r.id FROM releases r JOIN studies s ON s.id = r.study_id
             WHERE r.version = (SELECT MAX(version) FROM releases r2 WHERE r2.study_id = r.study_id)
             ORDER BY s.slug",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(slug, id)| (slug, ReleaseId(id)))
            .collect())
    }

    /// Loads one Release by id.
    pub async fn find_release(&self, id: ReleaseId) -> Result<Option<Release>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM releases WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        body.map(|b| parse(&b)).transpose()
    }

    /// Whether `key` is shown by the latest Release of some study: the only media
    /// the public side may serve.
    pub async fn is_public_media(&self, key: &str) -> Result<bool> {
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

fn parse(body: &str) -> Result<Release> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("release body: {e}")))
}
