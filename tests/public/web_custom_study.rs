//! A study made to be awkward: markup in every text field, an R entry, a content
//! note, and an entry that may not be published. Built with the real import and
//! publish use cases from a folder written here.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use common::{TestApp, attr, escaped, tags};
use std::path::Path;

const STUDY: &str = "tricky-study";

const STUDY_TOML: &str = r#"slug = "tricky-study"
title = "Tricky <em>study</em> & friends"
language = "cy"
summary = """
First paragraph with <script>alert("summary")</script>.
A second line of it.

Second paragraph."""

[contact]
name = "Rhian <b>Roberts</b>"
email = "rhian@example.org"
"#;

const PROMPTS: &str = "prompt_id,order,title,text,note
p1,1,The <i>first</i> prompt,\"Take a photo of <b>something</b> & tell us \"\"why\"\".\",
";

const PARTICIPANTS: &str = "participant_id,pseudonym,role
ann,Ann <b>A</b>,Tester
ben,Ben,
cat,Cat,
";

const CONSENT: &str = "participant_id,scopes,given_on,form_version,expires_on
ann,web,2024-01-01,v1,
ben,web,2024-01-01,v1,
cat,print,2024-01-01,v1,
";

const ENTRIES: &str = "entry_id,prompt_id,order,participant_id,provenance,title,image,caption,quote,alt,long_description,description,provenance_note,creator,licence,themes,content_note,checked_by,approved_by
x1,p1,1,ann,O,Kettle <script>alert(1)</script>,images/kettle.png,\"A caption with <script>alert(\"\"caption\"\")</script> & <img src=x onerror=alert(1)>\",\"A quote <b>here</b>\",A red kettle steaming beside a mug <on a counter>.,,,,Ann,CC-BY-4.0,,Mentions <b>illness</b>.,Checker C,Reviewer R
x2,p1,2,ben,R,Described only,,Ben described a scene.,,,,\"A first line <u>\nwith a break.\n\nAnd a second paragraph.\",,Ben,none,,
x3,p1,3,cat,O,Hidden entry,images/waiting-room.png,Not consented for the web.,,Three empty chairs in a waiting room.,,,,Cat,CC-BY-4.0,,
";

fn write_folder(dir: &Path) {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-study/images");
    std::fs::create_dir_all(dir.join("images")).expect("images dir");
    for name in ["kettle.png", "waiting-room.png"] {
        std::fs::copy(examples.join(name), dir.join("images").join(name)).expect("copy image");
    }
    for (name, text) in [
        ("study.toml", STUDY_TOML),
        ("prompts.csv", PROMPTS),
        ("participants.csv", PARTICIPANTS),
        ("consent.csv", CONSENT),
        ("entries.csv", ENTRIES),
    ] {
        std::fs::write(dir.join(name), text).expect("write file");
    }
}

async fn tricky() -> TestApp {
    let folder = tempfile::tempdir().expect("temp dir");
    write_folder(folder.path());
    TestApp::with_study(folder.path()).await
}

/// The `<li>` of the gallery card whose heading has this title text.
fn card<'a>(html: &'a str, title_start: &str) -> &'a str {
    let at = html.find(title_start).expect("card title");
    let start = html[..at].rfind("<li class=\"card").expect("card start");
    let end = at + html[at..].find("</li>").expect("card end");
    &html[start..end]
}

