//! Withdrawing a participant: all their entries, and a consent record.

use super::public_entry;
use crate::common;
use axum::http::StatusCode;
use common::{DEMO, TestApp};

#[tokio::test]
async fn withdrawing_a_participant_takes_all_their_entries_and_adds_a_consent_record() {
    let test = TestApp::own_demo().await;
    let gone = public_entry(&test, "e02").await;
    let content = test.demo_content().await;
    let john = content
        .participants
        .iter()
        .find(|p| p.pseudonym == "John")
        .expect("John")
        .id;
    let history = test
        .app
        .store()
        .consent_history(john)
        .await
        .expect("history");
    let reviewer = test.reviewer().await;
    let path = format!("/admin/studies/{DEMO}/participants/{}/withdraw", john.0);
    assert_eq!(test.get_as(&reviewer, &path).await.status, StatusCode::OK);
    let report = test
        .post_as(
            &reviewer,
            &path,
            &[("reason", "participant_asked"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report
            .text()
            .contains("A new consent record says the participant withdrew today.")
    );

    assert_eq!(test.get(&gone.page).await.status, StatusCode::NOT_FOUND);
    let after = test
        .app
        .store()
        .consent_history(john)
        .await
        .expect("history");
    assert_eq!(after.len(), history.len() + 1, "a row is added");
    for old in &history {
        let kept = after.iter().find(|r| r.id == old.id).expect("old row kept");
        assert_eq!(
            kept.withdrawn_on, old.withdrawn_on,
            "old rows are not updated"
        );
    }
    let today = time::OffsetDateTime::now_utc().date();
    let newest = after.iter().max_by_key(|r| r.id).expect("newest");
    assert_eq!(newest.withdrawn_on, Some(today));
    let content = test.demo_content().await;
    assert!(
        content
            .entries
            .iter()
            .filter(|e| e.participant == john)
            .all(|e| e.withdrawn && e.texts.caption.is_empty() && e.image.is_none())
    );
    let log = test.app.store().audit_log(None, 10_000).await.expect("log");
    assert!(log.iter().any(|r| r.action == "participant.withdraw"));
    assert!(log.iter().all(|r| {
        !r.payload
            .as_deref()
            .unwrap_or_default()
            .contains(&gone.caption)
    }));
    let verified = test.app.store().verify_audit().await.expect("verify");
    assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    let again = test
        .post_as(
            &reviewer,
            &path,
            &[("reason", "participant_asked"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing left to withdraw"
    );
}
