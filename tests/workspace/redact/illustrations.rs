//! An illustration standing in for a photo, with the original kept private.

use super::{form, photo_entry, post, regions};
use crate::common::{self, DEMO, TestApp};
use axum::http::StatusCode;
use vitrine_core::{Provenance, SignOffState};
use vitrine_store::BlobKey;

/// Issue 13: an illustration can stand in for a participant's photo, with
/// the note on how it was made; the original stays private, can still be
/// redacted and shown instead, and leaves with a withdrawal.
#[tokio::test]
async fn an_illustration_stands_in_for_the_photo_and_the_original_stays_private() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let (id, original) = photo_entry(&test, &curator).await;
    let path = format!("/admin/studies/{DEMO}/entries/{}/redact/substitute", id.0);
    let drawing = crate::admin_curate::support::solid_png([200, 180, 40]);
    let without_note = common::post_multipart(
        &test.app,
        &curator,
        &path,
        &[("image", Some(("drawing.png", "image/png")), drawing.clone())],
    )
    .await;
    assert_eq!(without_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        without_note
            .text()
            .contains("Say how the illustration was made")
    );
    assert_eq!(
        test.demo_entry_record(id).await.provenance,
        Provenance::Original
    );

    let note = "Drawn by the research team from the participant's description.";
    let shown = common::post_multipart(
        &test.app,
        &curator,
        &path,
        &[
            ("image", Some(("drawing.png", "image/png")), drawing),
            ("substitute_note", None, note.as_bytes().to_vec()),
        ],
    )
    .await;
    assert_eq!(shown.status, StatusCode::SEE_OTHER, "{}", shown.text());
    let after = test.demo_entry_record(id).await;
    assert_eq!(after.provenance, Provenance::Illustration);
    assert_eq!(after.texts.provenance_note.as_deref(), Some(note));
    assert_eq!(after.sign_off, SignOffState::Voided);
    let sha = vitrine_media::sha256_hex(&original);
    let kept = test
        .app
        .blobs()
        .get(&BlobKey::Original(sha.clone()))
        .await
        .expect("read");
    assert_eq!(
        kept.expect("kept").as_ref(),
        original.as_slice(),
        "the original stays private"
    );

    // The studio still opens on the original and lists the illustration.
    let studio = format!("/admin/studies/{DEMO}/entries/{}/redact", id.0);
    let page = test.get_as(&curator, &studio).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("An illustration shown instead"));
    let redacted = post(
        &test,
        &curator,
        &studio,
        &form(&regions()[..1], "Face hidden.", "apply"),
    )
    .await;
    assert_eq!(
        redacted.status,
        StatusCode::SEE_OTHER,
        "{}",
        redacted.text()
    );
    assert_eq!(
        test.demo_entry_record(id).await.provenance,
        Provenance::OriginalEdited
    );

    // A withdrawal takes the original, the drawing and the master with it.
    test.withdraw_as(&curator, id).await;
    assert!(
        test.app
            .blobs()
            .get(&BlobKey::Original(sha))
            .await
            .expect("read")
            .is_none()
    );
}
