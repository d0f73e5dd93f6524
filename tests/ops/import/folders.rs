//! A study folder as researchers make it: the examples and the demo import,
//! a malformed folder lists every problem and changes nothing, a broken image
//! leaves no orphan blobs, spreadsheet exports and shared images import.

use super::{SMALL, blob_keys, copy_folder, edit, import, open, problems, small_content};
use std::path::Path;
use vitrine::app::publish::publish;

#[tokio::test]
async fn small_example_imports_and_publishes_all_but_the_unconsented_entry() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    let report = import(&app, Path::new(SMALL)).await.expect("import");
    assert_eq!(report.summary.entries, 4);
    assert_eq!(
        report.images_processed, 3,
        "bus stop.jpg (a space in the name) is read too"
    );
    let published = publish(&app, &crate::common::study(&app, &report.slug).await)
        .await
        .expect("publish");
    assert_eq!(published.entries, 3);
    assert_eq!(published.left_out.len(), 1);
    assert!(published.left_out[0].1[0].to_string().contains("\"web\""));
}

#[tokio::test]
async fn a_malformed_folder_lists_every_problem_and_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    import(&app, Path::new(SMALL)).await.expect("first import");
    let before = blob_keys(&app).await;
    let entries_before = app
        .store()
        .find_study_by_slug("small-study")
        .await
        .unwrap()
        .unwrap();

    let folder = copy_folder(SMALL);
    edit(folder.path().join("entries.csv"), |t| {
        t.replacen("images/kettle.png", "images/x.jpg", 1)
            .replacen(",O-edited,", ",Q,", 1)
            + "e9,nowhere,one,nobody,O,Extra,images/kettle.png,Caption,,,,,,,WTFPL,,\n"
    });
    edit(folder.path().join("study.toml"), |t| {
        t.replacen("title =", "colour = \"red\"\ntitle =", 1)
    });
    std::fs::remove_file(folder.path().join("consent.csv")).unwrap();

    let found = problems(import(&app, folder.path()).await);
    let expect = [
        "consent.csv: is missing from the folder",
        "entries.csv row 2, column image: images/x.jpg does not exist",
        "entries.csv row 3, column provenance: \"Q\" is not a provenance",
        "entries.csv row 6, column prompt_id: \"nowhere\" is not in prompts.csv",
        "entries.csv row 6, column participant_id: \"nobody\" is not in participants.csv",
        "entries.csv row 6, column order: \"one\" is not a whole number",
        "entries.csv row 6, column licence: unknown licence \"WTFPL\"",
        "study.toml: line ",
    ];
    for e in expect {
        assert!(
            found.iter().any(|p| p.starts_with(e)),
            "missing {e:?} in {found:#?}"
        );
    }
    assert!(found.iter().any(|p| p.contains("colour")), "{found:#?}");
    assert_eq!(
        blob_keys(&app).await,
        before,
        "no blob was added or removed"
    );
    let after = app
        .store()
        .find_study_by_slug("small-study")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, entries_before, "study texts unchanged");
    let content = app.store().load_study_content(after).await.unwrap();
    assert_eq!(content.entries.len(), 4, "no entry added");
}

#[tokio::test]
async fn an_image_that_fails_to_decode_leaves_no_orphan_blobs() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    let folder = copy_folder(SMALL);
    // The header is intact (so validation passes) but the pixel data is cut off.
    let kettle = folder.path().join("images/kettle.png");
    let bytes = std::fs::read(&kettle).unwrap();
    std::fs::write(&kettle, &bytes[..bytes.len() / 3]).unwrap();

    let found = problems(import(&app, folder.path()).await);
    assert!(
        found
            .iter()
            .any(|p| p.contains("images/kettle.png") && p.contains("corrupt")),
        "{found:#?}"
    );
    assert_eq!(
        blob_keys(&app).await,
        Vec::<String>::new(),
        "the other images' blobs were removed again"
    );
    assert!(app.store().list_study_slugs().await.unwrap().is_empty());
}

#[tokio::test]
async fn spreadsheet_exports_with_bom_crlf_quoted_newlines_and_accented_file_names_import() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    let folder = copy_folder(SMALL);
    std::fs::rename(
        folder.path().join("images/kettle.png"),
        folder.path().join("images/Café kettle.png"),
    )
    .unwrap();
    edit(folder.path().join("entries.csv"), |t| {
        let t = t
            .replacen("images/kettle.png", "images/Café kettle.png", 1)
            .replacen("Kettle on", "\"Kettle\non\"", 1);
        format!("\u{feff}{}", t.replace('\n', "\r\n"))
    });
    let report = import(&app, folder.path()).await.expect("import");
    assert_eq!(report.summary.entries, 4);
    let content = small_content(&app).await;
    assert!(
        content
            .entries
            .iter()
            .any(|e| e.title.as_deref() == Some("Kettle\non")),
        "embedded newline kept"
    );
}

#[tokio::test]
async fn one_image_may_back_several_entries_each_with_its_own_alt_text() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    let folder = copy_folder(SMALL);
    edit(folder.path().join("entries.csv"), |t| {
        t + "e5,wait,3,sam,O,Kettle again,images/kettle.png,Another caption,,A second description of the kettle,,,,,CC-BY-4.0,,\n"
    });
    let report = import(&app, folder.path()).await.expect("import");
    assert_eq!(
        report.images_processed, 3,
        "the shared image is processed once"
    );
    let content = small_content(&app).await;
    let kettles: Vec<_> = content
        .entries
        .iter()
        .filter(|e| e.title.as_deref().is_some_and(|t| t.starts_with("Kettle")))
        .collect();
    assert_eq!(kettles.len(), 2);
    assert_eq!(
        kettles[0].image.as_ref().map(|i| i.id),
        kettles[1].image.as_ref().map(|i| i.id)
    );
    assert_ne!(kettles[0].texts.alt, kettles[1].texts.alt);
}

#[tokio::test]
async fn the_bundled_demo_imports_and_publishes_all_nine_entries() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    assert!(vitrine::app::demo::ensure_demo(&app).await.expect("demo"));
    assert!(
        !vitrine::app::demo::ensure_demo(&app)
            .await
            .expect("demo again"),
        "only once"
    );
    let (_, release) = app
        .store()
        .latest_release("link-worker-retention")
        .await
        .unwrap()
        .expect("release");
    assert_eq!(release.entry_count(), 9);
    assert_eq!(release.prompts.len(), 3);
    assert_eq!(release.version, 1);
}
