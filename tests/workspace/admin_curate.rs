//! Curating in the workspace, through the real router with staff sessions:
//! editing an entry's words (ACC-02 alt text, ETH-17 quote changes), roles
//! (PRV-09), uploads through the import's ingest (no orphan blobs, file names
//! never stored), the coverage matrix and prompt order (PRE-02).
#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers fail loudly"
)]

use crate::common;

pub(crate) mod support;

use axum::http::StatusCode;
use common::{DEMO, TestApp};
use support::{
    added, blob_listing, content, entry, entry_path, form, post_form, post_multipart, solid_png,
};
use vitrine_core::SignOffState;

/// ACC-02: a curator's alt text is saved (303), stamped with them as last
/// editor (the four-eyes rule), and logged as `entry.edit` with only the
/// changed field; the page shows the alt-text guidance and lint warnings.
#[tokio::test]
async fn a_curator_edits_alt_text_and_the_change_is_audited() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let before = content(&test).await;
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

    let after = content(&test).await;
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
    let before = content(&test).await;
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
    assert_eq!(entry(&content(&test).await, "e02"), e02);
}

/// A blank caption is refused with a message (422) and nothing is written.
#[tokio::test]
async fn a_blank_caption_is_refused() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let before = content(&test).await;
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
    assert_eq!(entry(&content(&test).await, "e03"), e03);
}

/// ETH-17: changing a participant's recorded words needs a reason, which the
/// audit log keeps.
#[tokio::test]
async fn changing_a_quote_needs_a_reason() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let before = content(&test).await;
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

    let stored = content(&test).await;
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
        entry(&content(&test).await, "e04").texts.quote.as_deref(),
        Some("They brought flowers.")
    );

    let mut with_reason = changed.clone();
    with_reason.push(("quote_reason".into(), "Transcription error".into()));
    let saved = post_form(&test, &curator, &path, &with_reason).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let after = content(&test).await;
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

/// An upload of a good image and a junk file: one draft entry, one
/// per-file error, no blob left that no row refers to, no file name stored.
#[tokio::test]
async fn an_upload_makes_drafts_of_good_files_and_explains_bad_ones() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let before = content(&test).await;
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

    let after = content(&test).await;
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
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let before = content(&test).await;
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
    assert_eq!(entry(&content(&test).await, "e06"), e05);

    let good = post_multipart(
        &test,
        &curator,
        &path,
        &[("image", Some("new.png"), solid_png([10, 120, 30]))],
    )
    .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let after = content(&test).await;
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

