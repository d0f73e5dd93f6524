//! `vitrine export site` (issue 12): a Release as static files that work
//! from any host and from disk, byte-identical each time, scanned before
//! they are moved into place, and recorded so a withdrawal lists them.

#![expect(clippy::expect_used, clippy::panic, reason = "a test fails loudly")]

use crate::common::{DEMO, TestApp, vitrine_command};
use axum::http::StatusCode;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tempfile::TempDir;
use vitrine::app::exports::scan::{Forbidden, scan_folder};
use vitrine::app::exports::site::export_site;
use vitrine::app::exports::{ExportError, ExportRequest, Exported};
use vitrine::app::progress::NoProgress;
use vitrine_store::BlobKey;

async fn export(
    test: &TestApp,
    dir: &Path,
    release: Option<u32>,
    base_url: Option<&str>,
) -> Result<Exported, ExportError> {
    export_site(
        &test.app,
        ExportRequest {
            study: &crate::common::study(&test.app, DEMO).await,
            release,
            base_url,
            dir,
            actor: vitrine::app::Actor::operator("test"),
            originals: false,
            destination: None,
        },
        Arc::new(NoProgress),
    )
    .await
}

/// Every URL a page points at: href, src and each srcset candidate.
fn urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["href=\"", "src=\"", "srcset=\""] {
        for (at, _) in html.match_indices(attribute) {
            let start = at + attribute.len();
            let end = start + html[start..].find('"').expect("closed attribute");
            let value = &html[start..end];
            if attribute == "srcset=\"" {
                out.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next().map(str::to_owned)),
                );
            } else {
                out.push(value.to_owned());
            }
        }
    }
    out
}

