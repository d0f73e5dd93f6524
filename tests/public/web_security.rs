//! What the public site must never do: serve anything outside the latest
//! Release, leak import keys or file names, set cookies, allow inline code or
//! framing, or invite indexing the study did not allow.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use common::{DEMO, TestApp, attr, contains_word, tags};
use vitrine_store::BlobKey;

/// The first JPEG and WebP derivative keys on the gallery page.
async fn media_keys(app: &TestApp) -> Vec<String> {
    let html = app.get(&format!("/{DEMO}/")).await.text();
    let mut keys = Vec::new();
    for source in tags(&html, "source") {
        let srcset = attr(&source, "srcset").expect("srcset");
        let first = srcset.split_whitespace().next().expect("a URL");
        keys.push(first.trim_start_matches("/media/").to_owned());
    }
    keys
}

#[tokio::test]
async fn anything_not_published_is_an_html_404() {
    let app = TestApp::demo().await;
    for path in [
        "/no-such-study/",
        "/no-such-study",
        "/no-such-study/about",
        "/no-such-study/entries/christmas-bags-for-families",
        &format!("/{DEMO}/entries/no-such-entry"),
        &format!("/{DEMO}/entries/e01"),
        &format!("/{DEMO}/prompts/p1"),
        "/static/site.css",
        "/static/../Cargo.toml",
        "/media/christmas-bags.png",
        "/media/0123456789abcdef0123456789abcdef.jpg",
        "/a/b/c/d",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, 404, "{path}");
        assert!(response.is_html(), "{path}");
        let html = response.text();
        assert!(html.contains("<h1>Page not found</h1>"), "{path}");
        assert!(html.contains("<html lang=\"en\">"), "{path}");
        assert_eq!(response.header("x-robots-tag"), "noindex", "{path}");
    }
}

