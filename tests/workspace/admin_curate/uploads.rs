//! Uploads through the import's ingest: drafts of good files, an
//! explanation for bad ones, no orphan blobs, and a replaced image voiding
//! the sign-off.

use super::support::{added, blob_listing, entry, entry_path, post_multipart, solid_png};
use crate::common;
use axum::http::StatusCode;
use common::{DEMO, TestApp};
use vitrine_core::SignOffState;

/// An upload of a good image and a junk file: one draft entry, one
/// per-file error, no blob left that no row refers to, no file name stored.
#[tokio::test]
async fn an_upload_makes_drafts_of_good_files_and_explains_bad_ones() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let before = test.demo_content().await;
    let blobs_before = blob_listing(&test).await;
    let prompt = before.prompts[1].id.0.to_string();
    let participant = before.participants[0].id.0.to_string();
    let response = post_multipart(
        &test,
        &curator,
        &format!("/admin/studies/{DEMO}/upload"),
        &[
            ("prompt", None, prompt.into_bytes()),
            ("participant", None, participant.into_bytes()),
            ("provenance", None, b"O".to_vec()),
            (
                "images",
                Some("IMG_0001-secret-name.png"),
                solid_png([200, 40, 90]),
            ),
            (
                "images",
                Some("IMG_2231.HEIC"),
                b"ftypheic not really an image".to_vec(),
            ),
        ],
    )
    .await;
    let html = response.text();
    assert_eq!(response.status, StatusCode::OK, "{html}");
    assert!(
        html.contains("IMG_2231.HEIC: ") && html.contains("not a supported image"),
        "{html}"
    );
    assert!(html.contains("entry upload-1"), "{html}");

    let after = test.demo_content().await;
    assert_eq!(after.entries.len(), before.entries.len() + 1);
    let new = entry(&after, "upload-1");
    assert_eq!(new.texts.caption, "");
    assert_eq!(new.prompt, before.prompts[1].id);
    assert!(
        !format!("{new:?}").contains("IMG_0001"),
        "file names are not stored"
    );
    let image = new.image.as_ref().expect("image");
    let variants: Vec<String> = after.images[&image.id]
        .variants
        .iter()
        .map(|v| v.key.clone())
        .collect();

    let blobs_after = blob_listing(&test).await;
    assert_eq!(
        added(&blobs_before.0, &blobs_after.0).len(),
        1,
        "one original"
    );
    let mut new_public = added(&blobs_before.1, &blobs_after.1);
    new_public.sort();
    let mut expected = variants.clone();
    expected.sort();
    assert_eq!(
        new_public, expected,
        "every new public blob belongs to the new image"
    );

    // Its page shows the staff thumbnail, served privately.
    let page = test.get_as(&curator, &entry_path(new)).await.text();
    assert!(
        page.contains("the caption is blank"),
        "blocked until written: {page}"
    );
    let src = common::tags(&page, "img")
        .iter()
        .find_map(|t| common::attr(t, "src"))
        .expect("thumbnail");
    let thumb = test.get_as(&curator, &src).await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.header("content-type"), "image/jpeg");
    // The workspace-wide header layer makes every /admin response `no-store`.
    assert!(thumb.header("cache-control").contains("no-store"));
}

/// A new image replaces the old through the same ingest and voids the sign-off.
#[tokio::test]
async fn replacing_an_image_voids_the_sign_off() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let before = test.demo_content().await;
    let e05 = entry(&before, "e06");
    let old_sha = test
        .app
        .store()
        .redaction_base(e05.id)
        .await
        .unwrap()
        .expect("an image")
        .source
        .sha256;
    let path = format!("{}/image", entry_path(e05));
    let junk = post_multipart(
        &test,
        &curator,
        &path,
        &[("image", Some("notes.txt"), b"hello".to_vec())],
    )
    .await;
    assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(entry(&test.demo_content().await, "e06"), e05);

    let good = post_multipart(
        &test,
        &curator,
        &path,
        &[("image", Some("new.png"), solid_png([10, 120, 30]))],
    )
    .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let after = test.demo_content().await;
    let e05_after = entry(&after, "e06");
    assert_ne!(e05_after.image, e05.image);
    assert_eq!(e05_after.sign_off, SignOffState::Voided);
    // The replaced photo leaves the vault (by the orphan sweep): kept, it would
    // outlive a later withdrawal of the entry.
    let (originals, _) = test.app.store().referenced_blobs().await.unwrap();
    assert!(
        !originals.contains(&old_sha),
        "the replaced image's rows are gone"
    );
    vitrine::app::gc::sweep(&test.app, std::time::Duration::ZERO)
        .await
        .unwrap();
    let vault = test
        .app
        .blobs()
        .get(&vitrine_store::BlobKey::Original(old_sha))
        .await;
    assert!(vault.unwrap().is_none(), "the replaced original is deleted");
}
