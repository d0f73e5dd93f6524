//! Signing in and out of the workspace, sessions, lockout, the account
//! commands, and the audit log's tamper check.
//!
//! ACC-14 (accessible authentication: plain e-mail and password fields that
//! password managers and paste work with), PRV-09 (sessions, lockout, no-store)
//! and PRV-11 (`vitrine audit verify` notices a changed or deleted record).
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

mod account_commands;
mod signing_in;

use crate::common;
use axum::body::Body;
use axum::http::Request;
use common::{TestApp, TestResponse, send, sign_in_through_form, vitrine_command};
use std::io::Write;
use std::process::{Output, Stdio};
use vitrine::app::App;

const PASSWORD: &str = "correct horse battery staple";

/// Opens the sign-in page and submits its form as a browser on `host` would
/// (with the page's pre-session cookie and token).
async fn sign_in(app: &App, host: &str, email: &str, password: &str) -> TestResponse {
    sign_in_through_form(app, host, None, &[], email, password).await
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
    vitrine::app::auth::create_account(
        &test.app,
        email,
        "Pat",
        PASSWORD,
        false,
        vitrine::app::Actor::operator("test"),
    )
    .await
    .expect("account");
}
