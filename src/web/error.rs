//! The one error type at the web edge: a visitor sees a short, accessible page
//! (404 or 500) and never any internals; the cause is logged once, here.

use super::respond::{html_response, no_index};
use crate::site::views::Layout;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why a request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not in the latest Release (or never existed): the same answer either way,
    /// so unpublished things cannot be discovered.
    #[error("not found")]
    NotFound,
    /// Something failed inside; the message is for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<vitrine_store::StoreError> for WebError {
    fn from(e: vitrine_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<anyhow::Error> for WebError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(format!("{e:#}"))
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

/// The page for 404 and 500 answers.
#[derive(Template)]
#[template(path = "error.html", whitespace = "minimize")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is no page at this address. It may have been moved, or the \
                 entry may no longer be published.",
            ),
            Self::Internal(cause) => {
                tracing::error!(error = %cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The page could not be shown. Please try again later.",
                )
            }
        };
        let page = ErrorPage {
            layout: Layout::site(heading),
            heading,
            message,
        };
        let body = page.render().unwrap_or_else(|_| heading.to_owned());
        let mut response = (status, html_response(body)).into_response();
        no_index(&mut response);
        response
    }
}

/// Answers every path no route matches.
pub async fn show_not_found() -> WebError {
    WebError::NotFound
}
