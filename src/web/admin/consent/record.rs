//! The participant page's forms: a new consent record (multipart, with an
//! optional signed form) and, for owners, the identity.

use super::participant::{Retry, find, participant_page};
use crate::app::App;
use crate::app::consent::{ConsentInput, MAX_FORM_BYTES, RegisterError};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::views::{AdminError, done};
use axum::Extension;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Form, FromRequest, Multipart, Path, Request, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use serde::Deserialize;
use vitrine_store::ParticipantSummary;

/// `POST …/participants/{participant}/consent`: records a new consent record
/// from the form (multipart, with an optional signed form, or URL-encoded).
pub async fn record_consent(State(app): State<App>, request: Request) -> Response {
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if multipart {
        // The form may carry a scanned signed form, larger than the default
        // body limit: allow it, and a little for the other fields.
        let limit = DefaultBodyLimit::max(MAX_FORM_BYTES + 256 * 1024);
        Handler::call(record_multipart.layer(limit), request, app).await
    } else {
        Handler::call(record_urlencoded, request, app).await
    }
}

async fn record_multipart(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, raw)): Path<(String, String)>,
    request: Request,
) -> Result<Response, AdminError> {
    let participant = find(&app, &access, &raw).await?;
    let mut multipart = Multipart::from_request(request, &app)
        .await
        .map_err(|e| AdminError::BadRequest(format!("The form could not be read: {e}.")))?;
    let mut fields = Vec::new();
    let mut form = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(too_large_or_bad(&e)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "signed_form" {
            let bytes = field.bytes().await.map_err(|e| too_large_or_bad(&e))?;
            if !bytes.is_empty() {
                form = Some(bytes.to_vec());
            }
        } else {
            let text = field.text().await.map_err(|e| too_large_or_bad(&e))?;
            fields.push((name, text));
        }
    }
    save_consent(&app, &staff, &access, &participant, fields, form).await
}

fn too_large_or_bad(e: &MultipartError) -> AdminError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AdminError::BadRequest(format!(
            "The signed form is larger than {} MB, so nothing was saved. Go back and choose a \
             smaller file (a scan at 150 dpi is usually enough).",
            MAX_FORM_BYTES / 1_000_000
        ))
    } else {
        AdminError::BadRequest(format!(
            "The form could not be read, so nothing was saved: {e}."
        ))
    }
}

async fn record_urlencoded(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, raw)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let participant = find(&app, &access, &raw).await?;
    save_consent(&app, &staff, &access, &participant, fields, None).await
}

async fn save_consent(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    participant: &ParticipantSummary,
    fields: Vec<(String, String)>,
    form: Option<Vec<u8>>,
) -> Result<Response, AdminError> {
    let mut input = ConsentInput::default();
    for (name, value) in fields {
        match name.as_str() {
            "scope" => input.scopes.push(value),
            "given_on" => input.given_on = value,
            "form_version" => input.form_version = value,
            "expires_on" => input.expires_on = value,
            "method" => input.method = value,
            "taken_by" => input.taken_by = value,
            "note" => input.note = value,
            _ => {}
        }
    }
    let href = access.href(&format!("/participants/{}", participant.id));
    match crate::app::consent::record(
        app,
        &access.study,
        participant.id,
        &input,
        form,
        staff.actor(),
    )
    .await
    {
        Ok(_) => Ok(done(&href, "consent")),
        Err(RegisterError::Invalid(problems)) => {
            let retry = Retry {
                input: Some(input),
                problems,
                identity: None,
            };
            participant_page(app, staff, access, participant, None, retry).await
        }
        Err(RegisterError::Failed(e)) => Err(e.into()),
    }
}

/// The identity form.
#[derive(Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    real_name: String,
    #[serde(default)]
    contact: String,
}

/// `POST …/participants/{participant}/identity` (owners): stores the real
/// name and contact, encrypted.
pub async fn save_identity(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, raw)): Path<(String, String)>,
    Form(form): Form<IdentityForm>,
) -> Result<Response, AdminError> {
    let participant = find(&app, &access, &raw).await?;
    let problems = crate::app::identity::problems(&form.real_name, &form.contact);
    if !problems.is_empty() {
        let retry = Retry {
            identity: Some((form.real_name, form.contact, problems)),
            ..Retry::default()
        };
        return participant_page(&app, &staff, &access, &participant, None, retry).await;
    }
    crate::app::identity::set_identity(
        &app,
        &access.study,
        participant.id,
        &form.real_name,
        &form.contact,
        staff.actor(),
    )
    .await?;
    let href = access.href(&format!("/participants/{}", participant.id));
    Ok(done(&href, "saved"))
}