#[tokio::test]
async fn the_same_release_exports_to_the_same_bytes_with_links_that_work_from_disk() {
    let test = TestApp::own_demo().await;
    let out = TempDir::new().expect("temp dir");
    let (first, second) = (out.path().join("one"), out.path().join("two"));
    let done = export(&test, &first, None, None).await.expect("export");
    export(&test, &second, None, None).await.expect("again");
    let (a, b) = (
        crate::common::files_under(&first),
        crate::common::files_under(&second),
    );
    assert_eq!(a.len(), done.files);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(b[name] == *bytes, "{name} differs between two exports");
    }

    // One page per entry of the Release, plus the gallery, about and Releases.
    let (_, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("published");
    let entries: Vec<_> = release.prompts.iter().flat_map(|p| &p.entries).collect();
    assert_eq!(done.entries, entries.len());
    for page in ["index.html", "about.html", "releases.html"] {
        assert!(a.contains_key(page), "{page}");
    }
    let gallery = String::from_utf8(a["index.html"].clone()).expect("utf-8");
    for entry in &entries {
        let page = format!("entries/{}.html", entry.slug);
        let html = String::from_utf8(a[&page].clone()).expect("utf-8");
        assert!(
            html.contains(&crate::common::escaped(&entry.texts.caption)),
            "{page}"
        );
        assert!(gallery.contains(&crate::common::escaped(&entry.title)));
        // Presenter mode (issue 14): a slide and its notes per entry.
        for file in [
            format!("present/{}.html", entry.slug),
            format!("present/{}-notes.html", entry.slug),
        ] {
            assert!(a.contains_key(&file), "{file}");
        }
    }

    // Every link is relative and names a file of the export (or is an
    // anchor, an e-mail address or the licence's page): nothing needs a server.
    let mut checked = 0;
    for (name, bytes) in &a {
        if !name.ends_with(".html") {
            continue;
        }
        let html = std::str::from_utf8(bytes).expect("utf-8");
        let folder = Path::new(name).parent().unwrap_or(Path::new(""));
        for url in urls(html) {
            if url.starts_with('#') || url.starts_with("mailto:") {
                continue;
            }
            if url.starts_with("https://creativecommons.org/") {
                continue;
            }
            assert!(
                !url.starts_with('/') && !url.contains("://"),
                "{name} links to {url}, which needs a server"
            );
            let file = url.split('#').next().expect("path");
            let target = normalise(&folder.join(file));
            assert!(
                a.contains_key(&target),
                "{name} links to {url}, which is not in the export"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");

    // Images hold nothing but pixels, and the pages name no address when
    // no base URL was given.
    for (name, bytes) in a.iter().filter(|(n, _)| n.starts_with("media/")) {
        assert_eq!(vitrine_media::public_image_problem(bytes), None, "{name}");
    }
    let about = String::from_utf8(a["about.html"].clone()).expect("utf-8");
    assert!(!about.contains("http://") && !about.contains("localhost"));

    // With a base URL, the citation gives the address the files will have.
    let cited = out.path().join("cited");
    export(
        &test,
        &cited,
        Some(1),
        Some("https://gallery.example.ac.uk/lw"),
    )
    .await
    .expect("export with a base URL");
    let about = std::fs::read_to_string(cited.join("about.html")).expect("about");
    assert!(about.contains("https://gallery.example.ac.uk/lw/index.html"));
}

/// `a/b/../c` → `a/c`, as a browser resolves a relative link.
fn normalise(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[tokio::test]
async fn a_withdrawal_lists_the_exports_that_held_the_entry() {
    let test = TestApp::own_demo().await;
    let out = TempDir::new().expect("temp dir");
    let dir = out.path().join("site");
    export(&test, &dir, None, None).await.expect("export");
    let exports = {
        let study = test.demo_study().await;
        test.app.store().list_exports(study.id).await.expect("list")
    };
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].kind, "site");
    assert_eq!(exports[0].actor, "test");

    let curator = test.curator().await;
    let entry = test.demo_entry("e03").await;
    let report = test.withdraw_as(&curator, entry).await;
    assert_eq!(report.status, StatusCode::OK);
    let report = report.text();
    assert!(report.contains("These exports made with Vitrine held it"));
    assert!(report.contains("Static site"));
    assert!(report.contains(&crate::common::escaped(&exports[0].destination)));

    // The audit log says how many exports held it.
    let log = test.app.store().audit_log(None, 1000).await.expect("log");
    let withdrawal = log
        .iter()
        .find(|r| r.action == "entry.withdraw")
        .expect("withdrawal recorded");
    let payload: serde_json::Value =
        serde_json::from_str(withdrawal.payload.as_deref().expect("payload")).expect("json");
    assert_eq!(payload["after"]["exports_holding"], 1, "{payload}");
    assert!(log.iter().any(|r| r.action == "export.site"));
}

#[tokio::test]
async fn a_scan_finding_stops_the_export_and_leaves_nothing_behind() {
    let test = TestApp::own_demo().await;
    let study = test.demo_study().await;
    // A participant whose real name is a word every page prints: the
    // Release is clean (publishing checks its texts), but the pages are not.
    let content = test.demo_content().await;
    let participant = content.entries[0].participant;
    vitrine::app::identity::set_identity(
        &test.app,
        &study,
        participant,
        "Vitrine",
        "",
        vitrine::app::Actor::operator("test"),
    )
    .await
    .expect("set identity");
    let out = TempDir::new().expect("temp dir");
    let dir = out.path().join("site");
    match export(&test, &dir, None, None).await {
        Err(ExportError::Leak(findings)) => {
            assert!(
                findings
                    .iter()
                    .any(|f| f.starts_with("index.html: names a participant in full")),
                "{findings:?}"
            );
        }
        other => panic!("expected a scan finding, got {other:?}"),
    }
    assert!(!dir.exists(), "nothing at the destination");
    assert_eq!(
        std::fs::read_dir(out.path()).expect("read").count(),
        0,
        "no staging folder left behind"
    );
    assert!(
        test.app
            .store()
            .list_exports(study.id)
            .await
            .expect("list")
            .is_empty(),
        "a stopped export is not recorded"
    );
}

#[tokio::test]
async fn the_scan_finds_an_original_or_metadata_planted_in_an_export() {
    let test = TestApp::own_demo().await;
    let out = TempDir::new().expect("temp dir");
    let dir = out.path().join("site");
    export(&test, &dir, None, None).await.expect("export");
    let study = test.demo_study().await;
    let guards = test
        .app
        .store()
        .export_guards(study.id)
        .await
        .expect("guards");
    let source = vitrine::app::exports::source(
        &test.app,
        &crate::common::study(&test.app, DEMO).await,
        None,
    )
    .await
    .expect("source");
    let forbidden = Forbidden::for_export(&test.app, &source)
        .await
        .expect("forbidden");
    assert_eq!(
        scan_folder(&dir, &forbidden).expect("scan"),
        Vec::<String>::new()
    );

    let original = test
        .app
        .blobs()
        .get(&BlobKey::Original(guards.originals[0].clone()))
        .await
        .expect("read")
        .expect("original stored");
    std::fs::write(dir.join("media/planted.jpg"), &original).expect("plant");
    // A public image with a comment segment added after its header.
    let media: PathBuf = std::fs::read_dir(dir.join("media"))
        .expect("media")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "jpg") && !p.ends_with("planted.jpg"))
        .expect("a jpeg");
    let mut bytes = std::fs::read(&media).expect("read");
    let comment = [0xFF, 0xFE, 0x00, 0x07, b'G', b'P', b'S', b'!', b'!'];
    bytes.splice(2..2, comment);
    std::fs::write(&media, bytes).expect("rewrite");
    std::fs::write(dir.join("notes.docx"), b"interview notes").expect("plant");

    let findings = scan_folder(&dir, &forbidden).expect("scan");
    assert!(
        findings.contains(&"media/planted.jpg: is a participant's original image".to_owned()),
        "{findings:?}"
    );
    let name = media
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with(&format!("media/{name}: image"))),
        "{findings:?}"
    );
    assert!(
        findings.iter().any(|f| f.starts_with("notes.docx:")),
        "{findings:?}"
    );
}

