//! Withdrawing one entry from every page, Release, blob and audit payload.

use super::{contains_words, crawl_text, public_entry};
use crate::common;
use axum::http::StatusCode;
use common::{DEMO, TestApp};
use std::collections::BTreeSet;
use std::path::Path;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::import_folder;
use vitrine::app::progress::NoProgress;

#[tokio::test]
async fn withdrawing_an_entry_removes_it_from_every_page_release_blob_and_audit_payload() {
    let mut test = TestApp::own_demo().await;
    test.app.settings.purge_webhook = Some("http://127.0.0.1:9/purge".into());
    // A second Release, so the entry is in more than one stored Release.
    vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, DEMO).await)
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
    let curator = test.curator().await;
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
    let study = test.demo_study().await;
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
    let published =
        vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, DEMO).await)
            .await
            .expect("publish after import");
    assert_eq!(published.entries, 8);
    assert_eq!(test.get(&gone.page).await.status, StatusCode::NOT_FOUND);
    for (path, _, text) in crawl_text(&test).await {
        assert!(!contains_words(&text, &gone.caption), "{path} after import");
    }
}

/// Every one of an entry's texts is erased when it is withdrawn, however
/// many texts `EntryTexts` holds: the test fills each one by name (so a text
/// added later is filled too) and expects the empty set back. The erasing is
/// SQL in vitrine-store's `withdraw.rs`, which the compiler cannot check
/// against the type.
#[tokio::test]
async fn withdrawing_an_entry_erases_every_one_of_its_texts() {
    let test = TestApp::demo().await;
    let curator = test.curator().await;
    let id = test.demo_entry("e02").await;
    let e = test.demo_entry_record(id).await;
    let texts = vitrine_core::EntryTexts::from_fn("A secret caption".into(), |name| {
        Some(format!("a secret {name}"))
    });
    let edit = vitrine_store::EntryEdit {
        title: Some("A secret title".into()),
        provenance: e.provenance,
        texts: texts.clone(),
        licence: e.licence.clone(),
        themes: e.themes.clone(),
    };
    test.edit_demo_entry(&curator.email, id, &edit).await;
    assert_eq!(
        test.demo_entry_record(id).await.texts,
        texts,
        "every text set"
    );

    test.withdraw_demo_entry(id).await;
    let after = test.demo_entry_record(id).await;
    assert!(after.withdrawn);
    assert_eq!(after.texts, vitrine_core::EntryTexts::default());
    assert_eq!(after.title, None);
}
