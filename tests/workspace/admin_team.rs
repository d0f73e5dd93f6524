//! The accounts, team and audit-log pages (PRV-09 least privilege, PRV-11
//! audited role changes and a log that shows whether it verifies).

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use common::{DEMO, TestApp};
use vitrine_core::Role;

async fn role_of(test: &TestApp, email: &str) -> Option<Role> {
    let store = &test.app.store();
    let (user, _) = store.find_user_by_email(email).await.expect("read")?;
    let study = test.demo_study().await;
    store.role_in(user.id, study.id).await.expect("read")
}

/// An owner adds a person, changes their role and removes them; each change
/// is in the study's audit log with the role before and after.
#[tokio::test]
async fn owners_manage_the_team_and_every_change_is_logged() {
    let test = TestApp::own_demo().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    test.staff("pat@example.org", None, false).await;
    let team = format!("/admin/studies/{DEMO}/team");

    let page = test.get_as(&owner, &team).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("owner@example.org") && !html.contains("pat@example.org"));
    assert!(html.contains("<caption>Permissions by role</caption>"));

    let add = [
        ("action", "grant"),
        ("email", "Pat@Example.org"),
        ("role", "curator"),
    ];
    let response = test.post_as(&owner, &team, &add).await;
    assert_eq!(response.status, 303);
    assert_eq!(response.header("location"), format!("{team}?done=added"));
    assert_eq!(role_of(&test, "pat@example.org").await, Some(Role::Curator));
    let change = [
        ("action", "grant"),
        ("email", "pat@example.org"),
        ("role", "reviewer"),
    ];
    assert_eq!(test.post_as(&owner, &team, &change).await.status, 303);
    assert_eq!(
        role_of(&test, "pat@example.org").await,
        Some(Role::Reviewer)
    );
    let page = test
        .get_as(&owner, &format!("{team}?done=member"))
        .await
        .text();
    assert!(page.contains("Team updated.") && page.contains("pat@example.org"));

    let remove = [("action", "remove"), ("email", "pat@example.org")];
    assert_eq!(test.post_as(&owner, &team, &remove).await.status, 303);
    assert_eq!(role_of(&test, "pat@example.org").await, None);

    let audit = test
        .get_as(&owner, &format!("/admin/studies/{DEMO}/audit"))
        .await;
    assert_eq!(audit.status, 200);
    let html = audit.text();
    assert!(html.contains("The log verifies"), "{html}");
    let removed = html.find("team.remove").expect("removal logged");
    let granted = html.find("team.grant").expect("grant logged");
    assert!(removed < granted, "newest first");
    assert!(html.contains("account pat@example.org"));
    assert!(html.contains("<li>role: reviewer</li>"), "{html}");
}

/// The last owner can be neither removed nor demoted; the page says why (422)
/// and nothing changes. Unknown accounts and roles are explained too.
#[tokio::test]
async fn the_last_owner_stays() {
    let test = TestApp::own_demo().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let team = format!("/admin/studies/{DEMO}/team");
    for form in [
        vec![("action", "remove"), ("email", "owner@example.org")],
        vec![
            ("action", "grant"),
            ("email", "owner@example.org"),
            ("role", "curator"),
        ],
    ] {
        let response = test.post_as(&owner, &team, &form).await;
        assert_eq!(response.status, 422, "{form:?}");
        let html = response.text();
        assert!(html.contains("class=\"problem\" role=\"alert\""));
        assert!(html.contains("only owner"), "{html}");
        assert_eq!(role_of(&test, "owner@example.org").await, Some(Role::Owner));
    }
    for (form, says) in [
        (
            vec![
                ("action", "grant"),
                ("email", "owner@example.org"),
                ("role", "boss"),
            ],
            "not a role",
        ),
        (vec![("action", "remove"), ("email", "")], "e-mail address"),
        (
            vec![("action", "dance"), ("email", "owner@example.org")],
            "Choose whether",
        ),
    ] {
        let response = test.post_as(&owner, &team, &form).await;
        assert_eq!(response.status, 422, "{form:?}");
        assert!(response.text().contains(says), "{form:?}");
    }
    // With a second owner, the first may step down.
    test.staff("second@example.org", Some("owner"), false).await;
    let down = [
        ("action", "grant"),
        ("email", "owner@example.org"),
        ("role", "curator"),
    ];
    assert_eq!(test.post_as(&owner, &team, &down).await.status, 303);
    assert_eq!(
        role_of(&test, "owner@example.org").await,
        Some(Role::Curator)
    );
}

