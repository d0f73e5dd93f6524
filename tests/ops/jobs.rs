//! Durable background jobs (issue 4) and the consent-expiry job (ETH-07):
//! leases that run out are taken over, retries back off, and lapsed consent
//! takes entries down without publishing anything new.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use common::TestApp;
use std::time::Duration;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::{NoProgress, import_folder};

async fn store() -> TestApp {
    TestApp::empty().await
}

#[tokio::test]
async fn a_job_whose_instance_died_is_taken_over_when_its_lease_runs_out() {
    let test = store().await;
    let app = &test.app;
    assert!(
        app.store()
            .enqueue_job("consent_expiry", "{}", None, 0)
            .await
            .unwrap()
    );

    let first = app
        .store()
        .claim_job("instance-a", Duration::from_millis(200))
        .await
        .unwrap()
        .expect("a claims");
    assert_eq!(first.attempts, 1);
    assert_eq!(
        app.store()
            .claim_job("instance-b", Duration::from_secs(60))
            .await
            .unwrap(),
        None,
        "held by a"
    );

    // Instance a is killed here: it never completes. After the lease, b takes over.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = app
        .store()
        .claim_job("instance-b", Duration::from_secs(60))
        .await
        .unwrap()
        .expect("b takes over");
    assert_eq!((second.id, second.attempts), (first.id, 2));
    assert!(
        !app.store()
            .complete_job(first.id, "instance-a")
            .await
            .unwrap(),
        "a lost its claim"
    );
    assert!(
        app.store()
            .complete_job(second.id, "instance-b")
            .await
            .unwrap()
    );
    assert_eq!(
        app.store()
            .claim_job("instance-b", Duration::from_secs(60))
            .await
            .unwrap(),
        None,
        "done"
    );
}

#[tokio::test]
async fn failures_are_retried_later_then_left_failed_with_their_error() {
    let test = store().await;
    let app = &test.app;
    app.store()
        .enqueue_job("consent_expiry", "{}", None, 0)
        .await
        .unwrap();
    let job = app
        .store()
        .claim_job("w", Duration::from_secs(60))
        .await
        .unwrap()
        .expect("claim");
    let later = vitrine_store::now_ms() + 60_000;
    app.store()
        .fail_job(job.id, "w", "the database blinked", Some(later))
        .await
        .unwrap();
    assert_eq!(
        app.store()
            .claim_job("w", Duration::from_secs(60))
            .await
            .unwrap(),
        None,
        "not before its time"
    );
    let listed = app.store().list_jobs(10).await.unwrap();
    assert_eq!(
        (listed[0].state.as_str(), listed[0].last_error.as_deref()),
        ("queued", Some("the database blinked"))
    );

    app.store()
        .enqueue_job("mystery", "{}", None, 0)
        .await
        .unwrap();
    let job = app
        .store()
        .claim_job("w", Duration::from_secs(60))
        .await
        .unwrap()
        .expect("claim");
    vitrine::app::jobs::run_claimed(app, "w", job).await;
    let listed = app.store().list_jobs(10).await.unwrap();
    let mystery = listed.iter().find(|j| j.kind == "mystery").expect("listed");
    assert_eq!(mystery.state, "queued", "retried later");
    assert!(
        mystery
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("unknown job kind"))
    );
}

#[tokio::test]
async fn scheduled_jobs_are_queued_once_however_many_instances_ask() {
    let test = store().await;
    for _ in 0..3 {
        vitrine::app::jobs::schedule(&test.app).await.unwrap();
    }
    let mut kinds: Vec<String> = test
        .app
        .store()
        .list_jobs(10)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.kind)
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "consent_expiry",
            "face_suggestions",
            "gc_blobs",
            "webp_derivatives"
        ]
    );
}

