//! The image half of an import: check every named image before anything is
//! written, then ingest the new ones with a progress report.

use super::entries::ParsedEntry;
use super::files::StudyFiles;
use super::{ImportError, Problem};
use crate::app::App;
use crate::app::ingest::{WrittenBlobs, ingest};
use crate::app::progress::Progress;
use futures::StreamExt;
use std::collections::BTreeMap;
use vitrine_media::MediaError;
use vitrine_store::NewImage;

/// The images an import uses, checked: the sha256 of each named file.
pub struct CheckedImages {
    by_path: BTreeMap<String, String>,
}

/// What ingesting produced.
pub struct Ingested {
    pub new_images: Vec<NewImage>,
    pub written: WrittenBlobs,
    pub processed: usize,
    pub reused: usize,
    /// Files processed now whose metadata recorded where they were taken
    /// (GPS), in name order, for a note to the researcher.
    pub located: Vec<String>,
}

/// Reads each named image once, checks its header against the limits and
/// hashes it. Problems point at the first entries.csv row naming the file.
pub fn check(
    app: &App,
    files: &dyn StudyFiles,
    refs: &[(usize, String)],
    problems: &mut Vec<Problem>,
) -> CheckedImages {
    let mut by_path = BTreeMap::new();
    for (row, path) in refs {
        match read_checked(app, files, path) {
            Ok(sha256) => {
                by_path.insert(path.clone(), sha256);
            }
            Err(message) => problems.push(Problem::at(
                "entries.csv",
                Some(*row),
                Some("image"),
                message,
            )),
        }
    }
    CheckedImages { by_path }
}

fn read_checked(app: &App, files: &dyn StudyFiles, path: &str) -> Result<String, String> {
    let limits = &app.settings.limits;
    match files.size(path) {
        Ok(None) => return Err(format!("{path} does not exist in the study folder")),
        Err(e) => return Err(format!("{path} cannot be read: {e}")),
        Ok(Some(size)) if size > limits.max_bytes => {
            return Err(format!(
                "{path}: {}",
                MediaError::FileTooLarge {
                    size,
                    limit: limits.max_bytes
                }
            ));
        }
        Ok(Some(_)) => {}
    }
    let bytes = match files.read(path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(format!("{path} does not exist in the study folder")),
        Err(e) => return Err(format!("{path} cannot be read: {e}")),
    };
    vitrine_media::probe(&bytes, limits).map_err(|e| format!("{path}: {e}"))?;
    Ok(vitrine_media::sha256_hex(&bytes))
}

impl CheckedImages {
    /// Forgets the images that only entries in `withdrawn` (import keys of
    /// entries withdrawn earlier) name, so an import never stores again what
    /// a withdrawal deleted (PRV-13).
    pub fn skip_withdrawn(
        &mut self,
        entries: &[ParsedEntry],
        withdrawn: &std::collections::BTreeSet<String>,
    ) {
        let used: std::collections::BTreeSet<&str> = entries
            .iter()
            .filter(|e| !withdrawn.contains(&e.entry.key))
            .filter_map(|e| e.image.as_deref())
            .collect();
        self.by_path.retain(|path, _| used.contains(path.as_str()));
    }

    /// Fills in each entry's image hash.
    pub fn assign(&self, entries: &mut [ParsedEntry]) {
        for parsed in entries {
            parsed.entry.image_sha256 = parsed
                .image
                .as_ref()
                .and_then(|p| self.by_path.get(p))
                .cloned();
        }
    }

    /// Processes and stores every image not stored yet, a few at a time. On any
    /// failure, removes what it wrote and reports every failed file.
    pub async fn ingest(
        self,
        app: &App,
        files: &dyn StudyFiles,
        progress: &dyn Progress,
    ) -> Result<Ingested, ImportError> {
        // Identical files under several names are processed once, from the
        // first name; files whose bytes are already stored are reused.
        let mut distinct: BTreeMap<&str, &str> = BTreeMap::new();
        for (path, sha) in &self.by_path {
            distinct.entry(sha.as_str()).or_insert(path.as_str());
        }
        let mut todo: Vec<(String, String)> = Vec::new();
        for (&sha, &path) in &distinct {
            if !app
                .store
                .image_exists(sha)
                .await
                .map_err(anyhow::Error::new)?
            {
                todo.push((path.to_owned(), sha.to_owned()));
            }
        }
        let reused = distinct.len() - todo.len();
        progress.start(todo.len() as u64);
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let results: Vec<_> = futures::stream::iter(todo)
            .map(|(path, sha)| async move {
                let mut written = WrittenBlobs::default();
                let result = match files.read(&path) {
                    Ok(Some(bytes)) => {
                        // An import waits for room in the image budget as
                        // long as it takes: nobody is left at a spinner.
                        ingest(app, bytes, sha, &mut written, None)
                            .await
                            .map_err(|e| format!("{path}: {e}"))
                    }
                    Ok(None) => Err(format!("{path} disappeared while importing")),
                    Err(e) => Err(format!("{path} cannot be read: {e}")),
                };
                progress.advance(&path);
                (path, result, written)
            })
            .buffer_unordered(workers)
            .collect()
            .await;
        progress.finish();
        let mut out = Ingested {
            new_images: Vec::new(),
            written: WrittenBlobs::default(),
            processed: 0,
            reused,
            located: Vec::new(),
        };
        let mut problems = Vec::new();
        for (path, result, written) in results {
            out.written.absorb(written);
            match result {
                Ok(image) => {
                    if image.records_location {
                        out.located.push(path);
                    }
                    out.new_images.push(image);
                }
                Err(message) => {
                    problems.push(Problem::at("entries.csv", None, Some("image"), message))
                }
            }
        }
        if !problems.is_empty() {
            out.written.rollback(&app.blobs).await;
            return Err(ImportError::Invalid(problems));
        }
        out.new_images.sort_by(|a, b| a.sha256.cmp(&b.sha256));
        out.located.sort();
        out.processed = out.new_images.len();
        Ok(out)
    }
}
