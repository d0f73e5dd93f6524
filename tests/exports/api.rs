//! The read-only JSON API (issue 12): the same privacy rules as the pages
//! (only the latest Release; a withdrawn entry is 404 at once), ETags, and an
//! OpenAPI document generated from the handlers. CI validates that document
//! with `openapi-spec-validator`.

#![expect(clippy::expect_used, reason = "a test fails loudly")]

use crate::common::{DEMO, TestApp};
use axum::http::StatusCode;

async fn json(test: &TestApp, path: &str) -> serde_json::Value {
    let response = test.get(path).await;
    assert_eq!(response.status, StatusCode::OK, "{path}");
    assert_eq!(response.header("content-type"), "application/json");
    assert_eq!(response.header("access-control-allow-origin"), "*");
    serde_json::from_slice(&response.body).expect("json")
}

#[tokio::test]
async fn the_api_shows_what_the_latest_release_shows_and_nothing_else() {
    let test = TestApp::own_demo().await;
    let studies = json(&test, "/api/v1/studies").await;
    assert_eq!(studies[0]["slug"], DEMO);
    assert_eq!(studies[0]["release"], 1);

    let study = json(&test, &format!("/api/v1/studies/{DEMO}")).await;
    assert_eq!(study["prompts"].as_array().expect("prompts").len(), 3);
    assert_eq!(study["release"]["version"], 1);
    assert!(
        study["citation"]
            .as_str()
            .expect("citation")
            .contains("Release 1")
    );

    let entries = json(&test, &format!("/api/v1/studies/{DEMO}/entries")).await;
    let entries = entries.as_array().expect("entries");
    assert_eq!(entries.len(), 9);
    let text = serde_json::to_string(entries).expect("text");
    for internal in ["\"e01\"", "\"mary\"", "\"p1\"", "import_key", "image_id"] {
        assert!(!text.contains(internal), "{internal} is internal");
    }
    let first = &entries[0];
    let slug = first["slug"].as_str().expect("slug");
    for image in first["images"].as_array().expect("images") {
        let url = image["url"].as_str().expect("url");
        let path = &url[url.find("/media/").expect("a media path")..];
        assert_eq!(test.get(path).await.status, StatusCode::OK, "{path}");
    }
    let one = format!("/api/v1/studies/{DEMO}/entries/{slug}");
    assert_eq!(json(&test, &one).await, *first);

    // ETags: a client's copy that is current gets 304.
    let response = test.get(&one).await;
    let etag = response.header("etag").to_owned();
    let again = test.get_with(&one, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    let releases = json(&test, &format!("/api/v1/studies/{DEMO}/releases")).await;
    assert_eq!(releases[0]["version"], 1);

    // Withdrawn: gone from the API at once, as from the pages.
    let gone = test.demo_entry("e01").await;
    let report = test.withdraw_demo_entry(gone).await;
    let gone_slug = report.done.entry_slugs[0].clone();
    assert_eq!(
        test.get(&format!("/api/v1/studies/{DEMO}/entries/{gone_slug}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let after = test
        .get(&format!("/api/v1/studies/{DEMO}/entries"))
        .await
        .text();
    assert!(!after.contains(&gone_slug));
    for missing in [
        "/api/v1/studies/no-such-study".to_owned(),
        "/api/v1/studies/no-such-study/entries".to_owned(),
        format!("/api/v1/studies/{DEMO}/entries/no-such-entry"),
    ] {
        assert_eq!(
            test.get(&missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let test = TestApp::demo().await;
    let response = test.get("/api/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_slice(&response.body).expect("json");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3.1"));
    for path in [
        "/api/v1/studies",
        "/api/v1/studies/{study}",
        "/api/v1/studies/{study}/entries",
        "/api/v1/studies/{study}/entries/{entry}",
        "/api/v1/studies/{study}/releases",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
    for schema in ["EntryOut", "StudyOut", "ReleaseOut", "ImageOut"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}
