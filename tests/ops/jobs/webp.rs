//! WebP versions made in the background reach the published Release.

use super::store;
use std::time::Duration;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::import_folder;
use vitrine::app::progress::NoProgress;

/// WebP versions are background work (issue 6): an import stores the JPEGs
/// and queues a job; the job makes the WebP files and adds them to the Release
/// already published, so visitors get them without anyone publishing again.
#[tokio::test]
async fn webp_versions_follow_in_the_background_and_reach_the_published_release() {
    let test = store().await;
    let app = &test.app;
    import_folder(app, &DiskFolder::new("examples/small-study"), &NoProgress)
        .await
        .expect("import");
    let queued = app.store().list_jobs(20).await.expect("jobs");
    assert!(
        queued
            .iter()
            .any(|j| j.kind == vitrine::app::jobs::WEBP_DERIVATIVES && j.state == "queued"),
        "the import queued the WebP job: {queued:?}"
    );
    vitrine::app::publish::publish(app, &crate::common::study(app, "small-study").await)
        .await
        .expect("publish");
    let formats = |release: &vitrine_core::Release| -> Vec<String> {
        release
            .entries()
            .filter_map(|e| e.image.as_ref())
            .flat_map(|i| i.variants.iter().map(|v| v.media_type.clone()))
            .collect()
    };
    let (_, before) = app
        .store()
        .latest_release("small-study")
        .await
        .expect("read")
        .expect("published");
    assert!(!formats(&before).is_empty());
    assert!(
        formats(&before).iter().all(|t| t == "image/jpeg"),
        "the import made JPEGs only"
    );

    // A visitor reads the gallery now, so this process holds the parsed Release.
    let gallery = test.get("/small-study/").await.text();
    assert!(!gallery.contains("image/webp"));

    let job = app
        .store()
        .claim_job("test-worker", Duration::from_secs(60))
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!(job.kind, vitrine::app::jobs::WEBP_DERIVATIVES);
    vitrine::app::jobs::run_claimed(app, "test-worker", job).await;

    let (_, after) = app
        .store()
        .latest_release("small-study")
        .await
        .expect("read")
        .expect("published");
    assert_eq!(after.version, before.version, "no new Release was needed");
    let webp: Vec<String> = after
        .entries()
        .filter_map(|e| e.image.as_ref())
        .flat_map(|i| i.variants.iter())
        .filter(|v| v.media_type == "image/webp")
        .map(|v| v.key.clone())
        .collect();
    assert!(!webp.is_empty(), "the Release now offers WebP");
    let gallery = test.get("/small-study/").await.text();
    assert!(
        gallery.contains("image/webp"),
        "the page is not served from a stale parsed Release"
    );
    let page = test.get(&format!("/media/{}", webp[0])).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), "image/webp");
    assert!(
        app.store()
            .images_pending_webp(10)
            .await
            .expect("pending")
            .is_empty(),
        "nothing left to do"
    );
}
