//! Importing study folders as a researcher would: every problem listed at once,
//! all-or-nothing, idempotent re-imports, and no orphan blobs (issue 3 §2, §3).
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use std::path::{Path, PathBuf};
use vitrine::app::App;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::{ImportError, NoProgress, import_folder};
use vitrine::app::publish::publish;

const SMALL: &str = "examples/small-study";

async fn open(dir: &Path) -> App {
    vitrine::app::testing::open(dir).await.expect("open app")
}

/// A writable copy of a study folder, for breaking on purpose.
fn copy_folder(from: &str) -> tempfile::TempDir {
    let to = tempfile::tempdir().expect("tempdir");
    common::copy_dir(Path::new(from), to.path());
    to
}

fn edit(path: PathBuf, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(path, f(text)).expect("write");
}

async fn import(
    app: &App,
    folder: &Path,
) -> Result<vitrine::app::import::ImportReport, ImportError> {
    import_folder(app, &DiskFolder::new(folder), &NoProgress).await
}

fn problems(result: Result<vitrine::app::import::ImportReport, ImportError>) -> Vec<String> {
    match result {
        Err(ImportError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
        Err(ImportError::Failed(e)) => panic!("expected problems, got failure {e:#}"),
        Ok(_) => panic!("expected problems, the import succeeded"),
    }
}

/// Every blob in the store (originals and public files), on whichever backend
/// the test runs: "unchanged" means this is equal.
async fn blob_keys(app: &App) -> Vec<String> {
    let mut keys: Vec<String> = app
        .blobs()
        .list_originals()
        .await
        .expect("list")
        .into_iter()
        .map(|k| format!("vault/{k}"))
        .collect();
    keys.extend(
        app.blobs()
            .list_public()
            .await
            .expect("list")
            .into_iter()
            .map(|k| format!("public/{k}")),
    );
    keys.sort();
    keys
}

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
    let published = publish(&app, &report.slug).await.expect("publish");
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
async fn importing_the_same_folder_again_updates_in_place() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    import(&app, Path::new(SMALL)).await.expect("first");
    let blobs = blob_keys(&app).await;

    let folder = copy_folder(SMALL);
    edit(folder.path().join("entries.csv"), |t| {
        t.replacen("Kettle on", "Kettle on again", 1)
    });
    let second = import(&app, folder.path()).await.expect("second");
    assert!(second.summary.updated);
    assert_eq!(second.images_processed, 0);
    assert_eq!(second.images_reused, 3);
    assert_eq!(blob_keys(&app).await, blobs, "no duplicate blobs");
    let study = app
        .store()
        .find_study_by_slug("small-study")
        .await
        .unwrap()
        .unwrap();
    let content = app.store().load_study_content(study).await.unwrap();
    assert_eq!(content.entries.len(), 4, "no duplicate entries");
    assert!(
        content
            .entries
            .iter()
            .any(|e| e.title.as_deref() == Some("Kettle on again"))
    );
}

