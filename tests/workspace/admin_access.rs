//! The authorization matrix (PRV-09): every staff route × every kind of person,
//! through the real router, against a table of who may use what that is
//! written here, independently of the route table's own `need`.
//!
//! Also: forms without the session's anti-forgery token, or sent from another
//! site, change nothing (PRV-09); every staff response is `no-store`; and the
//! permission table in `docs/workspace.md` is the one the code enforces.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::access;
use crate::common;

use access::{EXPECTED, May, Person, Who, judge, rank, send};
use axum::body::Body;
use axum::http::Request;
use common::{DEMO, TestApp};
use tower::ServiceExt;
use vitrine::web::admin::route_table;

/// Real ids from the demo study, so every page has something to show.
async fn fill(app: &TestApp, path: &str) -> String {
    let content = app.demo_content().await;
    let entry = content
        .entries
        .iter()
        .find(|e| e.image.is_some())
        .expect("an entry with an image");
    let image = entry.image.as_ref().expect("image").id;
    let width = content.images[&image].variants[0].width;
    let participant = content
        .participants
        .iter()
        .find(|p| p.id != entry.participant)
        .or(content.participants.first())
        .expect("a participant");
    let prompt = content.prompts.first().expect("a prompt");
    let download = if path.contains("/exports/{id}") {
        ready_download(app).await.to_string()
    } else {
        String::new()
    };
    let session = if path.contains("/sessions/{id}") {
        ready_session(app).await.to_string()
    } else {
        String::new()
    };
    path.replace("{study}", DEMO)
        .replace("/exports/{id}", &format!("/exports/{download}"))
        .replace("/sessions/{id}", &format!("/sessions/{session}"))
        .replace("{n}", "1")
        .replace("{entry}", &entry.id.0.to_string())
        .replace("{participant}", &participant.id.0.to_string())
        .replace("{prompt}", &prompt.id.0.to_string())
        .replace("{image}", &image.0.to_string())
        .replace("{width}", &width.to_string())
        .replace("{version}", "1")
}

/// A workshop session with one published entry (made once).
async fn ready_session(app: &TestApp) -> i64 {
    use vitrine::app::facilitate::workshops;
    let study = app.demo_study().await;
    let made = workshops::sessions(&app.app, &study).await.expect("list");
    if let Some(session) = made.first() {
        return session.workshop.id;
    }
    let actor = vitrine::app::Actor {
        user: Some(vitrine_core::UserId(1)),
        name: "test",
    };
    let id = workshops::create(&app.app, &study, "Access test", actor)
        .await
        .expect("create");
    let first = workshops::session(&app.app, &study, id)
        .await
        .expect("read")
        .choices[0]
        .0;
    let input = workshops::SessionInput {
        title: "Access test".into(),
        items: Vec::new(),
        add: Some(first),
    };
    workshops::save(&app.app, &study, id, &input, actor)
        .await
        .expect("add an entry");
    id
}

/// A ZIP made in the workspace and ready to download (made once).
async fn ready_download(app: &TestApp) -> i64 {
    let study = app.demo_study().await;
    let made = app
        .app
        .store()
        .list_downloads(study.id)
        .await
        .expect("list");
    if let Some(ready) = made.iter().find(|d| d.state == "ready") {
        return ready.id;
    }
    let id = vitrine::app::exports::downloads::request(
        &app.app,
        &study,
        "site",
        None,
        false,
        vitrine::app::Actor::operator("test"),
    )
    .await
    .expect("queue a download");
    while let Some(job) = app
        .app
        .store()
        .claim_job("w", std::time::Duration::from_secs(60))
        .await
        .expect("claim")
    {
        vitrine::app::jobs::run_claimed(&app.app, "w", job).await;
    }
    id
}

