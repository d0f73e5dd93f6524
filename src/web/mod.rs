//! The public web site: routes, handlers and views, all rendered from Releases.
//!
//! Every public page is a pure function of a study's latest [`vitrine_core::Release`]
//! (loaded per request by [`published`]), so nothing unpublished, withdrawn or
//! private can reach a visitor: what is not in the Release answers 404. Handlers are
//! one per action (`show_*`), each building a `*Page` view for an askama template.
//! Headers every response carries (CSP, nosniff, no-referrer, no framing) are set
//! once, in [`headers`].

mod about;
mod assets;
mod entry;
mod error;
mod gallery;
mod headers;
mod home;
mod media;
mod page;
mod published;
mod robots;
mod views;

use crate::app::App;
use axum::Router;
use axum::middleware::from_fn;
use axum::routing::get;

pub use error::WebError;

/// The public site's routes, with security headers on every response.
///
/// Study slugs share the first path segment with `static`, `media`,
/// `favicon.ico` and `robots.txt`; those fixed routes win.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(home::show_home))
        .route("/favicon.ico", get(assets::show_favicon))
        .route("/robots.txt", get(robots::show_robots))
        .route("/static/{name}", get(assets::show_asset))
        .route("/media/{key}", get(media::show_media))
        .route("/{study}", get(gallery::redirect_to_gallery))
        .route("/{study}/", get(gallery::show_gallery))
        .route("/{study}/about", get(about::show_about))
        .route("/{study}/entries/{entry}", get(entry::show_entry))
        .fallback(error::show_not_found)
        .layer(from_fn(headers::security_headers))
        .with_state(app)
}
