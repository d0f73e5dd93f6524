//! Symbolic links in a study folder: refused when they leave it.

use super::{SMALL, blob_keys, copy_folder, import, open, problems};
use std::path::Path;

#[cfg(unix)]
#[tokio::test]
async fn import_refuses_symlinks_that_leave_the_study_folder() {
    use std::os::unix::fs::symlink;
    let data = tempfile::tempdir().expect("tempdir");
    let app = open(data.path()).await;
    let outside = tempfile::tempdir().expect("tempdir");
    let folder = copy_folder(SMALL);
    // A photo and a spreadsheet that are links to files elsewhere on the disk
    // (think ~/.ssh or another study): neither may be read through the folder.
    for rel in ["images/kettle.png", "participants.csv"] {
        let name = Path::new(rel).file_name().expect("file name");
        std::fs::rename(folder.path().join(rel), outside.path().join(name)).expect("move");
        symlink(outside.path().join(name), folder.path().join(rel)).expect("symlink");
    }
    let found = problems(import(&app, folder.path()).await);
    for rel in ["images/kettle.png", "participants.csv"] {
        assert!(
            found
                .iter()
                .any(|p| p.contains(rel) && p.contains("outside the study folder")),
            "{rel} is refused as a link out of the folder: {found:#?}"
        );
    }
    assert!(blob_keys(&app).await.is_empty(), "nothing was stored");
    assert!(
        app.store()
            .find_study_by_slug("small-study")
            .await
            .expect("query")
            .is_none(),
        "no study was written"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_that_stays_inside_the_study_folder_still_imports() {
    let data = tempfile::tempdir().expect("tempdir");
    let app = open(data.path()).await;
    let folder = copy_folder(SMALL);
    let images = folder.path().join("images");
    std::fs::rename(images.join("kettle.png"), folder.path().join("kettle.png")).expect("move");
    std::os::unix::fs::symlink("../kettle.png", images.join("kettle.png")).expect("symlink");
    import(&app, folder.path()).await.expect("import");
}
