//! Signing in through the workspace's own form, as a browser does.

use super::{TestResponse, attr, send, tags};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use std::net::SocketAddr;
use vitrine::app::App;

/// A browser on `host` (from address `peer`, if given) loads the sign-in
/// page, for its pre-session cookie and form token, then submits the form
/// with `email`, `password` and `headers` added.
pub async fn sign_in_through_form(
    app: &App,
    host: &str,
    peer: Option<SocketAddr>,
    headers: &[(&str, &str)],
    email: &str,
    password: &str,
) -> TestResponse {
    let mut page = Request::get("/admin/login")
        .header("host", host)
        .body(Body::empty())
        .expect("request");
    if let Some(peer) = peer {
        page.extensions_mut().insert(ConnectInfo(peer));
    }
    let page = send(app, page).await;
    let cookie = cookie_pair(&page);
    let token = tags(&page.text(), "input")
        .iter()
        .find(|t| t.contains("name=\"login\""))
        .and_then(|t| attr(t, "value"))
        .expect("the form carries a pre-session token");
    let body = serde_urlencoded::to_string([
        ("login", token.as_str()),
        ("email", email),
        ("password", password),
        ("next", "/admin"),
    ])
    .expect("form");
    let mut request = Request::post("/admin/login")
        .header("host", host)
        .header("content-type", "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::from(body)).expect("request");
    if let Some(peer) = peer {
        request.extensions_mut().insert(ConnectInfo(peer));
    }
    send(app, request).await
}

/// The `name=value` part of the response's Set-Cookie header.
pub fn cookie_pair(response: &TestResponse) -> String {
    response
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}
