//! The four-eyes rule: approval needs a second person, and an edit voids it.

use super::{approve, check_all, edit};
use crate::common;
use axum::http::StatusCode;
use common::{DEMO, TestApp};
use vitrine_core::{CheckItem, SignOffState};

#[tokio::test]
async fn approval_needs_a_second_person_and_an_edit_voids_it() {
    let test = TestApp::own_demo().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let curator = test.curator().await;
    let reviewer = test.reviewer().await;
    let id = test.demo_entry("e01").await;

    // The page lists all eight items; saving an incomplete checklist is allowed.
    let page = test
        .get_as(
            &curator,
            &format!("/admin/studies/{DEMO}/entries/{}/checklist", id.0),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for item in CheckItem::ALL {
        assert!(
            page.text()
                .contains(&format!("value=\"{}\"", item.as_str()))
        );
    }
    let path = format!("/admin/studies/{DEMO}/entries/{}/checklist", id.0);
    let partial = test.post_as(&curator, &path, &[("item", "faces")]).await;
    assert_eq!(partial.status, StatusCode::SEE_OTHER);
    assert_eq!(
        test.demo_entry_record(id).await.sign_off,
        SignOffState::Incomplete
    );
    let (status, text) = approve(&test, &owner, id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("not complete"));

    // The curator completes it; a curator may not approve at all.
    check_all(&test, &curator, id).await;
    assert_eq!(
        test.demo_entry_record(id).await.sign_off,
        SignOffState::AwaitingApproval
    );
    assert_eq!(approve(&test, &curator, id).await.0, StatusCode::FORBIDDEN);

    // The owner last edited the entry (not its checked words), so may not approve.
    edit(&test, "owner@example.org", id, None).await;
    assert_eq!(
        test.demo_entry_record(id).await.sign_off,
        SignOffState::AwaitingApproval
    );
    let (status, text) = approve(&test, &owner, id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        text.contains(
            "you made the last change to this entry, so another reviewer must approve it"
        )
    );
    assert_eq!(
        test.demo_entry_record(id).await.sign_off,
        SignOffState::AwaitingApproval
    );

    // A different reviewer can.
    let (status, _) = approve(&test, &reviewer, id).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        test.demo_entry_record(id).await.sign_off,
        SignOffState::Approved
    );
    let page = test.get_as(&owner, &path).await.text();
    assert!(page.contains("Approved by") && page.contains("reviewer@example.org"));

    // Whoever completed the checklist may not approve it either.
    let other = test.demo_entry("e02").await;
    check_all(&test, &owner, other).await;
    let (status, text) = approve(&test, &owner, other).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(text.contains("you completed the checklist"));

    // Changing the caption after approval voids it: it cannot be approved
    // without checking again, and the entry drops out of the next Release.
    edit(
        &test,
        "curator@example.org",
        id,
        Some("A different caption."),
    )
    .await;
    assert_eq!(
        test.demo_entry_record(id).await.sign_off,
        SignOffState::Voided
    );
    let (status, text) = approve(&test, &reviewer, id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("checklist again"));
    let preview =
        vitrine::app::publish::preview(&test.app, &crate::common::study(&test.app, DEMO).await)
            .await
            .expect("preview");
    assert!(preview.left_out.iter().any(|(e, reasons)| *e == id
        && reasons.contains(&vitrine_core::Blocker::NotSignedOff(SignOffState::Voided))));
    let page = test
        .get_as(&reviewer, &format!("/admin/studies/{DEMO}/publish"))
        .await;
    assert!(page.text().contains("must be checked again"));

    let log = test.app.store().audit_log(None, 1000).await.expect("log");
    assert!(log.iter().any(|r| r.action == "entry.checklist"));
    assert!(
        log.iter()
            .any(|r| r.action == "entry.approve" && r.actor == "reviewer@example.org")
    );
}