async fn people(app: &TestApp) -> Vec<Person> {
    let mut people = Vec::new();
    for who in Who::ALL {
        let (email, role, admin) = match who {
            Who::Owner => ("owner@example.org", Some("owner"), false),
            Who::Curator => ("curator@example.org", Some("curator"), false),
            Who::Reviewer => ("reviewer@example.org", Some("reviewer"), false),
            Who::Facilitator => ("facilitator@example.org", Some("facilitator"), false),
            Who::Admin => ("admin@example.org", None, true),
            Who::Outsider => ("outsider@example.org", None, false),
            Who::Nobody => {
                people.push(Person {
                    who,
                    cookie: String::new(),
                    csrf: String::new(),
                });
                continue;
            }
        };
        let login = app.staff(email, role, admin).await;
        people.push(Person {
            who,
            cookie: login.cookie,
            csrf: login.csrf,
        });
    }
    // The outsider owns a study of their own.
    let store = &app.app.store();
    let (outsider, _) = store
        .find_user_by_email("outsider@example.org")
        .await
        .expect("read")
        .expect("outsider");
    let mut info = app.demo_study().await.info;
    info.slug = "another-study".into();
    info.title = "Another study".into();
    let event = vitrine_store::AuditEvent {
        actor: "test".into(),
        action: "study.create".into(),
        subject: "study another-study".into(),
        ..Default::default()
    };
    store
        .create_study(&info, outsider.id, &event)
        .await
        .expect("another study");
    people
}

/// PRV-09: every route in the route table × every kind of person answers as
/// the table in `access.rs` says (404 to non-members so drafts cannot be discovered,
/// 403 to members without the permission, sign-in to strangers).
#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let app = TestApp::own_demo().await;
    let table = route_table(app.app.clone());
    let expected = |method: &str, path: &str| {
        EXPECTED
            .iter()
            .find(|(m, p, _)| *m == method && *p == path)
            .map(|(_, _, may)| *may)
    };
    for spec in &table {
        assert!(
            expected(spec.method.as_str(), spec.path).is_some(),
            "{} {} is in the route table but not in this test's matrix",
            spec.method,
            spec.path
        );
    }
    for (method, path, _) in EXPECTED {
        assert!(
            table
                .iter()
                .any(|s| s.method.as_str() == *method && s.path == *path),
            "{method} {path} is in this test's matrix but not in the route table"
        );
    }
    let people = people(&app).await;
    let mut routes: Vec<(&str, &str, May)> = EXPECTED.to_vec();
    routes.sort_by_key(|(m, p, _)| rank(m, p));
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (method, pattern, may) in routes {
        let path = fill(&app, pattern).await;
        for person in &people {
            let answer = send(&app, method, &path, person, &[]).await;
            checked += 1;
            if let Some(why) = judge(method, may, person.who, &answer) {
                wrong.push(format!("{method} {path} as {:?}: {why}", person.who));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} answers are wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Signed out everywhere: the old cookies open nothing.
    for person in people.iter().filter(|p| p.who != Who::Nobody) {
        let answer = send(&app, "GET", "/admin", person, &[]).await;
        assert_eq!(answer.status, 303, "{:?} still signed in", person.who);
    }
}

/// PRV-09: a study that does not exist and a study one is not part of answer
/// the same, so the existence of drafts cannot be probed.
#[tokio::test]
async fn strangers_cannot_tell_a_study_exists() {
    let app = TestApp::own_demo().await;
    let stranger = app.staff("stranger@example.org", None, false).await;
    let real = app
        .get_as(&stranger, &format!("/admin/studies/{DEMO}"))
        .await;
    let none = app.get_as(&stranger, "/admin/studies/no-such-study").await;
    assert_eq!(real.status, 404);
    assert_eq!(none.status, 404);
    assert_eq!(real.text(), none.text());
}

/// A form without the session's token, with another session's token, or sent
/// from another site is refused with 403 and changes nothing.
#[tokio::test]
async fn forged_forms_are_refused_and_change_nothing() {
    let app = TestApp::empty().await;
    let admin = app.staff("admin@example.org", None, true).await;
    let other = app.staff("other@example.org", None, true).await;
    let form =
        |email: &'static str| format!("email={email}&name=New&password=a+long+enough+password");
    let person = |csrf: &str| Person {
        who: Who::Admin,
        cookie: admin.cookie.clone(),
        csrf: csrf.to_owned(),
    };
    let post = |person: Person, body: String, origin: Option<&'static str>| {
        let app = &app;
        async move {
            let mut request = Request::post("/admin/accounts")
                .header("host", "gallery.test")
                .header("cookie", &person.cookie)
                .header("content-type", "application/x-www-form-urlencoded");
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            let body = if person.csrf.is_empty() {
                body
            } else {
                format!("csrf={}&{body}", person.csrf)
            };
            let response = vitrine::web::router(app.app.clone())
                .oneshot(request.body(Body::from(body)).expect("request"))
                .await
                .expect("router answers");
            response.status().as_u16()
        }
    };
    let count = || async { app.app.store().list_users().await.expect("users").len() };
    let before = count().await;
    assert_eq!(post(person(""), form("a@example.org"), None).await, 403);
    assert_eq!(
        post(person("0".repeat(64).as_str()), form("b@example.org"), None).await,
        403
    );
    assert_eq!(
        post(person(&other.csrf), form("c@example.org"), None).await,
        403
    );
    let cross = Some("https://evil.example");
    assert_eq!(
        post(person(&admin.csrf), form("d@example.org"), cross).await,
        403
    );
    // Browsers send `Origin: null` from pages with `Referrer-Policy: no-referrer`
    // (all of ours): then the token alone decides.
    assert_eq!(
        post(person(&other.csrf), form("e@example.org"), Some("null")).await,
        403
    );
    assert_eq!(count().await, before, "a refused form created an account");
    // The same form, properly sent, works (so the refusals were about the token).
    let same = Some("https://gallery.test");
    assert_eq!(
        post(person(&admin.csrf), form("f@example.org"), same).await,
        303
    );
    assert_eq!(
        post(person(&admin.csrf), form("g@example.org"), Some("null")).await,
        303
    );
    assert_eq!(count().await, before + 2);
}

