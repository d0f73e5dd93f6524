//! De-identification sign-off and publishing from the workspace (ETH-08,
//! ETH-09, PRV-11, ARC-13): the four-eyes rule, a void sign-off after an
//! edit, the publish preview with every left-out entry and its reasons, the
//! Release it writes with its changelog and audit record, and a publish
//! killed with SIGKILL at random moments that loses nothing (issue "Scale
//! out").
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use axum::http::StatusCode;
use common::{DEMO, StaffLogin, TestApp};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use vitrine_core::{CheckItem, EntryId, EntryTexts, SignOffState, Study};
use vitrine_store::{AuditEvent, EntryEdit};

async fn demo_study(test: &TestApp) -> Study {
    test.app
        .store()
        .find_study_by_slug(DEMO)
        .await
        .expect("read study")
        .expect("demo study")
}

async fn entry_id(test: &TestApp, key: &str) -> EntryId {
    let content = test
        .app
        .store()
        .load_study_content(demo_study(test).await)
        .await
        .expect("content");
    *content
        .entry_keys
        .iter()
        .find(|(_, k)| *k == key)
        .expect("entry key")
        .0
}

async fn state(test: &TestApp, id: EntryId) -> SignOffState {
    let content = test
        .app
        .store()
        .load_study_content(demo_study(test).await)
        .await
        .expect("content");
    content
        .entries
        .iter()
        .find(|e| e.id == id)
        .expect("entry")
        .sign_off
}

/// Saves a checklist with every item ticked, as `who`.
async fn check_all(test: &TestApp, who: &StaffLogin, id: EntryId) {
    let mut form: Vec<(&str, &str)> = CheckItem::ALL
        .iter()
        .map(|i| ("item", i.as_str()))
        .collect();
    form.push(("note", "Nothing to blur."));
    let path = format!("/admin/studies/{DEMO}/entries/{}/checklist", id.0);
    let saved = test.post_as(who, &path, &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
}

async fn approve(test: &TestApp, who: &StaffLogin, id: EntryId) -> (StatusCode, String) {
    let path = format!("/admin/studies/{DEMO}/entries/{}/approve", id.0);
    let r = test.post_as(who, &path, &[]).await;
    (r.status, r.text())
}

/// Changes the entry's texts as `email` would in the workspace; `caption`
/// replaces the caption when given (which voids a sign-off).
async fn edit(test: &TestApp, email: &str, id: EntryId, caption: Option<&str>) {
    edit_texts(test, email, id, caption, "A new quote.").await;
}

/// [`edit`], with the quote (which does not void a sign-off) given.
async fn edit_texts(test: &TestApp, email: &str, id: EntryId, caption: Option<&str>, quote: &str) {
    let study = demo_study(test).await;
    let content = test
        .app
        .store()
        .load_study_content(study.clone())
        .await
        .expect("content");
    let e = content.entries.iter().find(|e| e.id == id).expect("entry");
    let user = test
        .app
        .store()
        .find_user_by_email(email)
        .await
        .expect("read")
        .expect("user")
        .0;
    let edit = EntryEdit {
        title: e.title.clone(),
        provenance: e.provenance,
        texts: EntryTexts {
            caption: caption.map_or_else(|| e.texts.caption.clone(), str::to_owned),
            quote: Some(quote.into()),
            ..e.texts.clone()
        },
        licence: e.licence.clone(),
        themes: e.themes.clone(),
    };
    let event = AuditEvent {
        actor: email.to_owned(),
        study: Some(study.id),
        action: "entry.edit".into(),
        subject: "entry".into(),
        entry: Some(id),
        ..Default::default()
    };
    assert!(
        test.app
            .store()
            .update_entry(study.id, id, &edit, user.id, &event)
            .await
            .expect("edit")
    );
}

#[tokio::test]
async fn approval_needs_a_second_person_and_an_edit_voids_it() {
    let test = TestApp::own_demo().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let reviewer = test
        .staff("reviewer@example.org", Some("reviewer"), false)
        .await;
    let id = entry_id(&test, "e01").await;

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
    assert_eq!(state(&test, id).await, SignOffState::Incomplete);
    let (status, text) = approve(&test, &owner, id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("not complete"));

    // The curator completes it; a curator may not approve at all.
    check_all(&test, &curator, id).await;
    assert_eq!(state(&test, id).await, SignOffState::AwaitingApproval);
    assert_eq!(approve(&test, &curator, id).await.0, StatusCode::FORBIDDEN);

    // The owner last edited the entry (not its checked words), so may not approve.
    edit(&test, "owner@example.org", id, None).await;
    assert_eq!(state(&test, id).await, SignOffState::AwaitingApproval);
    let (status, text) = approve(&test, &owner, id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        text.contains(
            "you made the last change to this entry, so another reviewer must approve it"
        )
    );
    assert_eq!(state(&test, id).await, SignOffState::AwaitingApproval);

    // A different reviewer can.
    let (status, _) = approve(&test, &reviewer, id).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(state(&test, id).await, SignOffState::Approved);
    let page = test.get_as(&owner, &path).await.text();
    assert!(page.contains("Approved by") && page.contains("reviewer@example.org"));

    // Whoever completed the checklist may not approve it either.
    let other = entry_id(&test, "e02").await;
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
    assert_eq!(state(&test, id).await, SignOffState::Voided);
    let (status, text) = approve(&test, &reviewer, id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("checklist again"));
    let preview = vitrine::app::publish::preview(&test.app, DEMO)
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

#[tokio::test]
async fn the_publish_preview_lists_left_out_entries_and_publishing_writes_the_next_release() {
    let test = TestApp::own_demo().await;
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let reviewer = test
        .staff("reviewer@example.org", Some("reviewer"), false)
        .await;
    // Checking e02 again clears its approval, so it drops out.
    let held = entry_id(&test, "e02").await;
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
    let reviewer = test
        .staff("reviewer@example.org", Some("reviewer"), false)
        .await;
    test.staff("owner@example.org", Some("owner"), false).await;
    let study = demo_study(&test).await;
    let named = entry_id(&test, "e01").await;
    let content = test
        .app
        .store()
        .load_study_content(study.clone())
        .await
        .expect("content");
    let participant = content
        .entries
        .iter()
        .find(|e| e.id == named)
        .expect("e01")
        .participant;
    vitrine::app::identity::set_identity(
        &test.app,
        study.id,
        participant,
        "Harriet  Quell",
        "hq@example.org",
        "test",
    )
    .await
    .expect("set identity");
    let first_name_only = entry_id(&test, "e03").await;
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
        state(&test, named).await,
        SignOffState::Approved,
        "quote edits keep approval"
    );

    let report = vitrine::app::check::check(&test.app, DEMO)
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

/// A small pseudo-random sequence, seeded from the clock.
fn delays(n: usize, max: Duration) -> Vec<Duration> {
    let mut x = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            max.mul_f64((x % 1000) as f64 / 1000.0)
        })
        .collect()
}

