//! De-identification sign-off recorded in the folder: what leaves an entry
//! out, what lets it publish, what voids it, and the two-person rule.

use super::{
    SMALL, check_reasons, copy_folder, edit, entry, import, open, problems, small_content,
};
use std::path::Path;
use vitrine::app::publish::publish;

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
    let published = publish(&app, &crate::common::study(&app, "small-study").await)
        .await
        .expect("publish");
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

    let published = publish(&app, &crate::common::study(&app, "small-study").await)
        .await
        .expect("publish");
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
    publish(&app, &crate::common::study(&app, "small-study").await)
        .await
        .expect("publish");

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
    let published = publish(&app, &crate::common::study(&app, "small-study").await)
        .await
        .expect("publish");
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
