//! Signing in and out of the workspace, sessions, lockout, the account
//! commands, and the audit log's tamper check.
//!
//! ACC-14 (accessible authentication: plain e-mail and password fields that
//! password managers and paste work with), PRV-09 (sessions, lockout, no-store)
//! and PRV-11 (`vitrine audit verify` notices a changed or deleted record).

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use axum::body::Body;
use axum::http::Request;
use common::{TestApp, TestResponse, send, tags, vitrine_command};
use std::io::Write;
use std::process::{Output, Stdio};
use vitrine::app::App;

const PASSWORD: &str = "correct horse battery staple";

/// Opens the sign-in page and submits its form as a browser on `host` would
/// (with the page's pre-session cookie and token).
async fn sign_in(app: &App, host: &str, email: &str, password: &str) -> TestResponse {
    let page = send(
        app,
        Request::get("/admin/login")
            .header("host", host)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    let token = tags(&page.text(), "input")
        .iter()
        .find(|t| t.contains("name=\"login\""))
        .and_then(|t| common::attr(t, "value"))
        .expect("the form carries a pre-session token");
    let body = serde_urlencoded::to_string([
        ("login", token.as_str()),
        ("email", email),
        ("password", password),
        ("next", "/admin"),
    ])
    .expect("form");
    let request = Request::post("/admin/login")
        .header("host", host)
        .header("cookie", cookie_pair(&page))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    send(app, request).await
}

/// GET `path` with a cookie header.
async fn get(app: &App, path: &str, cookie: &str) -> TestResponse {
    let request = Request::get(path)
        .header("host", "gallery.test")
        .header("cookie", cookie)
        .body(Body::empty())
        .expect("request");
    send(app, request).await
}

/// The `name=value` part of the response's Set-Cookie header.
fn cookie_pair(response: &TestResponse) -> String {
    response
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Runs `vitrine ARGS` on `app`'s data with `stdin` as standard input.
fn run(app: &App, args: &[&str], stdin: &str) -> Output {
    let mut child = vitrine_command(&app.settings, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn vitrine");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("vitrine finishes")
}

async fn account(test: &TestApp, email: &str) {
    vitrine::app::auth::create_account(&test.app, email, "Pat", PASSWORD, false, "test")
        .await
        .expect("account");
}

/// The sign-in form gives a session cookie that scripts cannot read, that only
/// the workspace receives, and that is Secure except on a loopback address.
#[tokio::test]
async fn signing_in_sets_a_locked_down_session_cookie() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    let response = sign_in(&test.app, "gallery.test", "Pat@Example.org ", PASSWORD).await;
    assert_eq!(response.status, 303);
    assert_eq!(response.header("location"), "/admin");
    assert_eq!(response.header("cache-control"), "no-store");
    let cookie = response.header("set-cookie");
    assert!(cookie.starts_with("vitrine_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/admin", "Secure"] {
        assert!(cookie.split("; ").any(|p| p == part), "{part} in {cookie}");
    }
    let page = get(&test.app, "/admin", &cookie_pair(&response)).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");

    let local = sign_in(&test.app, "127.0.0.1:8080", "pat@example.org", PASSWORD).await;
    assert_eq!(local.status, 303);
    let cookie = local.header("set-cookie");
    assert!(
        cookie.contains("HttpOnly") && !cookie.contains("Secure"),
        "{cookie}"
    );
}

/// ACC-14: the sign-in page is two plain fields with the autocomplete hints
/// password managers use, nothing that blocks paste, and no puzzle.
#[tokio::test]
async fn the_sign_in_page_works_with_password_managers() {
    let test = TestApp::empty().await;
    let page = test.get("/admin/login").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    let html = page.text();
    let inputs = tags(&html, "input");
    let field = |name: &str| {
        inputs
            .iter()
            .find(|t| t.contains(&format!("name=\"{name}\"")))
            .cloned()
            .expect("field")
    };
    assert!(field("email").contains("autocomplete=\"username\""));
    assert!(field("password").contains("type=\"password\""));
    assert!(field("password").contains("autocomplete=\"current-password\""));
    for forbidden in ["onpaste", "oncopy", "captcha", "<script", "maxlength"] {
        assert!(!html.to_lowercase().contains(forbidden), "{forbidden}");
    }
}

/// A wrong password says so without saying which half was wrong; the sixth
/// attempt after five failures from the same address is refused there even
/// with the right password, and the page says when to try again.
#[tokio::test]
async fn five_failures_lock_the_account_for_a_while() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    for _ in 0..5 {
        let wrong = sign_in(
            &test.app,
            "gallery.test",
            "pat@example.org",
            "not the password",
        )
        .await;
        assert_eq!(wrong.status, 401);
        assert_eq!(wrong.header("cache-control"), "no-store");
        assert!(wrong.header("set-cookie").is_empty());
        let html = wrong.text();
        assert!(html.contains("role=\"alert\""), "{html}");
        assert!(
            html.contains("e-mail address or password is not right"),
            "{html}"
        );
    }
    let locked = sign_in(&test.app, "gallery.test", "pat@example.org", PASSWORD).await;
    assert_eq!(locked.status, 429);
    assert!(locked.header("set-cookie").is_empty());
    let html = locked.text();
    let at = html.find("try again after ").expect("says when") + "try again after ".len();
    let time = &html[at..at + 5];
    assert!(
        time.as_bytes()[2] == b':' && time.replace(':', "").bytes().all(|b| b.is_ascii_digit()),
        "a time of day: {time}"
    );
    assert!(html.contains("(UTC)"));
    // Another account is not affected.
    account(&test, "sam@example.org").await;
    let other = sign_in(&test.app, "gallery.test", "sam@example.org", PASSWORD).await;
    assert_eq!(other.status, 303);
}

/// POSTs the sign-in form with the right password as another page could:
/// with `origin`, `cookie` and form token `login` (each may be empty).
async fn post_login(app: &App, origin: &str, cookie: &str, login: &str) -> TestResponse {
    let body = serde_urlencoded::to_string([
        ("login", login),
        ("email", "pat@example.org"),
        ("password", PASSWORD),
    ])
    .expect("form");
    let mut request = Request::post("/admin/login")
        .header("host", "gallery.test")
        .header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in [("origin", origin), ("cookie", cookie)] {
        if !value.is_empty() {
            request = request.header(name, value);
        }
    }
    send(app, request.body(Body::from(body)).expect("request")).await
}

/// Issue 10 item 6 (login CSRF): a page elsewhere that posts the sign-in form
/// (to sign the browser in to an account of the attacker's) signs nobody in:
/// its Origin names another site, or, with `Origin: null`, it lacks the
/// pre-session cookie and token that only this workspace's page hands out.
#[tokio::test]
async fn a_sign_in_form_from_another_site_signs_nobody_in() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    let token = "ab".repeat(32);
    let cookie = format!("vitrine_login={token}");
    let other = "cd".repeat(32);
    for (origin, cookie, login, why) in [
        ("https://evil.example", "", "", "another site"),
        (
            "https://evil.example",
            &*cookie,
            &*token,
            "another site, even with a token",
        ),
        ("null", "", "", "no pre-session cookie"),
        ("", "", &*token, "a token but no cookie"),
        ("", &*cookie, &*other, "a token that is not the cookie's"),
    ] {
        let response = post_login(&test.app, origin, cookie, login).await;
        assert_eq!(response.status, 403, "{why}");
        assert!(
            !response.header("set-cookie").contains("vitrine_session="),
            "{why}: signed in"
        );
    }
    let same_site = sign_in(&test.app, "gallery.test", "pat@example.org", PASSWORD).await;
    assert_eq!(same_site.status, 303, "the workspace's own form works");
}

/// Sessions live in the database: a second instance (or a restart) on the same
/// data accepts the cookie; signing out ends the session there too.
#[tokio::test]
async fn sessions_survive_a_restart_and_end_at_sign_out() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    let response = sign_in(&test.app, "gallery.test", "pat@example.org", PASSWORD).await;
    let cookie = cookie_pair(&response);
    let restarted = App::open(test.app.settings.clone())
        .await
        .expect("open again");
    assert_eq!(get(&restarted, "/admin", &cookie).await.status, 200);

    let session =
        vitrine::app::auth::session(&restarted, cookie.trim_start_matches("vitrine_session="))
            .await
            .expect("read")
            .expect("live session");
    let body = format!("csrf={}", session.csrf);
    let request = Request::post("/admin/logout")
        .header("host", "gallery.test")
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let out = send(&restarted, request).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), "/admin/login?done=signed-out");
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    assert_eq!(out.header("cache-control"), "no-store");
    for app in [&test.app, &restarted] {
        let after = get(app, "/admin", &cookie).await;
        assert_eq!(after.status, 303);
        assert!(after.header("location").starts_with("/admin/login"));
        assert_eq!(after.header("cache-control"), "no-store");
    }
}

