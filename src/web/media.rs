//! `GET /media/{key}`: public image derivatives, and only those of a latest Release.
//!
//! The key's shape is checked before the store is asked, the store is asked
//! whether a latest Release shows the key before the blob is read, and only the
//! public blob area is ever read: originals in the vault have no URL at all.

use super::assets::IMMUTABLE;
use super::error::WebError;
use super::page::matches_etag;
use crate::app::App;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Serves a public derivative, or 404 if no latest Release shows it.
pub async fn show_media(
    State(app): State<App>,
    Path(key): Path<String>,
    request: HeaderMap,
) -> Result<Response, WebError> {
    let (hash, content_type) = parse_key(&key).ok_or(WebError::NotFound)?;
    if !crate::app::published::shows_media(&app, &key).await? {
        return Err(WebError::NotFound);
    }
    let etag = HeaderValue::from_str(&format!("\"{hash}\""))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
        (ETAG, etag),
    ];
    let mut response = if matches_etag(&request, &format!("\"{hash}\"")) {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        let Some(bytes) = crate::app::published::media_bytes(&app, &key).await? else {
            return Err(WebError::NotFound);
        };
        (headers, bytes).into_response()
    };
    // Images are shown in the context of their gallery, never on their own in search.
    response
        .headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    Ok(response)
}

/// Splits `hash.ext` into the hash and the content type, if it has the shape of
/// a derivative key: lower-case hex and `.jpg` or `.webp`.
fn parse_key(key: &str) -> Option<(&str, &'static str)> {
    let (hash, ext) = key.split_once('.')?;
    let content_type = match ext {
        "jpg" => "image/jpeg",
        "webp" => "image/webp",
        _ => return None,
    };
    let hex = (16..=128).contains(&hash.len())
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    hex.then_some((hash, content_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hex_jpg_and_webp_keys_are_media() {
        let hash = "0123456789abcdef0123";
        assert_eq!(
            parse_key(&format!("{hash}.jpg")),
            Some((hash, "image/jpeg"))
        );
        assert_eq!(
            parse_key(&format!("{hash}.webp")),
            Some((hash, "image/webp"))
        );
        assert_eq!(parse_key(&format!("{hash}.png")), None);
        assert_eq!(parse_key("../vault/originals/abc.jpg"), None);
        assert_eq!(parse_key(&format!("{}.jpg", hash.to_uppercase())), None);
        assert_eq!(parse_key(&format!("{hash}.jpg.jpg")), None);
    }
}
