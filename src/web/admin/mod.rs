//! The curator workspace under `/admin`: server-rendered like the public side,
//! every form a plain POST followed by a redirect, JavaScript never required.
//!
//! Access is declared, not remembered: every route is registered through
//! [`Routes::add`] with the [`Need`] it requires, one middleware ([`gate`])
//! enforces it (session, role in the study, anti-forgery token on every POST)
//! before any handler runs, and [`route_table`] hands the same list to the
//! authorization test, so a route cannot exist without an entry there.

mod access;
mod consent;
mod curate;
mod dashboard;
mod exports;
mod gate;
mod jobs;
mod release;
mod session;
mod team;
mod views;

use crate::app::App;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};
use vitrine_core::Permission;

pub use access::{Staff, StudyAccess};
pub use views::AdminError;

/// What a route requires of the person asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone (the sign-in page).
    Anyone,
    /// Any signed-in account.
    SignedIn,
    /// An instance administrator.
    Admin,
    /// This permission in the study named by the `{study}` path segment.
    Study(Permission),
}

/// One staff route, for the authorization test and the docs.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// GET or POST.
    pub method: Method,
    /// The axum path pattern, e.g. `/admin/studies/{study}/publish`.
    pub path: &'static str,
    /// What it requires.
    pub need: Need,
}

/// Builds the router and the route table together.
struct Routes {
    app: App,
    router: Router<App>,
    specs: Vec<RouteSpec>,
}

