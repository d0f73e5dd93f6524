//! Publishing a study with more rows than one statement writes: the store
//! writes a Release's entries in parts of a hundred, its media keys and its
//! slug-to-entry map in statements of a few hundred rows, and checks that
//! none of its entries was withdrawn meanwhile in the same way. Every row
//! must still be written and read back in order, a withdrawal anywhere among
//! them must still stop the publish, and a Release stored whole, as before
//! parts, must still read and withdraw.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;
use common::{DEMO, TestApp};
use std::collections::BTreeSet;
use vitrine::app::Actor;
use vitrine::app::import::synthetic;

/// Entries in the study: three statements' worth of entries, and 25 of
/// their 12,010 media keys.
const ENTRIES: u32 = 1_201;

async fn stored() -> (TestApp, vitrine_core::Study) {
    let test = TestApp::empty().await;
    vitrine::app::import::store(
        &test.app,
        &synthetic::study(ENTRIES),
        Actor::operator("test"),
    )
    .await
    .expect("store the synthetic study");
    let study = common::study(&test.app, synthetic::SLUG).await;
    (test, study)
}

#[tokio::test]
async fn a_release_larger_than_one_statement_is_written_whole() {
    let (test, study) = stored().await;
    let published = vitrine::app::publish::publish(&test.app, &study)
        .await
        .expect("publish");
    assert_eq!(published.entries, ENTRIES as usize);

    let store = &test.app.store();
    let (id, release) = store
        .latest_release(synthetic::SLUG)
        .await
        .expect("read")
        .expect("a Release");
    let shown: BTreeSet<&str> = release.media_keys().collect();
    assert_eq!(
        shown.len(),
        ENTRIES as usize * vitrine_media::DEFAULT_WIDTHS.len() * 2
    );
    let bodies = store.release_bodies(study.id).await.expect("bodies");
    let recorded: BTreeSet<&str> = bodies[0].1.iter().map(String::as_str).collect();
    assert_eq!(recorded, shown, "the media rows are the Release's keys");
    for key in [shown.first(), shown.last()].into_iter().flatten() {
        assert!(store.is_public_media(key).await.expect("ask"), "{key}");
    }

    // Read back from its parts, the Release is the one built: every prompt's
    // entries, in order.
    let rebuilt = vitrine::app::publish::preview(&test.app, &study)
        .await
        .expect("preview");
    assert_eq!(release.prompts, rebuilt.release.prompts);

    let mapped = store.release_entries(id).await.expect("entries");
    let slugs: BTreeSet<&str> = release.entries().map(|e| e.slug.as_str()).collect();
    assert_eq!(mapped.len(), ENTRIES as usize);
    assert!(mapped.iter().all(|(_, slug)| slugs.contains(slug.as_str())));
}

#[tokio::test]
async fn an_entry_withdrawn_while_a_large_release_is_built_stops_the_publish() {
    let (test, study) = stored().await;
    let preview = vitrine::app::publish::preview(&test.app, &study)
        .await
        .expect("preview");
    // The last entry the Release shows: in the last statement of the check.
    let last = preview.slugs.last().expect("slugs").0;
    vitrine::app::withdraw::withdraw_entry(
        &test.app,
        &study,
        last,
        Actor::operator("test"),
        vitrine::app::withdraw::Reason::ParticipantAsked,
    )
    .await
    .expect("withdraw")
    .expect("the entry exists");

    let event = vitrine_store::AuditEvent {
        actor: "test".into(),
        action: "release.publish".into(),
        ..Default::default()
    };
    let written = test
        .app
        .store()
        .insert_release(study.id, &preview.release, &preview.slugs, &event)
        .await;
    assert!(
        matches!(written, Err(vitrine_store::StoreError::Conflict)),
        "a Release showing a withdrawn entry was written: {written:?}"
    );
    assert!(
        test.app
            .store()
            .latest_release(synthetic::SLUG)
            .await
            .expect("read")
            .is_none(),
        "nothing was published"
    );
}

#[tokio::test]
async fn a_release_stored_whole_before_parts_still_reads_and_withdraws() {
    let test = TestApp::own_demo().await;
    let store = test.app.store();
    let (id, before) = store
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("the demo is published");
    store
        .store_release_in_one_body(id)
        .await
        .expect("store it whole");
    let (_, whole) = store
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("still published");
    assert_eq!(whole, before, "a Release stored whole reads the same");

    // A DOI changes the stored body alone: the entries stay with it.
    let study = test.demo_study().await;
    vitrine::app::publish::set_doi(
        &test.app,
        &study,
        before.version,
        "10.5281/zenodo.123",
        Actor::operator("test"),
    )
    .await
    .expect("record the DOI");
    let (_, with_doi) = store
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("still published");
    assert_eq!(with_doi.doi.as_deref(), Some("10.5281/zenodo.123"));
    assert_eq!(with_doi.prompts, before.prompts, "the DOI kept every entry");
    let entry = before.entries().next().expect("an entry");
    let page = format!("/{DEMO}/entries/{}", entry.slug);
    assert_eq!(test.get(&page).await.status, axum::http::StatusCode::OK);

    let mapped = store.release_entries(id).await.expect("entries");
    let (gone, _) = mapped
        .iter()
        .find(|(_, slug)| *slug == entry.slug)
        .expect("the entry is mapped");
    vitrine::app::withdraw::withdraw_entry(
        &test.app,
        &study,
        *gone,
        Actor::operator("test"),
        vitrine::app::withdraw::Reason::ParticipantAsked,
    )
    .await
    .expect("withdraw")
    .expect("the entry exists");
    assert_eq!(
        test.get(&page).await.status,
        axum::http::StatusCode::NOT_FOUND
    );
    let bodies = store.release_bodies(study.id).await.expect("bodies");
    assert!(
        bodies
            .iter()
            .all(|(body, _)| !body.contains(&entry.texts.caption)),
        "a stored Release still shows the withdrawn entry"
    );
}
