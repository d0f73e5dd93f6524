//! Stylesheet, script and icons, embedded in the binary and served under
//! fingerprinted names (`/static/site.3f2a1b9c0d.css`) so they can be cached forever.
//!
//! The fingerprint is the start of the file's SHA-256, computed once at first use:
//! a new build with a changed file gets a new URL, so `immutable` is safe.

use super::error::WebError;
use axum::extract::Path;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

/// Cache header for anything whose URL names its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One embedded file.
struct Asset {
    stem: &'static str,
    ext: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const FILES: [Asset; 4] = [
    Asset {
        stem: "site",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/site.css"),
    },
    Asset {
        stem: "admin",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/admin.css"),
    },
    Asset {
        stem: "gallery",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/gallery.js"),
    },
    Asset {
        stem: "favicon",
        ext: "svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/favicon.svg"),
    },
];

const FAVICON_ICO: &[u8] = include_bytes!("../../static/favicon.ico");

/// An embedded file with its fingerprinted name.
struct Served {
    name: String,
    hash: String,
    asset: &'static Asset,
}

static SERVED: LazyLock<Vec<Served>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|asset| {
            let hash = vitrine_media::sha256_hex(asset.bytes)[..10].to_owned();
            Served {
                name: format!("{}.{hash}.{}", asset.stem, asset.ext),
                hash,
                asset,
            }
        })
        .collect()
});

/// The URLs pages link to.
pub struct AssetUrls {
    /// The stylesheet.
    pub css: String,
    /// The lightbox script.
    pub js: String,
    /// The SVG icon.
    pub icon: String,
    /// The workspace's extra stylesheet (never loaded by public pages).
    pub admin_css: String,
}

static URLS: LazyLock<AssetUrls> = LazyLock::new(|| AssetUrls {
    css: url("site"),
    js: url("gallery"),
    icon: url("favicon"),
    admin_css: url("admin"),
});

fn url(stem: &str) -> String {
    SERVED
        .iter()
        .find(|s| s.asset.stem == stem)
        .map_or_else(String::new, |s| format!("/static/{}", s.name))
}

/// The fingerprinted URLs of the stylesheet, script and icon.
pub fn urls() -> &'static AssetUrls {
    &URLS
}

/// Serves an embedded file by its fingerprinted name; any other name is 404.
pub async fn show_asset(Path(name): Path<String>) -> Result<Response, WebError> {
    let served = SERVED
        .iter()
        .find(|s| s.name == name)
        .ok_or(WebError::NotFound)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names_carry_a_content_hash() {
        let urls = urls();
        assert!(urls.css.starts_with("/static/site.") && urls.css.ends_with(".css"));
        assert_eq!(urls.js.len(), "/static/gallery.0123456789.js".len());
    }
}
