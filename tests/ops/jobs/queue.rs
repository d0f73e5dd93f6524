//! The job queue: leases taken over, retries backed off, scheduled jobs
//! queued once.

use super::store;
use std::time::Duration;

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