/// Administrators list accounts with their studies and create new ones; bad
/// input is explained (422) and the password is never sent back.
#[tokio::test]
async fn administrators_create_accounts() {
    let test = TestApp::own_demo().await;
    let admin = test.staff("admin@example.org", None, true).await;
    test.curator().await;
    let page = test.get_as(&admin, "/admin/accounts").await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("curator@example.org") && html.contains(": Curator</li>"),
        "{html}"
    );

    let secret = "short pw";
    for (form, says) in [
        (
            vec![
                ("email", "new@example.org"),
                ("name", "New"),
                ("password", secret),
            ],
            "at least 12",
        ),
        (
            vec![
                ("email", "not-an-address"),
                ("password", "long enough password"),
            ],
            "not an e-mail",
        ),
        (
            vec![("email", ""), ("password", "long enough password")],
            "Give the e-mail",
        ),
        (
            vec![
                ("email", "curator@example.org"),
                ("password", "long enough password"),
            ],
            "already an account",
        ),
    ] {
        let response = test.post_as(&admin, "/admin/accounts", &form).await;
        assert_eq!(response.status, 422, "{form:?}");
        let html = response.text();
        assert!(html.contains(says), "{says}: {html}");
        assert!(!html.contains(secret) && !html.contains("long enough password"));
    }
    let form = [
        ("email", "new@example.org"),
        ("name", "New Person"),
        ("password", "a long enough password"),
        ("admin", "yes"),
    ];
    let response = test.post_as(&admin, "/admin/accounts", &form).await;
    assert_eq!(response.status, 303);
    assert_eq!(response.header("location"), "/admin/accounts?done=created");
    let (user, _) = test
        .app
        .store()
        .find_user_by_email("new@example.org")
        .await
        .expect("read")
        .expect("created");
    assert!(user.is_admin);
    assert_eq!(user.name, "New Person");
    let records = test.app.store().audit_log(None, 5).await.expect("log");
    assert!(
        records
            .iter()
            .any(|r| r.action == "account.create" && r.actor == "admin@example.org")
    );
}

/// PRV-11: after a record is edited behind Vitrine's back, the audit page says
/// the log does not verify and names the record.
#[tokio::test]
async fn the_audit_page_shows_tampering() {
    let test = TestApp::own_demo().await;
    let reviewer = test.reviewer().await;
    let path = format!("/admin/studies/{DEMO}/audit");
    let html = test.get_as(&reviewer, &path).await.text();
    assert!(html.contains("The log verifies"));
    assert!(!html.contains("class=\"problem\""));
    let last = test.app.store().audit_log(None, 1).await.expect("log")[0].seq;
    assert!(
        test.app
            .store()
            .tamper_audit_row(last)
            .await
            .expect("tamper")
    );
    let html = test.get_as(&reviewer, &path).await.text();
    assert!(html.contains("class=\"problem\" role=\"alert\""));
    assert!(html.contains("The audit log does not verify"));
    assert!(html.contains(&format!("row {last} was changed after it was written")));
}

/// PRV-11 with withdrawal: the details of records that held a withdrawn
/// entry's words are erased, the page says so, and the log still verifies.
#[tokio::test]
async fn withdrawal_erases_details_and_the_log_still_verifies() {
    let test = TestApp::own_demo().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    let store = &test.app.store();
    let study = test.demo_study().await;
    let content = test.demo_content().await;
    let entry = content.entries[0].id;
    let words = "words only this entry had";
    store
        .audit(&vitrine_store::AuditEvent {
            actor: "owner@example.org".into(),
            study: Some(study.id),
            action: "entry.edit".into(),
            subject: "entry e01".into(),
            after: Some(serde_json::json!({ "alt": words })),
            entry: Some(entry),
            ..Default::default()
        })
        .await
        .expect("audit");
    let path = format!("/admin/studies/{DEMO}/audit");
    assert!(test.get_as(&owner, &path).await.text().contains(words));
    let response = test.withdraw_as(&owner, entry).await;
    assert!(response.status.is_success() || response.status.is_redirection());
    let html = test.get_as(&owner, &path).await.text();
    assert!(!html.contains(words), "{html}");
    assert!(html.contains("Details erased by a withdrawal"));
    assert!(html.contains("The log verifies"), "{html}");
    assert!(html.contains("with details erased by a withdrawal, which is allowed"));
}