/// `docs/workspace.md`'s permission table is `vitrine_core::access::RULES`,
/// the table `Role::allows`, the gate and this file's matrix read, so the
/// documentation cannot drift: when they differ this fails and prints the
/// table to paste between the markers.
#[test]
fn the_documented_permission_table_is_the_enforced_one() {
    let docs = include_str!("../../docs/workspace.md");
    let start_marker = "<!-- permission-matrix:start -->\n";
    let start = docs.find(start_marker).expect("start marker") + start_marker.len();
    let end = docs
        .find("<!-- permission-matrix:end -->")
        .expect("end marker");
    let want = vitrine_core::access::markdown_table();
    assert!(
        docs[start..end] == want,
        "docs/workspace.md's permission table differs from vitrine_core::access::RULES; \
         paste this between the permission-matrix markers:\n\n{want}"
    );
}

/// Issue 10 item 5, PRV-09: the participants page shows consent scopes, dates
/// and expiry, so it needs the consent permission: facilitators and
/// administrators not on the team are refused, and the dashboard does not
/// show them when consents expire either.
#[tokio::test]
async fn facilitators_and_administrators_off_the_team_cannot_see_consent() {
    let app = TestApp::own_demo().await;
    let facilitator = app
        .staff("facilitator@example.org", Some("facilitator"), false)
        .await;
    let admin = app.staff("admin@example.org", None, true).await;
    let curator = app.curator().await;
    let page = format!("/admin/studies/{DEMO}/participants");
    for login in [&facilitator, &admin] {
        let answer = app.get_as(login, &page).await;
        assert_eq!(answer.status, 403, "{}", answer.text());
        assert!(!answer.text().contains("Form version"), "{}", answer.text());
        let dashboard = app.get_as(login, &format!("/admin/studies/{DEMO}")).await;
        assert_eq!(dashboard.status, 200);
        assert!(!dashboard.text().contains("Participants and consent"));
    }
    assert_eq!(app.get_as(&curator, &page).await.status, 200);
}
