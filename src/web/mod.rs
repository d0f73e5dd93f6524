//! The public web site: routes, handlers and views, all rendered from Releases.
//!
//! Every public page is a pure function of a study's latest [`vitrine_core::Release`]
//! (loaded per request by [`published`]), so nothing unpublished, withdrawn or
//! private can reach a visitor: what is not in the Release answers 404. Handlers are
//! one per action (`show_*`), each building a `*Page` view for an askama template.
//! Headers every response carries (CSP, nosniff, no-referrer, no framing) are set
//! once, in [`headers`].

mod about;
pub mod admin;
mod api;
pub(crate) mod assets;
mod citation;
mod client;
mod entry;
mod error;
mod gallery;
mod headers;
mod health;
mod home;
mod iiif;
mod media;
mod metrics;
mod page;
mod present;
pub(crate) mod published;
mod reflect;
mod releases;
mod respond;
mod robots;
pub mod server;

use crate::app::App;
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

pub use error::WebError;
pub use metrics::Metrics;

/// The public site's routes, with security headers on every response, and
/// metrics of its own.
pub fn router(app: App) -> Router {
    site(app, &Metrics::new())
}

/// The public site's routes, counted in `metrics`.
///
/// Study slugs share the first path segment with `static`, `media`,
/// `favicon.ico`, `robots.txt` and the operations endpoints (`healthz`,
/// `readyz`, `metrics`); those fixed routes win, and import refuses them as
/// study slugs. `/metrics` answers only peers in `server.metrics_allow`
/// (by default this machine) and only when no separate metrics listener is
/// set (see [`metrics_router`]); everyone else gets 404.
pub fn site(app: App, metrics: &Metrics) -> Router {
    let ops = Router::new()
        .route("/metrics", get(metrics::show_metrics))
        .with_state(metrics.clone())
        .layer(from_fn_with_state(
            std::sync::Arc::new(app.settings.server.clone()),
            metrics::only_for_allowed_peers,
        ));
    let metrics = metrics.clone();
    Router::new()
        .route("/", get(home::show_home))
        .route("/healthz", get(health::show_healthz))
        .route("/readyz", get(health::show_readyz))
        .route("/favicon.ico", get(assets::show_favicon))
        .route("/robots.txt", get(robots::show_robots))
        .route("/static/{name}", get(assets::show_asset))
        .route("/media/{key}", get(media::show_media))
        .route("/api/openapi.json", get(api::show_openapi))
        .route("/api/v1/studies", get(api::list_studies))
        .route("/api/v1/studies/{study}", get(api::show_study))
        .route("/api/v1/studies/{study}/entries", get(api::list_entries))
        .route(
            "/api/v1/studies/{study}/entries/{entry}",
            get(api::show_entry),
        )
        .route("/api/v1/studies/{study}/releases", get(api::list_releases))
        .route("/{study}", get(gallery::redirect_to_gallery))
        .route("/{study}/", get(gallery::show_gallery))
        .route("/{study}/about", get(about::show_about))
        .route("/{study}/releases", get(releases::show_releases))
        .route("/{study}/CITATION.cff", get(citation::show_citation_cff))
        .route("/{study}/datacite.json", get(citation::show_datacite))
        .route("/{study}/iiif/{file}", get(iiif::show_iiif))
        .route("/{study}/entries/{entry}", get(entry::show_entry))
        .route("/{study}/reflections", post(reflect::send_reflection))
        .route("/{study}/present/{entry}", get(present::show_slide))
        .route("/{study}/present/{entry}/notes", get(present::show_notes))
        .route(
            "/{study}/shared/{token}/{n}",
            get(present::show_shared_slide),
        )
        .route(
            "/{study}/shared/{token}/{n}/notes",
            get(present::show_shared_notes),
        )
        .merge(admin::router(app.clone()))
        .fallback(error::show_not_found)
        .with_state(app)
        .merge(ops)
        .layer(from_fn_with_state(metrics, metrics::track))
        .layer(from_fn(headers::security_headers))
}

/// Only `/metrics`, for the separate listener `server.metrics_listen`: whoever
/// can reach that address may read it.
pub fn metrics_router(metrics: &Metrics) -> Router {
    Router::new()
        .route("/metrics", get(metrics::show_metrics))
        .with_state(metrics.clone())
        .fallback(error::show_not_found)
        .layer(from_fn(headers::security_headers))
}