/// Issue 10 item 9: the team form told an owner whether an e-mail address had
/// an account ("there is no account for …" against a saved role). Now adding
/// or removing an unknown address answers exactly as for a known one.
#[tokio::test]
async fn owners_cannot_tell_which_addresses_have_accounts() {
    let test = TestApp::own_demo().await;
    let owner = test.staff("owner@example.org", Some("owner"), false).await;
    test.staff("pat@example.org", None, false).await;
    let team = format!("/admin/studies/{DEMO}/team");
    let add = |email: &'static str| [("action", "grant"), ("email", email), ("role", "curator")];
    let known = test.post_as(&owner, &team, &add("pat@example.org")).await;
    let unknown = test
        .post_as(&owner, &team, &add("nobody@example.org"))
        .await;
    assert_eq!(known.status, 303, "{}", known.text());
    assert_eq!(unknown.status, known.status, "{}", unknown.text());
    assert_eq!(unknown.header("location"), known.header("location"));
    assert_eq!(unknown.text(), known.text());
    assert_eq!(role_of(&test, "pat@example.org").await, Some(Role::Curator));
    let store = &test.app.store();
    assert!(
        store
            .find_user_by_email("nobody@example.org")
            .await
            .expect("read")
            .is_none(),
        "an owner does not create accounts"
    );
    let page = test
        .get_as(&owner, &format!("{team}?done=added"))
        .await
        .text();
    assert!(page.contains("If that address has an account"), "{page}");

    test.staff("lee@example.org", None, false).await;
    let remove = |email: &'static str| [("action", "remove"), ("email", email)];
    let known = test
        .post_as(&owner, &team, &remove("lee@example.org"))
        .await;
    let unknown = test
        .post_as(&owner, &team, &remove("nobody@example.org"))
        .await;
    assert_eq!(known.status, 422);
    assert_eq!(unknown.status, known.status);
    let masked = |text: String, address: &str| {
        let mut capital = address.to_owned();
        capital[..1].make_ascii_uppercase();
        text.replace(address, "ADDRESS")
            .replace(&capital, "ADDRESS")
    };
    assert_eq!(
        masked(unknown.text(), "nobody@example.org"),
        masked(known.text(), "lee@example.org")
    );
}

/// Issue 10 item 9: an instance administrator adding an address without an
/// account invites them: the account is made, with the role, but no password
/// anyone knows, until `vitrine admin reset-password` sets one.
#[tokio::test]
async fn administrators_invite_people_without_an_account() {
    let test = TestApp::own_demo().await;
    let admin = test.staff("admin@example.org", None, true).await;
    let team = format!("/admin/studies/{DEMO}/team");
    let form = [
        ("action", "grant"),
        ("email", "New.Person@example.org"),
        ("role", "reviewer"),
    ];
    let answer = test.post_as(&admin, &team, &form).await;
    assert_eq!(answer.status, 303, "{}", answer.text());
    assert_eq!(answer.header("location"), format!("{team}?done=invited"));
    assert_eq!(
        role_of(&test, "new.person@example.org").await,
        Some(Role::Reviewer)
    );
    let page = test
        .get_as(&admin, &format!("{team}?done=invited"))
        .await
        .text();
    assert!(page.contains("vitrine admin reset-password"), "{page}");
    let password = "a long enough new password";
    assert!(
        vitrine::app::auth::sign_in(&test.app, "new.person@example.org", password, None)
            .await
            .is_err(),
        "no password is known until one is set"
    );
    vitrine::app::auth::reset_password(
        &test.app,
        "new.person@example.org",
        password,
        vitrine::app::Actor::operator("ops"),
    )
    .await
    .expect("reset password");
    vitrine::app::auth::sign_in(&test.app, "new.person@example.org", password, None)
        .await
        .expect("signs in once the password is set");
}
