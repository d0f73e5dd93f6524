//! Signing in and out (ACC-14: no puzzles, paste and password managers work).

use super::gate::{COOKIE_NAME, Staff, cookie_token, form_urlencoded};
use super::views::{AdminError, AdminLayout, render};
use crate::app::App;
use crate::app::auth::{self, SESSION_LIFETIME, SignInError};
use askama::Template;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::header::{HOST, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;

/// The sign-in page.
#[derive(Template)]
#[template(path = "admin/login.html", whitespace = "minimize")]
struct LoginPage {
    layout: AdminLayout,
    email: String,
    next: String,
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

/// `GET /admin/login`.
pub async fn show_login(
    staff: Option<axum::Extension<Staff>>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, AdminError> {
    if staff.is_some() {
        return Ok(Redirect::to(&safe_next(query.next.as_deref())).into_response());
    }
    render(&LoginPage {
        layout: AdminLayout::new("Sign in", None).with_notice(query.done.as_deref()),
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        problem: None,
    })
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

fn session_cookie(token: &str, headers: &HeaderMap, max_age: u64) -> Option<HeaderValue> {
    let secure = if is_local(headers) { "" } else { "; Secure" };
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; Path=/admin; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// `POST /admin/login`.
pub async fn sign_in(State(app): State<App>, request: Request) -> Result<Response, AdminError> {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let headers = request.headers().clone();
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
    let problem = if email.trim().is_empty() || password.is_empty() {
        Some("Enter your e-mail address and your password.".to_owned())
    } else {
        match auth::sign_in(&app, &email, &password, address).await {
            Ok((token, _)) => {
                let mut response = Redirect::to(&next).into_response();
                if let Some(cookie) = session_cookie(&token, &headers, SESSION_LIFETIME.as_secs()) {
                    response.headers_mut().insert(SET_COOKIE, cookie);
                }
                return Ok(response);
            }
            Err(SignInError::Failed(e)) => return Err(e.into()),
            Err(e @ SignInError::LockedOut { .. }) => {
                let mut response = render(&LoginPage {
                    layout: AdminLayout::new("Sign in", None),
                    email,
                    next,
                    problem: Some(format!("Sign-in is paused: {e}.")),
                })?;
                *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
                return Ok(response);
            }
            Err(e @ SignInError::Invalid) => {
                Some(format!("That did not work: {e}. Check both and try again."))
            }
        }
    };
    let mut response = render(&LoginPage {
        layout: AdminLayout::new("Sign in", None),
        email,
        next,
        problem,
    })?;
    *response.status_mut() = StatusCode::UNAUTHORIZED;
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
