//! The one place staff access is decided: session, role, anti-forgery token.
//!
//! Answers, in order: not signed in → redirect to the sign-in page (303); a
//! study that does not exist or that the account has no part in → 404, so
//! studies cannot be discovered (PRV-09); a member whose role lacks the
//! permission → 403 naming the role; a POST whose form token does not match the
//! session's → 403. Handlers receive [`Staff`] and, on study routes,
//! [`StudyAccess`] (both in `access`) as request extensions.

use super::Need;
use super::access::{Staff, StudyAccess};
use super::views::AdminError;
use crate::app::App;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE, HOST, ORIGIN};
use axum::http::{Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "vitrine_session";
/// The form field (or, for uploads, query parameter) carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// The largest URL-encoded form the gate reads to find the token.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The middleware's state: the app and what this route needs.
#[derive(Clone)]
pub struct Gate {
    pub app: App,
    pub need: Need,
}

/// The session token from the request's cookie header.
pub fn cookie_token(headers: &axum::http::HeaderMap) -> Option<String> {
    token_cookie(headers, COOKIE_NAME)
}

/// The value of the cookie `name`, if it looks like one of our 256-bit tokens
/// (64 hex digits); anything else is as good as no cookie.
pub fn token_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether two secrets are equal, in time independent of where they differ.
pub(super) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A cross-site POST (its Origin names another host) is refused outright.
/// `Origin: null` is not refused here: browsers send it for every form on a
/// page whose Referrer-Policy is `no-referrer` (as all of ours are), so the
/// form token alone decides those.
pub(super) fn cross_site(request: &Request) -> bool {
    let headers = request.headers();
    let (Some(origin), Some(host)) = (
        headers.get(ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(HOST).and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    let origin_host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    origin != "null" && !origin_host.eq_ignore_ascii_case(host)
}

fn query_value(uri: &Uri, name: &str) -> Option<String> {
    uri.query().and_then(|q| {
        form_urlencoded(q.as_bytes())
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    })
}

/// Decodes `application/x-www-form-urlencoded` pairs.
pub fn form_urlencoded(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

/// Checks the anti-forgery token of a POST, giving the request back intact.
async fn check_csrf(request: Request, expected: &str) -> Result<Request, AdminError> {
    if cross_site(&request) {
        return Err(AdminError::Forbidden(
            "This form was sent from another site, so it was refused.".into(),
        ));
    }
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let stale = || {
        AdminError::Forbidden(
            "This form has expired or did not come from this workspace. Go back, reload the \
             page and send it again."
                .into(),
        )
    };
    if content_type.starts_with("multipart/form-data") {
        // Uploads stream straight to the handler; their token rides in the
        // form's action URL instead of the body.
        let token = query_value(request.uri(), CSRF_FIELD).ok_or_else(stale)?;
        return if same_secret(&token, expected) {
            Ok(request)
        } else {
            Err(stale())
        };
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AdminError::BadRequest("The form is too large to send.".into()))?;
    let token = form_urlencoded(&bytes)
        .into_iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v)
        .ok_or_else(stale)?;
    if !same_secret(&token, expected) {
        return Err(stale());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn study_slug(uri: &Uri) -> Option<&str> {
    uri.path()
        .strip_prefix("/admin/studies/")
        .and_then(|rest| rest.split('/').next())
        .filter(|s| !s.is_empty())
}

/// Sends someone who is not signed in to the sign-in page, remembering where
/// they were going (only paths inside the workspace).
fn to_sign_in(uri: &Uri) -> Response {
    let path = uri.path();
    let target = if path.starts_with("/admin") && path != "/admin/logout" {
        format!(
            "/admin/login?next={}",
            serde_urlencoded::to_string([("", path)])
                .unwrap_or_default()
                .trim_start_matches('=')
        )
    } else {
        "/admin/login".to_owned()
    };
    Redirect::to(&target).into_response()
}

/// The middleware in front of every staff route.
pub async fn gate(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    match admit(&gate, &mut request).await {
        Ok(()) => {}
        Err(Refusal::SignIn) => return to_sign_in(request.uri()),
        Err(Refusal::Error(e)) => return e.into_response(),
    }
    if request.method() == Method::POST && gate.need != Need::Anyone {
        let Some(staff) = request.extensions().get::<Staff>().cloned() else {
            return to_sign_in(request.uri());
        };
        request = match check_csrf(request, &staff.csrf).await {
            Ok(r) => r,
            Err(e) => return e.into_response(),
        };
    }
    next.run(request).await
}

enum Refusal {
    SignIn,
    Error(AdminError),
}

impl From<AdminError> for Refusal {
    fn from(e: AdminError) -> Self {
        Refusal::Error(e)
    }
}

async fn admit(gate: &Gate, request: &mut Request) -> Result<(), Refusal> {
    let session = match cookie_token(request.headers()) {
        Some(token) => crate::app::auth::session(&gate.app, &token)
            .await
            .map_err(|e| AdminError::Internal(e.to_string()))?,
        None => None,
    };
    if let Some(session) = &session {
        request.extensions_mut().insert(Staff {
            user: session.user.clone(),
            csrf: session.csrf.clone(),
        });
    }
    let Some(session) = session else {
        return if gate.need == Need::Anyone {
            Ok(())
        } else {
            Err(Refusal::SignIn)
        };
    };
    match gate.need {
        Need::Anyone | Need::SignedIn => Ok(()),
        Need::Admin if session.user.is_admin => Ok(()),
        Need::Admin => Err(AdminError::Forbidden(
            "Only instance administrators can use this page.".into(),
        )
        .into()),
        Need::Study(permission) => {
            let slug = study_slug(request.uri()).ok_or(AdminError::NotFound)?;
            if !crate::web::published::is_slug(slug) {
                return Err(AdminError::NotFound.into());
            }
            let (study, role) = crate::app::studies::open(&gate.app, slug, &session.user)
                .await
                .map_err(|e| AdminError::Internal(e.to_string()))?
                .ok_or(AdminError::NotFound)?;
            let access = StudyAccess {
                study,
                role,
                admin: session.user.is_admin,
            };
            if !access.can(permission) {
                let who = role.map_or(
                    "an administrator who is not on this study's team".to_owned(),
                    |r| format!("a {} on this study", r.label().to_lowercase()),
                );
                return Err(AdminError::Forbidden(format!(
                    "You are {who}, which does not let you {}. Ask the study's owner if you need to.",
                    permission.label()
                ))
                .into());
            }
            request.extensions_mut().insert(access);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    #[test]
    fn the_cookie_token_must_look_like_one_of_ours() {
        let mut headers = HeaderMap::new();
        let token = "a".repeat(64);
        headers.insert(
            COOKIE,
            format!("other=1; {COOKIE_NAME}={token}").parse().unwrap(),
        );
        assert_eq!(cookie_token(&headers), Some(token));
        headers.insert(COOKIE, format!("{COOKIE_NAME}=x' OR 1=1").parse().unwrap());
        assert_eq!(cookie_token(&headers), None);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }

    #[test]
    fn study_slug_is_the_segment_after_studies() {
        let uri: Uri = "/admin/studies/demo/entries/4".parse().unwrap();
        assert_eq!(study_slug(&uri), Some("demo"));
        let uri: Uri = "/admin/studies/".parse().unwrap();
        assert_eq!(study_slug(&uri), None);
    }
}
