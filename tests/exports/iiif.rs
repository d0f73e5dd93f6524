//! IIIF Presentation 3 (issue 12): a Collection per study and a Manifest per
//! prompt, served from the latest Release and written by the static export
//! when it knows its address. CI runs the IIIF validators on the export
//! (`ci/validate_iiif.sh`).

#![expect(clippy::expect_used, reason = "a test fails loudly")]

use crate::common::{DEMO, TestApp};
use axum::http::StatusCode;
use std::sync::Arc;
use tempfile::TempDir;
use vitrine::app::exports::ExportRequest;
use vitrine::app::exports::site::export_site;
use vitrine::app::progress::NoProgress;

async fn json(test: &TestApp, path: &str) -> serde_json::Value {
    let response = test
        .get_with(path, &[("host", "gallery.example.org")])
        .await;
    assert_eq!(response.status, StatusCode::OK, "{path}");
    assert_eq!(response.header("access-control-allow-origin"), "*");
    assert!(
        response
            .header("content-type")
            .starts_with("application/ld+json")
    );
    serde_json::from_slice(&response.body).expect("json")
}

#[tokio::test]
async fn viewers_get_a_collection_and_a_manifest_per_prompt_of_the_latest_release() {
    let test = TestApp::own_demo().await;
    let collection = json(&test, &format!("/{DEMO}/iiif/collection.json")).await;
    assert_eq!(collection["type"], "Collection");
    let manifests = collection["items"].as_array().expect("items");
    assert_eq!(manifests.len(), 3, "one per prompt");
    let (_, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("published");
    let mut painted = 0;
    for (item, prompt) in manifests.iter().zip(&release.prompts) {
        let id = item["id"].as_str().expect("id");
        let path = id
            .strip_prefix("https://gallery.example.org")
            .expect("absolute, on the request's host");
        let manifest = json(&test, path).await;
        assert_eq!(manifest["id"], id);
        assert_eq!(manifest["label"]["en-GB"][0], prompt.title);
        let canvases = manifest["items"].as_array().expect("canvases");
        assert_eq!(
            canvases.len(),
            prompt.entries.iter().filter(|e| e.image.is_some()).count()
        );
        for (canvas, entry) in canvases
            .iter()
            .zip(prompt.entries.iter().filter(|e| e.image.is_some()))
        {
            assert_eq!(canvas["label"]["en-GB"][0], entry.title);
            let image = canvas["items"][0]["items"][0]["body"]["id"]
                .as_str()
                .expect("image");
            let media = image
                .strip_prefix("https://gallery.example.org")
                .expect("absolute");
            assert_eq!(test.get(media).await.status, StatusCode::OK, "{media}");
            assert!(
                canvas["rights"]
                    .as_str()
                    .expect("rights")
                    .starts_with("http://creativecommons.org/")
            );
            // Funder, disclaimer and provenance read as sentences: the
            // disclaimer's own full stop is not doubled.
            let statement = canvas["requiredStatement"]["value"]["en-GB"][0]
                .as_str()
                .expect("requiredStatement");
            assert!(statement.contains("Provenance: "), "{statement}");
            assert!(!statement.contains(".."), "{statement}");
            painted += 1;
        }
    }
    assert_eq!(painted, 9);
    for missing in ["no-such-prompt.json", "collection", "x"] {
        assert_eq!(
            test.get(&format!("/{DEMO}/iiif/{missing}")).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    assert_eq!(
        test.get("/no-such-study/iiif/collection.json").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_withdrawn_entry_leaves_the_manifests_at_once() {
    let test = TestApp::own_demo().await;
    let entry = test.demo_entry("e01").await;
    let before = test
        .get(&format!(
            "/{DEMO}/iiif/a-normal-part-of-their-working-day.json"
        ))
        .await
        .text();
    assert!(before.contains("christmas-bags-for-families"));
    let report = test.withdraw_demo_entry(entry).await;
    // A CDN is asked to drop the prompt's manifest and the collection too.
    let purge = vitrine::app::withdraw::purge_paths(&report.done);
    for path in [
        format!("/{DEMO}/iiif/a-normal-part-of-their-working-day.json"),
        format!("/{DEMO}/iiif/collection.json"),
    ] {
        assert!(purge.contains(&path), "{path} in {purge:?}");
    }
    assert!(!purge.contains(&format!(
        "/{DEMO}/iiif/an-unexpected-part-of-their-role.json"
    )));
    let after = test
        .get(&format!(
            "/{DEMO}/iiif/a-normal-part-of-their-working-day.json"
        ))
        .await
        .text();
    assert!(!after.contains("christmas-bags-for-families"));
    assert!(!after.contains("Christmas bags"));
}

#[tokio::test]
async fn the_static_export_writes_iiif_only_when_it_knows_its_address() {
    let test = TestApp::own_demo().await;
    let out = TempDir::new().expect("temp dir");
    for (name, base) in [
        ("plain", None),
        ("addressed", Some("https://www.example.ac.uk/lw")),
    ] {
        export_site(
            &test.app,
            ExportRequest {
                study: &crate::common::study(&test.app, DEMO).await,
                release: None,
                base_url: base,
                dir: &out.path().join(name),
                actor: vitrine::app::Actor::operator("test"),
                originals: false,
                destination: None,
            },
            Arc::new(NoProgress),
        )
        .await
        .expect("export");
    }
    assert!(!out.path().join("plain/iiif").exists());
    let collection: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join("addressed/iiif/collection.json")).expect("collection"),
    )
    .expect("json");
    assert_eq!(
        collection["id"],
        "https://www.example.ac.uk/lw/iiif/collection.json"
    );
    let first = collection["items"][0]["id"].as_str().expect("manifest");
    let file = first
        .strip_prefix("https://www.example.ac.uk/lw/")
        .expect("under the base URL");
    assert!(out.path().join("addressed").join(file).is_file());
}
