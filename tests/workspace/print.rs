//! Printed cards and handouts (issue 14), as a facilitator makes them: a
//! five-entry session printed as A6 photo cards and as an A4 handout, both
//! tagged PDF (PDF/UA-1, checked by krilla's validator as they are written;
//! CI also runs the `page` validator on them), recorded in the export
//! registry so that withdrawing an entry lists the printed copies.

use crate::common::{DEMO, StaffLogin, TestApp, attr, tags};
use axum::http::StatusCode;

/// The page count in the PDF's page tree.
#[expect(clippy::expect_used, reason = "test set-up fails loudly")]
fn pages(pdf: &[u8]) -> usize {
    let body = String::from_utf8_lossy(pdf);
    let at = body.find("/Type/Pages/Count ").expect("a page tree") + 18;
    let count: String = body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    count.parse().expect("a count")
}

/// Starts a session holding the first `n` published entries; its path.
#[expect(clippy::expect_used, reason = "test set-up fails loudly")]
async fn session_of(test: &TestApp, who: &StaffLogin, n: usize) -> String {
    let list = format!("/admin/studies/{DEMO}/sessions");
    let made = test.post_as(who, &list, &[("title", "Team meeting")]).await;
    let session = made
        .header("location")
        .split('?')
        .next()
        .expect("path")
        .to_owned();
    let page = test.get_as(who, &session).await.text();
    let options: Vec<String> = tags(&page, "option")
        .iter()
        .filter_map(|t| attr(t, "value"))
        .filter(|v| !v.is_empty())
        .take(n)
        .collect();
    let mut form = vec![("action", "save"), ("title", "Team meeting")];
    for (i, entry) in options.iter().enumerate() {
        if i == 0 {
            form.push(("add", entry.as_str()));
            assert_eq!(
                test.post_as(who, &session, &form).await.status,
                StatusCode::SEE_OTHER
            );
            form.pop();
            continue;
        }
        // Every save sends the entries so far with their places.
        let page = test.get_as(who, &session).await.text();
        let held: Vec<String> = tags(&page, "input")
            .iter()
            .filter(|t| attr(t, "name").as_deref() == Some("entry"))
            .filter_map(|t| attr(t, "value"))
            .collect();
        let places: Vec<String> = (1..=held.len()).map(|p| p.to_string()).collect();
        let mut fields = form.clone();
        for (e, p) in held.iter().zip(&places) {
            fields.extend([
                ("entry", e.as_str()),
                ("place", p.as_str()),
                ("questions", ""),
            ]);
        }
        fields.push(("add", entry.as_str()));
        assert_eq!(
            test.post_as(who, &session, &fields).await.status,
            StatusCode::SEE_OTHER
        );
    }
    session
}

#[tokio::test]
async fn a_facilitator_prints_a_session_as_cards_and_a_handout_that_a_withdrawal_lists() {
    let test = TestApp::own_demo().await;
    let facilitator = test
        .staff("facilitator@example.org", Some("facilitator"), false)
        .await;
    let session = session_of(&test, &facilitator, 5).await;
    let id = session.rsplit('/').next().expect("id").to_owned();
    let print = format!("/admin/studies/{DEMO}/print");

    // The print page offers the session and every published prompt.
    let page = test.get_as(&facilitator, &print).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.text();
    assert!(page.contains("Team meeting"));
    assert!(page.contains("a-normal-part-of-their-working-day"));
    // So does the session's own page.
    let own = test.get_as(&facilitator, &session).await.text();
    assert!(
        own.contains(&format!("action=\"{print}\"")),
        "no print form on the session"
    );

    let cards = test
        .post_as(&facilitator, &print, &[("kind", "cards"), ("session", &id)])
        .await;
    assert_eq!(cards.status, StatusCode::OK, "{}", cards.text());
    assert_eq!(cards.header("content-type"), "application/pdf");
    assert!(
        cards
            .header("content-disposition")
            .contains(&format!("{DEMO}-session-{id}-cards.pdf"))
    );
    let pdf = &cards.body;
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert_eq!(
        pages(pdf),
        10,
        "a front and a back for each of five entries"
    );
    let text = String::from_utf8_lossy(pdf);
    assert!(text.contains("/StructTreeRoot"), "not tagged");
    assert!(text.contains("pdfuaid"), "not marked PDF/UA");
    // Every image carries its entry's alt text from the Release.
    let release = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("published")
        .1;
    let figures = text.matches("/S/Figure").count();
    assert_eq!(figures, 5, "one figure per card front");
    let alts: Vec<&str> = release
        .entries()
        .filter_map(|e| e.texts.alt.as_deref())
        .collect();
    let shown = alts
        .iter()
        .filter(|a| text.contains(&format!("/Alt({a})")))
        .count();
    assert!(shown >= 4, "alt texts found: {shown}");
    // No upload file name or internal key travels.
    assert!(!text.contains(".png"), "an upload file name in the PDF");

    let handout = test
        .post_as(
            &facilitator,
            &print,
            &[
                ("kind", "handout"),
                ("prompt", "a-normal-part-of-their-working-day"),
            ],
        )
        .await;
    assert_eq!(handout.status, StatusCode::OK);
    assert!(handout.body.starts_with(b"%PDF-1.7"));

    // Nonsense is refused with a message, nothing recorded.
    let refused = test
        .post_as(
            &facilitator,
            &print,
            &[("kind", "poster"), ("session", &id)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        test.post_as(
            &facilitator,
            &print,
            &[("kind", "cards"), ("session", "99999")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Both are in the registry, with the entries they hold.
    let study = test.demo_study().await;
    let exports = test.app.store().list_exports(study.id).await.expect("list");
    let kinds: Vec<&str> = exports.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(exports.len(), 2, "{kinds:?}");
    assert!(
        kinds.contains(&"cards") && kinds.contains(&"handout"),
        "{kinds:?}"
    );
    let cards_record = exports.iter().find(|e| e.kind == "cards").expect("cards");
    assert_eq!(cards_record.release_version, release.version);
    assert_eq!(cards_record.actor, "facilitator@example.org");
    assert_eq!(
        test.app
            .store()
            .export_entries(cards_record.id)
            .await
            .expect("held")
            .len(),
        5
    );

    // Withdrawing one of the session's entries lists the printed copies.
    let held = test
        .app
        .store()
        .export_entries(cards_record.id)
        .await
        .expect("held");
    let curator = test.curator().await;
    let report = test.withdraw_as(&curator, held[0]).await;
    assert_eq!(report.status, StatusCode::OK);
    let report = report.text();
    assert!(
        report.contains("These exports made with Vitrine held it"),
        "{report}"
    );
    assert!(report.contains("Photo cards (PDF)"));
}

#[tokio::test]
async fn a_reviewer_may_not_print_and_an_unpublished_study_has_nothing_to_print() {
    let test = TestApp::own_demo().await;
    let reviewer = test.reviewer().await;
    let print = format!("/admin/studies/{DEMO}/print");
    let answer = test
        .post_as(
            &reviewer,
            &print,
            &[
                ("kind", "cards"),
                ("prompt", "a-normal-part-of-their-working-day"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let study = test.demo_study().await;
    assert!(
        test.app
            .store()
            .list_exports(study.id)
            .await
            .expect("list")
            .is_empty()
    );
}
