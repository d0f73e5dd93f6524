//! Signing in and out: the session cookie, password managers (ACC-14),
//! lockout, cross-site forms, and sessions across a restart (PRV-09).
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use super::{PASSWORD, account, get, sign_in};
use crate::common;
use axum::body::Body;
use axum::http::Request;
use common::{TestApp, TestResponse, cookie_pair, send, tags};
use vitrine::app::App;

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
