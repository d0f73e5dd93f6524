//! Presenter mode (issue 14) as a facilitator uses it without JavaScript:
//! the gallery links to it; each slide is a page with Previous and Next in
//! gallery order across prompts, the prompt's questions and the notes page
//! for a second window; an entry the Release does not show, or one
//! withdrawn, has no slide or notes, and its neighbours skip it.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common::{DEMO, TestApp, attr, rel_link, tags};
use axum::http::StatusCode;

/// Every entry slug of the latest Release, in gallery order.
async fn order(test: &TestApp) -> Vec<String> {
    let (_, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("published");
    release.entries().map(|e| e.slug.clone()).collect()
}

#[tokio::test]
async fn slides_follow_the_gallery_across_prompts_with_notes_for_a_second_window() {
    let test = TestApp::own_demo().await;
    let slugs = order(&test).await;
    assert!(slugs.len() >= 4, "{slugs:?}");
    let slide = |slug: &str| format!("/{DEMO}/present/{slug}");

    let gallery = test.get(&format!("/{DEMO}/")).await.text();
    assert!(
        gallery.contains(&format!("href=\"{}\"", slide(&slugs[0]))),
        "the gallery links to the first slide"
    );

    let first = test.get(&slide(&slugs[0])).await;
    assert_eq!(first.status, StatusCode::OK);
    let html = first.text();
    assert_eq!(rel_link(&html, "prev"), None, "nothing before the first");
    assert_eq!(rel_link(&html, "next"), Some(slide(&slugs[1])));
    assert!(html.contains(&format!("(1 of {})", slugs.len())));
    assert!(html.contains("noindex"));
    let img = tags(&html, "img").into_iter().next().expect("an image");
    assert!(
        attr(&img, "alt").is_some_and(|a| !a.is_empty()),
        "the slide's image has its alt text"
    );
    // The keys a clicker sends are wired up from data attributes, to these pages.
    assert!(html.contains(&format!("data-next=\"{}\"", slide(&slugs[1]))));
    assert!(html.contains(&format!(
        "data-last=\"{}\"",
        slide(slugs.last().expect("last"))
    )));

    // The fourth crosses into the second prompt and still links both ways.
    let fourth = test.get(&slide(&slugs[3])).await.text();
    assert_eq!(rel_link(&fourth, "prev"), Some(slide(&slugs[2])));

    let last = test.get(&slide(slugs.last().expect("last"))).await.text();
    assert_eq!(rel_link(&last, "next"), None, "nothing after the last");

    let notes = test.get(&format!("{}/notes", slide(&slugs[0]))).await;
    assert_eq!(notes.status, StatusCode::OK);
    let notes = notes.text();
    assert!(notes.contains("Notes: "));
    assert!(notes.contains("Questions for discussion"));
    assert_eq!(
        rel_link(&notes, "next"),
        Some(format!("{}/notes", slide(&slugs[1]))),
        "notes step through notes"
    );
}

#[tokio::test]
async fn no_slide_for_an_entry_the_release_does_not_show_or_one_withdrawn() {
    let test = TestApp::own_demo().await;
    for path in [
        format!("/{DEMO}/present/no-such-entry"),
        format!("/{DEMO}/present/no-such-entry/notes"),
        "/no-such-study/present/x".to_owned(),
    ] {
        assert_eq!(
            test.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let slugs = order(&test).await;
    let id = test.demo_entry("e02").await;
    test.withdraw_demo_entry(id).await;
    let after = order(&test).await;
    let withdrawn: Vec<&String> = slugs.iter().filter(|s| !after.contains(s)).collect();
    assert_eq!(withdrawn.len(), 1, "{slugs:?} → {after:?}");
    let withdrawn = withdrawn[0];
    for path in [
        format!("/{DEMO}/present/{withdrawn}"),
        format!("/{DEMO}/present/{withdrawn}/notes"),
    ] {
        assert_eq!(
            test.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let first = test
        .get(&format!("/{DEMO}/present/{}", after[0]))
        .await
        .text();
    assert_eq!(
        rel_link(&first, "next"),
        Some(format!("/{DEMO}/present/{}", after[1])),
        "the neighbours skip it"
    );
    assert!(!first.contains(withdrawn.as_str()));
}
