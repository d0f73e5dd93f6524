//! What the studio points out: a photo that recorded its location, and
//! suggested faces that become regions only when ticked.

use super::{busy_png, form, photo_entry, post, replace_image};
use crate::common::{self, DEMO, TestApp, attr, tags};
use axum::http::StatusCode;
use vitrine_core::Provenance;

/// Issue 13: a photo whose file recorded where it was taken says so at
/// upload and on its checklist, and one without GPS does not.
#[tokio::test]
async fn an_upload_that_recorded_a_location_warns_the_uploader_and_the_reviewer() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let reviewer = test.reviewer().await;
    let content = test.demo_content().await;
    let prompt = content.prompts[0].id.0.to_string();
    let participant = content.participants[0].id.0.to_string();
    let plain = busy_png();
    let located = common::with_gps(&plain);
    assert!(vitrine_media::records_location(&located) && !vitrine_media::records_location(&plain));
    let upload = format!("/admin/studies/{DEMO}/upload");
    let results = common::post_multipart(
        &test.app,
        &curator,
        &upload,
        &[
            ("prompt", None, prompt.into_bytes()),
            ("participant", None, participant.into_bytes()),
            ("provenance", None, b"O".to_vec()),
            ("images", Some(("walk.png", "image/png")), located),
        ],
    )
    .await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.text());
    let text = results.text();
    assert!(
        text.contains("the file recorded where it was taken (GPS)"),
        "{text}"
    );
    let href = tags(&text, "a")
        .iter()
        .filter_map(|t| attr(t, "href"))
        .find(|h| h.contains("/entries/"))
        .expect("a link to the new entry");
    let checklist = test
        .get_as(&reviewer, &format!("{href}/checklist"))
        .await
        .text();
    assert!(checklist.contains("The uploaded file recorded where it was taken"));
    // The demo's own photos carry no GPS: no warning on theirs.
    let (id, _) = photo_entry(&test, &curator).await;
    let path = format!("/admin/studies/{DEMO}/entries/{}/checklist", id.0);
    assert!(
        !test
            .get_as(&reviewer, &path)
            .await
            .text()
            .contains("recorded where it was taken")
    );
}

/// Issue 13: faces found on the server are offered as suggestions, shown
/// and listed, and only the ones ticked become regions, never applied
/// without the curator.
#[tokio::test]
async fn suggested_faces_become_regions_only_when_ticked() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let (id, _) = photo_entry(&test, &curator).await;
    let portrait = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/vitrine-media/tests/faces/navy_grace_hopper.jpg"
    ))
    .expect("fixture");
    replace_image(
        &test,
        &curator,
        id,
        portrait,
        ("portrait.jpg", "image/jpeg"),
    )
    .await;
    let studio = format!("/admin/studies/{DEMO}/entries/{}/redact", id.0);
    let page = test.get_as(&curator, &studio).await.text();
    let boxes: Vec<String> = tags(&page, "input")
        .iter()
        .filter(|t| attr(t, "name").as_deref() == Some("face"))
        .filter_map(|t| attr(t, "value"))
        .collect();
    assert_eq!(boxes.len(), 1, "one face suggested: {boxes:?}");
    assert!(page.contains("Face 1: left"));
    let n: Vec<u32> = boxes[0]
        .split(' ')
        .map(|v| v.parse().expect("number"))
        .collect();
    // Hand-labelled brow to chin: 180, 140, 165 × 195 (tests/faces/LICENSES.md).
    assert!(
        n[0] <= 190 && n[0] + n[2] >= 335 && n[1] <= 150 && n[1] + n[3] >= 325,
        "{n:?}"
    );
    assert_eq!(
        test.demo_entry_record(id).await.provenance,
        Provenance::Original,
        "a suggestion is never applied on its own"
    );

    // Left unticked, nothing is added; ticked, it becomes an ellipse to fill.
    let mut fields = form(&[], "", "faces");
    let untouched = post(&test, &curator, &studio, &fields).await.text();
    assert!(
        !untouched.contains(&format!("value=\"{}\"", n[0])),
        "nothing added"
    );
    fields.push(("face".to_owned(), boxes[0].clone()));
    let added = post(&test, &curator, &studio, &fields).await;
    assert_eq!(added.status, StatusCode::OK);
    let text = added.text();
    let row = text
        .split("<tr>")
        .find(|r| r.contains(&format!("value=\"{}\"", n[0])))
        .expect("a row");
    assert!(row.contains("value=\"ellipse\" selected"), "{row}");
    // The suggestions are kept: the page opens again without looking again.
    assert_eq!(
        test.app
            .store()
            .face_suggestions(
                test.app
                    .store()
                    .redaction_base(id)
                    .await
                    .expect("read")
                    .expect("base")
                    .source
                    .id
            )
            .await
            .expect("read")
            .map(|f| f.len()),
        Some(1)
    );
}
