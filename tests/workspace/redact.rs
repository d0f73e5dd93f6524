//! The de-identification studio (issue 13), as a curator and a reviewer
//! use it: regions typed into the form (the keyboard's and no-JavaScript
//! way), a full-size preview, applying with a provenance note, a second
//! person's approval, and a Release whose public files, in every width,
//! JPEG and WebP, and in the static export, keep nothing of the hidden
//! regions, while the original in the vault is unchanged byte for byte.
//!
//! "Keep nothing" is [`vitrine_media::hidden_detail`] with the thresholds
//! of the media tests: |correlation| of fine detail with the original
//! below 0.1 in every hidden region, and a solid fill's brightness spread
//! below 4 levels.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common::{self, DEMO, StaffLogin, TestApp, attr, tags};
use axum::http::StatusCode;
use std::sync::Arc;
use tempfile::TempDir;
use vitrine::app::exports::{ExportRequest, site::export_site};
use vitrine::app::import::NoProgress;
use vitrine_core::redaction::{Method, Region, Shape};
use vitrine_core::{Entry, EntryId, Provenance, SignOffState};
use vitrine_store::BlobKey;

/// A busy 800 × 500 photo: 4 × 4 blocks of random colours on a gradient,
/// so every region has detail at every public width.
fn busy_png() -> Vec<u8> {
    let (w, h) = (800u32, 500u32);
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let blocks: Vec<u8> = (0..(w / 4) * (h / 4))
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let n = blocks[((y / 4) * (w / 4) + x / 4) as usize];
            let g = (x * 200 / w) as u8;
            data.extend_from_slice(&[n, n.wrapping_add(g) / 2 + 40, 255 - n / 2]);
        }
    }
    common::rgb_png(w, h, &data)
}

const fn region(shape: Shape, method: Method, x: u32, y: u32, w: u32, h: u32) -> Region {
    Region::new(shape, method, x, y, w, h)
}

/// Two faces and a name badge.
fn regions() -> [Region; 3] {
    [
        region(Shape::Ellipse, Method::Fill, 100, 75, 150, 190),
        region(Shape::Ellipse, Method::Blur, 450, 60, 140, 180),
        region(Shape::Rectangle, Method::Pixelate, 280, 350, 180, 60),
    ]
}

/// The studio's form for `regions`, as typed, with two rows left blank.
fn form(regions: &[Region], note: &str, action: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let blank = region(Shape::Rectangle, Method::Fill, 0, 0, 0, 0);
    for (i, r) in regions.iter().chain([&blank, &blank]).enumerate() {
        let typed = i < regions.len();
        let number = |n: u32| if typed { n.to_string() } else { String::new() };
        fields.extend([
            ("shape".to_owned(), r.shape.code().to_owned()),
            ("method".to_owned(), r.method.code().to_owned()),
            ("left".to_owned(), number(r.rect.x)),
            ("top".to_owned(), number(r.rect.y)),
            ("width".to_owned(), number(r.rect.width)),
            ("height".to_owned(), number(r.rect.height)),
        ]);
    }
    for name in ["crop_left", "crop_top", "crop_width", "crop_height"] {
        fields.push((name.to_owned(), String::new()));
    }
    fields.push(("turn".to_owned(), "0".to_owned()));
    fields.push(("note".to_owned(), note.to_owned()));
    fields.push(("action".to_owned(), action.to_owned()));
    fields
}

async fn post(
    test: &TestApp,
    who: &StaffLogin,
    path: &str,
    fields: &[(String, String)],
) -> common::TestResponse {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    test.post_as(who, path, &pairs).await
}

async fn entry(test: &TestApp, id: EntryId) -> Entry {
    test.demo_content()
        .await
        .entries
        .into_iter()
        .find(|e| e.id == id)
        .expect("entry")
}

