//! WebP versions made after the fact: which images still need them, and adding
//! them, including to the latest Release that already shows the image, so
//! visitors get the smaller files without anyone publishing again.
//!
//! Adding encodings of an image a Release already shows changes no content:
//! same entry, same pixels, one more format. It is the one change made to a
//! published Release besides a withdrawal's removal.

use crate::{NewDerivative, Result, Store};
use sqlx::Row;
use vitrine_core::{ImageId, MediaVariant, Release};

/// `(id, sha256)` rows as image ids with the hash that names their original.
pub(crate) fn image_refs(rows: Vec<(i64, String)>) -> Vec<(ImageId, String)> {
    rows.into_iter()
        .map(|(id, sha)| (ImageId(id), sha))
        .collect()
}

impl Store {
    /// Images whose WebP versions are still to be made, oldest first, with
    /// the sha256 that names their original.
    pub async fn images_pending_webp(&self, limit: i64) -> Result<Vec<(ImageId, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, sha256 FROM images WHERE webp_pending = 1 ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(image_refs(rows))
    }

    /// Records `derivatives` (already in the blob store) for `image`, marks it
    /// done, and adds them to every study's latest Release that shows the
    /// image. With no derivatives it only marks the image done (WebP cannot
    /// hold it, or its original is gone). An image deleted meanwhile (a
    /// withdrawal) is left alone; its blobs are then orphans for the sweep.
    pub async fn add_webp_variants(
        &self,
        image: ImageId,
        derivatives: &[NewDerivative],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let found: Option<i64> =
            sqlx::query_scalar("UPDATE images SET webp_pending = 0 WHERE id = $1 RETURNING id")
                .bind(image.0)
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_none() {
            return Ok(());
        }
        crate::import::insert_derivatives(&mut tx, image.0, derivatives).await?;
        let mut rewritten = false;
        if !derivatives.is_empty() {
            let existing: Vec<String> =
                sqlx::query_scalar("SELECT media_key FROM derivatives WHERE image_id = $1")
                    .bind(image.0)
                    .fetch_all(&mut *tx)
                    .await?;
            let latest = sqlx::query(
                "SELECT r.id, r.body FROM releases r
                 WHERE r.version = (SELECT MAX(version) FROM releases r2 WHERE r2.study_id = r.study_id)",
            )
            .fetch_all(&mut *tx)
            .await?;
            let added: Vec<MediaVariant> = derivatives
                .iter()
                .map(|d| MediaVariant {
                    key: d.key.clone(),
                    width: d.width,
                    height: d.height,
                    media_type: d.media_type.clone(),
                })
                .collect();
            for row in latest {
                let id: i64 = row.try_get("id")?;
                let body: String = row.try_get("body")?;
                let mut release = crate::releases::read(&mut *tx, id, &body).await?;
                if add_to_release(&mut release, &existing, &added) {
                    crate::releases::rewrite_release(&mut tx, id, &release).await?;
                    rewritten = true;
                }
            }
        }
        tx.commit().await?;
        if rewritten {
            crate::lease::outlast().await;
        }
        Ok(())
    }
}

/// Adds `added` to every image in `release` that is one of `keys`' image (it
/// shows any of them); whether anything changed.
fn add_to_release(release: &mut Release, keys: &[String], added: &[MediaVariant]) -> bool {
    let mut changed = false;
    for prompt in &mut release.prompts {
        for entry in &mut prompt.entries {
            let Some(image) = entry.image.as_mut() else {
                continue;
            };
            if !image.variants.iter().any(|v| keys.contains(&v.key)) {
                continue;
            }
            for v in added {
                if !image.variants.iter().any(|have| have.key == v.key) {
                    image.variants.push(v.clone());
                    changed = true;
                }
            }
            image
                .variants
                .sort_by(|a, b| (a.width, &a.media_type).cmp(&(b.width, &b.media_type)));
        }
    }
    changed
}
