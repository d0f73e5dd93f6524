//! The coverage matrix (PRE-02): participants by prompts, and the
//! participation note the counts give.

use crate::app::App;
use crate::app::curate::{Coverage, coverage};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::dashboard::DoneQuery;
use crate::web::admin::views::{AdminError, AdminLayout, render};
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use vitrine_core::Permission;

#[derive(Template)]
#[template(path = "admin/coverage.html", whitespace = "minimize")]
struct CoveragePage {
    layout: AdminLayout,
    coverage: Coverage,
    entry_base: String,
    settings_href: Option<String>,
}

/// `GET /admin/studies/{study}/coverage`.
pub async fn show_coverage(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let content = crate::app::studies::content(&app, &access.study).await?;
    render(&CoveragePage {
        layout: AdminLayout::study("Coverage", &staff, &access, "/coverage")
            .with_notice(query.done.as_deref()),
        coverage: coverage(&content),
        entry_base: access.href("/entries/"),
        settings_href: access
            .can(Permission::Edit)
            .then(|| access.href("/settings")),
    })
}
