//! Health endpoints for load balancers and orchestrators.
//!
//! `/healthz` says the process is up and answering; `/readyz` also checks that
//! the database and the blob store answer, so a load balancer sends no traffic
//! to an instance that cannot serve it. Neither reveals anything about studies.

use crate::app::App;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};

/// `GET /healthz`: 200 while the process answers requests.
pub async fn show_healthz() -> Response {
    ([(CACHE_CONTROL, "no-store")], "ok\n").into_response()
}

/// `GET /readyz`: 200 when the database and blob store answer, else 503 with
/// which one failed (details go to the log, not the response).
pub async fn show_readyz(State(app): State<App>) -> Response {
    let failed = app.unready_parts().await;
    let headers = [(CACHE_CONTROL, "no-store")];
    if failed.is_empty() {
        (headers, "ready\n").into_response()
    } else {
        let body = format!("not ready: {} unavailable\n", failed.join(" and "));
        (StatusCode::SERVICE_UNAVAILABLE, headers, body).into_response()
    }
}
