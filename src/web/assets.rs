//! Serving the embedded stylesheet, script and icons ([`crate::site::assets`])
//! under `/static/{name}`: their names carry a content hash, so `immutable`
//! is safe.

use super::error::WebError;
use crate::site::assets;
use axum::extract::Path;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG};
use axum::response::{IntoResponse, Response};

/// Cache header for anything whose URL names its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

const FAVICON_ICO: &[u8] = include_bytes!("../../static/favicon.ico");

/// Serves an embedded file by its fingerprinted name; any other name is 404.
pub async fn show_asset(Path(name): Path<String>) -> Result<Response, WebError> {
    let served = assets::find(&name).ok_or(WebError::NotFound)?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static(served.asset.content_type),
            ),
            (CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
            (
                ETAG,
                HeaderValue::from_str(&format!("\"{}\"", served.hash))
                    .map_err(|e| WebError::Internal(e.to_string()))?,
            ),
        ],
        served.asset.bytes,
    )
        .into_response())
}

/// `/favicon.ico`, for browsers that ask for it whatever the page links to. Its
/// name is fixed, so it is cached for a day rather than forever.
pub async fn show_favicon() -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("image/x-icon")),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        FAVICON_ICO,
    )
        .into_response()
}
