//! `vitrine export study` (issue 12): the study folder a team can import
//! again. Import → export → import keeps every field and every image byte,
//! and the folder never holds a real name or a withdrawn entry.

#![expect(clippy::expect_used, reason = "a test fails loudly")]

use crate::common::{DEMO, TestApp};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tempfile::TempDir;
use vitrine::app::exports::study::{StudyExport, StudyRequest, export_study};
use vitrine::app::progress::NoProgress;

async fn export(test: &TestApp, dir: &Path) -> StudyExport {
    export_study(
        &test.app,
        StudyRequest {
            study: &crate::common::study(&test.app, DEMO).await,
            dir,
            actor: vitrine::app::Actor::operator("test"),
        },
        Arc::new(NoProgress),
    )
    .await
    .expect("export")
}

/// Everything a study folder says about the study, by import key, with the
/// sha256 of each entry's original: what a round trip must keep.
async fn snapshot(test: &TestApp) -> BTreeMap<String, String> {
    let study = test.demo_study().await;
    let keys = test.app.store().folder_keys(study.id).await.expect("keys");
    let content = test.demo_content().await;
    let mut out = BTreeMap::new();
    out.insert("study".to_owned(), format!("{:?}", study.info));
    for p in &content.prompts {
        out.insert(
            format!("prompt {}", keys.prompts[&p.id.0]),
            format!(
                "{} {} {} {:?} {:?}",
                p.order, p.title, p.text, p.note, p.guide
            ),
        );
    }
    for t in &content.themes {
        out.insert(
            format!("theme {}", keys.themes[&t.id.0]),
            format!("{} {:?}", t.name, t.description),
        );
    }
    for p in &content.participants {
        out.insert(
            format!("participant {}", keys.participants[&p.id.0]),
            format!(
                "{} {:?} {:?}",
                p.pseudonym,
                p.role,
                content.consents.get(&p.id)
            ),
        );
    }
    for e in &content.entries {
        let image = e.image.as_ref().map(|i| keys.images[&i.id.0].0.clone());
        let mut themes: Vec<&String> = e.themes.iter().map(|t| &keys.themes[&t.0]).collect();
        themes.sort();
        out.insert(
            format!("entry {}", content.entry_keys[&e.id]),
            format!(
                "prompt={} order={} participant={} {:?} {:?} image={image:?} caption={:?} \
                 quote={:?} alt={:?} long={:?} description={:?} note={:?} creator={:?} \
                 licence={:?} themes={themes:?} content_note={:?} sign_off={:?} withdrawn={}",
                keys.prompts[&e.prompt.0],
                e.order,
                keys.participants[&e.participant.0],
                e.provenance,
                e.title,
                e.texts.caption,
                e.texts.quote,
                e.texts.alt,
                e.texts.long_description,
                e.texts.description,
                e.texts.provenance_note,
                e.texts.creator,
                e.licence,
                e.texts.content_note,
                e.sign_off,
                e.withdrawn,
            ),
        );
    }
    out
}

