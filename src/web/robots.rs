//! `/robots.txt`, kept in step with each study's search-engine setting.
//!
//! Studies that do not allow search engines are disallowed here as well as marked
//! `noindex` on every page; public images are never offered for crawling, so a
//! participant's photo does not turn up in image search out of its context.

use super::error::WebError;
use crate::app::App;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use std::fmt::Write as _;

/// Serves robots.txt built from the latest Releases.
pub async fn show_robots(State(app): State<App>) -> Result<Response, WebError> {
    let mut allowed = 0;
    let mut disallow = String::new();
    for current in crate::app::published::all_current(&app).await? {
        let release = &current.release;
        if release.study.allow_search_engines {
            allowed += 1;
        } else {
            // Writing to a String cannot fail.
            let _ = writeln!(disallow, "Disallow: /{}/", release.study.slug);
        }
    }
    let body = if allowed == 0 {
        "User-agent: *\nDisallow: /\n".to_owned()
    } else {
        format!("User-agent: *\nDisallow: /media/\n{disallow}")
    };
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response())
}
