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
use vitrine::app::progress::NoProgress;

async fn archive(test: &TestApp, dir: &Path) {
    export_archive(
        &test.app,
        ExportRequest {
            study: &crate::common::study(&test.app, DEMO).await,
            release: None,
            base_url: Some("https://gallery.example.ac.uk/lw/"),
            dir,
            actor: vitrine::app::Actor::operator("test"),
            originals: false,
            destination: None,
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
        .store()
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

/// Each file of a ZIP by its path, and the paths in the order stored.
fn unzip(path: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    use std::io::Read;
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(path).expect("open the zip")).expect("a ZIP file");
    let mut files = BTreeMap::new();
    let mut order = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("a member");
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).expect("read a member");
        let name = file.name().expect("a UTF-8 name").into_owned();
        order.push(name.clone());
        files.insert(name, bytes);
    }
    (files, order)
}

#[tokio::test]
async fn a_zip_holds_the_bag_under_one_folder_and_one_release_gives_the_same_bytes() {
    let test = TestApp::own_demo().await;
    let out = TempDir::new().expect("temp dir");
    let (folder, first, second) = (
        out.path().join("bag"),
        out.path().join("one/bag.zip"),
        out.path().join("two/bag.zip"),
    );
    archive(&test, &folder).await;
    archive(&test, &first).await;
    archive(&test, &second).await;
    assert!(
        std::fs::read(&first).expect("zip") == std::fs::read(&second).expect("zip"),
        "two ZIPs of one Release differ"
    );
    // RFC 8493 §4.2: one top-level folder, named like the file; inside it,
    // exactly the bag the folder export writes.
    let (zipped, order) = unzip(&first);
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "members are stored in name order");
    let inside: BTreeMap<String, Vec<u8>> = zipped
        .into_iter()
        .map(|(name, bytes)| {
            let rest = name
                .strip_prefix("bag/")
                .unwrap_or_else(|| panic!("{name} is outside the top-level folder bag/"));
            (rest.to_owned(), bytes)
        })
        .collect();
    assert!(
        inside == crate::common::files_under(&folder),
        "the ZIP holds a different bag from the folder export"
    );
    // Nothing else was left beside it (no staging folder, no partial file).
    let beside: Vec<_> = std::fs::read_dir(out.path().join("one"))
        .expect("read")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(beside, vec![std::ffi::OsString::from("bag.zip")]);

    // A ZIP that exists is never overwritten.
    let before = std::fs::read(&first).expect("zip");
    let again = export_archive(
        &test.app,
        ExportRequest {
            study: &crate::common::study(&test.app, DEMO).await,
            release: None,
            base_url: None,
            dir: &first,
            actor: vitrine::app::Actor::operator("test"),
            originals: false,
            destination: None,
        },
        Arc::new(NoProgress),
    )
    .await;
    let message = again.expect_err("an existing ZIP is refused").to_string();
    assert!(message.contains("already exists"), "{message}");
    assert!(std::fs::read(&first).expect("zip") == before);
}

async fn archive_with_originals(
    test: &TestApp,
    dir: &Path,
) -> Result<vitrine::app::exports::Exported, vitrine::app::exports::ExportError> {
    export_archive(
        &test.app,
        ExportRequest {
            study: &crate::common::study(&test.app, DEMO).await,
            release: None,
            base_url: None,
            dir,
            actor: vitrine::app::Actor::operator("test"),
            originals: true,
            destination: None,
        },
        Arc::new(NoProgress),
    )
    .await
}

#[tokio::test]
async fn originals_go_in_only_with_every_participants_archive_consent_and_without_metadata() {
    let test = TestApp::own_demo().await;
    let out = TempDir::new().expect("temp dir");
    let bag = out.path().join("bag");

    // The demo's participants agreed to web, print and teaching, not archive:
    // refused, naming each entry and what to do, and nothing is written.
    let refused = archive_with_originals(&test, &bag)
        .await
        .expect_err("no archive consent, no originals")
        .to_string();
    assert!(
        refused.contains("entry \"christmas-bags-for-families\" (Mary)"),
        "{refused}"
    );
    assert!(refused.contains("does not include"), "{refused}");
    assert!(refused.contains("without originals"), "{refused}");
    assert!(!bag.exists(), "a refused export wrote {}", bag.display());
    assert_eq!(std::fs::read_dir(out.path()).expect("read").count(), 0);

    // Every participant agrees to archive deposit too.
    let study = vitrine::app::studies::find(&test.app, DEMO)
        .await
        .expect("study");
    let content = test
        .app
        .store()
        .load_study_content(study.clone())
        .await
        .expect("content");
    for participant in &content.participants {
        let input = vitrine::app::consent::ConsentInput {
            scopes: ["web", "print", "teaching", "archive"]
                .map(String::from)
                .to_vec(),
            given_on: "2024-05-01".into(),
            form_version: "v2".into(),
            method: "verbal".into(),
            taken_by: "test".into(),
            ..Default::default()
        };
        vitrine::app::consent::record(
            &test.app,
            &study,
            participant.id,
            &input,
            None,
            vitrine::app::Actor::operator("test"),
        )
        .await
        .unwrap_or_else(|e| panic!("consent for {}: {e:?}", participant.pseudonym));
    }
    archive_with_originals(&test, &bag)
        .await
        .expect("archive with originals");
    let all = crate::common::files_under(&bag);
    let listed: Vec<(String, String)> = std::str::from_utf8(&all["data/originals.csv"])
        .expect("utf-8")
        .lines()
        .skip(1)
        .map(|l| {
            let (entry, file) = l.split_once(',').expect("two columns");
            (entry.to_owned(), file.to_owned())
        })
        .collect();
    let with_images: Vec<_> = content
        .entries
        .iter()
        .filter(|e| e.image.is_some() && !e.withdrawn)
        .collect();
    assert_eq!(
        listed.len(),
        with_images.len(),
        "one original per image: {listed:?}"
    );
    let manifest = manifest(&all["manifest-sha256.txt"]);
    let source = vitrine::app::exports::source(
        &test.app,
        &crate::common::study(&test.app, DEMO).await,
        None,
    )
    .await
    .expect("the Release");
    let sizes: BTreeMap<String, (u32, u32)> = test
        .app
        .store()
        .release_entries(source.id)
        .await
        .expect("entries")
        .into_iter()
        .filter_map(|(id, slug)| {
            let entry = content.entries.iter().find(|e| e.id == id)?;
            let image = entry.image.as_ref()?;
            Some((slug, (image.width, image.height)))
        })
        .collect();
    for (entry, file) in &listed {
        let bytes = &all[&format!("data/{file}")];
        // Re-encoded from the pixels: no metadata, and not the uploaded file.
        assert_eq!(vitrine_media::public_image_problem(bytes), None, "{file}");
        assert!(
            manifest.contains_key(&format!("data/{file}")),
            "{file} is not in the manifest"
        );
        // At full size: the upright size of the image the team uploaded.
        let header =
            vitrine_media::probe(bytes, &vitrine_media::Limits::default()).expect("a JPEG");
        let image = sizes
            .get(entry)
            .unwrap_or_else(|| panic!("{entry} is not in the Release"));
        assert_eq!((header.width, header.height), *image, "{file} of {entry}");
    }
    let readme = String::from_utf8(all["data/README.md"].clone()).expect("utf-8");
    assert!(
        readme.contains(&format!(
            "`originals/`: each participant's image at its full size ({} file(s)",
            listed.len()
        )),
        "{readme}"
    );
}
