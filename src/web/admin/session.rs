//! Signing in and out (ACC-14: no puzzles, paste and password managers work).
//!
//! The sign-in form is protected against login CSRF (a page elsewhere signing
//! the browser in to an attacker's account): a POST whose `Origin` names
//! another site is refused, and the form must echo a pre-session token that
//! the sign-in page set in a `SameSite=Strict` cookie, which another site can
//! neither read nor make the browser send.

use super::access::Staff;
use super::gate::{
    COOKIE_NAME, cookie_token, cross_site, form_urlencoded, same_secret, token_cookie,
};
use super::views::{AdminError, AdminLayout, render};
use crate::app::App;
use crate::app::auth::{self, SESSION_LIFETIME, SignInError};
use crate::web::client;
use askama::Template;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::header::{HOST, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Duration;

/// The pre-session cookie that carries the sign-in form's token.
const LOGIN_COOKIE: &str = "vitrine_login";
/// How long a sign-in page's token lasts.
const LOGIN_TOKEN_LIFETIME: Duration = Duration::from_secs(2 * 60 * 60);

/// The sign-in page.
#[derive(Template)]
#[template(path = "admin/login.html", whitespace = "minimize")]
struct LoginPage {
    layout: AdminLayout,
    email: String,
    next: String,
    login: String,
    problem: Option<String>,
}

/// Query of the sign-in page.
#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
}

/// Only workspace paths are followed after signing in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| n.starts_with("/admin") && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or("/admin")
        .to_owned()
}

/// The pre-session token from the request's cookie, if it looks like one.
fn login_cookie(headers: &HeaderMap) -> Option<String> {
    token_cookie(headers, LOGIN_COOKIE)
}

/// The sign-in page with `problem`, answering `status`, with the pre-session
/// token `login` in the form; `fresh` when the token is new, so its cookie is
/// set too.
fn login_page(
    headers: &HeaderMap,
    (login, fresh): (String, bool),
    (email, next): (String, String),
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, AdminError> {
    let cookie = fresh
        .then(|| login_cookie_header(&login, headers))
        .flatten();
    let mut response = render(&LoginPage {
        layout: AdminLayout::new("Sign in", None),
        email,
        next,
        login,
        problem,
    })?;
    *response.status_mut() = status;
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    Ok(response)
}

fn login_cookie_header(login: &str, headers: &HeaderMap) -> Option<HeaderValue> {
    let max_age = LOGIN_TOKEN_LIFETIME.as_secs();
    cookie(
        LOGIN_COOKIE,
        login,
        "/admin/login",
        "Strict",
        headers,
        max_age,
    )
}

/// `GET /admin/login`.
pub async fn show_login(
    staff: Option<axum::Extension<Staff>>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
) -> Result<Response, AdminError> {
    if staff.is_some() {
        return Ok(Redirect::to(&safe_next(query.next.as_deref())).into_response());
    }
    let login = match login_cookie(&headers) {
        Some(token) => token,
        None => auth::random_token()?,
    };
    let cookie = login_cookie_header(&login, &headers);
    let mut response = render(&LoginPage {
        layout: AdminLayout::new("Sign in", None).with_notice(query.done.as_deref()),
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        login,
        problem: None,
    })?;
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Whether the request came to a loopback name, where the cookie cannot be
/// `Secure` (plain HTTP on a laptop); everywhere else it is.
fn is_local(headers: &HeaderMap) -> bool {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    matches!(name, "localhost" | "127.0.0.1" | "[::1]") || name.ends_with(".localhost")
}

fn cookie(
    name: &str,
    value: &str,
    path: &str,
    same_site: &str,
    headers: &HeaderMap,
    max_age: u64,
) -> Option<HeaderValue> {
    let secure = if is_local(headers) { "" } else { "; Secure" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}"
    ))
    .ok()
}

fn session_cookie(token: &str, headers: &HeaderMap, max_age: u64) -> Option<HeaderValue> {
    cookie(COOKIE_NAME, token, "/admin", "Lax", headers, max_age)
}