/// Replaces entry `id`'s image through the workspace's form.
async fn replace_image(
    test: &TestApp,
    curator: &StaffLogin,
    id: EntryId,
    bytes: Vec<u8>,
    (name, kind): (&str, &str),
) {
    let replaced = common::post_multipart(
        &test.app,
        curator,
        &format!("/admin/studies/{DEMO}/entries/{}/image", id.0),
        &[("image", Some((name, kind)), bytes)],
    )
    .await;
    assert_eq!(
        replaced.status,
        StatusCode::SEE_OTHER,
        "{}",
        replaced.text()
    );
}

/// A published participant's photo of the demo, its image replaced by
/// [`busy_png`] through the workspace; returns its id and the original.
async fn photo_entry(test: &TestApp, curator: &StaffLogin) -> (EntryId, Vec<u8>) {
    let content = test.demo_content().await;
    let id = content
        .entries
        .iter()
        .find(|e| e.provenance == Provenance::Original && e.image.is_some() && !e.withdrawn)
        .expect("an O entry")
        .id;
    let original = busy_png();
    replace_image(
        test,
        curator,
        id,
        original.clone(),
        ("photo.png", "image/png"),
    )
    .await;
    (id, original)
}

#[tokio::test]
async fn a_curator_redacts_two_faces_and_a_badge_and_the_release_keeps_nothing_of_them() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let reviewer = test
        .staff("reviewer@example.org", Some("reviewer"), false)
        .await;
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
        entry(&test, id).await.provenance,
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
    let after = entry(&test, id).await;
    assert_eq!(after.provenance, Provenance::OriginalEdited);
    assert_eq!(after.provenance_note.as_deref(), Some(note));
    assert_eq!(
        after.sign_off,
        SignOffState::Voided,
        "two people must check it again"
    );

    // The original is in the vault as it was uploaded.
    let sha = vitrine_media::sha256_hex(&original);
    let vault = test
        .app
        .blobs
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
        .find(|e| e.caption == after.caption)
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
            study: DEMO,
            release: None,
            base_url: None,
            dir: &dir,
            actor: "test",
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
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let reviewer = test
        .staff("reviewer@example.org", Some("reviewer"), false)
        .await;
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
        entry(&test, id).await.provenance,
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
    let withdraw = format!("/admin/studies/{DEMO}/entries/{}/withdraw", id.0);
    let gone = test
        .post_as(
            &curator,
            &withdraw,
            &[("reason", "participant_asked"), ("confirm", "yes")],
        )
        .await;
    assert!(
        gone.status.is_success() || gone.status.is_redirection(),
        "{}",
        gone.text()
    );
    let sha = vitrine_media::sha256_hex(&original);
    assert!(
        test.app
            .blobs
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

/// Issue 13: a photo whose file recorded where it was taken says so at
/// upload and on its checklist, and one without GPS does not.
#[tokio::test]
async fn an_upload_that_recorded_a_location_warns_the_uploader_and_the_reviewer() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let reviewer = test
        .staff("reviewer@example.org", Some("reviewer"), false)
        .await;
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
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
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
        entry(&test, id).await.provenance,
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

/// Issue 13: an illustration can stand in for a participant's photo, with
/// the note on how it was made; the original stays private, can still be
/// redacted and shown instead, and leaves with a withdrawal.
#[tokio::test]
async fn an_illustration_stands_in_for_the_photo_and_the_original_stays_private() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
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
    assert_eq!(entry(&test, id).await.provenance, Provenance::Original);

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
    let after = entry(&test, id).await;
    assert_eq!(after.provenance, Provenance::Illustration);
    assert_eq!(after.provenance_note.as_deref(), Some(note));
    assert_eq!(after.sign_off, SignOffState::Voided);
    let sha = vitrine_media::sha256_hex(&original);
    let kept = test
        .app
        .blobs
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
        entry(&test, id).await.provenance,
        Provenance::OriginalEdited
    );

    // A withdrawal takes the original, the drawing and the master with it.
    let withdraw = format!("/admin/studies/{DEMO}/entries/{}/withdraw", id.0);
    test.post_as(
        &curator,
        &withdraw,
        &[("reason", "participant_asked"), ("confirm", "yes")],
    )
    .await;
    assert!(
        test.app
            .blobs
            .get(&BlobKey::Original(sha))
            .await
            .expect("read")
            .is_none()
    );
}
