//! The workspace's frame, its error pages and the small pieces every staff page
//! shares. Templates live in `templates/admin/`.

use super::access::{Staff, StudyAccess};
use crate::site::assets::{AssetUrls, urls};
use askama::Template;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use vitrine_core::Permission;

/// What every workspace page's frame needs.
pub struct AdminLayout {
    /// `<title>`.
    pub title: String,
    /// Asset URLs.
    pub assets: &'static AssetUrls,
    /// The signed-in person's name, for the header.
    pub user_name: Option<String>,
    /// Whether they are an instance administrator.
    pub is_admin: bool,
    /// The form token for the sign-out button.
    pub csrf: String,
    /// The study section, if the page belongs to one.
    pub study: Option<StudyMenu>,
    /// A confirmation to show at the top ("Saved."), from the redirect.
    pub notice: Option<String>,
}

/// The study's name and the sections this person may open.
pub struct StudyMenu {
    /// Study title.
    pub title: String,
    /// The person's role, as shown.
    pub role: String,
    /// Section links: (label, href, current).
    pub links: Vec<(String, String, bool)>,
    /// The public gallery URL.
    pub gallery: String,
}

impl AdminLayout {
    /// A page outside any study.
    pub fn new(title: &str, staff: Option<&Staff>) -> Self {
        Self {
            title: format!("{title} – Vitrine workspace"),
            assets: urls(),
            user_name: staff.map(|s| s.user.name.clone()),
            is_admin: staff.is_some_and(|s| s.user.is_admin),
            csrf: staff.map(|s| s.csrf.clone()).unwrap_or_default(),
            study: None,
            notice: None,
        }
    }

    /// A page of a study; `current` is the section's href suffix ("" for the
    /// dashboard, "/consent"…).
    pub fn study(title: &str, staff: &Staff, access: &StudyAccess, current: &str) -> Self {
        let mut layout = Self::new(
            &format!("{title} – {}", access.study.info.title),
            Some(staff),
        );
        let sections: [(&str, &str, Permission); 14] = [
            ("Dashboard", "", Permission::View),
            ("Coverage", "/coverage", Permission::View),
            (
                "Participants and consent",
                "/participants",
                Permission::Consent,
            ),
            ("Upload", "/upload", Permission::Edit),
            ("Study settings", "/settings", Permission::Edit),
            ("Discussion guides", "/guides", Permission::Facilitate),
            ("Workshop sessions", "/sessions", Permission::Facilitate),
            ("Print cards and handouts", "/print", Permission::Facilitate),
            ("Reflections", "/reflections", Permission::Facilitate),
            ("Publish", "/publish", Permission::Publish),
            ("Exports", "/exports", Permission::Export),
            ("Audit log", "/audit", Permission::Audit),
            ("Team", "/team", Permission::Manage),
            ("Contact and search engines", "/listing", Permission::Manage),
        ];
        layout.study = Some(StudyMenu {
            title: access.study.info.title.clone(),
            role: access
                .role
                .map_or_else(|| "Administrator".to_owned(), |r| r.label().to_owned()),
            links: sections
                .iter()
                .filter(|(_, _, p)| access.can(*p))
                .map(|(label, suffix, _)| {
                    ((*label).to_owned(), access.href(suffix), *suffix == current)
                })
                .collect(),
            gallery: format!("/{}/", access.slug()),
        });
        layout
    }

    /// Adds the confirmation named by a `done` query code.
    pub fn with_notice(mut self, done: Option<&str>) -> Self {
        self.notice = done.and_then(notice_text).map(str::to_owned);
        self
    }
}

