//! A withdrawal that died before deleting its blobs: they are swept later.

use super::public_entry;
use crate::common;
use axum::http::StatusCode;
use common::TestApp;

#[tokio::test]
async fn blobs_left_by_a_withdrawal_that_died_before_deleting_them_are_swept() {
    let test = TestApp::own_demo().await;
    let gone = public_entry(&test, "e04").await;
    let study = test.demo_study().await;
    // The store's transaction alone, as if the process died right after it.
    let done = test
        .app
        .store()
        .withdraw(vitrine_store::WithdrawalPlan {
            study: study.id,
            entry: Some(gone.id),
            participant: None,
            today: time::OffsetDateTime::now_utc().date(),
            reason: "other",
            event: vitrine_store::AuditEvent {
                actor: "test".into(),
                action: "entry.withdraw".into(),
                ..Default::default()
            },
            purge: None,
        })
        .await
        .expect("withdraw")
        .expect("entry exists");
    assert_eq!(done.delete_public.len(), gone.media.len());
    assert_eq!(done.delete_originals.len(), 1);
    assert_eq!(test.get(&gone.page).await.status, StatusCode::NOT_FOUND);
    for key in &gone.media {
        assert_eq!(
            test.get(&format!("/media/{key}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // Withdrawing it again does nothing and records nothing.
    let logged = test
        .app
        .store()
        .audit_log(None, 10_000)
        .await
        .expect("log")
        .len();
    let again = vitrine::app::withdraw::withdraw_entry(
        &test.app,
        &study,
        gone.id,
        vitrine::app::Actor::operator("test"),
        vitrine::app::withdraw::Reason::Other,
    )
    .await
    .expect("withdraw again")
    .expect("entry exists");
    assert!(again.done.entries.is_empty() && again.done.new_release.is_none());
    let log = test.app.store().audit_log(None, 10_000).await.expect("log");
    assert_eq!(log.len(), logged);

    let swept = vitrine::app::gc::sweep(&test.app, std::time::Duration::ZERO)
        .await
        .expect("sweep");
    assert_eq!(swept.public, gone.media.len());
    assert_eq!(swept.originals, 1);
    let public = test.app.blobs().list_public().await.expect("list");
    assert!(gone.media.iter().all(|k| !public.contains(k)));
}

/// A withdrawal whose caller stops waiting (a closed browser tab drops its
/// request) still finishes: the commit, the wait for the public leases and
/// the blob deletions after it run as a task of their own, so the entry is
/// gone from the public side and its images from both blob areas without
/// the orphan sweep.
#[tokio::test]
async fn a_withdrawal_whose_caller_stops_waiting_still_deletes_the_images() {
    let test = TestApp::own_demo().await;
    let gone = public_entry(&test, "e04").await;
    let study = test.demo_study().await;
    let originals = test.app.blobs().list_originals().await.expect("list").len();
    let dropped = tokio::time::timeout(
        std::time::Duration::from_millis(1),
        vitrine::app::withdraw::withdraw_entry(
            &test.app,
            &study,
            gone.id,
            vitrine::app::Actor::operator("test"),
            vitrine::app::withdraw::Reason::ParticipantAsked,
        ),
    )
    .await;
    assert!(
        dropped.is_err(),
        "the caller stopped waiting before the end"
    );
    // Not a time limit on the withdrawal: a generous bound on waiting for it,
    // so that a withdrawal that never finishes fails the test.
    let mut finished = false;
    for _ in 0..600 {
        let public = test.app.blobs().list_public().await.expect("list");
        let vault = test.app.blobs().list_originals().await.expect("list");
        if gone.media.iter().all(|k| !public.contains(k)) && vault.len() == originals - 1 {
            finished = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(finished, "the withdrawn entry's images are still stored");
    assert_eq!(test.get(&gone.page).await.status, StatusCode::NOT_FOUND);
}