impl Routes {
    fn add<H, T>(self, method: Method, path: &'static str, need: Need, handler: H) -> Self
    where
        H: Handler<T, App>,
        T: 'static,
    {
        let route: MethodRouter<App> = if method == Method::POST {
            post(handler)
        } else {
            get(handler)
        };
        self.push(method, path, need, route)
    }

    /// Like [`Routes::add`] for a multipart POST whose body may be up to
    /// `limit` bytes (uploads stream; other forms keep axum's default limit).
    fn add_upload<H, T>(self, path: &'static str, need: Need, limit: usize, handler: H) -> Self
    where
        H: Handler<T, App>,
        T: 'static,
    {
        let route: MethodRouter<App> = post(handler).layer(DefaultBodyLimit::max(limit));
        self.push(Method::POST, path, need, route)
    }

    fn push(
        mut self,
        method: Method,
        path: &'static str,
        need: Need,
        route: MethodRouter<App>,
    ) -> Self {
        let route = route.route_layer(from_fn_with_state(
            gate::Gate {
                app: self.app.clone(),
                need,
            },
            gate::gate,
        ));
        self.router = self.router.route(path, route);
        self.specs.push(RouteSpec { method, path, need });
        self
    }
}

fn routes(app: App) -> Routes {
    use Method as M;
    use Need::{Admin, Anyone, SignedIn, Study};
    use Permission as P;
    let limits = app.settings.limits;
    let r = Routes {
        app,
        router: Router::new(),
        specs: Vec::new(),
    };
    r.add(M::GET, "/admin/login", Anyone, session::show_login)
        .add(M::POST, "/admin/login", Anyone, session::sign_in)
        .add(M::POST, "/admin/logout", SignedIn, session::sign_out)
        .add(M::GET, "/admin", SignedIn, dashboard::show_home)
        .add(M::GET, "/admin/accounts", Admin, team::show_accounts)
        .add(M::POST, "/admin/accounts", Admin, team::create_account)
        .add(M::POST, "/admin/studies", Admin, dashboard::create_study)
        .add(M::GET, "/admin/jobs", Admin, jobs::show_jobs)
        .add(
            M::GET,
            "/admin/studies/{study}",
            Study(P::View),
            dashboard::show_study,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/coverage",
            Study(P::View),
            curate::show_coverage,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/entries/{entry}",
            Study(P::View),
            curate::show_entry,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/entries/{entry}",
            Study(P::Edit),
            curate::save_entry,
        )
        .add_upload(
            "/admin/studies/{study}/entries/{entry}/image",
            Study(P::Edit),
            curate::image_body_limit(&limits),
            curate::replace_image,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/reflections",
            Study(P::Facilitate),
            curate::show_reflections,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/reflections",
            Study(P::Facilitate),
            curate::moderate_reflection,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/reflections.csv",
            Study(P::Facilitate),
            curate::reflections_csv,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/reflections.json",
            Study(P::Facilitate),
            curate::reflections_json,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/sessions",
            Study(P::Facilitate),
            curate::show_sessions,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/sessions",
            Study(P::Facilitate),
            curate::create_session,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/sessions/{id}",
            Study(P::Facilitate),
            curate::show_session,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/sessions/{id}",
            Study(P::Facilitate),
            curate::change_session,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/sessions/{id}/present/{n}",
            Study(P::Facilitate),
            curate::present_session,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/sessions/{id}/present/{n}/notes",
            Study(P::Facilitate),
            curate::present_session_notes,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/print",
            Study(P::Facilitate),
            curate::show_print,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/print",
            Study(P::Facilitate),
            curate::print_pdf,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/guides",
            Study(P::Facilitate),
            curate::show_guides,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/guides",
            Study(P::Facilitate),
            curate::save_guides_form,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/entries/{entry}/redact",
            Study(P::Edit),
            curate::show_studio,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/entries/{entry}/redact",
            Study(P::Edit),
            curate::save_studio,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/entries/{entry}/redact/image",
            Study(P::Edit),
            curate::show_studio_image,
        )
        .add_upload(
            "/admin/studies/{study}/entries/{entry}/redact/substitute",
            Study(P::Edit),
            curate::image_body_limit(&limits),
            curate::substitute,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/entries/{entry}/original",
            Study(P::Identity),
            curate::show_original,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/images/{image}/{width}",
            Study(P::View),
            curate::show_image,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/upload",
            Study(P::Edit),
            curate::show_upload,
        )
        .add_upload(
            "/admin/studies/{study}/upload",
            Study(P::Edit),
            curate::upload_body_limit(&limits),
            curate::upload,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/settings",
            Study(P::Edit),
            curate::show_settings,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/settings",
            Study(P::Edit),
            curate::save_settings,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/listing",
            Study(P::Manage),
            curate::show_listing,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/listing",
            Study(P::Manage),
            curate::save_listing,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/prompts",
            Study(P::Edit),
            curate::add_prompt,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/prompts/{prompt}/move",
            Study(P::Edit),
            curate::move_prompt,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/themes",
            Study(P::Edit),
            curate::add_theme,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/participants",
            Study(P::Consent),
            consent::show_participants,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/participants",
            Study(P::Edit),
            consent::add_participant,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/participants/{participant}",
            Study(P::Consent),
            consent::show_participant,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/participants/{participant}/consent",
            Study(P::Consent),
            consent::record_consent,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/participants/{participant}/identity",
            Study(P::Identity),
            consent::save_identity,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/entries/{entry}/checklist",
            Study(P::View),
            release::show_checklist,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/entries/{entry}/checklist",
            Study(P::Check),
            release::save_checklist,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/entries/{entry}/approve",
            Study(P::Approve),
            release::approve,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/publish",
            Study(P::Publish),
            release::show_publish,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/publish",
            Study(P::Publish),
            release::publish,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/releases/{version}/doi",
            Study(P::Publish),
            release::save_doi,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/entries/{entry}/withdraw",
            Study(P::Withdraw),
            release::show_withdraw_entry,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/entries/{entry}/withdraw",
            Study(P::Withdraw),
            release::withdraw_entry,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/participants/{participant}/withdraw",
            Study(P::Withdraw),
            release::show_withdraw_participant,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/participants/{participant}/withdraw",
            Study(P::Withdraw),
            release::withdraw_participant,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/exports",
            Study(P::Export),
            exports::show_exports,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/exports",
            Study(P::Export),
            exports::request_export,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/exports/{id}/download",
            Study(P::Export),
            exports::download_export,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/audit",
            Study(P::Audit),
            team::show_audit,
        )
        .add(
            M::GET,
            "/admin/studies/{study}/team",
            Study(P::Manage),
            team::show_team,
        )
        .add(
            M::POST,
            "/admin/studies/{study}/team",
            Study(P::Manage),
            team::save_member,
        )
}

/// The workspace's routes, each behind its gate.
pub fn router(app: App) -> Router<App> {
    routes(app).router
}

/// Every staff route with what it requires: the authorization test walks this.
pub fn route_table(app: App) -> Vec<RouteSpec> {
    routes(app).specs
}
