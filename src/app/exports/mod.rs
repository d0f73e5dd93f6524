//! Exports: what a team takes out of Vitrine, always made from a published
//! Release, so an export can never hold what the Release does not. Each one
//! is written to a staging folder beside its destination, scanned
//! ([`scan`]) and only then moved into place, and recorded in the export
//! registry (who, when, which Release, which entries), so a withdrawal can
//! list the off-line copies that held the withdrawn entry.
//!
//! - [`site`]: the gallery as static files, with the pages `serve` shows.
//! - [`archive`]: a BagIt bag holding an RO-Crate, for deposit with a data
//!   archive.
//! - [`study`]: the study as a study folder (the import format), the team's
//!   own working copy; the one export not made from a Release.

pub mod archive;
pub mod downloads;
pub mod scan;
pub mod site;
mod staging;
pub mod study;
pub mod zipped;

pub use staging::{Content, Files, Staging};

use crate::app::{Actor, App};
use anyhow::Context;
use std::path::{Path, PathBuf};
use vitrine_core::{Release, ReleaseId, Study};
use vitrine_store::{AuditEvent, ExportRecord, NewExport};

/// Why an export was not made. Nothing is left at the destination.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The study has never been published.
    #[error(
        "\"{0}\" has no published Release yet: exports are made from a Release, so run \
         `vitrine publish {0}` first"
    )]
    NotPublished(String),
    /// No Release has this version.
    #[error("\"{slug}\" has no Release {version}; its latest is Release {latest}")]
    UnknownRelease {
        /// The study.
        slug: String,
        /// The version asked for.
        version: u32,
        /// The newest there is.
        latest: u32,
    },
    /// The destination holds something already.
    #[error(
        "{} already exists and is not empty: give a new folder (it is created), or remove \
         this one first",
        .0.display()
    )]
    DestinationNotEmpty(PathBuf),
    /// The ZIP file to write exists already.
    #[error(
        "{} already exists: give a new file name, or remove this file first",
        .0.display()
    )]
    FileExists(PathBuf),
    /// Originals were asked for, but not every participant agrees to
    /// archive deposit.
    #[error(
        "Originals go in the archive only when every participant with an image in Release \
         {version} agrees to archive deposit today. These do not:\n{}\nRecord their consent to \
         \"archive\" on each participant's page (or in consent.csv), or make the archive \
         without originals.",
        .refused.join("\n")
    )]
    OriginalsNotAllowed {
        /// The Release.
        version: u32,
        /// One line per entry in the way: its slug, pseudonym and why.
        refused: Vec<String>,
    },
    /// The base URL is not a web address.
    #[error(
        "--base-url \"{0}\" is not a web address: give where the files will be published, \
         such as https://www.example.ac.uk/galleries/link-workers/"
    )]
    BadBaseUrl(String),
    /// The scan found something that must not leave the workspace.
    #[error("the export was stopped because the scan found {} problem(s), and nothing was written:\n{}", .0.len(), .0.join("\n"))]
    Leak(Vec<String>),
    /// Reading, writing or the store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// An export of a Release: which, where to, for whom.
pub struct ExportRequest<'a> {
    /// The study.
    pub study: &'a Study,
    /// The Release; the latest when `None`.
    pub release: Option<u32>,
    /// Where the gallery's files are or will be published (`https://…/`),
    /// for the citation, canonical addresses and IIIF ids; without it the
    /// pages name no address and no IIIF documents are written.
    pub base_url: Option<&'a str>,
    /// The new (or empty) folder to write, or a new `.zip` file.
    pub dir: &'a Path,
    /// Who asks, for the registry and the audit log.
    pub actor: Actor<'a>,
    /// Whether an archive holds the participants' photos at full size
    /// (only with every participant's consent to archive deposit).
    pub originals: bool,
    /// How the registry names where it went; the absolute path of `dir`
    /// when `None`.
    pub destination: Option<&'a str>,
}

impl ExportRequest<'_> {
    /// Where the export went, as the registry records it.
    pub fn destination(&self) -> String {
        match self.destination {
            Some(label) => label.to_owned(),
            None => std::path::absolute(self.dir)
                .unwrap_or_else(|_| self.dir.to_owned())
                .to_string_lossy()
                .into_owned(),
        }
    }
}

/// A finished export of a Release.
#[derive(Debug)]
pub struct Exported {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Entries it holds.
    pub entries: usize,
    /// Its registry record.
    pub record: ExportRecord,
}

/// A Release chosen for export, with what the registry needs.
pub struct Source {
    /// The study.
    pub study: Study,
    /// The Release's id.
    pub id: ReleaseId,
    /// The Release.
    pub release: Release,
}

/// `study` with everything stored about it and the import keys
/// and image file names its folder is written with: what the study export
/// and the archive's originals both start from.
pub(crate) async fn study_with_keys(
    app: &App,
    study: &Study,
) -> Result<(vitrine_store::StudyContent, vitrine_store::FolderKeys), ExportError> {
    let study_id = study.id;
    let content = app
        .store
        .load_study_content(study.clone())
        .await
        .context("cannot read the study")?;
    let keys = app
        .store
        .folder_keys(study_id)
        .await
        .context("cannot read the study's import keys and image names")?;
    Ok((content, keys))
}

/// The Release `version` of `study`, or its latest Release.
pub async fn source(app: &App, study: &Study, version: Option<u32>) -> Result<Source, ExportError> {
    let slug = study.info.slug.as_str();
    let Some((latest_id, latest)) = app
        .store
        .latest_release(slug)
        .await
        .context("cannot read the latest Release")?
    else {
        return Err(ExportError::NotPublished(slug.to_owned()));
    };
    let (id, release) = match version {
        None => (latest_id, latest),
        Some(v) if v == latest.version => (latest_id, latest),
        Some(v) => app
            .store
            .release_by_version(slug, v)
            .await
            .context("cannot read the Release")?
            .ok_or(ExportError::UnknownRelease {
                slug: slug.to_owned(),
                version: v,
                latest: latest.version,
            })?,
    };
    Ok(Source {
        study: study.clone(),
        id,
        release,
    })
}

/// Records an export of `source` in the registry and the audit log.
pub async fn record(
    app: &App,
    source: &Source,
    kind: &str,
    destination: &str,
    actor: Actor<'_>,
) -> anyhow::Result<ExportRecord> {
    app.store
        .record_export(NewExport {
            study: source.study.id,
            held: vitrine_store::Held::Release(source.id),
            kind,
            destination,
            event: AuditEvent {
                actor: actor.name.to_owned(),
                action: format!("export.{kind}"),
                ..Default::default()
            },
        })
        .await
        .context("cannot record the export")
}