#[tokio::test]
async fn rows_removed_from_the_folder_are_removed_from_the_study() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    import(&app, Path::new(SMALL)).await.expect("first");
    let folder = copy_folder(SMALL);
    edit(folder.path().join("entries.csv"), |t| {
        t.lines()
            .filter(|l| !l.starts_with("e4,"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let report = import(&app, folder.path()).await.expect("second");
    assert_eq!(report.summary.entries_removed, 1);
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
    let study = app
        .store()
        .find_study_by_slug("small-study")
        .await
        .unwrap()
        .unwrap();
    let content = app.store().load_study_content(study).await.unwrap();
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
    let study = app
        .store()
        .find_study_by_slug("small-study")
        .await
        .unwrap()
        .unwrap();
    let content = app.store().load_study_content(study).await.unwrap();
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

const CHECKER: &str = "Research team (example)";
const APPROVER: &str = "Second reviewer (example)";

/// entries.csv with the sign-off columns of entry `key` emptied.
fn without_sign_off(csv: String, key: &str) -> String {
    csv.lines()
        .map(|line| {
            if line.starts_with(&format!("{key},")) {
                line.replacen(&format!(",{CHECKER},{APPROVER}"), ",,", 1)
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The stored content of the small example study.
async fn small_content(app: &App) -> vitrine_store::StudyContent {
    let study = app
        .store()
        .find_study_by_slug("small-study")
        .await
        .expect("read study")
        .expect("study");
    app.store()
        .load_study_content(study)
        .await
        .expect("read content")
}

/// The stored entry with this import key.
fn entry<'a>(content: &'a vitrine_store::StudyContent, key: &str) -> &'a vitrine_core::Entry {
    content
        .entries
        .iter()
        .find(|e| content.entry_keys.get(&e.id).map(String::as_str) == Some(key))
        .expect("entry")
}

/// What `vitrine check` reports for entry `key` (empty when publishable).
async fn check_reasons(app: &App, key: &str) -> Vec<vitrine_core::Blocker> {
    vitrine::app::check::check(app, "small-study")
        .await
        .expect("check")
        .blocked
        .into_iter()
        .find(|(label, _)| label.starts_with(&format!("{key} ")))
        .map(|(_, reasons)| reasons)
        .unwrap_or_default()
}

#[tokio::test]
async fn an_original_photo_without_sign_off_is_left_out_and_check_says_why() {
    use vitrine_core::{Blocker, SignOffState};
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    let folder = copy_folder(SMALL);
    edit(folder.path().join("entries.csv"), |t| {
        without_sign_off(t, "e1")
    });
    import(&app, folder.path()).await.expect("import");

    let reasons = check_reasons(&app, "e1").await;
    assert_eq!(
        reasons,
        vec![Blocker::NotSignedOff(SignOffState::NotStarted)]
    );
    assert_eq!(
        reasons[0].to_string(),
        "de-identification is not signed off: the checklist has not been started; complete the \
         checklist and ask a reviewer who did not last edit the entry to approve it"
    );
    let published = publish(&app, "small-study").await.expect("publish");
    assert_eq!(published.entries, 2, "e2 and e4 only");
    assert!(
        published
            .left_out
            .iter()
            .any(|(label, reasons)| label.starts_with("e1 ")
                && reasons == &[Blocker::NotSignedOff(SignOffState::NotStarted)]),
        "{:?}",
        published.left_out
    );
}

#[tokio::test]
async fn a_sign_off_recorded_at_import_lets_the_entry_publish() {
    use vitrine_core::SignOffState;
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    let folder = copy_folder(SMALL);
    // An R entry may carry a sign-off too, though it does not need one.
    edit(folder.path().join("entries.csv"), |t| {
        t.replacen(",,\ne4,", ",Ann Checker,Bo Approver\ne4,", 1)
    });
    import(&app, folder.path()).await.expect("import");
    let content = small_content(&app).await;
    let e1 = entry(&content, "e1");
    assert_eq!(e1.sign_off, SignOffState::Approved);
    let sign_off = &content.sign_offs[&e1.id];
    assert_eq!(sign_off.checked_by, CHECKER);
    assert_eq!(sign_off.approved_by.as_deref(), Some(APPROVER));
    assert_eq!(
        (sign_off.checked_by_user, sign_off.approved_by_user),
        (None, None)
    );
    assert!(sign_off.checklist.is_complete());
    assert_eq!(
        sign_off.checklist.note.as_deref(),
        Some("recorded at import")
    );
    let e3 = entry(&content, "e3");
    assert_eq!(
        content.sign_offs[&e3.id].approved_by.as_deref(),
        Some("Bo Approver")
    );
    assert!(
        content.last_editors.is_empty(),
        "nobody edited in the workspace"
    );

    let published = publish(&app, "small-study").await.expect("publish");
    assert_eq!(published.entries, 3);
    assert_eq!(published.left_out.len(), 1, "only e3, for consent");
    let (_, release) = app
        .store()
        .latest_release("small-study")
        .await
        .unwrap()
        .expect("release");
    assert!(release.entries().any(|e| e.title == "Kettle on"));
    assert_eq!(release.changelog, vec!["First Release: 3 entries"]);
}

#[tokio::test]
async fn changing_the_caption_in_a_re_import_voids_the_sign_off() {
    use vitrine_core::{Blocker, SignOffState};
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    import(&app, Path::new(SMALL)).await.expect("first");
    publish(&app, "small-study").await.expect("publish");

    // Robin's caption changes; nobody re-checks it. Sam's entries come without
    // sign-off columns but unchanged, so their sign-off still holds.
    let folder = copy_folder(SMALL);
    edit(folder.path().join("entries.csv"), |t| {
        let t = without_sign_off(without_sign_off(t, "e1"), "e2");
        t.replacen("before anyone else", "before anybody else", 1)
    });
    import(&app, folder.path()).await.expect("second");
    let content = small_content(&app).await;
    assert_eq!(entry(&content, "e1").sign_off, SignOffState::Voided);
    assert_eq!(entry(&content, "e2").sign_off, SignOffState::Approved);
    assert_eq!(
        check_reasons(&app, "e1").await,
        vec![Blocker::NotSignedOff(SignOffState::Voided)]
    );
    let published = publish(&app, "small-study").await.expect("publish");
    assert_eq!(published.entries, 2);
    assert_eq!(published.changes.removed, vec!["Kettle on"]);
    let (_, release) = app
        .store()
        .latest_release("small-study")
        .await
        .unwrap()
        .expect("release");
    assert_eq!(release.changelog, vec!["1 entry withdrawn"]);

    // Signing the new caption off again makes it publishable.
    let folder = copy_folder(SMALL);
    edit(folder.path().join("entries.csv"), |t| {
        t.replacen("before anyone else", "before anybody else", 1)
    });
    import(&app, folder.path()).await.expect("third");
    let content = small_content(&app).await;
    assert_eq!(entry(&content, "e1").sign_off, SignOffState::Approved);
}

#[tokio::test]
async fn a_sign_off_needs_two_different_people() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    let folder = copy_folder(SMALL);
    edit(folder.path().join("entries.csv"), |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        // Row 2 (e1): the same person twice, spelt differently.
        lines[1] = lines[1].replace(APPROVER, " research TEAM (example)");
        // Row 3 (e2): only checked_by. Row 5 (e4): only approved_by.
        lines[2] = lines[2].replace(&format!(",{APPROVER}"), ",");
        lines[4] = lines[4].replace(&format!(",{CHECKER},"), ",,");
        lines.join("\n") + "\n"
    });
    let found = problems(import(&app, folder.path()).await);
    assert_eq!(
        found,
        vec![
            "entries.csv row 2, column approved_by: the approver must be a different person \
             from checked_by (four-eyes check)",
            "entries.csv row 3, column approved_by: is empty, but checked_by is not; give the \
             name of the second person who approved the de-identification checklist, or leave \
             both empty",
            "entries.csv row 5, column checked_by: is empty, but approved_by is not; give the \
             name of the person who completed the de-identification checklist, or leave both \
             empty",
        ]
    );
    assert!(app.store().list_study_slugs().await.unwrap().is_empty());
}

/// Marks entry `key` of the small study withdrawn, as the workspace will.
async fn withdraw(app: &App, key: &str, at: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.settings.database_url())
        .await
        .expect("connect");
    let done = sqlx::query("UPDATE entries SET withdrawn_at = $1 WHERE import_key = $2")
        .bind(at)
        .bind(key)
        .execute(&pool)
        .await
        .expect("withdraw");
    assert_eq!(done.rows_affected(), 1);
    pool.close().await;
}

#[tokio::test]
async fn a_withdrawn_entry_is_not_overwritten_or_removed_by_a_re_import() {
    use vitrine_core::Blocker;
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    import(&app, Path::new(SMALL)).await.expect("first");
    withdraw(&app, "e1", "2025-06-01T10:30:00Z").await;
    let before = small_content(&app).await;
    assert!(entry(&before, "e1").withdrawn);
    assert_eq!(check_reasons(&app, "e1").await, vec![Blocker::Withdrawn]);

    let folder = copy_folder(SMALL);
    edit(folder.path().join("entries.csv"), |t| {
        t.replacen("before anyone else", "before anybody else", 1)
    });
    let report = import(&app, folder.path()).await.expect("second");
    assert_eq!(
        report.summary.notes,
        vec!["entry e1 was withdrawn on 2025-06-01 and is not imported again"]
    );
    assert_eq!(report.summary.entries, 3);
    let after = small_content(&app).await;
    assert_eq!(entry(&after, "e1"), entry(&before, "e1"), "left as it was");

    // Dropping the entry, and its participant, from the folder removes neither.
    let folder = copy_folder(SMALL);
    for file in ["entries.csv", "participants.csv", "consent.csv"] {
        edit(folder.path().join(file), |t| {
            t.lines()
                .filter(|l| !l.starts_with("e1,") && !l.starts_with("robin,"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        });
    }
    let report = import(&app, folder.path()).await.expect("third");
    assert_eq!(report.summary.entries_removed, 0);
    assert!(
        report.summary.notes.is_empty(),
        "{:?}",
        report.summary.notes
    );
    let after = small_content(&app).await;
    assert!(entry(&after, "e1").withdrawn);
    assert!(after.participants.iter().any(|p| p.pseudonym == "Robin"));
    let published = publish(&app, "small-study").await.expect("publish");
    assert_eq!(published.entries, 2);
}

/// What the workspace added is not undone by importing the folder again: a
/// participant added there stays, and consent recorded there stays the current
/// record, with the folder's older record kept as history (ETH-03).
#[tokio::test]
async fn a_re_import_keeps_what_the_workspace_added() {
    let data = tempfile::tempdir().unwrap();
    let app = open(data.path()).await;
    import(&app, Path::new(SMALL)).await.expect("first");
    let study = app
        .store()
        .find_study_by_slug("small-study")
        .await
        .unwrap()
        .unwrap();
    let added = vitrine::app::consent::add_participant(&app, study.id, "Quinn", "", "test")
        .await
        .expect("add participant");
    let content = app.store().load_study_content(study.clone()).await.unwrap();
    let zoe = content
        .participants
        .iter()
        .find(|p| p.pseudonym == "Zoë")
        .expect("Zoë")
        .id;
    let input = vitrine::app::consent::ConsentInput {
        scopes: vec!["web".into(), "print".into()],
        given_on: "2025-01-10".into(),
        form_version: "v2".into(),
        expires_on: String::new(),
        method: "written".into(),
        taken_by: "Researcher".into(),
        note: String::new(),
    };
    vitrine::app::consent::record(&app, study.id, zoe, &input, None, "test")
        .await
        .expect("record consent");

    import(&app, Path::new(SMALL)).await.expect("again");

    let content = app.store().load_study_content(study).await.unwrap();
    assert!(
        content.participants.iter().any(|p| p.id == added),
        "the participant added in the workspace survives the re-import"
    );
    let current = content.consents.get(&zoe).expect("Zoë's consent");
    assert_eq!(
        current.form_version, "v2",
        "the workspace record stays current"
    );
    assert_eq!(app.store().consent_history(zoe).await.unwrap().len(), 2);
}

#[cfg(unix)]
#[tokio::test]
async fn import_refuses_symlinks_that_leave_the_study_folder() {
    use std::os::unix::fs::symlink;
    let data = tempfile::tempdir().expect("tempdir");
    let app = open(data.path()).await;
    let outside = tempfile::tempdir().expect("tempdir");
    let folder = copy_folder(SMALL);
    // A photo and a spreadsheet that are links to files elsewhere on the disk
    // (think ~/.ssh or another study): neither may be read through the folder.
    for rel in ["images/kettle.png", "participants.csv"] {
        let name = Path::new(rel).file_name().expect("file name");
        std::fs::rename(folder.path().join(rel), outside.path().join(name)).expect("move");
        symlink(outside.path().join(name), folder.path().join(rel)).expect("symlink");
    }
    let found = problems(import(&app, folder.path()).await);
    for rel in ["images/kettle.png", "participants.csv"] {
        assert!(
            found
                .iter()
                .any(|p| p.contains(rel) && p.contains("outside the study folder")),
            "{rel} is refused as a link out of the folder: {found:#?}"
        );
    }
    assert!(blob_keys(&app).await.is_empty(), "nothing was stored");
    assert!(
        app.store()
            .find_study_by_slug("small-study")
            .await
            .expect("query")
            .is_none(),
        "no study was written"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_that_stays_inside_the_study_folder_still_imports() {
    let data = tempfile::tempdir().expect("tempdir");
    let app = open(data.path()).await;
    let folder = copy_folder(SMALL);
    let images = folder.path().join("images");
    std::fs::rename(images.join("kettle.png"), folder.path().join("kettle.png")).expect("move");
    std::os::unix::fs::symlink("../kettle.png", images.join("kettle.png")).expect("symlink");
    import(&app, folder.path()).await.expect("import");
}
