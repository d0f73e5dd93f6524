//! Discussion guides (issue 14): a facilitator writes the study's guide and
//! a prompt's questions in the workspace; the next Release shows them on
//! the gallery, in the Markdown subset only (HTML and script links as
//! text); a guide that is too long is refused by name with nothing saved.

use crate::common::{DEMO, TestApp, attr, tags};
use axum::http::StatusCode;

const STUDY_GUIDE: &str = "Use these images to start a discussion.\n\n\
    How far does this reflect *your* experience?\n\n<script>alert('guide')</script>";
const PROMPT_GUIDE: &str = "- What do you **see** first?\n\
    - [Read the report](https://example.org/report)\n\
    - [Click me](javascript:alert('prompt'))";

#[tokio::test]
async fn a_facilitator_writes_guides_that_the_next_release_shows_safely() {
    let test = TestApp::own_demo().await;
    let facilitator = test
        .staff("facilitator@example.org", Some("facilitator"), false)
        .await;
    let path = format!("/admin/studies/{DEMO}/guides");
    let page = test.get_as(&facilitator, &path).await;
    assert_eq!(page.status, StatusCode::OK);
    let fields: Vec<String> = tags(&page.text(), "textarea")
        .iter()
        .filter_map(|t| attr(t, "name"))
        .collect();
    let content = test.demo_content().await;
    assert_eq!(
        fields.len(),
        2 + content.prompts.len(),
        "the study's guide, one per prompt and the reflections' statement: {fields:?}"
    );
    let first = format!("guide-{}", content.prompts[0].id.0);
    assert_eq!(fields[1], first);

    let saved = test
        .post_as(
            &facilitator,
            &path,
            &[("guide", STUDY_GUIDE), (first.as_str(), PROMPT_GUIDE)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let preview = test.get_as(&facilitator, &path).await.text();
    assert!(preview.contains("How far does this reflect <em>your</em> experience?"));
    assert!(!preview.contains("<script>alert"), "{preview}");

    // Public texts: not on the gallery until the next Release.
    let gallery = test.get(&format!("/{DEMO}/")).await.text();
    assert!(!gallery.contains("Discussing these images"));
    vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, DEMO).await)
        .await
        .expect("publish");
    let gallery = test.get(&format!("/{DEMO}/")).await.text();
    assert!(gallery.contains("<h2 class=\"guide__title\">Discussing these images</h2>"));
    assert!(gallery.contains("How far does this reflect <em>your</em> experience?"));
    assert!(gallery.contains("&lt;script&gt;alert("), "shown as typed");
    assert!(gallery.contains("Questions for discussion"));
    assert!(gallery.contains("<li>What do you <strong>see</strong> first?</li>"));
    assert!(gallery.contains("<a href=\"https://example.org/report\">Read the report</a>"));
    assert!(gallery.contains("<li>Click me</li>"), "the words, no link");
    let lower = gallery.to_ascii_lowercase();
    assert!(!lower.contains("<script>alert"));
    assert!(!lower.contains("javascript:"));
    // The JSON API gives the Markdown as written.
    let api = test.get(&format!("/api/v1/studies/{DEMO}")).await.text();
    let json: serde_json::Value = serde_json::from_str(&api).expect("json");
    assert_eq!(json["discussion_guide"], STUDY_GUIDE);
    assert_eq!(json["prompts"][0]["guide"], PROMPT_GUIDE);

    let audit = test
        .app
        .store()
        .audit_log(Some(test.demo_study().await.id), 20)
        .await
        .expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "study.guides" && e.actor == "facilitator@example.org"),
        "recorded"
    );
}

#[tokio::test]
async fn a_guide_too_long_is_refused_by_prompt_and_nothing_is_saved() {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let content = test.demo_content().await;
    let prompt = &content.prompts[1];
    let field = format!("guide-{}", prompt.id.0);
    let long = "Why? ".repeat(2_001);
    let path = format!("/admin/studies/{DEMO}/guides");
    let refused = test
        .post_as(
            &curator,
            &path,
            &[("guide", "Kept only if all is well."), (&field, &long)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(
        text.contains(&format!(
            "The guide for &quot;{}&quot; cannot be saved: the guide is 10004 characters long",
            prompt.title
        )) || text.contains(&format!(
            "The guide for &#34;{}&#34; cannot be saved: the guide is 10004 characters long",
            prompt.title
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("href=\"#{field}\"")),
        "linked to its field"
    );
    let textarea = tags(&text, "textarea")
        .into_iter()
        .find(|t| attr(t, "name").as_deref() == Some(field.as_str()))
        .expect("the field");
    assert!(textarea.contains("aria-invalid=\"true\""), "{textarea}");
    assert!(
        text.contains("Kept only if all is well."),
        "what was typed is kept"
    );
    let after = test.demo_content().await;
    assert_eq!(after.study.info.discussion_guide, None, "nothing saved");
    assert!(after.prompts.iter().all(|p| p.guide.is_none()));

    // A reviewer may not write guides.
    let reviewer = test.reviewer().await;
    let denied = test.post_as(&reviewer, &path, &[("guide", "Mine")]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}
