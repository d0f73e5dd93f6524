//! Security headers set on every response, pages, media, assets and errors alike.
//!
//! The CSP allows only Vitrine's own files: no inline script or style, no third
//! party, no framing. So templates never use `style=` attributes or `<script>`
//! blocks; the lightbox script sets the few dynamic styles through the CSSOM.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, SET_COOKIE, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy of every response. Everything comes from this
/// origin and nothing else; `connect-src 'self'` lets tools (and later scripts)
/// fetch same-origin files such as robots.txt, and reaches nowhere else.
pub const CSP: &str = "default-src 'none'; img-src 'self'; style-src 'self'; \
    script-src 'self'; font-src 'self'; connect-src 'self'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to whatever the handler answered. Public pages never
/// set cookies; any `Set-Cookie` outside `/admin` is removed as a second line of
/// defence, and workspace pages are marked `no-store`.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let staff = request.uri().path() == "/admin" || request.uri().path().starts_with("/admin/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if staff {
        // Workspace pages are personal: never stored by a browser or a proxy.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    } else {
        headers.remove(SET_COOKIE);
    }
    response
}
