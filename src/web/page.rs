//! Turning a rendered page into a response: content type, ETag, revalidation.
//!
//! Pages are sent with `Cache-Control: no-cache` and an ETag made from the body:
//! browsers and proxies may keep a copy but must ask before reusing it, and get a
//! cheap 304 when nothing changed. We do not allow a `max-age` on pages because a
//! withdrawn entry must disappear from every page at once (ETH withdrawal), not a
//! minute later. Media and assets, whose names are content hashes, are the ones
//! cached forever.

use super::error::WebError;
use super::published::Latest;
use super::respond::{html_response, no_index};
use crate::app::App;
use crate::app::cache::RenderedPage;
use askama::Template;
use axum::body::Bytes;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, HOST, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Renders `page` and answers 200, or 304 when the visitor's copy is current.
/// `indexable` is false unless the study allows search engines.
pub fn render<T: Template>(
    page: &T,
    request: &HeaderMap,
    indexable: bool,
) -> Result<Response, WebError> {
    Ok(respond(&rendered(page)?, request, indexable))
}

/// Like [`render`], for a page that depends on nothing but the study's latest
/// Release, `name` (the route and its slugs) and the origin its absolute links
/// use: a process renders it once per Release revision and answers from that
/// copy after, including the 304 check. The Release is still looked up per
/// request, so a new Release or a withdrawal shows at once.
pub fn render_cached<T: Template>(
    app: &App,
    latest: &Latest,
    name: &str,
    request: &HeaderMap,
    build: impl FnOnce() -> Result<T, WebError>,
) -> Result<Response, WebError> {
    let key = (latest.id, latest.revision);
    let indexable = latest.release.study.allow_search_engines;
    render_cached_under(app, key, name, request, indexable, build)
}

/// [`render_cached`] for a page made from every study's current Release
/// (the home page): held under the revision
/// [`crate::app::published::combined_revision`] gives them, which moves when
/// any of them does.
pub fn render_cached_from_all<T: Template>(
    app: &App,
    all: &[Latest],
    name: &str,
    request: &HeaderMap,
    indexable: bool,
    build: impl FnOnce() -> Result<T, WebError>,
) -> Result<Response, WebError> {
    // No Release has id 0, so this key is the home page's alone.
    let key = (
        vitrine_core::ReleaseId(0),
        crate::app::published::combined_revision(all),
    );
    render_cached_under(app, key, name, request, indexable, build)
}

fn render_cached_under<T: Template>(
    app: &App,
    (id, revision): (vitrine_core::ReleaseId, i64),
    name: &str,
    request: &HeaderMap,
    indexable: bool,
    build: impl FnOnce() -> Result<T, WebError>,
) -> Result<Response, WebError> {
    let name = format!("{name} {}", site_url(request, ""));
    let page = match app.pages.get(id, revision, &name) {
        Some(page) => page,
        None => app.pages.insert(id, revision, name, rendered(&build()?)?),
    };
    Ok(respond(&page, request, indexable))
}

/// A small public file made from the Release (a citation file, a metadata
/// record) with its content type, answered like a page: an ETag, a 304
/// when the visitor's copy is current, `noindex` unless the study allows.
pub fn text_file(
    body: String,
    content_type: &'static str,
    request: &HeaderMap,
    indexable: bool,
) -> Result<Response, WebError> {
    let etag = format!("\"{}\"", &vitrine_media::sha256_hex(body.as_bytes())[..20]);
    let mut response = if matches_etag(request, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(CONTENT_TYPE, HeaderValue::from_static(content_type))],
            body,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        ETAG,
        HeaderValue::from_str(&etag).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    if !indexable {
        no_index(&mut response);
    }
    Ok(response)
}

/// `page`'s HTML and the ETag made from it.
fn rendered<T: Template>(page: &T) -> Result<RenderedPage, WebError> {
    let body = page.render()?;
    let etag = format!("\"{}\"", &vitrine_media::sha256_hex(body.as_bytes())[..20]);
    Ok(RenderedPage {
        etag: HeaderValue::from_str(&etag).map_err(|e| WebError::Internal(e.to_string()))?,
        body: Bytes::from(body),
    })
}

/// 200 with `page`, or 304 when the visitor's copy is current.
fn respond(page: &RenderedPage, request: &HeaderMap, indexable: bool) -> Response {
    let mut response = if page
        .etag
        .to_str()
        .is_ok_and(|etag| matches_etag(request, etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        html_response(page.body.clone()).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(ETAG, page.etag.clone());
    if !indexable {
        no_index(&mut response);
    }
    response
}

/// Whether `If-None-Match` names `etag` (weak or strong) or is `*`.
pub fn matches_etag(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// The scheme and host of this request's site, from its `Host` header: what
/// public pages put before a path in their "how to cite" blocks.
pub struct RequestOrigin(String);

impl RequestOrigin {
    /// As a page's origin.
    pub fn served(&self) -> crate::site::Origin<'_> {
        crate::site::Origin::Served(&self.0)
    }
}

/// The origin of the site `headers` were sent to ([`site_url`] of nothing).
pub fn origin(headers: &HeaderMap) -> RequestOrigin {
    RequestOrigin(site_url(headers, ""))
}

/// The absolute URL of `path` on this site, for "how to cite" blocks, built from
/// the request's `Host` (validated, so a forged header cannot inject markup or
/// odd text). Without a usable host the path alone is given. Local hosts get
/// `http`, others `https` unless a proxy says otherwise.
pub fn site_url(headers: &HeaderMap, path: &str) -> String {
    let Some(host) = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| is_host(h))
    else {
        return path.to_owned();
    };
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "http" || *p == "https");
    let local =
        host.starts_with("localhost") || host.starts_with("127.") || host.starts_with("[::1]");
    let scheme = forwarded.unwrap_or(if local { "http" } else { "https" });
    format!("{scheme}://{host}{path}")
}

fn is_host(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(IF_NONE_MATCH, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        assert!(matches_etag(&with("\"a\", W/\"b\""), "\"b\""));
        assert!(matches_etag(&with("*"), "\"b\""));
        assert!(!matches_etag(&with("\"a\""), "\"b\""));
        assert!(!matches_etag(&HeaderMap::new(), "\"b\""));
    }

    #[test]
    fn site_urls_trust_only_host_shaped_headers() {
        let mut headers = HeaderMap::new();
        assert_eq!(site_url(&headers, "/a/"), "/a/");
        headers.insert(HOST, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(site_url(&headers, "/a/"), "http://127.0.0.1:8080/a/");
        headers.insert(HOST, "gallery.example.org".parse().unwrap());
        assert_eq!(site_url(&headers, "/a/"), "https://gallery.example.org/a/");
        headers.insert(HOST, "x\"><b>".parse().unwrap());
        assert_eq!(site_url(&headers, "/a/"), "/a/");
    }
}
