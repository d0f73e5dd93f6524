//! Workshop sessions (issue 14), as a facilitator uses them: build a
//! five-entry session with questions, reorder it, present it from the
//! workspace, share it by a link that works without an account until it
//! expires (then 404), and see a withdrawn entry leave the session and its
//! link at once.

use crate::common::{DEMO, StaffLogin, TestApp, attr, rel_link, tags};
use axum::http::StatusCode;

/// The values of the `<option>`s of the "add an entry" list.
fn choices(html: &str) -> Vec<String> {
    tags(html, "option")
        .iter()
        .filter_map(|t| attr(t, "value"))
        .filter(|v| !v.is_empty())
        .collect()
}

/// The session form's entries, as the page lists them: (entry, place).
fn items(html: &str) -> Vec<String> {
    tags(html, "input")
        .iter()
        .filter(|t| attr(t, "name").as_deref() == Some("entry"))
        .filter_map(|t| attr(t, "value"))
        .collect()
}

async fn save(
    test: &TestApp,
    who: &StaffLogin,
    path: &str,
    form: &[(&str, &str)],
) -> axum::http::StatusCode {
    let mut fields = vec![("action", "save"), ("title", "Team meeting, 12 May")];
    fields.extend_from_slice(form);
    test.post_as(who, path, &fields).await.status
}

#[tokio::test]
async fn a_facilitator_builds_presents_and_shares_a_session_that_expires() {
    let test = TestApp::own_demo().await;
    let facilitator = test
        .staff("facilitator@example.org", Some("facilitator"), false)
        .await;
    let list = format!("/admin/studies/{DEMO}/sessions");
    let refused = test.post_as(&facilitator, &list, &[("title", "  ")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Give the session a title"));
    let made = test
        .post_as(&facilitator, &list, &[("title", "Team meeting, 12 May")])
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let session = made
        .header("location")
        .split('?')
        .next()
        .expect("path")
        .to_owned();
    assert!(session.starts_with(&format!("{list}/")), "{session}");

    // Five published entries, added one at a time.
    for _ in 0..5 {
        let page = test.get_as(&facilitator, &session).await.text();
        let add = choices(&page).into_iter().next().expect("an entry to add");
        let mut form: Vec<(String, String)> = items(&page)
            .into_iter()
            .enumerate()
            .flat_map(|(i, e)| {
                [
                    ("entry".to_owned(), e),
                    ("place".to_owned(), (i + 1).to_string()),
                    ("questions".to_owned(), String::new()),
                ]
            })
            .collect();
        form.push(("add".to_owned(), add));
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            save(&test, &facilitator, &session, &fields).await,
            StatusCode::SEE_OTHER
        );
    }
    let page = test.get_as(&facilitator, &session).await.text();
    let order = items(&page);
    assert_eq!(order.len(), 5);

    // The fifth moves to the front, with its own questions.
    let mut form: Vec<(String, String)> = Vec::new();
    for (i, e) in order.iter().enumerate() {
        let place = if i == 4 {
            "0.5".to_owned()
        } else {
            (i + 1).to_string()
        };
        let questions = if i == 4 {
            "What would you *change* here?".to_owned()
        } else {
            String::new()
        };
        form.extend([
            ("entry".to_owned(), e.clone()),
            ("place".to_owned(), place),
            ("questions".to_owned(), questions),
        ]);
    }
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        save(&test, &facilitator, &session, &fields).await,
        StatusCode::SEE_OTHER
    );
    let page = test.get_as(&facilitator, &session).await.text();
    let reordered = items(&page);
    assert_eq!(reordered[0], order[4]);
    assert_eq!(reordered[1..], order[..4]);

    // Presented from the workspace: five slides, by keyboard-free links.
    let slide = |n: usize| format!("{session}/present/{n}");
    let first = test.get_as(&facilitator, &slide(1)).await;
    assert_eq!(first.status, StatusCode::OK);
    let first = first.text();
    assert!(first.contains("(1 of 5)"));
    assert!(first.contains("What would you <em>change</em> here?"));
    assert_eq!(rel_link(&first, "next"), Some(slide(2)));
    let last = test.get_as(&facilitator, &slide(5)).await.text();
    assert_eq!(rel_link(&last, "next"), None);
    assert_eq!(
        test.get_as(&facilitator, &slide(6)).await.status,
        StatusCode::NOT_FOUND
    );
    let notes = test
        .get_as(&facilitator, &format!("{}/notes", slide(1)))
        .await;
    assert_eq!(notes.status, StatusCode::OK);

    // Shared by link: no account needed, for the days chosen.
    let refused = test
        .post_as(
            &facilitator,
            &session,
            &[("action", "share"), ("days", "0")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Share the link for 1 to 90 days."));
    let shared = test
        .post_as(
            &facilitator,
            &session,
            &[("action", "share"), ("days", "7")],
        )
        .await;
    assert_eq!(shared.status, StatusCode::SEE_OTHER);
    let page = test.get_as(&facilitator, &session).await.text();
    let link = page
        .split(&format!("/{DEMO}/shared/"))
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .map(|rest| format!("/{DEMO}/shared/{rest}"))
        .expect("the shared link");
    assert!(link.ends_with("/1"), "{link}");
    let public = test.get(&link).await;
    assert_eq!(public.status, StatusCode::OK, "{link}");
    let public = public.text();
    assert!(public.contains("(1 of 5)"));
    assert!(
        !public.contains("Team meeting"),
        "the title stays in the workspace"
    );
    assert_eq!(
        test.get(&format!("{link}/notes")).await.status,
        StatusCode::OK
    );
    let token = link.split('/').nth(3).expect("token").to_owned();
    assert_eq!(
        test.get(&format!("/{DEMO}/shared/{}/1", "0".repeat(32)))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a guessed token"
    );

    // A withdrawal takes the entry out of the session and its link at once.
    let study = test.demo_study().await;
    let gone: i64 = reordered[0].parse().expect("id");
    test.withdraw_demo_entry(vitrine_core::EntryId(gone)).await;
    let public = test.get(&link).await.text();
    assert!(public.contains("(1 of 4)"), "{public}");
    assert_eq!(
        items(&test.get_as(&facilitator, &session).await.text()).len(),
        4
    );

    // Once the day passes, the link answers 404.
    let id: i64 = session.rsplit('/').next().expect("id").parse().expect("id");
    test.app
        .store()
        .share_workshop(
            study.id,
            id,
            Some((&token, "2020-01-01T00:00:00Z")),
            &vitrine_store::AuditEvent {
                actor: "test".into(),
                action: "session.share".into(),
                ..Default::default()
            },
        )
        .await
        .expect("expire");
    assert_eq!(test.get(&link).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        test.get(&format!("{link}/notes")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        test.get_as(&facilitator, &session)
            .await
            .text()
            .contains("expired")
    );

    // Stopping and deleting are recorded.
    let deleted = test
        .post_as(&facilitator, &session, &[("action", "delete")])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        test.get_as(&facilitator, &session).await.status,
        StatusCode::NOT_FOUND
    );
    let audit = test
        .app
        .store()
        .audit_log(Some(study.id), 50)
        .await
        .expect("audit");
    for action in [
        "session.create",
        "session.save",
        "session.share",
        "session.delete",
    ] {
        assert!(audit.iter().any(|e| e.action == action), "{action}");
    }
}
