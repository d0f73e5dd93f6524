//! Importing study folders as a researcher would: every problem listed at once,
//! all-or-nothing, idempotent re-imports, and no orphan blobs (issue 3 §2, §3).
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

mod folders;
mod re_import;
mod sign_off;
mod symlinks;

use crate::common;
use std::path::{Path, PathBuf};
use vitrine::app::App;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::{ImportError, import_folder};
use vitrine::app::progress::NoProgress;

const SMALL: &str = "examples/small-study";

async fn open(dir: &Path) -> App {
    vitrine::app::testing::open(dir).await.expect("open app")
}

/// A writable copy of a study folder, for breaking on purpose.
fn copy_folder(from: &str) -> tempfile::TempDir {
    let to = tempfile::tempdir().expect("tempdir");
    common::copy_dir(Path::new(from), to.path());
    to
}

fn edit(path: PathBuf, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(path, f(text)).expect("write");
}

async fn import(
    app: &App,
    folder: &Path,
) -> Result<vitrine::app::import::ImportReport, ImportError> {
    import_folder(app, &DiskFolder::new(folder), &NoProgress).await
}

fn problems(result: Result<vitrine::app::import::ImportReport, ImportError>) -> Vec<String> {
    match result {
        Err(ImportError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
        Err(ImportError::Failed(e)) => panic!("expected problems, got failure {e:#}"),
        Ok(_) => panic!("expected problems, the import succeeded"),
    }
}

/// Every blob in the store (originals and public files), on whichever backend
/// the test runs: "unchanged" means this is equal.
async fn blob_keys(app: &App) -> Vec<String> {
    let mut keys: Vec<String> = app
        .blobs()
        .list_originals()
        .await
        .expect("list")
        .into_iter()
        .map(|k| format!("vault/{k}"))
        .collect();
    keys.extend(
        app.blobs()
            .list_public()
            .await
            .expect("list")
            .into_iter()
            .map(|k| format!("public/{k}")),
    );
    keys.sort();
    keys
}

/// The stored content of the small example study.
async fn small_content(app: &App) -> vitrine_store::StudyContent {
    let study = app
        .store()
        .find_study_by_slug("small-study")
        .await
        .expect("read study")
        .expect("study");
    app.store()
        .load_study_content(study)
        .await
        .expect("read content")
}

/// The stored entry with this import key.
fn entry<'a>(content: &'a vitrine_store::StudyContent, key: &str) -> &'a vitrine_core::Entry {
    content
        .entries
        .iter()
        .find(|e| content.entry_keys.get(&e.id).map(String::as_str) == Some(key))
        .expect("entry")
}

/// What `vitrine check` reports for entry `key` (empty when publishable).
async fn check_reasons(app: &App, key: &str) -> Vec<vitrine_core::Blocker> {
    vitrine::app::check::check(app, &crate::common::study(app, "small-study").await)
        .await
        .expect("check")
        .blocked
        .into_iter()
        .find(|(label, _)| label.starts_with(&format!("{key} ")))
        .map(|(_, reasons)| reasons)
        .unwrap_or_default()
}
