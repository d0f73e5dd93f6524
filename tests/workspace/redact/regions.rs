//! Regions applied and approved, and what the Release keeps of them
//! (nothing); regions that are refused, and who may not redact.

use super::{form, photo_entry, post, region, regions};
use crate::common::{DEMO, TestApp, attr, tags};
use axum::http::StatusCode;
use std::sync::Arc;
use tempfile::TempDir;
use vitrine::app::exports::{ExportRequest, site::export_site};
use vitrine::app::progress::NoProgress;
use vitrine_core::redaction::{Method, Shape};
use vitrine_core::{Provenance, SignOffState};
use vitrine_store::BlobKey;

#[tokio::test]
async fn a_curator_redacts_two_faces_and_a_badge_and_the_release_keeps_nothing_of_them() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let reviewer = test.reviewer().await;
    let (id, original) = photo_entry(&test, &curator).await;
    let studio = format!("/admin/studies/{DEMO}/entries/{}/redact", id.0);
    let hidden = regions();

    // The entry page links to the studio; the studio gives the photo's size.
    let page = test
        .get_as(&curator, &format!("/admin/studies/{DEMO}/entries/{}", id.0))
        .await;
    assert!(
        page.text().contains(&studio),
        "the entry page links to the studio"
    );
    let page = test.get_as(&curator, &studio).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("The original is 800 × 500 pixels"));

    // A preview: the page shows the redacted photo, made on demand.
    let preview = post(&test, &curator, &studio, &form(&hidden, "", "preview")).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    let src = tags(&preview.text(), "img")
        .iter()
        .filter_map(|t| attr(t, "src"))
        .find(|s| s.contains("edit="))
        .expect("a preview image")
        .replace("&amp;", "&");
    let image = test.get_as(&curator, &src).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.header("content-type"), "image/jpeg");
    assert!(
        image.header("cache-control").contains("no-store"),
        "never cached"
    );
    let limits = test.app.settings.limits;
    for r in &hidden {
        let d = vitrine_media::hidden_detail(&original, &image.body, r, &limits).expect("measure");
        assert!(d.correlation.abs() < 0.1, "preview {r:?}: {d:?}");
    }
    assert_eq!(
        test.demo_entry_record(id).await.provenance,
        Provenance::Original,
        "a preview changes nothing"
    );

    // Applying needs the provenance note, and says so.
    let refused = post(&test, &curator, &studio, &form(&hidden, " ", "apply")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Say what was hidden"));

    let note = "Faces of two colleagues and a name badge hidden.";
    let applied = post(&test, &curator, &studio, &form(&hidden, note, "apply")).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.text());
    assert!(applied.header("location").contains("done=redacted"));
    let after = test.demo_entry_record(id).await;
    assert_eq!(after.provenance, Provenance::OriginalEdited);
    assert_eq!(after.texts.provenance_note.as_deref(), Some(note));
    assert_eq!(
        after.sign_off,
        SignOffState::Voided,
        "two people must check it again"
    );

    // The original is in the vault as it was uploaded.
    let sha = vitrine_media::sha256_hex(&original);
    let vault = test
        .app
        .blobs()
        .get(&BlobKey::Original(sha))
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        vault.as_ref(),
        original.as_slice(),
        "the original is unchanged"
    );

    // Reopening shows the regions and the version; the audit log has it.
    let reopened = test.get_as(&curator, &studio).await.text();
    for value in ["value=\"450\"", "value=\"280\"", "value=\"190\""] {
        assert!(reopened.contains(value), "{value} in the reopened form");
    }
    assert!(reopened.contains(note), "the version is listed");
    let log = test.app.store().audit_log(None, 100).await.expect("log");
    assert!(
        log.iter()
            .any(|r| r.action == "entry.redact" && r.actor == "curator@example.org")
    );

    // The curator checks, a second person approves, the reviewer publishes.
    let mut checklist: Vec<(&str, &str)> = vitrine_core::CheckItem::ALL
        .iter()
        .map(|i| ("item", i.as_str()))
        .collect();
    checklist.push(("note", "Faces and badge hidden."));
    let entry_path = format!("/admin/studies/{DEMO}/entries/{}", id.0);

    // The checklist shows the redacted photo, and the original beside it only
    // to people who may see identities.
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let original_path = format!("{entry_path}/original");
    let for_owner = test
        .get_as(&owner, &format!("{entry_path}/checklist"))
        .await
        .text();
    assert!(
        for_owner.contains(&original_path),
        "the owner sees the original"
    );
    let for_reviewer = test
        .get_as(&reviewer, &format!("{entry_path}/checklist"))
        .await
        .text();
    assert!(!for_reviewer.contains(&original_path));
    assert!(for_reviewer.contains("Only people who may see identities see the original"));
    assert!(for_reviewer.contains(note), "what was done is named");
    let shown = test.get_as(&owner, &original_path).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.header("content-type"), "image/jpeg");
    let control = &regions()[0];
    let d =
        vitrine_media::hidden_detail(&original, &shown.body, control, &limits).expect("measure");
    assert!(
        d.correlation > 0.3,
        "the original shows what was hidden: {d:?}"
    );
    assert_eq!(
        test.get_as(&reviewer, &original_path).await.status,
        StatusCode::FORBIDDEN
    );
    let checked = test
        .post_as(&curator, &format!("{entry_path}/checklist"), &checklist)
        .await;
    assert_eq!(checked.status, StatusCode::SEE_OTHER);
    let approved = test
        .post_as(&reviewer, &format!("{entry_path}/approve"), &[])
        .await;
    assert_eq!(
        approved.status,
        StatusCode::SEE_OTHER,
        "{}",
        approved.text()
    );
    vitrine::app::jobs::encode_pending_webp(&test.app, i64::MAX)
        .await
        .expect("webp");
    let study = test.demo_study().await;
    let version = test
        .app
        .store()
        .next_release_version(study.id)
        .await
        .expect("version");
    let published = test
        .post_as(
            &reviewer,
            &format!("/admin/studies/{DEMO}/publish"),
            &[("version", &version.to_string())],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text()
    );

    // Every public file of the entry, fetched as a visitor would.
    let (_, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("release");
    assert_eq!(release.version, version);
    let shown = release
        .prompts
        .iter()
        .flat_map(|p| &p.entries)
        .find(|e| e.texts.caption == after.texts.caption)
        .expect("the entry is in the Release");
    let variants = &shown.image.as_ref().expect("an image").variants;
    let types: Vec<&str> = variants.iter().map(|v| v.media_type.as_str()).collect();
    assert!(
        types.contains(&"image/jpeg") && types.contains(&"image/webp"),
        "{types:?}"
    );
    let mut measured = 0;
    let mut files = Vec::new();
    for v in variants {
        let public = test.get(&format!("/media/{}", v.key)).await;
        assert_eq!(public.status, StatusCode::OK, "{}", v.key);
        for r in &hidden {
            let d = match vitrine_media::hidden_detail(&original, &public.body, r, &limits) {
                Ok(d) => d,
                Err(vitrine_media::MediaError::Edit(_)) if v.width <= 320 => continue,
                Err(e) => panic!("{} {}: {e}", v.media_type, v.width),
            };
            measured += 1;
            assert!(
                d.correlation.abs() < 0.1,
                "{} {} {r:?}: {d:?}",
                v.media_type,
                v.width
            );
            if r.method == Method::Fill {
                assert!(d.spread < 4.0, "{} {}: fill {d:?}", v.media_type, v.width);
            }
        }
        files.push((v.key.clone(), public.body));
    }
    assert!(measured >= 3 * 4, "only {measured} measurements");

    // The static export holds the same files, byte for byte.
    let out = TempDir::new().expect("temp dir");
    let dir = out.path().join("site");
    export_site(
        &test.app,
        ExportRequest {
            study: &crate::common::study(&test.app, DEMO).await,
            release: None,
            base_url: None,
            dir: &dir,
            actor: vitrine::app::Actor::operator("test"),
            originals: false,
            destination: None,
        },
        Arc::new(NoProgress),
    )
    .await
    .expect("export");
    for (key, body) in files {
        let exported = std::fs::read(dir.join("media").join(&key)).expect("exported file");
        assert_eq!(exported, body.to_vec(), "{key} in the static export");
    }
}

