//! Exports made in the workspace: a team member asks for a static site or an
//! archive of a Release, a background job (`export_zip`, on any instance)
//! writes it as a ZIP with the same code as `vitrine export … FILE.zip`,
//! reporting progress as it goes, and keeps it as a private blob to
//! download. The export is recorded in the registry as "workspace download",
//! and so is every download of it, by whom: a withdrawal lists them all.
//!
//! A stored ZIP is never handed out once an entry it holds has been
//! withdrawn (or its participant's consent has lapsed): the download is
//! refused as gone, the blob deleted, and the person asked to make a new one
//! from the latest Release.

use super::archive::export_archive;
use super::site::export_site;
use super::{ExportError, ExportRequest, record, source};
use crate::app::progress::Progress;
use crate::app::{Actor, App};
use anyhow::Context;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use vitrine_core::Study;
use vitrine_store::{AuditEvent, BlobKey, Download, ExportRecord, NewDownload};

/// What can be exported from the workspace.
pub const KINDS: [(&str, &str); 2] = [
    (
        "site",
        "Static site: the gallery as web pages, for any web host",
    ),
    (
        "archive",
        "Archive for deposit: a BagIt bag holding an RO-Crate, for a data archive",
    ),
];

/// How often a running export writes its progress for the page to show.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// Why a download was not queued or cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The form was wrong; nothing was queued.
    #[error("{0}")]
    Invalid(String),
    /// No such download in this study.
    #[error("there is no such export")]
    NotFound,
    /// The ZIP is not there (any more): why, for the person.
    #[error("{0}")]
    Gone(String),
    /// Something failed inside.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<vitrine_store::StoreError> for DownloadError {
    fn from(e: vitrine_store::StoreError) -> Self {
        Self::Failed(e.into())
    }
}

/// The exports page: what can be exported and what has been.
pub struct Overview {
    /// Published Releases, newest first.
    pub releases: Vec<u32>,
    /// ZIPs asked for in the workspace, newest first.
    pub downloads: Vec<Download>,
    /// Every export and download in the registry, newest first.
    pub registry: Vec<ExportRecord>,
}

/// Everything the exports page shows.
pub async fn overview(app: &App, study: &Study) -> anyhow::Result<Overview> {
    let releases = app
        .store
        .list_releases(&study.info.slug)
        .await
        .context("cannot list the Releases")?
        .into_iter()
        .map(|r| r.version)
        .collect();
    Ok(Overview {
        releases,
        downloads: app.store.list_downloads(study.id).await?,
        registry: app.store.list_exports(study.id).await?,
    })
}

/// Queues a ZIP of Release `version` (the latest when `None`) of `study`;
/// returns its id.
pub async fn request(
    app: &App,
    study: &Study,
    kind: &str,
    version: Option<u32>,
    originals: bool,
    actor: Actor<'_>,
) -> Result<i64, DownloadError> {
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(DownloadError::Invalid(format!(
            "\"{kind}\" is not a kind of export: choose a static site or an archive for deposit."
        )));
    }
    if originals && kind != "archive" {
        return Err(DownloadError::Invalid(
            "Only an archive for deposit can hold originals.".into(),
        ));
    }
    let source = match source(app, study, version).await {
        Ok(source) => source,
        Err(ExportError::NotPublished(_)) => {
            return Err(DownloadError::Invalid(
                "Nothing of this study is published yet: exports are made from a Release, so \
                 publish one first."
                    .into(),
            ));
        }
        Err(e @ ExportError::UnknownRelease { .. }) => {
            return Err(DownloadError::Invalid(e.to_string()));
        }
        Err(e) => return Err(anyhow::Error::new(e).into()),
    };
    if originals {
        match super::archive::originals_allowed(app, &source).await {
            Ok(()) => {}
            Err(e @ ExportError::OriginalsNotAllowed { .. }) => {
                return Err(DownloadError::Invalid(e.to_string()));
            }
            Err(e) => return Err(anyhow::Error::new(e).into()),
        }
    }
    let version = source.release.version;
    let file_name = format!("{}-release-{version}-{kind}.zip", study.info.slug);
    let id = app
        .store
        .request_download(NewDownload {
            study: study.id,
            kind,
            release_version: version,
            originals,
            file_name: &file_name,
            event: AuditEvent {
                actor: actor.name.to_owned(),
                action: "export.requested".into(),
                ..Default::default()
            },
        })
        .await
        .context("cannot queue the export")?;
    Ok(id)
}

