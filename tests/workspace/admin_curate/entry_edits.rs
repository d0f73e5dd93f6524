//! Editing an entry's words: who may (PRV-09), what is refused, what is
//! audited (ACC-02 alt text, ETH-17 quote changes).

use super::support::{entry, entry_path, form, post_form};
use crate::common;
use axum::http::StatusCode;
use common::TestApp;
use vitrine_core::SignOffState;

/// ACC-02: a curator's alt text is saved (303), stamped with them as last
/// editor (the four-eyes rule), and logged as `entry.edit` with only the
/// changed field; the page shows the alt-text guidance and lint warnings.
#[tokio::test]
async fn a_curator_edits_alt_text_and_the_change_is_audited() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let before = test.demo_content().await;
    let e01 = entry(&before, "e01");
    let page = test.get_as(&curator, &entry_path(e01)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("name=\"alt\"") && html.contains("aria-describedby=\"alt-hint"));
    assert!(
        html.contains("ACC-02") && html.contains("150 characters"),
        "{html}"
    );

    let alt = "Photo of three gift bags on a table";
    let response = post_form(
        &test,
        &curator,
        &entry_path(e01),
        &form(e01, &[("alt", alt)]),
    )
    .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert!(response.header("location").contains("done=saved"));

    let after = test.demo_content().await;
    let e01_after = entry(&after, "e01");
    assert_eq!(e01_after.texts.alt.as_deref(), Some(alt));
    assert_eq!(e01_after.texts.caption, e01.texts.caption);
    assert_eq!(
        e01_after.sign_off,
        SignOffState::Voided,
        "alt text is checked"
    );
    let (user, _) = test
        .app
        .store()
        .find_user_by_email("curator@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.last_editors.get(&e01.id), Some(&user.id.0));
    let log = test
        .app
        .store()
        .audit_log(Some(after.study.id), 10)
        .await
        .unwrap();
    let edit = log
        .iter()
        .find(|r| r.action == "entry.edit")
        .expect("entry.edit logged");
    assert_eq!(edit.actor, "curator@example.org");
    let payload = edit.payload.as_deref().unwrap();
    assert!(payload.contains(alt), "{payload}");
    assert!(
        !payload.contains("caption"),
        "only changed fields: {payload}"
    );

    // The warning is shown after the redirect, and saving was not blocked.
    let html = test.get_as(&curator, &entry_path(e01)).await.text();
    assert!(html.contains("starts with"), "{html}");
}

/// PRV-09: a facilitator sees the entry but cannot change it.
#[tokio::test]
async fn a_facilitator_cannot_edit_and_nothing_changes() {
    let test = TestApp::own_demo().await;
    let facilitator = test
        .staff("facilitator@example.org", Some("facilitator"), false)
        .await;
    let before = test.demo_content().await;
    let e02 = entry(&before, "e02");
    let page = test.get_as(&facilitator, &entry_path(e02)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("name=\"caption\""), "no edit form");
    let response = post_form(
        &test,
        &facilitator,
        &entry_path(e02),
        &form(e02, &[("alt", "Changed by a facilitator")]),
    )
    .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(entry(&test.demo_content().await, "e02"), e02);
}

/// A blank caption is refused with a message (422) and nothing is written.
#[tokio::test]
async fn a_blank_caption_is_refused() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let before = test.demo_content().await;
    let e03 = entry(&before, "e03");
    let response = post_form(
        &test,
        &curator,
        &entry_path(e03),
        &form(e03, &[("caption", "   "), ("alt", "Something new")]),
    )
    .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text();
    assert!(
        html.contains("role=\"alert\"") && html.contains("Write a caption"),
        "{html}"
    );
    assert!(
        html.contains("Something new"),
        "the form keeps what was typed"
    );
    assert_eq!(entry(&test.demo_content().await, "e03"), e03);
}

/// ETH-17: changing a participant's recorded words needs a reason, which the
/// audit log keeps.
#[tokio::test]
async fn changing_a_quote_needs_a_reason() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let before = test.demo_content().await;
    let e04 = entry(&before, "e04");
    let path = entry_path(e04);
    let first = post_form(
        &test,
        &curator,
        &path,
        &form(e04, &[("quote", "They brought flowers.")]),
    )
    .await;
    assert_eq!(
        first.status,
        StatusCode::SEE_OTHER,
        "a first transcription needs no reason"
    );

    let stored = test.demo_content().await;
    let e04 = entry(&stored, "e04");
    let changed = form(e04, &[("quote", "They brought me flowers.")]);
    let refused = post_form(&test, &curator, &path, &changed).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("Reason for changing the participant")
    );
    assert_eq!(
        entry(&test.demo_content().await, "e04")
            .texts
            .quote
            .as_deref(),
        Some("They brought flowers.")
    );

    let mut with_reason = changed.clone();
    with_reason.push(("quote_reason".into(), "Transcription error".into()));
    let saved = post_form(&test, &curator, &path, &with_reason).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let after = test.demo_content().await;
    assert_eq!(
        entry(&after, "e04").texts.quote.as_deref(),
        Some("They brought me flowers.")
    );
    let log = test
        .app
        .store()
        .audit_log(Some(after.study.id), 5)
        .await
        .unwrap();
    let payload = log[0].payload.as_deref().unwrap();
    assert_eq!(log[0].action, "entry.edit");
    assert!(
        payload.contains("Transcription error") && payload.contains("They brought flowers."),
        "{payload}"
    );
}
