//! Exports made in the workspace (issue 12): a team member asks for a ZIP on
//! the exports page, a background job writes it with progress, a download
//! link appears, and the export and each download are in the registry. A
//! ZIP that holds an entry withdrawn since is deleted, never handed out.

#![expect(clippy::expect_used, reason = "a test fails loudly")]

use crate::common::{DEMO, StaffLogin, TestApp, attr, tags};
use axum::http::StatusCode;
use std::io::Read;
use std::time::Duration;

/// Runs every queued job, as a worker on any instance would.
async fn run_jobs(test: &TestApp) {
    while let Some(job) = test
        .app
        .store()
        .claim_job("worker", Duration::from_secs(60))
        .await
        .expect("claim")
    {
        vitrine::app::jobs::run_claimed(&test.app, "worker", job).await;
    }
}

/// The download links on the exports page.
fn download_links(html: &str) -> Vec<String> {
    tags(html, "a")
        .iter()
        .filter_map(|a| attr(a, "href"))
        .filter(|h| h.ends_with("/download"))
        .collect()
}

async fn page(test: &TestApp, staff: &StaffLogin) -> String {
    let page = test
        .get_as(staff, &format!("/admin/studies/{DEMO}/exports"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.text()
}

#[tokio::test]
async fn a_curator_makes_a_zip_watches_it_and_downloads_it_and_the_registry_says_so() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let before = page(&test, &curator).await;
    assert!(before.contains("Make the ZIP"), "{before}");
    assert!(before.contains("Release 1 (the latest)"));

    let asked = test
        .post_as(
            &curator,
            &format!("/admin/studies/{DEMO}/exports"),
            &[("kind", "archive"), ("release", "1")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let waiting = page(&test, &curator).await;
    assert!(waiting.contains("Waiting to start"), "{waiting}");
    assert!(
        waiting.contains("data-export-pending"),
        "the script polls while it waits"
    );
    assert!(download_links(&waiting).is_empty());

    run_jobs(&test).await;
    let ready = page(&test, &curator).await;
    assert!(!ready.contains("data-export-pending"), "{ready}");
    let links = download_links(&ready);
    assert_eq!(links.len(), 1, "{ready}");
    let zip = test.get_as(&curator, &links[0]).await;
    assert_eq!(zip.status, StatusCode::OK);
    assert_eq!(zip.header("content-type"), "application/zip");
    let name = "link-worker-retention-release-1-archive";
    assert_eq!(
        zip.header("content-disposition"),
        format!("attachment; filename=\"{name}.zip\"")
    );
    assert_eq!(zip.header("cache-control"), "no-store");
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(zip.body.to_vec())).expect("a ZIP file");
    let mut bagit = String::new();
    archive
        .by_name(&format!("{name}/bagit.txt"))
        .expect("the bag under one folder named like the file")
        .read_to_string(&mut bagit)
        .expect("read");
    assert!(bagit.starts_with("BagIt-Version: 1.0"));

    // The registry has the export and the download, by whom.
    let after = page(&test, &curator).await;
    assert!(after.contains("workspace download"), "{after}");
    assert!(
        after.contains(&format!("downloaded as {name}.zip")),
        "{after}"
    );
    assert!(after.contains("curator@example.org"));
    let log = test.app.store().audit_log(None, 1000).await.expect("log");
    for action in ["export.requested", "export.archive"] {
        assert!(
            log.iter().any(|r| r.action == action),
            "{action} not audited"
        );
    }
    assert_eq!(
        log.iter().filter(|r| r.action == "export.archive").count(),
        2,
        "made once, downloaded once"
    );

    // Another study's team, or a made-up id, gets nothing.
    let other = links[0].replace("/exports/", "/exports/9999");
    assert_eq!(
        test.get_as(&curator, &other).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn bad_requests_are_explained_and_queue_nothing() {
    let test = TestApp::own_demo().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let path = format!("/admin/studies/{DEMO}/exports");
    for (form, says) in [
        (
            vec![("kind", "archive"), ("release", "1"), ("originals", "yes")],
            "agrees to archive deposit today",
        ),
        (
            vec![("kind", "site"), ("release", "1"), ("originals", "yes")],
            "Only an archive for deposit can hold originals.",
        ),
        (vec![("kind", "site"), ("release", "7")], "has no Release 7"),
        (
            vec![("kind", "pdf"), ("release", "1")],
            "is not a kind of export",
        ),
    ] {
        let answer = test.post_as(&owner, &path, &form).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        let text = answer.text();
        assert!(
            text.contains(&crate::common::escaped(says)),
            "{form:?}: {text}"
        );
    }
    let study = test.demo_study().await;
    assert!(
        test.app
            .store()
            .list_downloads(study.id)
            .await
            .expect("list")
            .is_empty()
    );
}

#[tokio::test]
async fn a_zip_holding_an_entry_withdrawn_since_is_deleted_not_downloaded() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let path = format!("/admin/studies/{DEMO}/exports");
    test.post_as(&curator, &path, &[("kind", "site"), ("release", "1")])
        .await;
    run_jobs(&test).await;
    let links = download_links(&page(&test, &curator).await);
    assert_eq!(links.len(), 1);

    let entry = test.demo_entry("e03").await;
    let report = test.withdraw_as(&curator, entry).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report.text().contains("workspace download"),
        "the withdrawal lists the ZIP made in the workspace"
    );

    let gone = test.get_as(&curator, &links[0]).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(gone.text().contains("no longer public"), "{}", gone.text());
    let after = page(&test, &curator).await;
    assert!(download_links(&after).is_empty(), "{after}");
    let study = test.demo_study().await;
    let downloads = test
        .app
        .store()
        .list_downloads(study.id)
        .await
        .expect("list");
    assert_eq!(downloads[0].state, "removed");
    assert_eq!(downloads[0].blob, None);
}
