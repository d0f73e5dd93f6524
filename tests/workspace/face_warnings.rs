//! Issue 13: warnings for a reviewer when a participant's photo shows
//! faces, from the local detector: at upload (the results say so and link
//! the studio), at import (a background job looks, the import says it
//! will), and on the entry's checklist. An illustration is never looked at.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common::{self, DEMO, TestApp, attr, tags};
use axum::http::StatusCode;
use std::path::Path;
use std::time::Duration;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::import_folder;
use vitrine::app::progress::NoProgress;
use vitrine_core::EntryId;

/// A portrait with one frontal face (tests/faces/LICENSES.md in the media
/// crate: US Navy, public domain).
fn portrait() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/vitrine-media/tests/faces/navy_grace_hopper.jpg"
    ))
    .expect("fixture")
}

#[tokio::test]
async fn an_uploaded_portrait_warns_of_its_face_at_upload_and_on_the_checklist() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let content = test.demo_content().await;
    let upload = format!("/admin/studies/{DEMO}/upload");
    let send = |provenance: &'static str| {
        let prompt = content.prompts[0].id.0.to_string();
        let participant = content.participants[0].id.0.to_string();
        let (app, curator, upload) = (&test.app, &curator, &upload);
        async move {
            common::post_multipart(
                app,
                curator,
                upload,
                &[
                    ("prompt", None, prompt.into_bytes()),
                    ("participant", None, participant.into_bytes()),
                    ("provenance", None, provenance.as_bytes().to_vec()),
                    ("images", Some(("portrait.jpg", "image/jpeg")), portrait()),
                ],
            )
            .await
        }
    };
    let results = send("O").await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.text());
    let text = results.text();
    assert!(
        text.contains("the face detector suggests 1 face."),
        "{text}"
    );
    let hrefs: Vec<String> = tags(&text, "a")
        .iter()
        .filter_map(|t| attr(t, "href"))
        .collect();
    let entry = hrefs
        .iter()
        .find(|h| h.contains("/entries/") && !h.ends_with("/redact"))
        .expect("a link to the new entry");
    assert!(
        hrefs.contains(&format!("{entry}/redact")),
        "a link to the studio: {hrefs:?}"
    );

    // The reviewer sees it on the checklist; a curator also gets the studio.
    let reviewer = test.reviewer().await;
    let checklist = test
        .get_as(&reviewer, &format!("{entry}/checklist"))
        .await
        .text();
    assert!(
        checklist.contains("The face detector suggests 1 face in the participant"),
        "{checklist}"
    );
    let curators = test
        .get_as(&curator, &format!("{entry}/checklist"))
        .await
        .text();
    assert!(curators.contains(&format!("href=\"{entry}/redact\"")));

    // An illustration made by the researchers is not a participant's photo.
    let illustration = send("I").await.text();
    assert!(illustration.contains("Created"), "{illustration}");
    assert!(!illustration.contains("face detector"), "{illustration}");
}

#[tokio::test]
async fn an_import_queues_a_look_for_faces_and_the_review_then_counts_them() {
    let test = TestApp::empty().await;
    let app = &test.app;
    let folder = tempfile::tempdir().expect("tempdir");
    common::copy_dir(Path::new("examples/small-study"), folder.path());
    std::fs::write(folder.path().join("images/portrait.jpg"), portrait()).expect("write");
    let entries = folder.path().join("entries.csv");
    let csv = std::fs::read_to_string(&entries).expect("read");
    std::fs::write(
        &entries,
        csv.replacen("images/kettle.png", "images/portrait.jpg", 1),
    )
    .expect("write");

    let report = import_folder(app, &DiskFolder::new(folder.path()), &NoProgress)
        .await
        .expect("import");
    assert!(
        report
            .summary
            .notes
            .iter()
            .any(|n| n.contains("will look for faces in 3 new participant photos")),
        "e1, e2 and e4 are participants' photos: {:?}",
        report.summary.notes
    );
    let study = app
        .store()
        .find_study_by_slug("small-study")
        .await
        .expect("read")
        .expect("imported");
    let content = app
        .store()
        .load_study_content(study.clone())
        .await
        .expect("read");
    let id = |key: &str| -> EntryId {
        content
            .entry_keys
            .iter()
            .find(|(_, k)| *k == key)
            .map(|(id, _)| *id)
            .expect("entry")
    };
    let faces = |key: &'static str| {
        let study = study.clone();
        async move {
            vitrine::app::signoff::review(app, &study, id(key))
                .await
                .expect("review")
                .expect("entry")
                .faces
        }
    };
    assert_eq!(faces("e1").await, None, "not looked at yet");

    // What `vitrine serve`'s worker does: every queued job, until none is left.
    let mut kinds = Vec::new();
    while let Some(job) = app
        .store()
        .claim_job("test-worker", Duration::from_secs(60))
        .await
        .expect("claim")
    {
        kinds.push(job.kind.clone());
        vitrine::app::jobs::run_claimed(app, "test-worker", job).await;
    }
    assert!(
        kinds
            .iter()
            .any(|k| k == vitrine::app::jobs::FACE_SUGGESTIONS),
        "{kinds:?}"
    );
    assert_eq!(faces("e1").await, Some(1), "the portrait");
    assert_eq!(faces("e4").await, Some(0), "an empty waiting room");
    assert_eq!(faces("e3").await, None, "a described entry has no photo");
}
