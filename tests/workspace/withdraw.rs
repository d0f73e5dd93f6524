//! Withdrawal is complete and honest (ETH-22, ETH-23, PRV-11, PRV-13, ARC-13):
//! one action through the workspace takes an entry, or a participant, out of
//! every public page, every stored Release, the blob store, the vault and the
//! audit payloads, records the withdrawal without its content, queues a CDN
//! purge and is not undone by importing the study folder again.
//!
//! A withdrawn entry's URLs answer 404, the same as anything never published
//! (not 410, so a visitor cannot tell withdrawn from never there).
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

mod entry;
mod interrupted;
mod participant;

use crate::common;
use axum::http::StatusCode;
use common::{DEMO, TestApp, escaped};
use vitrine_core::EntryId;

/// What the public could see of one entry before it was withdrawn.
struct Public {
    id: EntryId,
    title: String,
    caption: String,
    page: String,
    media: Vec<String>,
}

/// The entry with import key `key` as the latest Release shows it.
async fn public_entry(test: &TestApp, key: &str) -> Public {
    let id = test.demo_entry(key).await;
    let (release_id, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("published");
    let slug = test
        .app
        .store()
        .release_entries(release_id)
        .await
        .expect("mapping")
        .into_iter()
        .find(|(e, _)| *e == id)
        .expect("entry is published")
        .1;
    let shown = release.find_entry(&slug).expect("in release").entry;
    Public {
        id,
        title: shown.title.clone(),
        caption: shown.texts.caption.clone(),
        page: format!("/{DEMO}/entries/{slug}"),
        media: shown
            .image
            .iter()
            .flat_map(|i| i.variants.iter().map(|v| v.key.clone()))
            .collect(),
    }
}

/// Every public URL of the site with its body, as text where it is text.
async fn crawl_text(test: &TestApp) -> Vec<(String, StatusCode, String)> {
    test.crawl()
        .await
        .into_iter()
        .map(|(path, r)| {
            let text = String::from_utf8_lossy(&r.body).into_owned();
            (path, r.status, text)
        })
        .collect()
}

fn contains_words(text: &str, words: &str) -> bool {
    text.contains(words) || text.contains(&escaped(words))
}
