//! Sign-in throttling under attack (issue 10): the check-and-count is atomic,
//! so a flood of concurrent guesses gets at most the limit of password checks;
//! failures count per account at an address and per address, with growing
//! delays, so nobody can lock staff out from elsewhere; the client address
//! comes from forwarding headers only behind a trusted proxy; lockouts are
//! audited and `vitrine admin unlock` lifts them; password hashing never
//! blocks the server; and a sign-in form posted from another site is refused.
//!
//! PRV-09 (sessions, lockout). Run on PostgreSQL too with
//! `VITRINE_TEST_DATABASE_URL`.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use common::{TestApp, TestResponse, attr, send, tags};
use std::net::{IpAddr, SocketAddr};
use vitrine::app::App;

const PASSWORD: &str = "correct horse battery staple";

/// A browser at `ip`: loads the sign-in page (for its pre-session cookie and
/// token), then submits the form with `headers` added.
async fn sign_in_from(
    app: &App,
    ip: &str,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> TestResponse {
    let peer: SocketAddr = SocketAddr::new(ip.parse::<IpAddr>().expect("ip"), 40000);
    let mut page = Request::get("/admin/login")
        .header("host", "gallery.test")
        .body(Body::empty())
        .expect("request");
    page.extensions_mut().insert(ConnectInfo(peer));
    let page = send(app, page).await;
    let cookie = page
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let token = tags(&page.text(), "input")
        .iter()
        .find(|t| t.contains("name=\"login\""))
        .and_then(|t| attr(t, "value"))
        .unwrap_or_default();
    let body = serde_urlencoded::to_string([
        ("login", token.as_str()),
        ("email", email),
        ("password", password),
        ("next", "/admin"),
    ])
    .expect("form");
    let mut request = Request::post("/admin/login")
        .header("host", "gallery.test")
        .header("content-type", "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::from(body)).expect("request");
    request.extensions_mut().insert(ConnectInfo(peer));
    send(app, request).await
}

async fn account(test: &TestApp, email: &str) {
    vitrine::app::auth::create_account(&test.app, email, "Pat", PASSWORD, false, "test")
        .await
        .expect("account");
}

/// Fires `n` sign-ins at once (each on its own task) and counts the answers
/// by status.
async fn flood(app: &App, n: usize, emails: impl Fn(usize) -> String) -> (usize, usize, Vec<u16>) {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let app = app.clone();
            let email = emails(i);
            tokio::spawn(async move {
                sign_in_from(&app, "203.0.113.9", &email, "not the password", &[])
                    .await
                    .status
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    (checked, refused, statuses)
}

/// Issue 10 item 1: 60 concurrent wrong passwords for one account from one
/// address reach the password check at most 5 times (the rest are told to
/// wait), and 60 concurrent ones for different accounts from one address at
/// most 20 times, on SQLite and PostgreSQL alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passwords_check_at_most_the_limit() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    let (checked, refused, statuses) = flood(&test.app, 60, |_| "pat@example.org".into()).await;
    assert!(
        (1..=5).contains(&checked) && checked + refused == 60,
        "one account: {checked} password checks, {refused} refused: {statuses:?}"
    );

    let other = TestApp::empty().await;
    let (checked, refused, statuses) =
        flood(&other.app, 60, |i| format!("guess{i}@example.org")).await;
    assert!(
        (1..=20).contains(&checked) && checked + refused == 60,
        "one address: {checked} password checks, {refused} refused: {statuses:?}"
    );
}
