//! The background jobs page: what the workers did and what failed (issue 4:
//! jobs are visible in the workspace, as `vitrine jobs` shows them on the
//! command line).

use super::access::Staff;
use super::dashboard::DoneQuery;
use super::views::{AdminError, AdminLayout, render};
use crate::app::App;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;

/// One job, as shown.
struct JobRow {
    id: i64,
    kind: String,
    state: String,
    attempts: u32,
    updated: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/jobs.html", whitespace = "minimize")]
struct JobsPage {
    layout: AdminLayout,
    jobs: Vec<JobRow>,
}

fn when(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000).map_or_else(
        |_| "?".to_owned(),
        |t| {
            format!(
                "{} {:02}:{:02}:{:02} UTC",
                t.date(),
                t.hour(),
                t.minute(),
                t.second()
            )
        },
    )
}

/// `GET /admin/jobs`: the most recent background jobs.
pub async fn show_jobs(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let jobs = crate::app::jobs::recent(&app, 100)
        .await?
        .into_iter()
        .map(|j| JobRow {
            id: j.id,
            kind: j.kind,
            state: j.state,
            attempts: j.attempts,
            updated: when(j.updated_at),
            error: j.last_error,
        })
        .collect();
    render(&JobsPage {
        layout: AdminLayout::new("Background jobs", Some(&staff))
            .with_notice(query.done.as_deref()),
        jobs,
    })
}
