//! The listing page: the study's public contact e-mail and whether search
//! engines may list the gallery. These are study settings
//! (`Permission::Manage`): owners change them, and so do instance
//! administrators who are not on the team, who cannot open the settings
//! page with the study's texts.

use super::Fields;
use crate::app::App;
use crate::app::curate::FieldProblem;
use crate::app::curate::study::{FormError, ListingInput, save_listing as save};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::dashboard::DoneQuery;
use crate::web::admin::views::{AdminError, AdminLayout, done, render_form};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::response::Response;

#[derive(Template)]
#[template(path = "admin/listing.html", whitespace = "minimize")]
struct ListingPage {
    layout: AdminLayout,
    csrf: String,
    action: String,
    input: ListingInput,
    problems: Vec<FieldProblem>,
}

impl ListingPage {
    fn error(&self, field: &str) -> Option<&str> {
        super::problem_for(&self.problems, field)
    }
}

fn listing_page(
    staff: &Staff,
    access: &StudyAccess,
    done_code: Option<&str>,
    refused: Option<(ListingInput, Vec<FieldProblem>)>,
) -> Result<Response, AdminError> {
    let invalid = refused.is_some();
    let (input, problems) =
        refused.unwrap_or_else(|| (ListingInput::from_info(&access.study.info), Vec::new()));
    let page = ListingPage {
        layout: AdminLayout::study("Contact and search engines", staff, access, "/listing")
            .with_notice(done_code),
        csrf: staff.csrf.clone(),
        action: access.href("/listing"),
        input,
        problems,
    };
    render_form(&page, invalid)
}

/// `GET /admin/studies/{study}/listing`.
pub async fn show_listing(
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    listing_page(&staff, &access, query.done.as_deref(), None)
}

/// `POST /admin/studies/{study}/listing`: saves the contact e-mail and the
/// search-engine listing.
pub async fn save_listing(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let f = Fields(fields);
    let input = ListingInput {
        contact_email: f.get("contact_email"),
        allow_search_engines: f.ticked("allow_search_engines"),
    };
    match save(&app, &access.study, &input, staff.actor()).await {
        Ok(_) => Ok(done(&access.href("/listing"), "saved")),
        Err(FormError::Invalid(problems)) => {
            listing_page(&staff, &access, None, Some((input, problems)))
        }
        Err(FormError::Failed(e)) => Err(e.into()),
    }
}
