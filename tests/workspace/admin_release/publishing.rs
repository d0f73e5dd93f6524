//! The publish preview with every left-out entry and its reasons, and the
//! Release it writes; a real name in a public text keeps an entry out.

use super::{check_all, edit_texts};
use crate::common;
use axum::http::StatusCode;
use common::{DEMO, TestApp};
use vitrine_core::SignOffState;

#[tokio::test]
async fn the_publish_preview_lists_left_out_entries_and_publishing_writes_the_next_release() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let reviewer = test.reviewer().await;
    // Checking e02 again clears its approval, so it drops out.
    let held = test.demo_entry("e02").await;
    check_all(&test, &curator, held).await;

    let page = test
        .get_as(&reviewer, &format!("/admin/studies/{DEMO}/publish"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Publish Release 2"));
    assert!(text.contains("e02"), "the left-out entry is named");
    assert!(
        text.contains("awaiting a reviewer&#39;s approval")
            || text.contains("awaiting a reviewer's approval")
    );
    assert!(
        text.contains("1 entry withdrawn"),
        "the public changelog line"
    );
    assert!(text.contains("8 entries"));
    assert!(
        test.get(&format!("/{DEMO}/releases"))
            .await
            .text()
            .contains("Release 1")
    );

    let path = format!("/admin/studies/{DEMO}/publish");
    let published = test.post_as(&reviewer, &path, &[("version", "2")]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let (_, latest) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("latest");
    assert_eq!(latest.version, 2);
    assert_eq!(latest.entry_count(), 8);
    assert_eq!(latest.changelog, vec!["1 entry withdrawn"]);
    let stale = test.post_as(&reviewer, &path, &[("version", "2")]).await;
    assert_eq!(
        stale.status,
        StatusCode::CONFLICT,
        "what was reviewed is what goes out"
    );
    let log = test.app.store().audit_log(None, 1000).await.expect("log");
    assert!(
        log.iter()
            .any(|r| r.action == "release.publish" && r.actor == "reviewer@example.org")
    );
    let releases = test.get(&format!("/{DEMO}/releases")).await.text();
    assert!(releases.contains("Release 2") && releases.contains("1 entry withdrawn"));
}

/// Issue 10 item 7, "the check still blocks publication": a participant's
/// full real name in a public text keeps the entry out of the Release (and
/// `vitrine check` says why), while a first name alone does not.
#[tokio::test]
async fn a_full_real_name_in_a_public_text_keeps_the_entry_out_of_the_release() {
    let test = TestApp::own_demo().await;
    let reviewer = test.reviewer().await;
    test.staff("owner@example.org", Some("owner"), false).await;
    let study = test.demo_study().await;
    let named = test.demo_entry("e01").await;
    let content = test.demo_content().await;
    let participant = content
        .entries
        .iter()
        .find(|e| e.id == named)
        .expect("e01")
        .participant;
    vitrine::app::identity::set_identity(
        &test.app,
        &study,
        participant,
        "Harriet  Quell",
        "hq@example.org",
        vitrine::app::Actor::operator("test"),
    )
    .await
    .expect("set identity");
    let first_name_only = test.demo_entry("e03").await;
    edit_texts(
        &test,
        "owner@example.org",
        named,
        None,
        "As HARRIET quell said.",
    )
    .await;
    edit_texts(
        &test,
        "owner@example.org",
        first_name_only,
        None,
        "Harriet said.",
    )
    .await;
    assert_eq!(
        test.demo_entry_record(named).await.sign_off,
        SignOffState::Approved,
        "quote edits keep approval"
    );

    let report =
        vitrine::app::check::check(&test.app, &crate::common::study(&test.app, DEMO).await)
            .await
            .expect("check");
    let blocked: Vec<_> = report
        .blocked
        .iter()
        .filter(|(_, reasons)| reasons.contains(&vitrine_core::Blocker::RealNameInTexts))
        .map(|(label, _)| label.clone())
        .collect();
    assert_eq!(blocked.len(), 1, "{blocked:?}");
    assert!(blocked[0].starts_with("e01"), "{blocked:?}");
    let page = test
        .get_as(&reviewer, &format!("/admin/studies/{DEMO}/publish"))
        .await
        .text();
    assert!(page.contains("full real name"), "{page}");
    assert!(!page.contains("Harriet"), "the page names nobody: {page}");

    let path = format!("/admin/studies/{DEMO}/publish");
    let published = test.post_as(&reviewer, &path, &[("version", "2")]).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text()
    );
    let (_, latest) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("latest");
    let json = serde_json::to_string(&latest).expect("json");
    assert!(
        !json.to_lowercase().contains("quell"),
        "the name is not published"
    );
    assert!(
        json.contains("Harriet said."),
        "a first name alone is published"
    );
}