#[tokio::test]
async fn bad_requests_get_a_clear_message_exit_1_and_write_nothing() {
    let test = TestApp::own_demo().await;
    let out = TempDir::new().expect("temp dir");
    let busy = out.path().join("busy");
    std::fs::create_dir(&busy).expect("dir");
    std::fs::write(busy.join("keep.txt"), b"mine").expect("file");
    let fresh = out.path().join("fresh");
    let cases: [(&[&str], &str); 4] = [
        (
            &["export", "site", "no-such-study"],
            "no study \"no-such-study\"",
        ),
        (
            &["export", "site", DEMO, "--release", "9"],
            "has no Release 9; its latest is Release 1",
        ),
        (
            &["export", "site", DEMO, "--base-url", "gallery.example.org"],
            "is not a web address",
        ),
        (&["export", "site", DEMO], "already exists and is not empty"),
    ];
    for (args, message) in cases {
        let dir = if args.len() == 3 && args[2] == DEMO {
            &busy
        } else {
            &fresh
        };
        let output = vitrine_command(&test.app.settings, args)
            .arg(dir)
            .output()
            .expect("run vitrine");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert!(!fresh.exists());
    assert_eq!(std::fs::read(busy.join("keep.txt")).expect("kept"), b"mine");
    assert_eq!(std::fs::read_dir(out.path()).expect("read").count(), 1);

    // And from the command line, a good export says where it went.
    let output = vitrine_command(&test.app.settings, &["export", "site", DEMO])
        .arg(&fresh)
        .output()
        .expect("run vitrine");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "Exported Release 1 of \"link-worker-retention\" (9 entries) as a static site"
        )
    );
    assert!(fresh.join("index.html").is_file());
}
