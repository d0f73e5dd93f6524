//! Writing an export: the files it holds ([`Files`], [`Content`]) and the
//! staging folder beside the destination that they are written to, scanned
//! in, and moved (or packed as a ZIP) into place from ([`Staging`]).

use super::{ExportError, scan, zipped};
use crate::app::App;
use crate::app::progress::Progress;
use anyhow::Context;
use std::path::{Path, PathBuf};
use vitrine_store::BlobKey;

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
