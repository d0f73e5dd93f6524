//! Visitors' reflections (issue 14): a study that asks for them shows the
//! form on its served pages once published; a visitor's reflection needs
//! consent, a robot's (the honeypot filled) is dropped, an address sends at
//! most the limit per hour however the requests are timed; the team
//! moderates, and the approved ones export as CSV with formula cells
//! neutralised and as JSON with a data dictionary; a withdrawal deletes an
//! entry's reflections.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common::{DEMO, StaffLogin, TestApp};
use axum::http::StatusCode;
use vitrine::app::facilitate::reflections::LIMIT;

const CONSENT: &str = "The research team will read your reflection and may quote it, without \
    your name, in its reports.";

/// Opens the demo study for reflections and publishes.
async fn open(test: &TestApp) {
    let study = test.demo_study().await;
    vitrine::app::facilitate::save_guides(
        &test.app,
        &study,
        &vitrine::app::facilitate::GuidesInput {
            reflection_consent: CONSENT.into(),
            ..Default::default()
        },
        vitrine::app::Actor {
            user: Some(vitrine_core::UserId(1)),
            name: "test",
        },
    )
    .await
    .expect("open for reflections");
    vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, DEMO).await)
        .await
        .expect("publish");
}

/// Sends a reflection for each (entry slug, or "" for the gallery; words;
/// decision) and has a facilitator, returned, make each decision on the
/// workspace's reflections page.
async fn send_and_moderate(test: &TestApp, sent: &[(&str, &str, &str)]) -> StaffLogin {
    let send = format!("/{DEMO}/reflections");
    for (about, body, _) in sent {
        let fields = [
            ("entry", *about),
            ("reflects", "4"),
            ("role", "Link worker"),
            ("body", *body),
            ("consent", "yes"),
            ("website", ""),
        ];
        assert_eq!(
            test.post_raw(&send, "", &fields).await.status,
            StatusCode::OK
        );
    }
    let facilitator = test
        .staff("facilitator@example.org", Some("facilitator"), false)
        .await;
    let study = test.demo_study().await;
    let pending = test
        .app
        .store()
        .reflections(study.id, Some("pending"))
        .await
        .expect("read");
    let queue = format!("/admin/studies/{DEMO}/reflections");
    for (r, (_, _, decision)) in pending.iter().zip(sent) {
        let id = r.id.to_string();
        let answer = test
            .post_as(&facilitator, &queue, &[("id", &id), ("decision", decision)])
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
    }
    facilitator
}

