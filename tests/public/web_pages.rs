//! The public pages of the demo study, through the real router.

use crate::common;

use common::{DEMO, TestApp, attr, tags};

const PROMPTS: [(&str, &str); 3] = [
    (
        "A Normal part of their working day",
        "Take a photograph, or provide us with a picture, that reflects or illustrates a normal part of your working day.",
    ),
    (
        "Something giving them confidence in their job",
        "Take a photograph, or provide us with a picture, that reflects or illustrates something giving you confidence in your job.",
    ),
    (
        "An unexpected part of their role",
        "Take a photograph, or provide us with a picture, that reflects or illustrates an unexpected part of your role.",
    ),
];

/// The O entry and the I entry of the demo.
const CHRISTMAS: &str = "/link-worker-retention/entries/christmas-bags-for-families";
const FEEDBACK: &str = "/link-worker-retention/entries/feedback-at-the-end-of-sessions";

#[tokio::test]
async fn home_lists_the_demo_study_with_its_entry_count() {
    let app = TestApp::demo().await;
    let home = app.get("/").await;
    assert_eq!(home.status, 200);
    let html = home.text();
    assert!(html.contains("Link worker retention study"), "{html}");
    assert!(html.contains("Gallery of images from interviewees"));
    assert!(html.contains("University of Oxford"));
    assert!(html.contains("9 entries"));
    assert!(html.contains(&format!("href=\"/{DEMO}/\"")));
    assert!(html.contains("<html lang=\"en\">"));
}

/// The home page is rendered once and kept, like the gallery (issue 15), but
/// a withdrawal changes the Release it was made from, so the next visitor
/// sees the new count and a revalidating browser gets the new page, not 304.
#[tokio::test]
async fn the_kept_home_page_follows_a_withdrawal() {
    let app = TestApp::demo().await;
    let first = app.get("/").await;
    assert!(first.text().contains("9 entries"));
    let etag = first.header("etag").to_owned();
    let again = app.get_with("/", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304, "an unchanged home page revalidates");

    let id = app.demo_entry("e01").await;
    app.withdraw_demo_entry(id).await;
    let after = app.get_with("/", &[("if-none-match", &etag)]).await;
    assert_eq!(after.status, 200, "the kept copy was not reused");
    assert!(after.text().contains("8 entries"), "{}", after.text());
}

#[tokio::test]
async fn gallery_shows_the_prompts_in_order_word_for_word_with_counts() {
    let app = TestApp::demo().await;
    let gallery = app.get(&format!("/{DEMO}/")).await;
    assert_eq!(gallery.status, 200);
    let html = gallery.text();
    assert!(html.contains("<html lang=\"en-GB\">"));
    let mut last = 0;
    for (title, wording) in PROMPTS {
        let heading = html
            .find(&format!(">{title}</h2>"))
            .unwrap_or_else(|| panic!("prompt heading {title}"));
        assert!(heading > last, "{title} is out of order");
        let rest = &html[heading..];
        let quote = rest.find(wording).expect("exact wording after its heading");
        let count = rest
            .find("3 of 9 participants answered this prompt.")
            .expect("n of N");
        assert!(quote < count);
        last = heading;
    }
    assert!(html.contains("not every interviewee provided photos"));
    assert!(html.contains("stand-in illustrations"));
    assert_eq!(html.matches("data-lightbox").count(), 9);
}

#[tokio::test]
async fn gallery_without_trailing_slash_redirects_to_it() {
    let app = TestApp::demo().await;
    let response = app.get(&format!("/{DEMO}")).await;
    assert!(response.status.is_redirection(), "{}", response.status);
    assert_eq!(response.header("location"), format!("/{DEMO}/"));
}

#[tokio::test]
async fn entry_page_shows_caption_provenance_and_a_responsive_image() {
    let app = TestApp::demo().await;
    let entry = app.get(CHRISTMAS).await;
    assert_eq!(entry.status, 200);
    let html = entry.text();
    assert!(html.contains("<h1>Christmas bags for families</h1>"));
    assert!(html.contains(
        "This interviewee (Mary) talked about how days were not typical as a link worker and \
         how they took on several different roles as required. This included making up \
         Christmas bags for families struggling financially."
    ));
    assert!(
        html.contains("Participant&#39;s original"),
        "label, escaped"
    );
    assert!(html.contains("A photo taken or chosen by the participant, shown as they gave it."));
    assert!(html.contains("Creative Commons Attribution-NonCommercial 4.0"));
    assert!(html.contains("Entry 1 of 3"));
    assert!(html.contains(PROMPTS[0].1));
    assert!(html.contains("rel=\"next\""));
    let img = &tags(&html, "img")[0];
    assert_eq!(
        attr(img, "alt").as_deref(),
        Some(
            "Three gift bags in red, green and gold, each tied with a ribbon and bow, on a wooden table under festive bunting."
        )
    );
    assert!(attr(img, "width").is_some_and(|w| w.parse::<u32>().is_ok_and(|w| w > 0)));
    assert!(attr(img, "height").is_some_and(|h| h.parse::<u32>().is_ok_and(|h| h > 0)));
    let sources = tags(&html, "source");
    assert!(
        sources
            .iter()
            .any(|s| attr(s, "type").as_deref() == Some("image/webp"))
    );
    for source in &sources {
        let srcset = attr(source, "srcset").expect("srcset");
        assert!(srcset.contains("w, /media/"), "several widths: {srcset}");
        assert!(attr(source, "sizes").is_some());
    }
}

