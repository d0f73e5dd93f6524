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
pub mod study;
pub mod zipped;

use crate::app::App;
use crate::app::import::Progress;
use anyhow::Context;
use std::path::{Path, PathBuf};
use vitrine_core::{Release, ReleaseId, StudyId};
use vitrine_store::{AuditEvent, BlobKey, ExportRecord, NewExport};

/// Why an export was not made. Nothing is left at the destination.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// No study has this slug.
    #[error("there is no study \"{slug}\"; known studies: {known}")]
    UnknownStudy {
        /// The slug asked for.
        slug: String,
        /// Slugs that exist, for the message.
        known: String,
    },
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
    /// The study's slug.
    pub study: &'a str,
    /// The Release; the latest when `None`.
    pub release: Option<u32>,
    /// Where the gallery's files are or will be published (`https://…/`),
    /// for the citation, canonical addresses and IIIF ids; without it the
    /// pages name no address and no IIIF documents are written.
    pub base_url: Option<&'a str>,
    /// The new (or empty) folder to write, or a new `.zip` file.
    pub dir: &'a Path,
    /// Who asks, for the registry and the audit log.
    pub actor: &'a str,
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
    pub study: StudyId,
    /// The Release's id.
    pub id: ReleaseId,
    /// The Release.
    pub release: Release,
}

/// The study `slug`, or an error that lists the studies there are.
pub async fn find_study(app: &App, slug: &str) -> Result<vitrine_core::Study, ExportError> {
    if let Some(study) = app
        .store
        .find_study_by_slug(slug)
        .await
        .context("cannot read the study")?
    {
        return Ok(study);
    }
    let known = app
        .store
        .list_study_slugs()
        .await
        .context("cannot list studies")?;
    Err(ExportError::UnknownStudy {
        slug: slug.to_owned(),
        known: if known.is_empty() {
            "none yet".to_owned()
        } else {
            known.join(", ")
        },
    })
}

/// The Release `version` of the study `slug`, or its latest Release.
pub async fn source(app: &App, slug: &str, version: Option<u32>) -> Result<Source, ExportError> {
    let study = find_study(app, slug).await?;
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
        study: study.id,
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
    actor: &str,
) -> anyhow::Result<ExportRecord> {
    app.store
        .record_export(NewExport {
            study: source.study,
            held: vitrine_store::Held::Release(source.id),
            kind,
            destination,
            event: AuditEvent {
                actor: actor.to_owned(),
                action: format!("export.{kind}"),
                ..Default::default()
            },
        })
        .await
        .context("cannot record the export")
}

/// One file of an export.
#[derive(Debug, Clone)]
pub enum Content {
    /// Bytes made for the export (a page, a CSV file, a tag file).
    Made(Vec<u8>),
    /// A public image, copied from the blob store while the export is
    /// written, one at a time, so an export of any size holds at most one
    /// image in memory.
    Media(String),
    /// A participant's original, from the private vault, by its sha256:
    /// only a study folder (the team's own working copy) holds these.
    Original(String),
}

/// Files to write, by path relative to the export's root (`/`-separated).
pub type Files = std::collections::BTreeMap<String, Content>;

/// An export being written: a staging folder beside the destination, removed
/// again unless [`Staging::finish`] moves it into place (or packs it into
/// the destination, when that is a `.zip` file).
pub struct Staging {
    dir: PathBuf,
    path: PathBuf,
    moved: bool,
}