/// Confirmations a redirect may ask for. Codes, not text, so no page echoes
/// what a URL says.
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "Saved.",
        "created" => "Created.",
        "deleted" => "Deleted.",
        "shared" => {
            "Shared. The link below works until the time shown, for anyone who has it; \
             sharing again makes a new link and stops this one."
        }
        "unshared" => "The link no longer works.",
        "uploaded" => "Upload finished; see the results below.",
        "consent" => "Consent recorded.",
        "checked" => "Checklist saved.",
        "approved" => "De-identification approved.",
        "substituted" => {
            "Illustration shown instead. The entry is now marked I with your note and needs its \
             de-identification checked and approved again; the participant's original stays \
             private, and the studio can still redact it and show it instead."
        }
        "redacted" => {
            "Redaction applied. The entry now shows the redacted photo in every size, is marked \
             O-edited with your note, and needs its de-identification checked and approved \
             again before it can be published."
        }
        "published" => "Published. The public gallery now shows the new Release.",
        "doi" => "DOI saved. That Release's pages, citation files and exports now give it.",
        "withdrawn" => "Withdrawn. Every public page and image of it now answers 404.",
        "export" => {
            "Export started. It is made in the background; its progress is in the table \
             below, and a download link appears there when it is ready."
        }
        "member" => "Team updated.",
        "added" => {
            "Saved. If that address has an account, it now has the role shown in the table \
             above; nobody is added for an address without an account (an instance \
             administrator can invite them from this page)."
        }
        "invited" => {
            "Invited: an account was made for that address, with the role, but with no \
             password anyone knows. They can sign in once whoever runs the server sets one \
             with `vitrine admin reset-password` (see the workspace guide)."
        }
        "moved" => "Order changed.",
        "signed-out" => "You are signed out.",
        _ => return None,
    })
}

/// Redirects after a successful POST (303, so a reload does not resend).
pub fn done(href: &str, code: &str) -> Response {
    let sep = if href.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{href}{sep}done={code}")).into_response()
}

/// Renders a workspace page: never cached, never indexed.
pub fn render<T: Template>(page: &T) -> Result<Response, AdminError> {
    let body = page
        .render()
        .map_err(|e| AdminError::Internal(format!("template: {e}")))?;
    Ok(html(StatusCode::OK, body))
}

/// Renders a page that holds a form: 422 when what was sent was refused (the
/// page shows why), else 200.
pub fn render_form<T: Template>(page: &T, refused: bool) -> Result<Response, AdminError> {
    let mut response = render(page)?;
    if refused {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Why a workspace request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// No such thing, or not yours to know about.
    #[error("not found")]
    NotFound,
    /// Known to exist, but the person may not do this; the text says why.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request itself was wrong; the text says what to do.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// It existed, but is no longer available; the text says why and what to
    /// do instead.
    #[error("gone: {0}")]
    Gone(String),
    /// The server is busy with other work; the text says to try again.
    #[error("busy: {0}")]
    Busy(String),
    /// Something failed inside; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<vitrine_store::StoreError> for AdminError {
    fn from(e: vitrine_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<anyhow::Error> for AdminError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(format!("{e:#}"))
    }
}

/// The page for refusals and failures.
#[derive(Template)]
#[template(path = "admin/message.html", whitespace = "minimize")]
struct MessagePage {
    layout: AdminLayout,
    heading: &'static str,
    message: String,
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is no workspace page at this address, or it belongs to a study you \
                 are not part of."
                    .to_owned(),
            ),
            Self::Forbidden(why) => (StatusCode::FORBIDDEN, "Not allowed", why),
            Self::BadRequest(why) => (StatusCode::BAD_REQUEST, "That did not work", why),
            Self::Gone(why) => (StatusCode::GONE, "No longer available", why),
            Self::Busy(why) => (StatusCode::SERVICE_UNAVAILABLE, "Busy, try again", why),
            Self::Internal(cause) => {
                tracing::error!(error = %cause, "workspace request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The page could not be shown. Nothing was changed. Please try again; if it \
                     keeps failing, tell whoever runs this Vitrine."
                        .to_owned(),
                )
            }
        };
        let page = MessagePage {
            layout: AdminLayout::new(heading, None),
            heading,
            message,
        };
        let body = page.render().unwrap_or_else(|_| heading.to_owned());
        html(status, body)
    }
}
