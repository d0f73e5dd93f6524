//! `vitrine export archive` (issue 12): a BagIt bag holding an RO-Crate,
//! for deposit. The bag's own checksums hold, the crate describes every
//! file, and nothing in it identifies a participant. CI also runs the
//! reference validators on it (`ci/validate_archive.sh`).

#![expect(clippy::expect_used, reason = "a test fails loudly")]

use crate::common::{DEMO, TestApp};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use tempfile::TempDir;
use vitrine::app::exports::ExportRequest;
use vitrine::app::exports::archive::export_archive;
use vitrine::app::import::NoProgress;

async fn archive(test: &TestApp, dir: &Path) {
    export_archive(
        &test.app,
        ExportRequest {
            study: DEMO,
            release: None,
            base_url: Some("https://gallery.example.ac.uk/lw/"),
            dir,
            actor: "test",
        },
        Arc::new(NoProgress),
    )
    .await
    .expect("archive");
}

/// `HASH  PATH` lines as a map from path to hash.
fn manifest(text: &[u8]) -> BTreeMap<String, String> {
    std::str::from_utf8(text)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let (hash, path) = l.split_once("  ").expect("two fields");
            (path.to_owned(), hash.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn the_bag_checks_out_and_its_crate_describes_every_file_without_identities() {
    let test = TestApp::own_demo().await;
    let out = TempDir::new().expect("temp dir");
    let (bag, again) = (out.path().join("bag"), out.path().join("again"));
    archive(&test, &bag).await;
    archive(&test, &again).await;
    let all = crate::common::files_under(&bag);
    assert!(
        all == crate::common::files_under(&again),
        "the same Release gives the same bag"
    );

    // BagIt: every payload file is in the manifest with its SHA-256, and
    // nothing else is; the tag manifest covers the tag files; the oxum adds up.
    assert_eq!(
        all["bagit.txt"],
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    );
    let payload: BTreeMap<&String, &Vec<u8>> =
        all.iter().filter(|(p, _)| p.starts_with("data/")).collect();
    let listed = manifest(&all["manifest-sha256.txt"]);
    assert_eq!(
        listed.keys().collect::<BTreeSet<_>>(),
        payload.keys().copied().collect::<BTreeSet<_>>()
    );
    for (path, bytes) in &payload {
        assert_eq!(listed[*path], vitrine_media::sha256_hex(bytes), "{path}");
    }
    let tags = manifest(&all["tagmanifest-sha256.txt"]);
    for tag in ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"] {
        assert_eq!(tags[tag], vitrine_media::sha256_hex(&all[tag]), "{tag}");
    }
    let info = String::from_utf8(all["bag-info.txt"].clone()).expect("utf-8");
    let total: usize = payload.values().map(|b| b.len()).sum();
    assert!(
        info.contains(&format!("Payload-Oxum: {total}.{}\n", payload.len())),
        "{info}"
    );

    // RO-Crate 1.1: the descriptor, a root dataset with what a deposit needs,
    // and an entity with a checksum for every payload file.
    let crate_json: serde_json::Value =
        serde_json::from_slice(&all["data/ro-crate-metadata.json"]).expect("json");
    let graph = crate_json["@graph"].as_array().expect("graph");
    let by_id: BTreeMap<&str, &serde_json::Value> = graph
        .iter()
        .map(|e| (e["@id"].as_str().expect("@id"), e))
        .collect();
    assert_eq!(
        by_id["ro-crate-metadata.json"]["conformsTo"]["@id"],
        "https://w3id.org/ro/crate/1.1"
    );
    let root = by_id["./"];
    assert_eq!(root["@type"], "Dataset");
    for key in [
        "name",
        "description",
        "datePublished",
        "license",
        "inLanguage",
    ] {
        assert!(!root[key].is_null(), "the root has {key}");
    }
    assert_eq!(by_id["#funder"]["@type"], "Organization");
    assert_eq!(by_id["#contact"]["email"], "stephanie.tierney@phc.ox.ac.uk");
    let parts: BTreeSet<&str> = root["hasPart"]
        .as_array()
        .expect("hasPart")
        .iter()
        .map(|p| p["@id"].as_str().expect("id"))
        .collect();
    for (path, bytes) in &payload {
        let inside = path.strip_prefix("data/").expect("data/");
        if inside == "ro-crate-metadata.json" {
            continue;
        }
        assert!(parts.contains(inside), "{inside} is part of the crate");
        let entity = by_id
            .get(inside)
            .unwrap_or_else(|| panic!("{inside} is described"));
        assert_eq!(entity["sha256"], vitrine_media::sha256_hex(bytes));
    }
    let image = graph
        .iter()
        .find(|e| e["@type"][1] == "ImageObject")
        .expect("an image");
    assert!(
        image["license"]["@id"]
            .as_str()
            .expect("licence")
            .starts_with("https://")
    );
    assert!(image["caption"].as_str().is_some_and(|c| !c.is_empty()));

    // No identities, keys or originals: the team's sign-off record names
    // staff, the consent summary only counts, and no file is an original.
    let deid = String::from_utf8(all["data/deidentification.csv"].clone()).expect("utf-8");
    assert!(deid.starts_with("entry,provenance,checklist_completed_by,completed_at,approved_by"));
    assert_eq!(deid.lines().count(), 9, "{deid}");
    let consent = String::from_utf8(all["data/consent-summary.csv"].clone()).expect("utf-8");
    assert!(consent.contains("\nweb,9,9\n"), "{consent}");
    let study = test.demo_study().await;
    let guards = test
        .app
        .store
        .export_guards(study.id)
        .await
        .expect("guards");
    for bytes in all.values() {
        assert!(!guards.originals.contains(&vitrine_media::sha256_hex(bytes)));
    }
    let entries = String::from_utf8(all["data/entries.csv"].clone()).expect("utf-8");
    for key in ["e01", "e03", "mary", "john"] {
        assert!(
            !crate::common::contains_word(&entries, key),
            "entries.csv holds the import key {key}"
        );
    }
    let readme = String::from_utf8(all["data/README.md"].clone()).expect("utf-8");
    assert!(readme.contains("https://gallery.example.ac.uk/lw/"));
    assert!(all.contains_key("data/site/index.html"));
}
