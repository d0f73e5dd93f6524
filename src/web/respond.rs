//! The bare HTML response every page and error page answers with: a leaf,
//! so the error type (`error`) and the page helpers (`page`) both build on it
//! without importing each other.

use axum::body::Body;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

/// An HTML body with its content type.
pub fn html_response(body: impl Into<Body>) -> impl IntoResponse {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body.into(),
    )
}

/// Asks search engines not to index this response.
pub fn no_index(response: &mut Response) {
    response
        .headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
}
