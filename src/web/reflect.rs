//! `POST /{study}/reflections`: a visitor's reflection (issue 14), taken
//! for moderation when the study's current Release asks for them; 404
//! otherwise. Answers with a short page: thanks, or what to fix.

use super::client::client_address;
use super::error::WebError;
use super::page;
use super::published::latest;
use crate::app::App;
use crate::app::facilitate::reflections::{ReflectError, ReflectionInput, submit};
use crate::site::views::{Current, Layout};
use askama::Template;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use std::net::SocketAddr;
use vitrine_core::paths::Links;

/// The page after sending.
#[derive(Template)]
#[template(path = "reflection.html", whitespace = "minimize")]
struct ReflectionPage {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
    problems: Vec<String>,
    back_href: String,
    back_label: &'static str,
}

/// Takes a reflection.
pub async fn send_reflection(
    State(app): State<App>,
    Path(study): Path<String>,
    request: Request,
) -> Result<Response, WebError> {
    let latest = latest(&app, &study).await?;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let headers = request.headers().clone();
    // A reflection is a few thousand characters; anything much larger is not one.
    let body = axum::body::to_bytes(request.into_body(), 64 * 1024).await;
    let too_large = body.is_err();
    let fields: Vec<(String, String)> = body
        .ok()
        .and_then(|b| serde_urlencoded::from_bytes(&b).ok())
        .unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = ReflectionInput {
        entry: field("entry"),
        reflects: field("reflects"),
        role: field("role"),
        body: field("body"),
        consent: !field("consent").is_empty(),
        website: field("website"),
    };
    let client = client_address(peer, &headers, &app.settings.trusted_proxies);
    let served = Links::Served;
    let back_href = if input.entry.trim().is_empty() {
        served.gallery(&study)
    } else {
        served.entry(&study, input.entry.trim())
    };
    let layout = Layout::study(
        &latest.release,
        served,
        Some("Your reflection"),
        Current::Other,
    );
    let mut page = ReflectionPage {
        layout,
        heading: "Thank you",
        message: "Your reflection was sent to the research team. They read every one before \
                  using it in their research.",
        problems: Vec::new(),
        back_href,
        back_label: "Back to where you were",
    };
    let outcome = if too_large {
        Err(ReflectError::Invalid(vec![
            "The form was too large to be a reflection: shorten what you wrote and send it again."
                .to_owned(),
        ]))
    } else {
        submit(&app, &study, &input, client).await
    };
    let status = match outcome {
        Ok(_) => StatusCode::OK,
        Err(ReflectError::NotFound) => return Err(WebError::NotFound),
        Err(ReflectError::Invalid(problems)) => {
            page.heading = "Your reflection was not sent";
            page.message = "Go back to the form and:";
            page.problems = problems;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(ReflectError::TooMany) => {
            page.heading = "Your reflection was not sent";
            page.message = "Many reflections have come from your network in the last hour. \
                            Please send yours again in an hour; nothing was kept.";
            StatusCode::TOO_MANY_REQUESTS
        }
        Err(ReflectError::Failed(e)) => return Err(e.into()),
    };
    let mut response = page::render(&page, &headers, false)?;
    *response.status_mut() = status;
    if status == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("3600"));
    }
    Ok(response)
}
