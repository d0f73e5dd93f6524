//! `kill -9` during an import loses nothing and, after the sweep, leaves no
//! orphan blob (issue 4): rows are written in one transaction after the blobs,
//! so a killed import stores no rows, and `vitrine gc` removes its blobs.

mod common;

use common::TestApp;
use std::time::{Duration, Instant};

#[tokio::test]
async fn an_import_killed_part_way_stores_nothing_and_its_blobs_are_swept() {
    let test = TestApp::empty().await;
    let settings = &test.app.settings;
    let mut cmd = common::vitrine_command(settings, &["import", "demo/link-worker-retention"]);
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().expect("start import");

    // Wait for the first blob, then kill the import without warning.
    let started = Instant::now();
    while test.app.blobs.list_all().await.expect("list").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import wrote no blob"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        child.try_wait().expect("wait"),
        None,
        "the import was still running when killed"
    );
    child.kill().expect("kill -9");
    child.wait().expect("reap");

    assert!(
        test.app
            .store
            .list_study_slugs()
            .await
            .expect("studies")
            .is_empty(),
        "no half study"
    );
    assert!(
        !test.app.blobs.list_all().await.expect("list").is_empty(),
        "the killed import left blobs"
    );
    let swept = vitrine::app::gc::sweep(&test.app, Duration::ZERO)
        .await
        .expect("sweep");
    assert!(swept.originals + swept.public > 0);
    assert!(
        test.app.blobs.list_all().await.expect("list").is_empty(),
        "no orphan left"
    );

    // The same import then completes, and the sweep leaves its blobs alone.
    let status = cmd.status().expect("import again");
    assert!(status.success());
    let kept = test.app.blobs.list_all().await.expect("list").len();
    let swept = vitrine::app::gc::sweep(&test.app, Duration::ZERO)
        .await
        .expect("sweep");
    assert_eq!((swept.originals, swept.public), (0, 0));
    assert_eq!(test.app.blobs.list_all().await.expect("list").len(), kept);
}

#[tokio::test]
async fn the_sweep_spares_young_orphans_an_import_elsewhere_may_still_need() {
    let test = TestApp::empty().await;
    let stray = vitrine_store::BlobKey::Public("00112233445566778899aabbccddeeff.jpg".to_owned());
    test.app
        .blobs
        .put(&stray, b"half an import".to_vec())
        .await
        .expect("put");
    let swept = vitrine::app::gc::sweep(&test.app, Duration::from_secs(3600))
        .await
        .expect("sweep");
    assert_eq!(swept.public, 0);
    assert!(test.app.blobs.exists(&stray).await.expect("exists"));
}