/// The facilitator ticks "Show approved reflections on the public gallery".
async fn show_reflections(test: &TestApp, facilitator: &StaffLogin) {
    let guides = format!("/admin/studies/{DEMO}/guides");
    let saved = test
        .post_as(
            facilitator,
            &guides,
            &[("reflection_consent", CONSENT), ("show_reflections", "yes")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
}

async fn first_entry(test: &TestApp) -> String {
    let (_, release) = test
        .app
        .store()
        .latest_release(DEMO)
        .await
        .expect("read")
        .expect("published");
    release.entries().next().expect("an entry").slug.clone()
}

#[tokio::test]
async fn a_visitor_reflects_the_team_moderates_and_the_csv_neutralises_formulas() {
    let test = TestApp::own_demo().await;
    let send = format!("/{DEMO}/reflections");
    let entry = first_entry(&test).await;
    let form = |body: &'static str, consent: &'static str| {
        vec![
            ("entry", entry.clone()),
            ("reflects", "4".to_owned()),
            ("role", "Link worker".to_owned()),
            ("body", body.to_owned()),
            ("consent", consent.to_owned()),
            ("website", String::new()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let send = send.clone();
        let test = &test;
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            test.post_raw(&send, "", &refs).await
        }
    };

    // Not asked for yet: no form, and nothing is taken.
    let page = test.get(&format!("/{DEMO}/entries/{entry}")).await.text();
    assert!(!page.contains("Send my reflection"));
    assert_eq!(
        post(form("Too early", "yes")).await.status,
        StatusCode::NOT_FOUND
    );

    open(&test).await;
    let page = test.get(&format!("/{DEMO}/entries/{entry}")).await.text();
    assert!(page.contains("Send my reflection"), "the entry page asks");
    assert!(page.contains("The research team will read your reflection"));
    assert!(
        test.get(&format!("/{DEMO}/"))
            .await
            .text()
            .contains("Send my reflection")
    );

    let refused = post(form("Without consent", "")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Tick the box to agree"));
    let mut robot = form("Buy cheap watches", "yes");
    robot[5].1 = "https://spam.example".into();
    assert_eq!(
        post(robot).await.status,
        StatusCode::OK,
        "answered as if sent"
    );
    let sent = post(form(
        "=HYPERLINK(\"https://evil.example\",\"Click\")",
        "yes",
    ))
    .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(sent.text().contains("Thank you"));
    let second = post(form("This is my day too.", "yes")).await;
    assert_eq!(second.status, StatusCode::OK);

    // The team moderates: the robot's never arrived.
    let facilitator = test
        .staff("facilitator@example.org", Some("facilitator"), false)
        .await;
    let queue = format!("/admin/studies/{DEMO}/reflections");
    let page = test.get_as(&facilitator, &queue).await.text();
    assert!(page.contains("Waiting for moderation (2)"), "{page}");
    assert!(!page.contains("cheap watches"));
    let study = test.demo_study().await;
    let stored = test
        .app
        .store()
        .reflections(study.id, Some("pending"))
        .await
        .expect("read");
    let (formula, plain) = (stored[0].id.to_string(), stored[1].id.to_string());
    for (id, decision) in [(&formula, "approve"), (&plain, "reject")] {
        let done = test
            .post_as(&facilitator, &queue, &[("id", id), ("decision", decision)])
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
    }
    let again = test
        .post_as(
            &facilitator,
            &queue,
            &[("id", &plain), ("decision", "approve")],
        )
        .await;
    assert_eq!(again.status, StatusCode::GONE, "moderated once");

    let csv = test.get_as(&facilitator, &format!("{queue}.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-disposition").contains("attachment"));
    let text = csv.text();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
    assert_eq!(records.len(), 1, "only the approved one: {text}");
    let reflection = &records[0][6];
    assert!(reflection.starts_with("'="), "neutralised: {reflection}");
    assert_eq!(&records[0][4], "4");
    assert_eq!(&records[0][5], "Link worker");
    let json: serde_json::Value = serde_json::from_str(
        &test
            .get_as(&facilitator, &format!("{queue}.json"))
            .await
            .text(),
    )
    .expect("json");
    assert_eq!(json["reflections"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        json["reflections"][0]["reflection"], "=HYPERLINK(\"https://evil.example\",\"Click\")",
        "JSON keeps the words as written"
    );
    let fields: Vec<&str> = json["data_dictionary"]
        .as_array()
        .expect("dictionary")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert!(fields.contains(&"reflects") && fields.contains(&"reflection"));

    // Withdrawing the entry deletes its reflections.
    let id = test
        .app
        .store()
        .reflections(study.id, None)
        .await
        .expect("read")[0]
        .entry
        .expect("on an entry");
    test.withdraw_demo_entry(id).await;
    assert!(
        test.app
            .store()
            .reflections(study.id, None)
            .await
            .expect("read")
            .is_empty()
    );
}

#[tokio::test]
async fn one_address_sends_at_most_the_limit_however_the_requests_are_timed() {
    let test = TestApp::own_demo().await;
    open(&test).await;
    let send = format!("/{DEMO}/reflections");
    let tries = 3 * LIMIT as usize;
    let answers = futures::future::join_all((0..tries).map(|i| {
        let send = send.clone();
        let body = format!("Reflection {i}");
        let test = &test;
        async move {
            test.post_raw(
                &send,
                "",
                &[("body", body.as_str()), ("consent", "yes"), ("entry", "")],
            )
            .await
            .status
        }
    }))
    .await;
    let taken = answers.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(taken, LIMIT as usize, "{answers:?}");
    assert_eq!(taken + refused, tries, "{answers:?}");
    let study = test.demo_study().await;
    assert_eq!(
        test.app
            .store()
            .reflections(study.id, None)
            .await
            .expect("read")
            .len(),
        LIMIT as usize
    );
}

#[tokio::test]
async fn approved_reflections_are_shown_when_the_study_allows_and_leave_with_a_withdrawn_entry() {
    let test = TestApp::own_demo().await;
    open(&test).await;
    let entry = first_entry(&test).await;
    let facilitator = send_and_moderate(
        &test,
        &[
            (entry.as_str(), "Every Tuesday looks like this.", "approve"),
            ("", "The whole gallery is my week.", "approve"),
            (entry.as_str(), "Not shown: rejected.", "reject"),
        ],
    )
    .await;
    let page = format!("/{DEMO}/entries/{entry}");

    // Approved, but the study has not said they may be shown.
    vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, DEMO).await)
        .await
        .expect("publish");
    assert!(!test.get(&page).await.text().contains("Every Tuesday"));

    // The facilitator ticks the box; from the next Release they are shown.
    show_reflections(&test, &facilitator).await;
    vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, DEMO).await)
        .await
        .expect("publish");
    let shown = test.get(&page).await.text();
    assert!(shown.contains("What visitors said"), "{shown}");
    assert!(shown.contains("Every Tuesday looks like this."));
    assert!(shown.contains("How far this reflects their experience: Mostly"));
    assert!(!shown.contains("Not shown: rejected."));
    assert!(
        !shown.contains("The whole gallery is my week."),
        "that one is the gallery's"
    );
    let gallery = test.get(&format!("/{DEMO}/")).await.text();
    assert!(gallery.contains("The whole gallery is my week."));

    // Withdrawing the entry takes its reflections out of every Release.
    let id = test
        .app
        .store()
        .release_entries(
            test.app
                .store()
                .latest_release_ref(DEMO)
                .await
                .expect("read")
                .expect("published")
                .0,
        )
        .await
        .expect("read")
        .into_iter()
        .find(|(_, s)| *s == entry)
        .expect("the entry")
        .0;
    test.withdraw_demo_entry(id).await;
    for version in 1..=4 {
        let Some((_, release)) = test
            .app
            .store()
            .release_by_version(DEMO, version)
            .await
            .expect("read")
        else {
            continue;
        };
        assert!(
            release
                .reflections
                .iter()
                .all(|r| r.entry.as_deref() != Some(&entry)),
            "Release {version} still holds the withdrawn entry's reflection"
        );
    }
    let gallery = test.get(&format!("/{DEMO}/")).await.text();
    assert!(
        gallery.contains("The whole gallery is my week."),
        "the gallery's stays"
    );
    assert!(!gallery.contains("Every Tuesday"));
}

/// An approved reflection is taken down from the workspace: gone from the
/// public pages and from every stored Release at once, without publishing
/// again, with an audit record; the others stay.
#[tokio::test]
async fn a_facilitator_takes_an_approved_reflection_down_from_every_release() {
    let test = TestApp::own_demo().await;
    open(&test).await;
    let entry = first_entry(&test).await;
    let facilitator = send_and_moderate(
        &test,
        &[
            (
                entry.as_str(),
                "Please take my words down later.",
                "approve",
            ),
            ("", "The whole gallery is my week.", "approve"),
        ],
    )
    .await;
    show_reflections(&test, &facilitator).await;
    // Two Releases that show it.
    for _ in 0..2 {
        vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, DEMO).await)
            .await
            .expect("publish");
    }
    let page = format!("/{DEMO}/entries/{entry}");
    assert!(
        test.get(&page)
            .await
            .text()
            .contains("Please take my words down later.")
    );

    let queue = format!("/admin/studies/{DEMO}/reflections");
    let listed = test.get_as(&facilitator, &queue).await.text();
    assert!(listed.contains("Take down"), "{listed}");
    let study = test.demo_study().await;
    let approved = test
        .app
        .store()
        .reflections(study.id, Some("approved"))
        .await
        .expect("read");
    let id = approved
        .iter()
        .find(|r| r.body == "Please take my words down later.")
        .expect("approved")
        .id
        .to_string();
    let latest = test
        .app
        .store()
        .latest_release_ref(DEMO)
        .await
        .expect("read")
        .expect("published");
    let take_down = [("id", id.as_str()), ("decision", "take_down")];
    let answer = test.post_as(&facilitator, &queue, &take_down).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);

    // No new Release: the stored ones were rewritten.
    assert_eq!(
        test.app
            .store()
            .latest_release_ref(DEMO)
            .await
            .expect("read")
            .expect("published")
            .0,
        latest.0
    );
    assert!(
        !test
            .get(&page)
            .await
            .text()
            .contains("Please take my words down")
    );
    let gallery = test.get(&format!("/{DEMO}/")).await.text();
    assert!(
        gallery.contains("The whole gallery is my week."),
        "the other stays"
    );
    for version in 1..=3 {
        let (_, release) = test
            .app
            .store()
            .release_by_version(DEMO, version)
            .await
            .expect("read")
            .expect("stored");
        assert!(
            release
                .reflections
                .iter()
                .all(|r| r.body != "Please take my words down later."),
            "Release {version} still holds the reflection taken down"
        );
    }
    let log = test
        .app
        .store()
        .audit_log(Some(study.id), 50)
        .await
        .expect("log");
    assert!(
        log.iter()
            .any(|r| r.action == "reflection.take_down" && r.subject == format!("reflection {id}")),
        "not audited"
    );
    // Taking it down again finds nothing to do.
    let again = test.post_as(&facilitator, &queue, &take_down).await;
    assert_eq!(again.status, StatusCode::GONE);
}
