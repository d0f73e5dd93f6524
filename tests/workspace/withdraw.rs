//! Withdrawal is complete and honest (ETH-22, ETH-23, PRV-11, PRV-13, ARC-13):
//! one action through the workspace takes an entry, or a participant, out of
//! every public page, every stored Release, the blob store, the vault and the
//! audit payloads, records the withdrawal without its content, queues a CDN
//! purge and is not undone by importing the study folder again.
//!
//! A withdrawn entry's URLs answer 404, the same as anything never published
//! (not 410, so a visitor cannot tell withdrawn from never there).
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use axum::http::StatusCode;
use common::{DEMO, TestApp, escaped};
use std::collections::BTreeSet;
use std::path::Path;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::{NoProgress, import_folder};
use vitrine_core::{EntryId, Study};

/// What the public could see of one entry before it was withdrawn.
struct Public {
    id: EntryId,
    title: String,
    caption: String,
    page: String,
    media: Vec<String>,
}

async fn demo_study(test: &TestApp) -> Study {
    test.app
        .store()
        .find_study_by_slug(DEMO)
        .await
        .expect("read study")
        .expect("demo study")
}

/// The entry with import key `key` as the latest Release shows it.
async fn public_entry(test: &TestApp, key: &str) -> Public {
    let study = demo_study(test).await;
    let content = test
        .app
        .store()
        .load_study_content(study)
        .await
        .expect("content");
    let (&id, _) = content
        .entry_keys
        .iter()
        .find(|(_, k)| *k == key)
        .expect("entry key");
    let (release_id, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("published");
    let slug = test
        .app
        .store()
        .release_entries(release_id)
        .await
        .expect("mapping")
        .into_iter()
        .find(|(e, _)| *e == id)
        .expect("entry is published")
        .1;
    let shown = release.find_entry(&slug).expect("in release").entry;
    Public {
        id,
        title: shown.title.clone(),
        caption: shown.texts.caption.clone(),
        page: format!("/{DEMO}/entries/{slug}"),
        media: shown
            .image
            .iter()
            .flat_map(|i| i.variants.iter().map(|v| v.key.clone()))
            .collect(),
    }
}

/// Every public URL of the site with its body, as text where it is text.
async fn crawl_text(test: &TestApp) -> Vec<(String, StatusCode, String)> {
    test.crawl()
        .await
        .into_iter()
        .map(|(path, r)| {
            let text = String::from_utf8_lossy(&r.body).into_owned();
            (path, r.status, text)
        })
        .collect()
}

fn contains_words(text: &str, words: &str) -> bool {
    text.contains(words) || text.contains(&escaped(words))
}

#[tokio::test]
async fn withdrawing_an_entry_removes_it_from_every_page_release_blob_and_audit_payload() {
    let mut test = TestApp::own_demo().await;
    test.app.settings.purge_webhook = Some("http://127.0.0.1:9/purge".into());
    // A second Release, so the entry is in more than one stored Release.
    vitrine::app::publish::publish(&test.app, DEMO)
        .await
        .expect("publish 2");
    let gone = public_entry(&test, "e03").await;
    let before = crawl_text(&test).await;
    assert!(
        before
            .iter()
            .any(|(p, s, _)| *p == gone.page && *s == StatusCode::OK)
    );
    for key in &gone.media {
        assert_eq!(
            test.get(&format!("/media/{key}")).await.status,
            StatusCode::OK
        );
    }
    let originals_before: BTreeSet<String> = test
        .app
        .blobs()
        .list_originals()
        .await
        .expect("list")
        .into_iter()
        .collect();
    let curator = test
        .staff("curator@example.org", Some("curator"), false)
        .await;
    let confirm = format!("/admin/studies/{DEMO}/entries/{}/withdraw", gone.id.0);

    let page = test.get_as(&curator, &confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("cannot be undone"));
    assert!(
        page.text().contains("Release 1"),
        "names the Releases that showed it"
    );
    let unconfirmed = test
        .post_as(&curator, &confirm, &[("reason", "participant_asked")])
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        test.get(&gone.page).await.status,
        StatusCode::OK,
        "nothing done"
    );

    let report = test
        .post_as(
            &curator,
            &confirm,
            &[("reason", "participant_asked"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(report.status, StatusCode::OK);
    let report = report.text();
    for expected in [
        "Release 1",
        "Release 2",
        "Release 3",
        "Dear participant",
        "No export made with Vitrine held it",
    ] {
        assert!(report.contains(expected), "report mentions {expected}");
    }

    // Every URL of the entry is gone, and no public byte holds its words.
    assert_eq!(test.get(&gone.page).await.status, StatusCode::NOT_FOUND);
    for key in &gone.media {
        let media = test.get(&format!("/media/{key}")).await;
        assert_eq!(media.status, StatusCode::NOT_FOUND, "{key}");
    }
    for (path, status, text) in crawl_text(&test).await {
        assert_ne!(path, gone.page);
        assert!(
            status == StatusCode::OK || path.starts_with("/static/"),
            "{path}"
        );
        assert!(
            !contains_words(&text, &gone.caption),
            "{path} holds the caption"
        );
        assert!(
            !contains_words(&text, &gone.title),
            "{path} holds the title"
        );
    }
    let releases = test.get(&format!("/{DEMO}/releases")).await;
    assert_eq!(releases.status, StatusCode::OK);
    assert!(releases.text().contains("1 entry withdrawn"));
    assert!(releases.text().contains("Release 3"));

    // The files are deleted: public derivatives and the unshared original.
    let public = test.app.blobs().list_public().await.expect("list");
    for key in &gone.media {
        assert!(!public.contains(key), "{key} is still in the blob store");
    }
    let originals_after: BTreeSet<String> = test
        .app
        .blobs()
        .list_originals()
        .await
        .expect("list")
        .into_iter()
        .collect();
    let deleted: Vec<String> = originals_before
        .difference(&originals_after)
        .cloned()
        .collect();
    assert_eq!(deleted.len(), 1, "its original left the vault");

    // No stored Release, of any version, still shows it.
    let study = demo_study(&test).await;
    let bodies = test
        .app
        .store()
        .release_bodies(study.id)
        .await
        .expect("bodies");
    assert_eq!(bodies.len(), 3);
    for (body, keys) in &bodies {
        let release: vitrine_core::Release = serde_json::from_str(body).expect("parses");
        assert!(!body.contains(&gone.caption) && !body.contains(&gone.title));
        let shown: BTreeSet<String> = release.media_keys().map(str::to_owned).collect();
        assert_eq!(&shown.into_iter().collect::<Vec<_>>(), keys);
        assert!(gone.media.iter().all(|k| !keys.contains(k)));
    }

    // The audit log still verifies; no payload holds the words.
    let verified = test.app.store().verify_audit().await.expect("verify");
    assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    let log = test.app.store().audit_log(None, 10_000).await.expect("log");
    assert!(log.iter().any(|r| r.action == "entry.withdraw"));
    for record in &log {
        let payload = record.payload.as_deref().unwrap_or_default();
        assert!(!payload.contains(&gone.caption) && !payload.contains(&gone.title));
        assert!(!record.subject.contains(&gone.title));
    }

    // The CDN is told to drop the entry's page and files.
    let mut purge = None;
    while let Some(job) = test
        .app
        .store()
        .claim_job("test", std::time::Duration::from_secs(60))
        .await
        .expect("claim")
    {
        if job.kind == "cdn_purge" {
            purge = Some(job.payload);
        }
    }
    let purge = purge.expect("a cdn_purge job was queued");
    assert!(purge.contains(&format!("\"{}\"", gone.page)));
    for key in &gone.media {
        assert!(purge.contains(&format!("/media/{key}")));
    }
    assert!(!purge.contains(&gone.title));

    // Importing the folder again does not bring it back.
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("demo")
        .join(DEMO);
    let imported = import_folder(&test.app, &DiskFolder::new(&folder), &NoProgress)
        .await
        .expect("import again");
    assert!(
        imported
            .summary
            .notes
            .iter()
            .any(|n| n.contains("withdrawn")),
        "{:?}",
        imported.summary.notes
    );
    let vault = test.app.blobs().list_originals().await.expect("list");
    assert!(
        deleted.iter().all(|sha| !vault.contains(sha)),
        "the withdrawn entry's original is not stored again"
    );
    let public = test.app.blobs().list_public().await.expect("list");
    assert!(
        gone.media.iter().all(|k| !public.contains(k)),
        "nor its files"
    );
    let published = vitrine::app::publish::publish(&test.app, DEMO)
        .await
        .expect("publish after import");
    assert_eq!(published.entries, 8);
    assert_eq!(test.get(&gone.page).await.status, StatusCode::NOT_FOUND);
    for (path, _, text) in crawl_text(&test).await {
        assert!(!contains_words(&text, &gone.caption), "{path} after import");
    }
}

#[tokio::test]
async fn withdrawing_a_participant_takes_all_their_entries_and_adds_a_consent_record() {
    let test = TestApp::own_demo().await;
    let gone = public_entry(&test, "e02").await;
    let study = demo_study(&test).await;
    let content = test
        .app
        .store()
        .load_study_content(study.clone())
        .await
        .expect("content");
    let john = content
        .participants
        .iter()
        .find(|p| p.pseudonym == "John")
        .expect("John")
        .id;
    let history = test
        .app
        .store()
        .consent_history(john)
        .await
        .expect("history");
    let reviewer = test
        .staff("reviewer@example.org", Some("reviewer"), false)
        .await;
    let path = format!("/admin/studies/{DEMO}/participants/{}/withdraw", john.0);
    assert_eq!(test.get_as(&reviewer, &path).await.status, StatusCode::OK);
    let report = test
        .post_as(
            &reviewer,
            &path,
            &[("reason", "participant_asked"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report
            .text()
            .contains("A new consent record says the participant withdrew today.")
    );

    assert_eq!(test.get(&gone.page).await.status, StatusCode::NOT_FOUND);
    let after = test
        .app
        .store()
        .consent_history(john)
        .await
        .expect("history");
    assert_eq!(after.len(), history.len() + 1, "a row is added");
    for old in &history {
        let kept = after.iter().find(|r| r.id == old.id).expect("old row kept");
        assert_eq!(
            kept.withdrawn_on, old.withdrawn_on,
            "old rows are not updated"
        );
    }
    let today = time::OffsetDateTime::now_utc().date();
    let newest = after.iter().max_by_key(|r| r.id).expect("newest");
    assert_eq!(newest.withdrawn_on, Some(today));
    let content = test
        .app
        .store()
        .load_study_content(study)
        .await
        .expect("content");
    assert!(
        content
            .entries
            .iter()
            .filter(|e| e.participant == john)
            .all(|e| e.withdrawn && e.texts.caption.is_empty() && e.image.is_none())
    );
    let log = test.app.store().audit_log(None, 10_000).await.expect("log");
    assert!(log.iter().any(|r| r.action == "participant.withdraw"));
    assert!(log.iter().all(|r| {
        !r.payload
            .as_deref()
            .unwrap_or_default()
            .contains(&gone.caption)
    }));
    let verified = test.app.store().verify_audit().await.expect("verify");
    assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    let again = test
        .post_as(
            &reviewer,
            &path,
            &[("reason", "participant_asked"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing left to withdraw"
    );
}

#[tokio::test]
async fn blobs_left_by_a_withdrawal_that_died_before_deleting_them_are_swept() {
    let test = TestApp::own_demo().await;
    let gone = public_entry(&test, "e04").await;
    let study = demo_study(&test).await;
    // The store's transaction alone, as if the process died right after it.
    let done = test
        .app
        .store()
        .withdraw(vitrine_store::WithdrawalPlan {
            study: study.id,
            entry: Some(gone.id),
            participant: None,
            today: time::OffsetDateTime::now_utc().date(),
            reason: "other",
            event: vitrine_store::AuditEvent {
                actor: "test".into(),
                action: "entry.withdraw".into(),
                ..Default::default()
            },
            purge: None,
        })
        .await
        .expect("withdraw")
        .expect("entry exists");
    assert_eq!(done.delete_public.len(), gone.media.len());
    assert_eq!(done.delete_originals.len(), 1);
    assert_eq!(test.get(&gone.page).await.status, StatusCode::NOT_FOUND);
    for key in &gone.media {
        assert_eq!(
            test.get(&format!("/media/{key}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // Withdrawing it again does nothing and records nothing.
    let logged = test
        .app
        .store()
        .audit_log(None, 10_000)
        .await
        .expect("log")
        .len();
    let again = vitrine::app::withdraw::withdraw_entry(
        &test.app,
        &study,
        gone.id,
        "test",
        vitrine::app::withdraw::Reason::Other,
    )
    .await
    .expect("withdraw again")
    .expect("entry exists");
    assert!(again.done.entries.is_empty() && again.done.new_release.is_none());
    let log = test.app.store().audit_log(None, 10_000).await.expect("log");
    assert_eq!(log.len(), logged);

    let swept = vitrine::app::gc::sweep(&test.app, std::time::Duration::ZERO)
        .await
        .expect("sweep");
    assert_eq!(swept.public, gone.media.len());
    assert_eq!(swept.originals, 1);
    let public = test.app.blobs().list_public().await.expect("list");
    assert!(gone.media.iter().all(|k| !public.contains(k)));
}
