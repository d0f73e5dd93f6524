//! Originals in the archive, only when asked for (`--with-originals`) and
//! only when every participant with an image in the Release agrees to
//! archive deposit today (consent scope `archive`, not expired, not
//! withdrawn). Otherwise the export stops and names each entry in the way.
//!
//! An "original" here is the participant's image at its full size,
//! re-encoded from its pixels like every public image: the uploaded file,
//! with its camera metadata (EXIF, GPS, maker notes, thumbnails), never
//! leaves the vault, so the scan checks these files as it checks the rest.

use super::super::{ExportError, Source};
use crate::app::App;
use crate::app::consent::gap_text;
use crate::app::progress::Progress;
use anyhow::Context;
use std::path::Path;
use vitrine_core::ConsentScope;
use vitrine_store::BlobKey;

/// The originals a Release's archive will hold: each entry's slug and the
/// sha256 of its original in the vault.
pub(super) struct Plan(Vec<(String, String)>);

impl Plan {
    /// How many originals.
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}

/// An original written into the archive.
pub(super) struct Original {
    /// The entry's public slug.
    pub(super) entry: String,
    /// Its path inside `data/`.
    pub(super) path: String,
}

/// Checks that every participant with an image in the Release agrees to
/// archive deposit today, before anything is written; the plan of what to
/// copy, or an error naming each entry whose participant does not.
pub(super) async fn plan(app: &App, source: &Source) -> Result<Plan, ExportError> {
    let (content, keys) = super::super::study_with_keys(app, &source.study).await?;
    let shown = app
        .store
        .release_entries(source.id)
        .await
        .context("cannot read the Release's entries")?;
    let today = time::OffsetDateTime::now_utc().date();
    let mut wanted = Vec::new();
    let mut refused = Vec::new();
    for (id, slug) in &shown {
        let Some(entry) = content.entries.iter().find(|e| e.id == *id) else {
            continue;
        };
        let Some(image) = &entry.image else { continue };
        let pseudonym = content
            .participants
            .iter()
            .find(|p| p.id == entry.participant)
            .map_or("?", |p| p.pseudonym.as_str());
        let covered = match content.consents.get(&entry.participant) {
            Some(consent) => consent.covers(ConsentScope::Archive, today),
            None => Err(vitrine_core::consent::ConsentGap::Missing),
        };
        if let Err(gap) = covered {
            refused.push(format!(
                "  entry \"{slug}\" ({pseudonym}): {}",
                gap_text(&gap)
            ));
            continue;
        }
        let (sha256, _) = keys
            .images
            .get(&image.id.0)
            .with_context(|| format!("the image of entry \"{slug}\" is not recorded"))?;
        wanted.push((slug.clone(), sha256.clone()));
    }
    if !refused.is_empty() {
        return Err(ExportError::OriginalsNotAllowed {
            version: source.release.version,
            refused,
        });
    }
    Ok(Plan(wanted))
}

/// Re-encodes each planned original at full size (within the image budget,
/// one at a time, so memory stays flat however many there are) and writes it
/// under `data/originals/` in the staging folder `root`.
pub(super) async fn write(
    app: &App,
    plan: Plan,
    root: &Path,
    progress: &dyn Progress,
) -> Result<Vec<Original>, ExportError> {
    let folder = root.join("data/originals");
    tokio::fs::create_dir_all(&folder)
        .await
        .with_context(|| format!("cannot create {}", folder.display()))?;
    progress.start(plan.0.len() as u64);
    let mut originals = Vec::with_capacity(plan.0.len());
    for (entry, sha256) in plan.0 {
        let bytes = app
            .blobs
            .get(&BlobKey::Original(sha256))
            .await
            .context("cannot read an original from the vault")?
            .with_context(|| {
                format!("the original of entry \"{entry}\" is missing from the vault")
            })?;
        let jpeg = crate::app::ingest::full_size_jpeg(app, bytes.to_vec())
            .await
            .with_context(|| format!("cannot re-encode the original of entry \"{entry}\""))?;
        let name = crate::app::ingest::derivative_key(&jpeg, "jpg");
        let target = folder.join(&name);
        tokio::fs::write(&target, &jpeg)
            .await
            .with_context(|| format!("cannot write {}", target.display()))?;
        progress.advance(&name);
        originals.push(Original {
            entry,
            path: format!("originals/{name}"),
        });
    }
    progress.finish();
    Ok(originals)
}

/// `originals.csv`: which entry each original belongs to.
pub(super) fn list_csv(originals: &[Original]) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["entry", "file"])?;
    for original in originals {
        out.write_record([original.entry.as_str(), original.path.as_str()])?;
    }
    out.into_inner().context("cannot write originals.csv")
}