#[tokio::test]
async fn regions_outside_the_photo_are_refused_by_number_and_others_may_not_redact() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let reviewer = test.reviewer().await;
    let (id, original) = photo_entry(&test, &curator).await;
    let studio = format!("/admin/studies/{DEMO}/entries/{}/redact", id.0);
    let outside = [
        region(Shape::Rectangle, Method::Fill, 10, 10, 50, 50),
        region(Shape::Ellipse, Method::Blur, 750, 450, 100, 100),
    ];
    let refused = post(
        &test,
        &curator,
        &studio,
        &form(&outside, "Hidden.", "apply"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(
        text.contains("region 2") && text.contains("800 × 500"),
        "{text}"
    );
    assert_eq!(
        test.demo_entry_record(id).await.provenance,
        Provenance::Original,
        "nothing applied"
    );
    let mut typo = form(&outside[..1], "Hidden.", "apply");
    typo.iter_mut().find(|(k, _)| k == "top").expect("top").1 = "ten".into();
    let refused = post(&test, &curator, &studio, &typo).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("Region 1: the top must be a whole number")
    );

    // A reviewer may check and approve, not change the photo.
    assert_eq!(
        test.get_as(&reviewer, &studio).await.status,
        StatusCode::FORBIDDEN
    );
    let denied = post(
        &test,
        &reviewer,
        &studio,
        &form(&outside[..1], "Hidden.", "apply"),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    // Withdrawing a redacted entry deletes its original too.
    let applied = post(
        &test,
        &curator,
        &studio,
        &form(&outside[..1], "Corner hidden.", "apply"),
    )
    .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.text());
    let gone = test.withdraw_as(&curator, id).await;
    assert!(
        gone.status.is_success() || gone.status.is_redirection(),
        "{}",
        gone.text()
    );
    let sha = vitrine_media::sha256_hex(&original);
    assert!(
        test.app
            .blobs()
            .get(&BlobKey::Original(sha))
            .await
            .expect("read")
            .is_none(),
        "the participant's original left the vault with the withdrawal"
    );
    assert!(
        test.app
            .store()
            .redactions(id)
            .await
            .expect("read")
            .is_empty()
    );
}
