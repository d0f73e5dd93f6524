//! Page weight budget (issue 6): an entry page weighs at most 60 KB before
//! images (HTML, CSS, JS, fonts) and 250 KB with its first image at 1x, and
//! every image declares its size so nothing shifts while it loads.

use crate::common;

use common::{TestApp, attr, tags};

const BEFORE_IMAGES: usize = 60 * 1024;
const WITH_FIRST_IMAGE: usize = 250 * 1024;

#[tokio::test]
async fn every_demo_entry_page_stays_within_the_budget() {
    let test = TestApp::demo().await;
    let gallery = test.get("/link-worker-retention/").await.text();
    let entries: Vec<String> = common::links(&gallery)
        .into_iter()
        .filter(|l| l.starts_with("/link-worker-retention/entries/"))
        .collect();
    assert_eq!(entries.len(), 9);
    for path in entries {
        let page = test.get(&path).await;
        let html = page.text();
        let mut weight = page.body.len();
        let mut assets: Vec<String> = tags(&html, "link")
            .iter()
            .filter(|t| attr(t, "rel").as_deref() == Some("stylesheet"))
            .filter_map(|t| attr(t, "href"))
            .collect();
        assets.extend(tags(&html, "script").iter().filter_map(|t| attr(t, "src")));
        for asset in &assets {
            let response = test.get(asset).await;
            assert_eq!(response.status, 200, "{asset}");
            weight += response.body.len();
        }
        assert!(
            weight <= BEFORE_IMAGES,
            "{path}: {weight} bytes before images"
        );
        let before = weight;

        let images = tags(&html, "img");
        for img in &images {
            assert!(
                attr(img, "width").is_some() && attr(img, "height").is_some(),
                "{path}: {img}"
            );
        }
        let first = images
            .first()
            .and_then(|img| attr(img, "src"))
            .expect("an image");
        weight += test.get(&first).await.body.len();
        assert!(
            weight <= WITH_FIRST_IMAGE,
            "{path}: {weight} bytes with its first image"
        );
        eprintln!("{path}: {before} bytes before images, {weight} with {first}");
    }
}
