//! Issue 13: an import says which photos recorded where they were taken (EXIF
//! GPS), so a reviewer looks at them for places; the location itself is
//! never stored or published.

use crate::common;
use std::path::Path;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::import_folder;
use vitrine::app::progress::NoProgress;

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/small-study");

#[tokio::test]
async fn an_import_notes_each_photo_that_recorded_a_location() {
    let data = tempfile::tempdir().expect("tempdir");
    let app = vitrine::app::testing::open(data.path())
        .await
        .expect("open app");
    let folder = tempfile::tempdir().expect("tempdir");
    common::copy_dir(Path::new(SMALL), folder.path());
    let kettle = folder.path().join("images/kettle.png");
    let png = std::fs::read(&kettle).expect("read");
    std::fs::write(&kettle, common::with_gps(&png)).expect("write");
    let report = import_folder(&app, &DiskFolder::new(folder.path()), &NoProgress)
        .await
        .expect("import");
    let notes: Vec<&String> = report
        .summary
        .notes
        .iter()
        .filter(|n| n.contains("recorded where it was taken"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", report.summary.notes);
    assert!(
        notes[0].starts_with("images/kettle.png recorded"),
        "{}",
        notes[0]
    );
}