/// Runs the `export_zip` job for `payload` (`{"download": id}`). An export
/// that fails on its input (consent does not allow originals, say) is marked
/// failed with the reason and the job ends; only faults are retried.
pub async fn run_job(app: &App, payload: &str) -> anyhow::Result<()> {
    let id = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v["download"].as_i64())
        .with_context(|| format!("an export job without a download: {payload}"))?;
    let Some((_, slug, download)) = app.store.find_download(id).await? else {
        return Ok(()); // its study was deleted
    };
    if !matches!(download.state.as_str(), "queued" | "running") {
        return Ok(()); // done already, by another instance
    }
    let Some(study) = app.store.find_study_by_slug(&slug).await? else {
        return Ok(()); // its study was deleted
    };
    app.store.update_download(id, "running", 0, 0, None).await?;
    let scratch = std::env::temp_dir().join(format!(
        "vitrine-download-{id}-{}-{}",
        std::process::id(),
        vitrine_store::now_ms()
    ));
    let zip = scratch.join(&download.file_name);
    let progress = Arc::new(Counter::default());
    let written = {
        let request = ExportRequest {
            study: &study,
            release: Some(download.release_version),
            base_url: None,
            dir: &zip,
            actor: Actor::operator(&download.requested_by),
            originals: download.originals,
            destination: Some("workspace download"),
        };
        let work = async {
            match download.kind.as_str() {
                "archive" => export_archive(app, request, progress.clone()).await,
                _ => export_site(app, request, progress.clone()).await,
            }
        };
        tokio::pin!(work);
        let mut ticker = tokio::time::interval(PROGRESS_EVERY);
        loop {
            tokio::select! {
                done = &mut work => break done,
                _ = ticker.tick() => {
                    let (done, total) = progress.read();
                    let _ = app.store.update_download(id, "running", done, total, None).await;
                }
            }
        }
    };
    let result = match written {
        Ok(made) => store_zip(app, id, &zip, made.record.id).await,
        Err(ExportError::Failed(e)) => Err(e),
        Err(e) => {
            let (done, total) = progress.read();
            app.store
                .update_download(id, "failed", done, total, Some(&e.to_string()))
                .await?;
            Ok(())
        }
    };
    let _ = tokio::fs::remove_dir_all(&scratch).await;
    result
}

async fn store_zip(app: &App, id: i64, zip: &std::path::Path, export: i64) -> anyhow::Result<()> {
    let bytes = tokio::fs::read(zip)
        .await
        .with_context(|| format!("cannot read {}", zip.display()))?;
    let size = bytes.len() as u64;
    let mut token = [0_u8; 16];
    getrandom::fill(&mut token).context("no randomness for the download's name")?;
    let blob = format!("{}.zip", hex::encode(token));
    app.blobs
        .put(&BlobKey::Export(blob.clone()), bytes)
        .await
        .context("cannot store the ZIP")?;
    app.store.finish_download(id, &blob, size, export).await?;
    Ok(())
}

/// A ZIP ready to send.
pub struct Ready {
    /// The name it downloads as.
    pub file_name: String,
    /// The ZIP.
    pub bytes: axum::body::Bytes,
}

/// Hands out download `id` of `study` to `actor`, recording the download in
/// the registry, unless an entry it holds is no longer public.
pub async fn open(
    app: &App,
    study: &Study,
    id: i64,
    actor: Actor<'_>,
) -> Result<Ready, DownloadError> {
    let download = match app.store.find_download(id).await? {
        Some((owner, _, download)) if owner == study.id => download,
        _ => return Err(DownloadError::NotFound),
    };
    let Some(blob) = download.blob.clone().filter(|_| download.state == "ready") else {
        return Err(DownloadError::Gone(match download.state.as_str() {
            "queued" | "running" => "This export is still being made.".into(),
            _ => download
                .problem
                .clone()
                .unwrap_or_else(|| "This export is not available.".into()),
        }));
    };
    let source = source(app, study, Some(download.release_version))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let export = download
        .export_id
        .context("a ready export without its registry row")?;
    if let Some(gone) = no_longer_public(app, study, export).await? {
        let why = format!(
            "This ZIP held {gone}, which is no longer public, so it was deleted. Make a new export \
             from the latest Release."
        );
        app.blobs.delete(&BlobKey::Export(blob)).await?;
        app.store.remove_download(id, &why).await?;
        return Err(DownloadError::Gone(why));
    }
    let bytes = app
        .blobs
        .get(&BlobKey::Export(blob))
        .await?
        .ok_or_else(|| DownloadError::Gone("The ZIP is missing from storage.".into()))?;
    record(
        app,
        &source,
        &download.kind,
        &format!("downloaded as {}", download.file_name),
        actor,
    )
    .await?;
    Ok(Ready {
        file_name: download.file_name,
        bytes,
    })
}

/// An entry registry export `export` held that has since been withdrawn,
/// or whose participant no longer consents to web publication, in words;
/// `None` when every entry it held is still public.
async fn no_longer_public(app: &App, study: &Study, export: i64) -> anyhow::Result<Option<String>> {
    let held = app.store.export_entries(export).await?;
    let content = app.store.load_study_content(study.clone()).await?;
    let today = time::OffsetDateTime::now_utc().date();
    for id in held {
        let entry = content.entries.iter().find(|e| e.id == id);
        // Withdrawn, or its participant no longer consents to web publication.
        let gone = entry.is_none_or(|e| {
            e.withdrawn
                || content
                    .consents
                    .get(&e.participant)
                    .is_none_or(|c| c.covers(vitrine_core::ConsentScope::Web, today).is_err())
        });
        if gone {
            let title = entry
                .and_then(|e| e.title.clone())
                .map_or_else(|| "an entry".to_owned(), |t| format!("the entry \"{t}\""));
            return Ok(Some(title));
        }
    }
    Ok(None)
}

/// Progress of an export, read by the ticker that writes it to the row.
#[derive(Default)]
struct Counter {
    done: AtomicU64,
    total: AtomicU64,
}

impl Counter {
    fn read(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

impl Progress for Counter {
    fn start(&self, total: u64) {
        // Archives write in stages (payload, originals, tags): add them up.
        self.total.fetch_add(total, Ordering::Relaxed);
    }
    fn advance(&self, _label: &str) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
    fn finish(&self) {}
}