/// `vitrine admin reset-password` (password on standard input) ends the
/// account's sessions and lifts its lockout; the old password stops working.
#[tokio::test]
async fn reset_password_ends_sessions_and_lifts_the_lockout() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    let cookie =
        cookie_pair(&sign_in(&test.app, "gallery.test", "pat@example.org", PASSWORD).await);
    assert_eq!(get(&test.app, "/admin", &cookie).await.status, 200);
    for _ in 0..5 {
        sign_in(&test.app, "gallery.test", "pat@example.org", "wrong").await;
    }
    let locked = sign_in(&test.app, "gallery.test", "pat@example.org", PASSWORD).await;
    assert_eq!(locked.status, 429);

    let new = "an entirely new passphrase";
    let out = run(
        &test.app,
        &["admin", "reset-password", "--email", "pat@example.org"],
        &format!("{new}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        get(&test.app, "/admin", &cookie).await.status,
        303,
        "old session ended"
    );
    let old = sign_in(&test.app, "gallery.test", "pat@example.org", PASSWORD).await;
    assert_eq!(old.status, 401, "lockout lifted, old password refused");
    let fresh = sign_in(&test.app, "gallery.test", "pat@example.org", new).await;
    assert_eq!(fresh.status, 303);
}

/// `vitrine admin create` refuses a short password (exit 1, nothing created)
/// and stores a good one only as an argon2id hash.
#[tokio::test]
async fn admin_create_checks_the_password_and_stores_only_a_hash() {
    let test = TestApp::empty().await;
    let args = [
        "admin",
        "create",
        "--email",
        "boss@example.org",
        "--name",
        "Boss",
    ];
    let short = run(&test.app, &args, "short\n");
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
    assert!(
        test.app
            .store()
            .find_user_by_email("boss@example.org")
            .await
            .expect("read")
            .is_none()
    );
    let ok = run(&test.app, &args, &format!("{PASSWORD}\n"));
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let (user, hash) = test
        .app
        .store()
        .find_user_by_email("boss@example.org")
        .await
        .expect("read")
        .expect("created");
    assert!(user.is_admin);
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
    let again = run(&test.app, &args, &format!("{PASSWORD}\n"));
    assert_eq!(
        again.status.code(),
        Some(1),
        "an existing account is not replaced"
    );
}

/// PRV-11: `vitrine audit verify` exits 0 on an intact log, 1 when a record
/// was edited, and 1 when one was deleted.
#[tokio::test]
async fn audit_verify_notices_edited_and_deleted_records() {
    let test = TestApp::empty().await;
    for n in 0..4 {
        account(&test, &format!("person{n}@example.org")).await;
    }
    let intact = run(&test.app, &["audit", "verify"], "");
    assert_eq!(
        intact.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&intact.stderr)
    );
    assert!(String::from_utf8_lossy(&intact.stdout).contains("4 entries"));

    assert!(test.app.store().tamper_audit_row(2).await.expect("tamper"));
    let edited = run(&test.app, &["audit", "verify"], "");
    assert_eq!(edited.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&edited.stderr).contains("row 2 was changed"));

    let other = TestApp::empty().await;
    for n in 0..4 {
        account(&other, &format!("person{n}@example.org")).await;
    }
    assert!(other.app.store().delete_audit_row(3).await.expect("delete"));
    let deleted = run(&other.app, &["audit", "verify"], "");
    assert_eq!(deleted.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&deleted.stderr).contains("row 3 is missing"));

    let report = other.app.store().verify_audit().await.expect("verify");
    assert!(!report.problems.is_empty());
}