#[tokio::test]
async fn markup_in_study_texts_is_shown_as_text() {
    let app = tricky().await;
    let entry_href = {
        let gallery = app.get(&format!("/{STUDY}/")).await;
        assert_eq!(gallery.status, 200);
        let html = gallery.text();
        assert!(html.contains("<html lang=\"cy\">"));
        assert!(html.contains(&escaped("Tricky <em>study</em> & friends")));
        assert!(html.contains(&escaped("alert(\"summary\")")));
        assert!(html.contains(&escaped("The <i>first</i> prompt")));
        assert!(html.contains(&escaped(
            "Take a photo of <b>something</b> & tell us \"why\"."
        )));
        let summary = format!(
            "<p>{}<br>A second line of it.</p><p>Second paragraph.</p>",
            escaped("First paragraph with <script>alert(\"summary\")</script>.")
        );
        assert!(html.contains(&summary), "paragraphs and line breaks");
        attr(&tags(card(&html, "Kettle"), "a")[0], "href").expect("entry link")
    };
    let page = app.get(&entry_href).await.text();
    for html in [
        page.as_str(),
        &app.get(&format!("/{STUDY}/")).await.text(),
        &app.get(&format!("/{STUDY}/about")).await.text(),
    ] {
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>") && !html.contains("<i>") && !html.contains("<em>"));
        assert!(!html.contains("<img src=x"));
        // Scripts are files, or a JSON-LD data block in which study text
        // cannot close the element (`<` is written as \u003c).
        for script in tags(html, "script") {
            if attr(&script, "type").as_deref() == Some("application/ld+json") {
                let start = html.find(&script).expect("tag") + script.len();
                let end = start + html[start..].find("</script>").expect("closed");
                assert!(!html[start..end].contains('<'), "{}", &html[start..end]);
            } else {
                assert!(attr(&script, "src").is_some());
            }
        }
    }
    assert!(page.contains(&escaped(
        "A caption with <script>alert(\"caption\")</script> & <img src=x onerror=alert(1)>"
    )));
    assert!(page.contains(&escaped("A quote <b>here</b>")));
    assert!(page.contains(&escaped("Ann <b>A</b>")));
    let img = &tags(&page, "img")[0];
    assert_eq!(
        attr(img, "alt").as_deref(),
        Some(escaped("A red kettle steaming beside a mug <on a counter>.").as_str())
    );
}

#[tokio::test]
async fn described_entries_are_text_cards_with_no_image_element() {
    let app = tricky().await;
    let gallery = app.get(&format!("/{STUDY}/")).await.text();
    let r_card = card(&gallery, "Described only");
    assert!(tags(r_card, "img").is_empty() && tags(r_card, "picture").is_empty());
    assert!(r_card.contains("Described, no image"));
    let description = format!(
        "<p>{}<br>with a break.</p><p>And a second paragraph.</p>",
        escaped("A first line <u>")
    );
    assert!(r_card.contains(&description), "{r_card}");
    let page = app.get(&format!("/{STUDY}/entries/described-only")).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(tags(&html, "img").is_empty());
    assert!(html.contains("The participant described an image in words; no image is shown."));
    assert!(html.contains("All rights reserved"));
}

#[tokio::test]
async fn content_notes_come_before_an_image_that_stays_hidden_until_chosen() {
    let app = tricky().await;
    let gallery = app.get(&format!("/{STUDY}/")).await.text();
    let entry_href = attr(&tags(card(&gallery, "Kettle"), "a")[0], "href").expect("href");
    for html in [
        card(&gallery, "Kettle").to_owned(),
        app.get(&entry_href).await.text(),
    ] {
        let note = html
            .find(&escaped("Mentions <b>illness</b>."))
            .expect("note");
        let details = html.find("<details").expect("details");
        let summary = html.find("<summary>Show image").expect("summary");
        let img = html.find("<img").expect("img");
        assert!(
            note < details && details < summary && summary < img,
            "{html}"
        );
        assert!(!html[details..img].contains("<details open"));
    }
}

#[tokio::test]
async fn unpublished_entries_and_their_media_answer_404() {
    let app = tricky().await;
    let gallery = app.get(&format!("/{STUDY}/")).await.text();
    assert!(!gallery.contains("Hidden entry"));
    assert!(gallery.contains("2 of 3 participants answered"));
    assert_eq!(
        app.get(&format!("/{STUDY}/entries/hidden-entry"))
            .await
            .status,
        404
    );

    let (_, release) = app
        .app
        .store()
        .latest_release(STUDY)
        .await
        .expect("store")
        .expect("published");
    let published: Vec<&str> = release.media_keys().collect();
    let stored = app.app.blobs().list_public().await.expect("list");
    let unpublished: Vec<&String> = stored
        .iter()
        .filter(|k| !published.contains(&k.as_str()))
        .collect();
    assert!(
        !unpublished.is_empty(),
        "the hidden entry's derivatives exist"
    );
    for key in unpublished {
        assert_eq!(app.get(&format!("/media/{key}")).await.status, 404, "{key}");
    }
    for key in published {
        assert_eq!(app.get(&format!("/media/{key}")).await.status, 200, "{key}");
    }
}