#[tokio::test]
async fn illustration_entry_shows_its_provenance_note_and_long_description() {
    let app = TestApp::demo().await;
    let html = app.get(FEEDBACK).await.text();
    assert!(html.contains("Illustration by the researchers"));
    assert!(html.contains(
        "The researchers made this image to stand in for the interviewee&#39;s photo, which \
         could have identified them."
    ));
    assert!(html.contains("id=\"long-description\""));
    let img = &tags(&html, "img")[0];
    assert_eq!(
        attr(img, "aria-describedby").as_deref(),
        Some("long-description")
    );
    assert!(html.contains("Entry 2 of 3"));
    assert!(html.contains("rel=\"prev\"") && html.contains("rel=\"next\""));
}

#[tokio::test]
async fn every_image_on_every_page_has_alt_text() {
    let app = TestApp::demo().await;
    let mut images = 0;
    for (path, response) in app.crawl().await {
        if response.is_html() {
            for img in tags(&response.text(), "img") {
                images += 1;
                let alt = attr(&img, "alt").unwrap_or_default();
                assert!(!alt.trim().is_empty(), "{path}: {img}");
            }
        }
    }
    assert!(
        images >= 18,
        "gallery and entry pages show images ({images})"
    );
}

#[tokio::test]
async fn about_page_explains_the_study_marks_funder_and_citation() {
    let app = TestApp::demo().await;
    let about = app.get(&format!("/{DEMO}/about")).await;
    assert_eq!(about.status, 200);
    let html = about.text();
    for expected in [
        "qualitative interviews were conducted with 20 link workers",
        "In advance of being interviewed",
        "University of Oxford",
        "NIHR School for Primary Care Research",
        "Award 678",
        "not necessarily those of this funder",
        "Stephanie Tierney",
        "mailto:stephanie.tierney@phc.ox.ac.uk",
        "stand-in illustrations",
        "This is release 1 of the gallery",
        "https://gallery.test/link-worker-retention/",
        "Participant&#39;s original, edited",
        "Described, no image",
        "within a social prescribing team",
    ] {
        assert!(html.contains(expected), "about page lacks {expected:?}");
    }
}

#[tokio::test]
async fn pages_have_one_h1_a_skip_link_and_landmarks() {
    let app = TestApp::demo().await;
    for path in [
        "/",
        &format!("/{DEMO}/"),
        &format!("/{DEMO}/about"),
        CHRISTMAS,
        "/nowhere",
    ] {
        let html = app.get(path).await.text();
        assert_eq!(html.matches("<h1").count(), 1, "{path}");
        let skip = html.find("class=\"skip-link\"").expect("skip link");
        assert!(
            html[..skip].matches("<a ").count() == 1,
            "{path}: skip link comes first"
        );
        for landmark in ["<header", "<main id=\"main\"", "<footer"] {
            assert!(html.contains(landmark), "{path} lacks {landmark}");
        }
    }
}

#[tokio::test]
async fn a_page_rendered_for_one_host_is_never_served_to_another() {
    // Pages are rendered once per Release and kept; the citation's absolute URL
    // comes from the Host header, so a copy made for one host (or one forged
    // Host header) must not reach a visitor of another.
    let app = TestApp::demo().await;
    for (host, proto, url) in [
        ("one.example", None, "https://one.example/"),
        ("two.example", None, "https://two.example/"),
        ("two.example", Some("http"), "http://two.example/"),
        ("one.example", None, "https://one.example/"),
    ] {
        let mut headers = vec![("host", host)];
        headers.extend(proto.map(|p| ("x-forwarded-proto", p)));
        for path in [CHRISTMAS.to_owned(), format!("/{DEMO}/about")] {
            let page = app.get_with(&path, &headers).await;
            assert_eq!(page.status, 200, "{path}");
            let html = page.text();
            assert!(html.contains(url), "{path} for {host}: cites {url}");
            for other in ["one.example", "two.example"] {
                assert!(
                    other == host || !html.contains(other),
                    "{path} for {host} names {other}"
                );
            }
        }
    }
}

#[tokio::test]
async fn unchanged_pages_answer_304_to_their_etag() {
    let app = TestApp::demo().await;
    for path in [format!("/{DEMO}/"), CHRISTMAS.to_owned(), "/".to_owned()] {
        let first = app.get(&path).await;
        let etag = first.header("etag").to_owned();
        assert!(etag.starts_with('"') && etag.len() > 10, "{path}: {etag}");
        let again = app.get_with(&path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        let stale = app.get_with(&path, &[("if-none-match", "\"stale\"")]).await;
        assert_eq!(stale.status, 200);
    }
}