#[tokio::test]
async fn published_media_is_served_immutable_with_its_type() {
    let app = TestApp::demo().await;
    let keys = media_keys(&app).await;
    assert!(keys.iter().any(|k| k.ends_with(".webp")) && keys.iter().any(|k| k.ends_with(".jpg")));
    for key in keys {
        let response = app.get(&format!("/media/{key}")).await;
        assert_eq!(response.status, 200, "{key}");
        let expected = if key.ends_with(".webp") {
            "image/webp"
        } else {
            "image/jpeg"
        };
        assert_eq!(response.header("content-type"), expected);
        assert_eq!(
            response.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(response.header("x-content-type-options"), "nosniff");
        let hash = key.split('.').next().expect("hash");
        assert_eq!(response.header("etag"), format!("\"{hash}\""));
        assert!(!response.body.is_empty());
        let again = app
            .get_with(
                &format!("/media/{key}"),
                &[("if-none-match", response.header("etag"))],
            )
            .await;
        assert_eq!(again.status, 304);
    }
}

#[tokio::test]
async fn media_outside_the_latest_release_is_404_even_when_stored() {
    let app = TestApp::demo().await;
    let stray = "00112233445566778899aabbccddeeff.jpg";
    app.app
        .blobs()
        .put(
            &BlobKey::Public(stray.to_owned()),
            b"not published".to_vec(),
        )
        .await
        .expect("put");
    assert_eq!(app.get(&format!("/media/{stray}")).await.status, 404);
    let originals = app.app.blobs().list_originals().await.expect("originals");
    assert!(!originals.is_empty());
    for sha in originals {
        for path in [
            format!("/media/{sha}"),
            format!("/media/{sha}.jpg"),
            format!("/media/{sha}.png"),
            format!("/media/{}.jpg", &sha[..32]),
        ] {
            assert_eq!(app.get(&path).await.status, 404, "{path}");
        }
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_no_cookie() {
    let app = TestApp::demo().await;
    let media = media_keys(&app).await.remove(0);
    let css = attr(&tags(&app.get("/").await.text(), "link")[0], "href").expect("stylesheet link");
    for path in [
        "/".to_owned(),
        format!("/{DEMO}/"),
        format!("/{DEMO}/about"),
        format!("/{DEMO}/entries/hoarding"),
        "/nowhere".to_owned(),
        format!("/{DEMO}/entries/nowhere"),
        format!("/media/{media}"),
        "/media/00112233445566778899aabbccddeeff.jpg".to_owned(),
        css,
        "/favicon.ico".to_owned(),
        "/robots.txt".to_owned(),
    ] {
        let response = app.get(&path).await;
        let csp = response.header("content-security-policy");
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe"), "{path}: {csp}");
        assert_eq!(
            response.header("x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(response.header("referrer-policy"), "no-referrer", "{path}");
        assert!(response.headers.get("set-cookie").is_none(), "{path}");
    }
}

#[tokio::test]
async fn pages_need_nothing_the_csp_forbids() {
    let app = TestApp::demo().await;
    for (path, response) in app.crawl().await {
        if !response.is_html() {
            continue;
        }
        let html = response.text();
        assert!(!html.contains(" style="), "{path}: inline style attribute");
        assert!(!html.contains("<style"), "{path}: style block");
        for script in tags(&html, "script") {
            // A JSON-LD data block is never run, so script-src does not apply.
            let data_block = attr(&script, "type").as_deref() == Some("application/ld+json");
            assert!(
                data_block || attr(&script, "src").is_some_and(|s| s.starts_with("/static/")),
                "{path}"
            );
        }
        assert!(
            !html.contains(" onclick=") && !html.contains(" onload="),
            "{path}"
        );
        for tag in tags(&html, "img").iter().chain(tags(&html, "link").iter()) {
            let url = attr(tag, "src")
                .or_else(|| attr(tag, "href"))
                .unwrap_or_default();
            assert!(url.starts_with('/'), "{path}: third-party resource {url}");
        }
    }
}

#[tokio::test]
async fn pages_ask_not_to_be_indexed_by_default() {
    let app = TestApp::demo().await;
    for path in [
        "/".to_owned(),
        format!("/{DEMO}/"),
        format!("/{DEMO}/about"),
        format!("/{DEMO}/entries/hoarding"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.header("x-robots-tag"), "noindex", "{path}");
        assert!(
            response
                .text()
                .contains("<meta name=\"robots\" content=\"noindex\">"),
            "{path}"
        );
    }
    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, 200);
    assert!(robots.text().contains("Disallow: /\n"));
}

#[tokio::test]
async fn no_public_byte_names_an_import_key_or_an_upload_file() {
    let app = TestApp::demo().await;
    let crawled = app.crawl().await;
    assert!(crawled.len() > 30, "pages, assets and media were crawled");
    let import_keys = [
        "e01", "e02", "e03", "e04", "e05", "e06", "e07", "e08", "e09", "p1", "p2", "p3", "mary",
        "john", "victoria", "anna", "amanda", "veronica", "jane", "rose", "prisha",
    ];
    let file_names = [
        "christmas-bags.png",
        "desk.png",
        "feedback-form.png",
        "financial-support.png",
        "flowers.png",
        "hoarding.png",
        "hygiene-products.png",
        "nature-walk-peacock.png",
        "training-certificate.png",
        "images/",
    ];
    for (path, response) in crawled {
        assert!(response.status.is_success(), "{path}: {}", response.status);
        let text = String::from_utf8_lossy(&response.body);
        for name in file_names {
            assert!(!text.contains(name), "{path} names the file {name}");
        }
        if response.is_html() {
            assert!(!text.contains(".png"), "{path} names a PNG file");
            for key in import_keys {
                assert!(
                    !contains_word(&text, key),
                    "{path} shows the import key {key}"
                );
            }
        }
    }
}

#[tokio::test]
async fn assets_are_fingerprinted_and_cached_forever() {
    let app = TestApp::demo().await;
    let html = app.get(&format!("/{DEMO}/")).await.text();
    let css = attr(&tags(&html, "link")[0], "href").expect("css");
    let js = tags(&html, "script")
        .iter()
        .find_map(|s| attr(s, "src"))
        .expect("js");
    for (url, kind) in [(css, "text/css"), (js, "text/javascript")] {
        assert!(url.split('.').count() == 3, "{url} carries a hash");
        let response = app.get(&url).await;
        assert_eq!(response.status, 200, "{url}");
        assert!(response.header("content-type").starts_with(kind));
        assert_eq!(
            response.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
    }
    let icon = app.get("/favicon.ico").await;
    assert_eq!(icon.status, 200);
    assert_eq!(icon.header("content-type"), "image/x-icon");
}
