//! Citing a Release (issue 12): "Cite this gallery" on the about page,
//! `CITATION.cff` and a DataCite record served and exported, schema.org
//! JSON-LD in the pages, and a DOI the team records after minting one.

#![expect(clippy::expect_used, reason = "a test fails loudly")]

use crate::common::{DEMO, TestApp};
use axum::http::StatusCode;
use std::sync::Arc;
use tempfile::TempDir;
use vitrine::app::exports::ExportRequest;
use vitrine::app::exports::site::export_site;
use vitrine::app::progress::NoProgress;
use vitrine::app::publish::{DoiError, set_doi};

const DOI: &str = "10.5281/zenodo.1234567";

/// The JSON-LD block in a page's head, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD block")
        + "<script type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").expect("closed");
    serde_json::from_str(&html[start..end]).expect("valid JSON")
}

#[tokio::test]
async fn a_release_is_cited_the_same_way_on_its_pages_files_and_exports() {
    let test = TestApp::own_demo().await;
    let about = test.get(&format!("/{DEMO}/about")).await;
    assert_eq!(about.status, StatusCode::OK);
    let html = about.text();
    assert!(html.contains("Cite this gallery"));
    assert!(html.contains(&format!("href=\"/{DEMO}/CITATION.cff\"")));
    let data = json_ld(&html);
    assert_eq!(data["@type"], "Dataset");
    assert_eq!(data["version"], "1");
    assert!(data["identifier"].is_null(), "no DOI yet");
    let gallery = json_ld(&test.get(&format!("/{DEMO}/")).await.text());
    assert_eq!(gallery["name"], data["name"]);

    let cff = test.get(&format!("/{DEMO}/CITATION.cff")).await;
    assert_eq!(cff.status, StatusCode::OK);
    assert!(cff.text().starts_with("cff-version: 1.2.0\n"));
    assert!(cff.text().contains("version: \"1\"\n"));
    assert!(!cff.text().contains("doi:"));
    let record: serde_json::Value =
        serde_json::from_slice(&test.get(&format!("/{DEMO}/datacite.json")).await.body)
            .expect("json");
    assert_eq!(record["types"]["resourceTypeGeneral"], "Image");
    assert_eq!(record["version"], "1");

    // The team mints a DOI for Release 1 and pastes the link.
    let stored = set_doi(
        &test.app,
        &crate::common::study(&test.app, DEMO).await,
        1,
        &format!(" https://doi.org/{DOI} "),
        vitrine::app::Actor::operator("owner"),
    )
    .await
    .expect("set");
    assert_eq!(stored.as_deref(), Some(DOI));
    let html = test.get(&format!("/{DEMO}/about")).await.text();
    assert!(html.contains(&format!("<a href=\"https://doi.org/{DOI}\">")));
    assert_eq!(
        json_ld(&html)["identifier"],
        format!("https://doi.org/{DOI}")
    );
    assert!(
        test.get(&format!("/{DEMO}/CITATION.cff"))
            .await
            .text()
            .contains(&format!("doi: \"{DOI}\"\n"))
    );
    let record: serde_json::Value =
        serde_json::from_slice(&test.get(&format!("/{DEMO}/datacite.json")).await.body)
            .expect("json");
    assert_eq!(record["doi"], DOI);
    let log = test.app.store().audit_log(None, 100).await.expect("log");
    assert!(
        log.iter()
            .any(|r| r.action == "release.doi" && r.actor == "owner")
    );

    // The static export of Release 1 gives it too.
    let out = TempDir::new().expect("temp dir");
    let dir = out.path().join("site");
    export_site(
        &test.app,
        ExportRequest {
            study: &crate::common::study(&test.app, DEMO).await,
            release: Some(1),
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
    let cff = std::fs::read_to_string(dir.join("CITATION.cff")).expect("cff");
    assert!(cff.contains(&format!("doi: \"{DOI}\"")));
    assert!(!cff.contains("url:"), "no address without a base URL");
    assert!(
        std::fs::read_to_string(dir.join("about.html"))
            .expect("about")
            .contains(&format!("https://doi.org/{DOI}"))
    );

    // A DOI names one version: the next Release has none of its own.
    vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, DEMO).await)
        .await
        .expect("publish 2");
    let html = test.get(&format!("/{DEMO}/about")).await.text();
    assert!(
        !html.contains(DOI),
        "Release 2 does not borrow Release 1's DOI"
    );
    let (_, first) = test
        .app
        .store()
        .release_by_version(DEMO, 1)
        .await
        .expect("read")
        .expect("release 1");
    assert_eq!(first.doi.as_deref(), Some(DOI));
}

#[tokio::test]
async fn a_doi_that_is_not_one_or_a_release_that_does_not_exist_is_refused() {
    let test = TestApp::own_demo().await;
    match set_doi(
        &test.app,
        &crate::common::study(&test.app, DEMO).await,
        1,
        "zenodo.1234567",
        vitrine::app::Actor::operator("owner"),
    )
    .await
    {
        Err(DoiError::Invalid(message)) => assert!(message.contains("10.5281/zenodo.1234567")),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(matches!(
        set_doi(
            &test.app,
            &crate::common::study(&test.app, DEMO).await,
            7,
            DOI,
            vitrine::app::Actor::operator("owner")
        )
        .await,
        Err(DoiError::UnknownRelease { version: 7, .. })
    ));
    let (_, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("published");
    assert_eq!(release.doi, None);
    assert_eq!(
        test.get("/no-such-study/CITATION.cff").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        test.get("/no-such-study/datacite.json").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_workspace_records_a_doi_for_people_who_may_publish_only() {
    let test = TestApp::own_demo().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let curator = test.curator().await;
    let publish = format!("/admin/studies/{DEMO}/publish");
    let page = test.get_as(&owner, &publish).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("<label for=\"doi-1\">DOI of Release 1")
    );

    let action = format!("/admin/studies/{DEMO}/releases/1/doi");
    let refused = test.post_as(&curator, &action, &[("doi", DOI)]).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "curators do not publish"
    );
    let wrong = test
        .post_as(&owner, &action, &[("doi", "zenodo 1234567")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .contains("Release 1: &#34;zenodo 1234567&#34; is not a DOI")
    );
    let saved = test
        .post_as(&owner, &action, &[("doi", &format!("doi:{DOI}"))])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = test
        .get_as(&owner, &format!("{publish}?done=doi"))
        .await
        .text();
    assert!(page.contains("DOI saved."));
    assert!(
        page.contains(&format!("value=\"{}\"", DOI.replace('/', "&#x2f;")))
            || page.contains(&format!("value=\"{DOI}\""))
    );
    let releases = test.get(&format!("/{DEMO}/releases")).await.text();
    assert!(releases.contains(&format!("https://doi.org/{DOI}")));
    assert_eq!(
        test.post_as(
            &owner,
            &format!("/admin/studies/{DEMO}/releases/9/doi"),
            &[("doi", DOI)]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}