/// PRE-02: the coverage page lists every participant and prompt, the counts,
/// and the participation note.
#[tokio::test]
async fn coverage_lists_every_participant_and_prompt_with_counts() {
    let test = TestApp::own_demo().await;
    let facilitator = test
        .staff("facilitator@example.org", Some("facilitator"), false)
        .await;
    let content = content(&test).await;
    let page = test
        .get_as(&facilitator, &format!("/admin/studies/{DEMO}/coverage"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for p in &content.participants {
        assert!(
            html.contains(&format!("<th scope=\"row\">{}</th>", p.pseudonym)),
            "{}",
            p.pseudonym
        );
    }
    for p in &content.prompts {
        assert!(html.contains(&common::escaped(&p.title)), "{}", p.title);
    }
    let total = content.participants.len();
    assert_eq!(
        html.matches(&format!("3 of {total}</td>")).count(),
        3,
        "{html}"
    );
    assert!(html.contains(&format!(
        "Not every participant answered every prompt: 3 of {total} answered prompt 1"
    )));
    assert!(
        html.contains("has its own participation note"),
        "the demo's note overrides"
    );
}

/// PRE-02: moving a prompt changes the order of the next public Release.
#[tokio::test]
async fn moving_a_prompt_reorders_the_public_release() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let before = content(&test).await;
    let mut prompts = before.prompts.clone();
    prompts.sort_by_key(|p| (p.order, p.id));
    let second = &prompts[1];
    let response = test
        .post_as(
            &curator,
            &format!("/admin/studies/{DEMO}/prompts/{}/move", second.id.0),
            &[("direction", "up")],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let settings = test
        .get_as(&curator, &format!("/admin/studies/{DEMO}/settings"))
        .await;
    assert_eq!(settings.status, StatusCode::OK);

    vitrine::app::publish::publish(&test.app, DEMO)
        .await
        .unwrap();
    let (_, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .unwrap()
        .unwrap();
    let titles: Vec<&str> = release.prompts.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            prompts[1].title.as_str(),
            prompts[0].title.as_str(),
            prompts[2].title.as_str()
        ]
    );
    let log = test
        .app
        .store()
        .audit_log(Some(before.study.id), 10)
        .await
        .unwrap();
    assert!(log.iter().any(|r| r.action == "prompt.move"));
}

/// Issue 10 item 5: the public contact e-mail and search-engine listing are
/// study settings (owners and administrators, as the permission table says):
/// a curator's settings form saves the texts and leaves those two alone, and
/// the page shows them without a field to change them. Owners change them on
/// the listing page.
#[tokio::test]
async fn curators_cannot_change_the_public_contact_or_search_engine_listing() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let base = format!("/admin/studies/{DEMO}");
    let info = content(&test).await.study.info;
    let fields = |title: &'static str| {
        vec![
            ("title", title),
            ("summary", "A summary."),
            ("contact_name", "Someone"),
            ("contact_email", "attacker@example.net"),
            ("language", "en"),
            ("allow_search_engines", "yes"),
        ]
    };
    let page = test.get_as(&curator, &format!("{base}/settings")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("name=\"contact_email\""));
    assert!(!page.text().contains("name=\"allow_search_engines\""));
    assert!(!page.text().contains(&format!("{base}/listing")));
    let saved = test
        .post_as(&curator, &format!("{base}/settings"), &fields("Curated"))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored = content(&test).await.study.info;
    assert_eq!(stored.title, "Curated", "the texts are the curator's");
    assert_eq!(stored.contact.email, info.contact.email);
    assert_eq!(stored.allow_search_engines, info.allow_search_engines);
    assert!(!info.allow_search_engines, "the demo starts unlisted");

    let page = test.get_as(&owner, &format!("{base}/settings")).await;
    assert!(page.text().contains(&format!("{base}/listing")));
    let listing = [
        ("contact_email", "team@example.net"),
        ("allow_search_engines", "yes"),
    ];
    let saved = test
        .post_as(&owner, &format!("{base}/listing"), &listing)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored = content(&test).await.study.info;
    assert_eq!(stored.contact.email, "team@example.net");
    assert!(stored.allow_search_engines);
    assert_eq!(stored.title, "Curated", "the texts stay as they were");
}