#[tokio::test]
async fn import_export_import_keeps_every_field_and_image() {
    let first = TestApp::own_demo().await;
    // Discussion guides (issue 14), with the line breaks their lists need.
    let study = first.demo_study().await;
    let prompt = first.demo_content().await.prompts[2].id;
    vitrine::app::facilitate::save_guides(
        &first.app,
        &study,
        &vitrine::app::facilitate::GuidesInput {
            study: "Start with *one* image.\n\n- What do you see?\n- \"Quoted\", too".into(),
            reflection_consent: "The team reads every reflection; approved ones are research data."
                .into(),
            show_reflections: true,
            prompts: vec![(prompt, "1. First\n2. Second, with a comma".into())],
        },
        vitrine::app::Actor {
            user: Some(vitrine_core::UserId(1)),
            name: "test",
        },
    )
    .await
    .expect("guides");
    vitrine::app::publish::publish(&first.app, &crate::common::study(&first.app, DEMO).await)
        .await
        .expect("publish the guides");
    let out = TempDir::new().expect("temp dir");
    let dir = out.path().join("folder");
    let done = export(&first, &dir).await;
    assert_eq!(done.entries, 9);
    assert_eq!(done.withdrawn, 0);

    let second = TestApp::with_study(&dir).await;
    let (before, after) = (snapshot(&first).await, snapshot(&second).await);
    assert_eq!(before.len(), after.len());
    for (what, value) in &before {
        assert_eq!(Some(value), after.get(what), "{what}");
    }
    // And the second copy exports to the same bytes.
    let again = out.path().join("again");
    export(&second, &again).await;
    for name in [
        "study.toml",
        "prompts.csv",
        "participants.csv",
        "consent.csv",
        "themes.csv",
        "entries.csv",
    ] {
        assert_eq!(
            std::fs::read(dir.join(name)).expect("first"),
            std::fs::read(again.join(name)).expect("second"),
            "{name}"
        );
    }
    // The same Release is published from it.
    let release = |t: &TestApp| {
        let store = t.app.store().clone();
        async move {
            let (_, r) = store
                .latest_release(DEMO)
                .await
                .expect("read")
                .expect("published");
            serde_json::to_value(&r.prompts).expect("json")
        }
    };
    assert_eq!(release(&first).await, release(&second).await);
}

#[tokio::test]
async fn real_names_withdrawn_entries_and_withdrawn_consent_stay_behind() {
    let test = TestApp::own_demo().await;
    let study = test.demo_study().await;
    let content = test.demo_content().await;
    let keys = test.app.store().folder_keys(study.id).await.expect("keys");
    let mary = content
        .participants
        .iter()
        .find(|p| keys.participants[&p.id.0] == "mary")
        .expect("mary")
        .id;
    vitrine::app::identity::set_identity(
        &test.app,
        &study,
        mary,
        "Harriet Quell",
        "harriet@example.org",
        vitrine::app::Actor::operator("test"),
    )
    .await
    .expect("identity");
    let john = content
        .participants
        .iter()
        .find(|p| keys.participants[&p.id.0] == "john")
        .expect("john")
        .id;
    vitrine::app::withdraw::withdraw_participant(
        &test.app,
        &study,
        john,
        vitrine::app::Actor::operator("test"),
        vitrine::app::withdraw::Reason::ParticipantAsked,
    )
    .await
    .expect("withdraw")
    .expect("participant");

    let out = TempDir::new().expect("temp dir");
    let dir = out.path().join("folder");
    let done = export(&test, &dir).await;
    assert!(done.withdrawn >= 1);
    for name in [
        "study.toml",
        "prompts.csv",
        "participants.csv",
        "consent.csv",
        "themes.csv",
        "entries.csv",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).expect("read");
        assert!(
            !text.contains("Harriet") && !text.contains("Quell"),
            "{name}"
        );
        assert!(!text.contains("harriet@example.org"), "{name}");
    }
    let entries = std::fs::read_to_string(dir.join("entries.csv")).expect("entries");
    assert!(
        !entries.lines().any(|l| l.split(',').nth(3) == Some("john")),
        "John's withdrawn entries are not written"
    );
    let consent = std::fs::read_to_string(dir.join("consent.csv")).expect("consent");
    assert!(
        !consent.lines().any(|l| l.starts_with("john,")),
        "John's withdrawn consent is not written, so an import cannot give it back"
    );
    assert!(consent.lines().any(|l| l.starts_with("mary,")));
    // The folder's texts name no one; if they did, the export would stop.
    let log = test.app.store().audit_log(None, 1000).await.expect("log");
    assert!(log.iter().any(|r| r.action == "export.study"));
    let exports = test.app.store().list_exports(study.id).await.expect("list");
    assert_eq!(exports[0].kind, "study");
    assert_eq!(exports[0].release_version, 0);
}
