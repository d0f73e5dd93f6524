//! Durable background jobs (issue 4) and the consent-expiry job (ETH-07):
//! leases that run out are taken over, retries back off, and lapsed consent
//! takes entries down without publishing anything new.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

mod consent_expiry;
mod queue;
mod webp;

use crate::common;
use common::TestApp;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::import_folder;
use vitrine::app::progress::NoProgress;

async fn store() -> TestApp {
    TestApp::empty().await
}

/// Imports examples/small-study again with each (file, text, replacement)
/// edit applied once, as a researcher updating their spreadsheets would.
async fn reimport_small_study(app: &vitrine::app::App, edits: &[(&str, &str, &str)]) {
    let folder = tempfile::tempdir().expect("tempdir");
    common::copy_dir(std::path::Path::new("examples/small-study"), folder.path());
    for (file, from, to) in edits {
        let path = folder.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{file} has no {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    }
    import_folder(app, &DiskFolder::new(folder.path()), &NoProgress)
        .await
        .expect("re-import");
}