#[tokio::test]
async fn lapsed_consent_takes_entries_down_and_publishes_nothing_new() {
    let test = TestApp::with_study(std::path::Path::new("examples/small-study")).await;
    let (_, before) = test
        .app
        .store()
        .latest_release("small-study")
        .await
        .unwrap()
        .expect("release");
    assert_eq!(before.entry_count(), 3);
    let sam_entry = before
        .entries()
        .find(|e| e.pseudonym == "Sam")
        .expect("Sam's entry")
        .slug
        .clone();
    let sam_media = before
        .entries()
        .find(|e| e.pseudonym == "Sam")
        .and_then(|e| e.image.clone())
        .expect("image");

    // Sam's consent now ended yesterday, and Robin's caption changed (a draft edit).
    let yesterday = (time::OffsetDateTime::now_utc().date() - time::Duration::days(1)).to_string();
    reimport_small_study(
        &test.app,
        &[
            ("consent.csv", "2034-03-06", &yesterday),
            ("entries.csv", "Kettle on", "Kettle on (draft)"),
        ],
    )
    .await;
    assert_eq!(
        test.get(&format!("/small-study/entries/{sam_entry}"))
            .await
            .status,
        200,
        "nothing changes before the job"
    );

    let removed = vitrine::app::jobs::consent_expiry(&test.app)
        .await
        .expect("job");
    assert_eq!(removed, 2, "both of Sam's published entries");
    let (_, after) = test
        .app
        .store()
        .latest_release("small-study")
        .await
        .unwrap()
        .expect("release");
    assert_eq!(
        (after.version, after.entry_count()),
        (before.version + 1, 1)
    );
    assert!(
        after.entries().all(|e| e.title != "Kettle on (draft)"),
        "the draft edit was not published"
    );
    assert_eq!(
        test.get(&format!("/small-study/entries/{sam_entry}"))
            .await
            .status,
        404
    );
    for variant in &sam_media.variants {
        assert_eq!(
            test.get(&format!("/media/{}", variant.key)).await.status,
            404,
            "{}",
            variant.key
        );
    }
    assert_eq!(
        vitrine::app::jobs::consent_expiry(&test.app)
            .await
            .expect("again"),
        0,
        "idempotent"
    );
}

#[tokio::test]
async fn a_take_down_tells_the_cdn_which_paths_to_purge() {
    use axum::routing::post;
    use std::sync::{Arc, Mutex};
    // A stand-in CDN API on loopback that records what it is sent.
    let received: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let sink = received.clone();
    let cdn = axum::Router::new().route(
        "/purge",
        post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, cdn).await });

    let test = TestApp::with_study(std::path::Path::new("examples/small-study")).await;
    let mut app = test.app.clone();
    app.settings.purge_webhook = Some(format!("http://{addr}/purge"));
    let (_, before) = app
        .store()
        .latest_release("small-study")
        .await
        .unwrap()
        .expect("release");
    let sam: Vec<_> = before
        .entries()
        .filter(|e| e.pseudonym == "Sam")
        .cloned()
        .collect();
    let robin = before
        .entries()
        .find(|e| e.pseudonym == "Robin")
        .expect("Robin")
        .clone();

    reimport_small_study(&app, &[("consent.csv", "2034-03-06", "2024-03-07")]).await;
    vitrine::app::jobs::consent_expiry(&app)
        .await
        .expect("expiry");

    // Other work the import queued (its WebP job) runs first, as a worker would.
    let job = loop {
        let job = app
            .store()
            .claim_job("w", Duration::from_secs(60))
            .await
            .unwrap()
            .expect("a purge is queued");
        if job.kind == "cdn_purge" {
            break job;
        }
        vitrine::app::jobs::run_claimed(&app, "w", job).await;
    };
    vitrine::app::jobs::run_claimed(&app, "w", job).await;
    let sent = received.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let paths: Vec<&str> = sent[0]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    for entry in &sam {
        assert!(
            paths.contains(&format!("/small-study/entries/{}", entry.slug).as_str()),
            "{paths:?}"
        );
        for variant in &entry.image.as_ref().unwrap().variants {
            assert!(
                paths.contains(&format!("/media/{}", variant.key).as_str()),
                "{paths:?}"
            );
        }
    }
    assert!(
        !paths.iter().any(|p| p.contains(&robin.slug)),
        "kept entries are not purged"
    );
    assert!(paths.contains(&"/small-study/"));
    let jobs = app.store().list_jobs(10).await.unwrap();
    assert!(
        jobs.iter()
            .any(|j| j.kind == "cdn_purge" && j.state == "done"),
        "{jobs:?}"
    );
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
    vitrine::app::publish::publish(app, "small-study")
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