impl Staging {
    /// Checks that `dir` is new or empty (or, for a `.zip` file, new) and
    /// makes the staging folder.
    pub fn begin(dir: &Path) -> Result<Self, ExportError> {
        if zipped::is_zip(dir) {
            if dir.exists() {
                return Err(ExportError::FileExists(dir.to_owned()));
            }
        } else if dir.exists() {
            let empty = std::fs::read_dir(dir)
                .with_context(|| format!("cannot read {}", dir.display()))?
                .next()
                .is_none();
            if !empty {
                return Err(ExportError::DestinationNotEmpty(dir.to_owned()));
            }
        }
        let name = dir
            .file_name()
            .with_context(|| format!("{} does not name a folder", dir.display()))?;
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let mut staging_name = std::ffi::OsString::from(".");
        staging_name.push(name);
        staging_name.push(format!(".partial-{}", std::process::id()));
        let path = parent.join(staging_name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self {
            dir: dir.to_owned(),
            path,
            moved: false,
        })
    }

    /// The staging folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `files` into the staging folder, copying images from the blob
    /// store one at a time; returns the bytes written.
    pub async fn write(
        &self,
        app: &App,
        files: &Files,
        progress: &dyn Progress,
    ) -> Result<u64, ExportError> {
        progress.start(files.len() as u64);
        let mut total = 0_u64;
        for (name, content) in files {
            let target = self.path.join(name);
            if let Some(folder) = target.parent() {
                tokio::fs::create_dir_all(folder)
                    .await
                    .with_context(|| format!("cannot create {}", folder.display()))?;
            }
            let written = match content {
                Content::Made(bytes) => {
                    total += bytes.len() as u64;
                    tokio::fs::write(&target, bytes).await
                }
                Content::Media(key) | Content::Original(key) => {
                    let (blob, missing) = match content {
                        Content::Media(_) => (
                            BlobKey::Public(key.clone()),
                            "is no longer stored (an image of an earlier Release that has been \
                             replaced since): export the latest Release",
                        ),
                        _ => (BlobKey::Original(key.clone()), "is missing from the vault"),
                    };
                    let bytes = app
                        .blobs
                        .get(&blob)
                        .await
                        .context("cannot read an image from the blob store")?
                        .with_context(|| format!("the image {key} {missing}"))?;
                    total += bytes.len() as u64;
                    tokio::fs::write(&target, &bytes).await
                }
            };
            written.with_context(|| format!("cannot write {}", target.display()))?;
            progress.advance(name);
        }
        progress.finish();
        Ok(total)
    }

    /// Scans what was written (off the async runtime) and, when the scan
    /// finds nothing, moves it into place, or packs it into the `.zip` file
    /// asked for with every time stamp `date`; otherwise nothing is left.
    pub async fn finish(
        mut self,
        forbidden: scan::Forbidden,
        date: time::Date,
    ) -> Result<(), ExportError> {
        let path = self.path.clone();
        let findings = tokio::task::spawn_blocking(move || scan::scan_folder(&path, &forbidden))
            .await
            .context("the export's scan stopped unexpectedly")??;
        if !findings.is_empty() {
            return Err(ExportError::Leak(findings));
        }
        if zipped::is_zip(&self.dir) {
            let (folder, target) = (self.path.clone(), self.dir.clone());
            let mut partial = self.path.clone().into_os_string();
            partial.push(".zip");
            let partial = PathBuf::from(partial);
            let top = target
                .file_stem()
                .map_or_else(|| "export".into(), |s| s.to_string_lossy().into_owned());
            let packing = partial.clone();
            let packed = tokio::task::spawn_blocking(move || {
                zipped::pack(&folder, &top, &packing, date)?;
                std::fs::rename(&packing, &target)
                    .with_context(|| format!("cannot move the export into {}", target.display()))
            })
            .await
            .context("packing the export stopped unexpectedly")?;
            if let Err(e) = packed {
                let _ = std::fs::remove_file(&partial);
                return Err(e.into());
            }
            // Drop removes the staging folder.
            return Ok(());
        }
        if self.dir.exists() {
            std::fs::remove_dir(&self.dir)
                .with_context(|| format!("cannot replace {}", self.dir.display()))?;
        }
        std::fs::rename(&self.path, &self.dir)
            .with_context(|| format!("cannot move the export into {}", self.dir.display()))?;
        self.moved = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.moved {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