/// Every stored Release parses, lists exactly the media its body shows, and
/// versions run 1, 2, 3… with no gap.
async fn assert_releases_whole(test: &TestApp) -> usize {
    let study = demo_study(test).await;
    let bodies = test
        .app
        .store()
        .release_bodies(study.id)
        .await
        .expect("bodies");
    for (n, (body, keys)) in bodies.iter().enumerate() {
        let release: vitrine_core::Release = serde_json::from_str(body).expect("body parses");
        assert_eq!(release.version as usize, n + 1);
        let shown: BTreeSet<String> = release.media_keys().map(str::to_owned).collect();
        assert_eq!(shown.into_iter().collect::<Vec<_>>(), *keys);
    }
    let verified = test.app.store().verify_audit().await.expect("verify");
    assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    bodies.len()
}

#[tokio::test]
async fn a_publish_killed_at_any_moment_leaves_the_old_release_or_a_whole_new_one() {
    let test = TestApp::own_demo().await;
    let settings = &test.app.settings;
    let run = || {
        let mut cmd = common::vitrine_command(settings, &["publish", DEMO]);
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd
    };
    let started = Instant::now();
    assert!(run().status().expect("publish").success());
    let whole = started.elapsed();
    let mut count = assert_releases_whole(&test).await;
    assert_eq!(count, 2);
    let mut killed_running = 0;
    for delay in delays(12, whole) {
        let mut child = run().spawn().expect("start publish");
        std::thread::sleep(delay);
        if child.try_wait().expect("poll").is_none() {
            killed_running += 1;
        }
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        let now = assert_releases_whole(&test).await;
        assert!(now == count || now == count + 1, "{count} then {now}");
        count = now;
    }
    assert!(killed_running > 0, "some publish was killed part-way");
    eprintln!(
        "{killed_running} of 12 killed while running; {} Releases written",
        count - 2
    );
    assert!(run().status().expect("publish").success());
    assert_eq!(assert_releases_whole(&test).await, count + 1);
}
