//! Real names in upload file names and entry texts (ETH-20, PRV-14): flagged
//! for those who may see identities, confirmed to nobody else.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use super::support::{entry, entry_path, form, post_form, post_multipart, solid_png};
use crate::common;
use axum::http::StatusCode;
use common::{DEMO, TestApp};

/// The real name the tests below hold for the demo's first participant.
async fn hold_real_name(test: &TestApp) -> vitrine_core::ParticipantId {
    let before = test.demo_content().await;
    let participant = before.participants[0].id;
    vitrine::app::identity::set_identity(
        &test.app,
        &before.study,
        participant,
        "Harriet Quell",
        "hq@example.org",
        vitrine::app::Actor::operator("test"),
    )
    .await
    .expect("set identity");
    participant
}

/// Uploads one image named `file` as `staff`; returns the results page.
async fn upload_named(
    test: &TestApp,
    staff: &common::StaffLogin,
    participant: vitrine_core::ParticipantId,
    file: &'static str,
) -> String {
    let before = test.demo_content().await;
    let parts = vec![
        (
            "prompt",
            None,
            before.prompts[0].id.0.to_string().into_bytes(),
        ),
        ("participant", None, participant.0.to_string().into_bytes()),
        ("provenance", None, b"O".to_vec()),
        ("images", Some(file), solid_png([20, 140, 90])),
    ];
    let path = format!("/admin/studies/{DEMO}/upload");
    post_multipart(test, staff, &path, &parts).await.text()
}

/// A file named after a participant's real name (e.g. "Harriet_Quell_1.png") is
/// uploaded with a warning for those who may see identities, and the name is
/// stored nowhere (ETH-20, PRV-14).
#[tokio::test]
async fn an_upload_named_after_a_real_name_is_flagged() {
    let test = TestApp::own_demo().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let participant = hold_real_name(&test).await;
    let flagged = upload_named(&test, &owner, participant, "Harriet_Quell_1.png").await;
    assert!(
        flagged.contains("the file name contains a participant's real name"),
        "{flagged}"
    );
    let plain = upload_named(&test, &owner, participant, "IMG_0002.png").await;
    assert!(!plain.contains("real name"), "{plain}");
    let after = test.demo_content().await;
    assert!(!format!("{:?}", after.entries).contains("Harriet"));
}

/// Issue 10 item 7: a curator (no identity permission) could learn whether a
/// guessed name is a participant's real name from the upload results, the
/// entry page's warnings and the participants page. Now they get the same
/// neutral note whatever they type; owners still get the warnings.
#[tokio::test]
async fn curators_cannot_confirm_a_guessed_real_name() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let participant = hold_real_name(&test).await;
    let neutral = vitrine::app::identity::names::NEUTRAL_NOTE;

    let right = upload_named(&test, &curator, participant, "Harriet_Quell_1.png").await;
    let wrong = upload_named(&test, &curator, participant, "Agnes_Brill_1.png").await;
    for page in [&right, &wrong] {
        assert!(!page.contains("real name."), "{page}");
        assert!(page.contains(neutral), "{page}");
    }

    let e03 = entry(&test.demo_content().await, "e03").clone();
    let caption = [("caption", "Harriet at the allotment")];
    let saved = post_form(&test, &curator, &entry_path(&e03), &form(&e03, &caption)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let page = test.get_as(&curator, &entry_path(&e03)).await.text();
    assert!(!page.contains("the real name of"), "{page}");
    assert!(page.contains(neutral), "{page}");
    let page = test.get_as(&owner, &entry_path(&e03)).await.text();
    assert!(
        page.contains("the real name of one of this study"),
        "{page}"
    );
    assert!(!page.contains(neutral), "{page}");

    let participants = format!("/admin/studies/{DEMO}/participants");
    let added = test
        .post_as(
            &curator,
            &participants,
            &[("pseudonym", "Quell"), ("role", "")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let list = test.get_as(&curator, &participants).await.text();
    assert!(!list.contains("matches a real name"), "{list}");
    let list = test.get_as(&owner, &participants).await.text();
    assert!(list.contains("A pseudonym matches a real name"), "{list}");
}
