//! Importing a folder again: updates in place, removes what was removed,
//! and keeps withdrawals and what the workspace added.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use super::{
    SMALL, blob_keys, check_reasons, copy_folder, edit, entry, import, open, small_content,
};
use std::path::Path;
use vitrine::app::App;
use vitrine::app::publish::publish;

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
    let content = small_content(&app).await;
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
    let published = publish(&app, &crate::common::study(&app, "small-study").await)
        .await
        .expect("publish");
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
    let added = vitrine::app::consent::add_participant(
        &app,
        &study,
        "Quinn",
        "",
        vitrine::app::Actor::operator("test"),
    )
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
    vitrine::app::consent::record(
        &app,
        &study,
        zoe,
        &input,
        None,
        vitrine::app::Actor::operator("test"),
    )
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