/// Issue 10 item 5, the gap left: the table says administrators manage
/// study settings, but an administrator who is not on the team could not
/// open the settings page (it holds the texts, which need edit). The
/// contact e-mail and search-engine listing have their own page under the
/// manage permission, which they can use; a bad address is refused with
/// 422 and nothing written.
#[tokio::test]
async fn administrators_off_the_team_can_change_the_contact_and_search_engine_listing() {
    let test = TestApp::own_demo().await;
    let admin = test.staff("admin@example.org", None, true).await;
    let base = format!("/admin/studies/{DEMO}");
    let dashboard = test.get_as(&admin, &base).await;
    assert!(
        dashboard.text().contains(&format!("{base}/listing")),
        "in the study menu"
    );
    let page = test.get_as(&admin, &format!("{base}/listing")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("name=\"contact_email\""));

    let refused = test
        .post_as(
            &admin,
            &format!("{base}/listing"),
            &[("contact_email", "not an address")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("aria-invalid=\"true\""));
    let before = content(&test).await.study.info;
    assert_ne!(before.contact.email, "not an address");

    let saved = test
        .post_as(
            &admin,
            &format!("{base}/listing"),
            &[
                ("contact_email", "ethics@example.org"),
                ("allow_search_engines", "yes"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored = content(&test).await.study.info;
    assert_eq!(stored.contact.email, "ethics@example.org");
    assert!(stored.allow_search_engines);
    assert_eq!(stored.title, before.title);
    let study = content(&test).await.study.id;
    let log = test.app.store().audit_log(Some(study), 5).await.unwrap();
    assert!(
        log.iter()
            .any(|r| r.action == "study.settings" && r.actor.contains("admin@example.org"))
    );
}

/// The study's public texts, prompts and themes are edited on the settings
/// page; bad input is refused with 422 and nothing written.
#[tokio::test]
async fn settings_prompts_and_themes_are_saved_and_checked() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let base = format!("/admin/studies/{DEMO}");
    let info = content(&test).await.study.info;
    let mut fields = vec![
        ("title", "A new title"),
        ("summary", info.summary.as_str()),
        ("contact_name", info.contact.name.as_str()),
        ("contact_email", info.contact.email.as_str()),
        ("language", "en-GB"),
    ];
    let saved = test
        .post_as(&curator, &format!("{base}/settings"), &fields)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored = content(&test).await.study.info;
    assert_eq!(
        (stored.title.as_str(), stored.language.as_str()),
        ("A new title", "en-GB")
    );
    assert_eq!(
        stored.participation_note, None,
        "cleared: the generated note is shown"
    );
    fields[0] = ("title", " ");
    let refused = test
        .post_as(&curator, &format!("{base}/settings"), &fields)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(content(&test).await.study.info.title, "A new title");

    let prompt = test
        .post_as(
            &curator,
            &format!("{base}/prompts"),
            &[("prompt_title", "Home"), ("prompt_text", "Show us home.")],
        )
        .await;
    assert_eq!(prompt.status, StatusCode::SEE_OTHER);
    let blank = test
        .post_as(
            &curator,
            &format!("{base}/prompts"),
            &[("prompt_title", "Nothing")],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let theme = test
        .post_as(
            &curator,
            &format!("{base}/themes"),
            &[("theme_name", "Care")],
        )
        .await;
    assert_eq!(theme.status, StatusCode::SEE_OTHER);
    let twice = test
        .post_as(
            &curator,
            &format!("{base}/themes"),
            &[("theme_name", "care")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    let after = content(&test).await;
    assert_eq!(
        after.prompts.iter().filter(|p| p.title == "Home").count(),
        1
    );
    assert_eq!(after.themes.iter().filter(|t| t.name == "Care").count(), 1);

    // With no note of its own, the public gallery shows the generated one.
    vitrine::app::publish::publish(&test.app, DEMO)
        .await
        .unwrap();
    let (_, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .unwrap()
        .unwrap();
    let note = release.study.participation_note.unwrap();
    assert!(
        note.starts_with("Not every participant answered every prompt:"),
        "{note}"
    );
    assert!(note.contains("answered prompt 4 (Home)"), "{note}");
}

/// The real name the tests below hold for the demo's first participant.
async fn hold_real_name(test: &TestApp) -> vitrine_core::ParticipantId {
    let before = content(test).await;
    let participant = before.participants[0].id;
    vitrine::app::identity::set_identity(
        &test.app,
        before.study.id,
        participant,
        "Harriet Quell",
        "hq@example.org",
        "test",
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
    let before = content(test).await;
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
    let after = content(&test).await;
    assert!(!format!("{:?}", after.entries).contains("Harriet"));
}

/// Issue 10 item 7: a curator (no identity permission) could learn whether a
/// guessed name is a participant's real name from the upload results, the
/// entry page's warnings and the participants page. Now they get the same
/// neutral note whatever they type; owners still get the warnings.
#[tokio::test]
async fn curators_cannot_confirm_a_guessed_real_name() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let participant = hold_real_name(&test).await;
    let neutral = vitrine::app::identity::names::NEUTRAL_NOTE;

    let right = upload_named(&test, &curator, participant, "Harriet_Quell_1.png").await;
    let wrong = upload_named(&test, &curator, participant, "Agnes_Brill_1.png").await;
    for page in [&right, &wrong] {
        assert!(!page.contains("real name."), "{page}");
        assert!(page.contains(neutral), "{page}");
    }

    let e03 = entry(&content(&test).await, "e03").clone();
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