/// The redirect after signing in: the session cookie set, the pre-session
/// cookie cleared.
fn signed_in(token: &str, next: &str, headers: &HeaderMap) -> Response {
    let mut response = Redirect::to(next).into_response();
    let cookies = [
        session_cookie(token, headers, SESSION_LIFETIME.as_secs()),
        cookie(LOGIN_COOKIE, "", "/admin/login", "Strict", headers, 0),
    ];
    for cookie in cookies.into_iter().flatten() {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// `POST /admin/login`.
pub async fn sign_in(State(app): State<App>, request: Request) -> Result<Response, AdminError> {
    if cross_site(&request) {
        return Err(AdminError::Forbidden(
            "This sign-in form was sent from another site, so it was refused. Open the sign-in \
             page of this workspace and sign in there."
                .into(),
        ));
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let headers = request.headers().clone();
    let address = client::client_address(peer, &headers, &app.settings.trusted_proxies);
    let body = axum::body::to_bytes(request.into_body(), 64 * 1024)
        .await
        .map_err(|_| AdminError::BadRequest("The sign-in form is too large.".into()))?;
    let form = form_urlencoded(&body);
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (email, password) = (field("email"), field("password"));
    let next = safe_next(Some(&field("next")));
    let cookie_token = login_cookie(&headers);
    let login = match &cookie_token {
        Some(token) => (token.clone(), false),
        None => (auth::random_token()?, true),
    };
    let page = |problem: String, status| {
        let fields = (email.clone(), next.clone());
        login_page(&headers, login.clone(), fields, Some(problem), status)
    };
    if email.trim().is_empty() || password.is_empty() {
        return page(
            "Enter your e-mail address and your password.".into(),
            StatusCode::UNAUTHORIZED,
        );
    }
    if !cookie_token.is_some_and(|token| same_secret(&token, &field("login"))) {
        return page(
            "This sign-in form had expired or did not come from this workspace, so nothing was \
             checked. Enter your password again and sign in."
                .into(),
            StatusCode::FORBIDDEN,
        );
    }
    let problem = match auth::sign_in(&app, &email, &password, address).await {
        Ok((token, _)) => return Ok(signed_in(&token, &next, &headers)),
        Err(SignInError::Failed(e)) => return Err(e.into()),
        Err(e @ SignInError::Invalid) => {
            return page(
                format!("That did not work: {e}. Check both and try again."),
                StatusCode::UNAUTHORIZED,
            );
        }
        Err(e) => e,
    };
    // Paused (429) or busy (503), saying when to try again.
    let (status, retry_after) = match &problem {
        SignInError::LockedOut { retry_after, .. } => (StatusCode::TOO_MANY_REQUESTS, *retry_after),
        _ => (StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(5)),
    };
    let mut response = page(format!("Sign-in is paused: {problem}."), status)?;
    if let Ok(seconds) = HeaderValue::from_str(&retry_after.as_secs().max(1).to_string()) {
        response.headers_mut().insert(RETRY_AFTER, seconds);
    }
    Ok(response)
}

/// `POST /admin/logout`: ends the session here and in the database.
pub async fn sign_out(State(app): State<App>, headers: HeaderMap) -> Result<Response, AdminError> {
    if let Some(token) = cookie_token(&headers) {
        auth::sign_out(&app, &token).await?;
    }
    let mut response = Redirect::to("/admin/login?done=signed-out").into_response();
    if let Some(cookie) = session_cookie("", &headers, 0) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_workspace_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/admin/studies/x")), "/admin/studies/x");
        assert_eq!(safe_next(Some("https://evil.example/")), "/admin");
        assert_eq!(safe_next(Some("//evil.example/admin")), "/admin");
        assert_eq!(safe_next(None), "/admin");
    }

    #[test]
    fn cookies_are_secure_except_on_loopback() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(is_local(&headers));
        headers.insert(HOST, HeaderValue::from_static("gallery.example.ac.uk"));
        assert!(!is_local(&headers));
        let cookie = session_cookie("t", &headers, 10).unwrap();
        assert!(cookie.to_str().unwrap().contains("; Secure"));
        assert!(cookie.to_str().unwrap().contains("HttpOnly"));
    }
}
