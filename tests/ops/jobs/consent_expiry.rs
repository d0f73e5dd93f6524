//! The consent-expiry job (ETH-07): lapsed consent takes entries down,
//! publishes nothing new, and tells the CDN what to purge.

use super::reimport_small_study;
use crate::common;
use common::TestApp;
use std::time::Duration;

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
