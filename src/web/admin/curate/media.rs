//! Images in the workspace: staff thumbnails (a stored derivative, never the
//! original), replacing an entry's image, and uploads that become draft
//! entries. Multipart bodies are streamed; each file is read up to the image
//! size limit and a bad file never stops the good ones.

use super::entry::{Page, withdrawn};
use super::entry_form::Choice;
use super::{
    ImageForm, MAX_UPLOAD_FILES, Part, base_name, parse_id, problem_for, read_part, read_text,
};
use crate::app::App;
use crate::app::curate::FieldProblem;
use crate::app::curate::images::{
    ImageError, UploadTarget, replace_image as replace, upload_image,
};
use crate::app::identity::names::NameCheck;
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::dashboard::DoneQuery;
use crate::web::admin::views::{AdminError, AdminLayout, render};
use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use vitrine_core::{EntryId, ImageId, Permission};
use vitrine_store::StudyContent;

/// `GET /admin/studies/{study}/images/{image}/{width}`: a stored public
/// derivative of an image one of the study's entries uses, for staff pages.
/// Never the original; never cached, since drafts must not linger.
pub async fn show_image(
    State(app): State<App>,
    Extension(access): Extension<StudyAccess>,
    Path((_, image, width)): Path<(String, String, String)>,
) -> Result<Response, AdminError> {
    let image = ImageId(parse_id(&image).ok_or(AdminError::NotFound)?);
    let width: u32 = width.parse().map_err(|_| AdminError::NotFound)?;
    let (media_type, bytes) =
        crate::app::curate::images::staff_image(&app, &access.study, image, width)
            .await?
            .ok_or(AdminError::NotFound)?;
    Ok((
        [
            (CONTENT_TYPE, media_type),
            (CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /admin/studies/{study}/entries/{entry}/image`: replaces the image.
pub async fn replace_image(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Result<Response, AdminError> {
    let id = EntryId(parse_id(&entry).ok_or(AdminError::NotFound)?);
    let result = match ImageForm::read(&app, &mut multipart).await.file {
        Err(e) => Err(e),
        Ok(bytes) => replace(&app, &access.study, id, bytes, staff.actor()).await,
    };
    match result {
        Ok(()) => Ok(super::super::views::done(
            &access.href(&format!("/entries/{}", id.0)),
            "saved",
        )),
        Err(ImageError::NotFound) => Err(AdminError::NotFound),
        Err(ImageError::Withdrawn) => Err(withdrawn()),
        Err(ImageError::Failed(e)) => Err(e.into()),
        Err(problem @ (ImageError::File(_) | ImageError::Described | ImageError::Busy(_))) => {
            // Read again for the page: the failure path alone pays for it.
            let content = crate::app::studies::content(&app, &access.study).await?;
            let page = Page {
                app: &app,
                staff: &staff,
                access: &access,
                content: &content,
                id,
            };
            let busy = matches!(problem, ImageError::Busy(_));
            let mut response = page.render(None, None, Some(problem.to_string())).await?;
            if busy {
                *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            }
            Ok(response)
        }
    }
}

/// What happened to one uploaded file.
struct FileResult {
    /// The file's name as the browser sent it (shown here only, never stored).
    name: String,
    /// The new entry's label and link, or what was wrong with the file.
    outcome: Result<(String, String), String>,
    /// Set when the file name contains a participant's real name (ETH-20).
    name_warning: bool,
    /// Set when the file's metadata recorded where it was taken (GPS).
    records_location: bool,
    /// Faces the detector suggests, with a link to the studio to hide them.
    faces: Option<(usize, String)>,
}

#[derive(Template)]
#[template(path = "admin/upload.html", whitespace = "minimize")]
struct UploadPage {
    layout: AdminLayout,
    action: String,
    prompts: Vec<Choice>,
    participants: Vec<Choice>,
    provenances: Vec<Choice>,
    problems: Vec<FieldProblem>,
    results: Vec<FileResult>,
    max_files: usize,
    max_size: String,
    /// The neutral real-name note, or that the check could not run.
    name_note: Option<&'static str>,
}

impl UploadPage {
    fn error(&self, field: &str) -> Option<&str> {
        problem_for(&self.problems, field)
    }

    fn created(&self) -> usize {
        self.results.iter().filter(|r| r.outcome.is_ok()).count()
    }
}

/// The choices of the upload form, with `chosen` (prompt, participant,
/// provenance) selected.
fn upload_page(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    content: &StudyContent,
    chosen: [&str; 3],
) -> UploadPage {
    let choice = |value: String, label: String, chosen: &str| Choice {
        selected: value == chosen,
        value,
        label,
    };
    let mut prompts: Vec<&vitrine_core::Prompt> = content.prompts.iter().collect();
    prompts.sort_by_key(|p| (p.order, p.id));
    UploadPage {
        layout: AdminLayout::study("Upload images", staff, access, "/upload"),
        action: format!("{}?csrf={}", access.href("/upload"), staff.csrf),
        prompts: prompts
            .iter()
            .map(|p| choice(p.id.0.to_string(), p.title.clone(), chosen[0]))
            .collect(),
        participants: content
            .participants
            .iter()
            .map(|p| choice(p.id.0.to_string(), p.pseudonym.clone(), chosen[1]))
            .collect(),
        provenances: vitrine_core::provenance::ALL
            .iter()
            .filter(|p| p.has_image())
            .map(|p| {
                choice(
                    p.code().to_owned(),
                    format!("{} – {}", p.code(), p.label()),
                    chosen[2],
                )
            })
            .collect(),
        problems: Vec::new(),
        results: Vec::new(),
        max_files: MAX_UPLOAD_FILES,
        name_note: None,
        max_size: vitrine_media::MediaError::FileTooLarge {
            size: 0,
            limit: app.settings.limits.max_bytes,
        }
        .to_string()
        .rsplit("the limit is ")
        .next()
        .unwrap_or_default()
        .to_owned(),
    }
}

/// `GET /admin/studies/{study}/upload`: the upload form.
pub async fn show_upload(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let content = crate::app::studies::content(&app, &access.study).await?;
    let mut page = upload_page(&app, &staff, &access, &content, ["", "", "O"]);
    page.layout = page.layout.with_notice(query.done.as_deref());
    render(&page)
}

/// `POST /admin/studies/{study}/upload`: each file becomes a draft entry, or
/// says what is wrong with it. Answers with the per-file results (200 when
/// at least one entry was made, else 503 when a file was turned away because
/// the server was busy with other images, else 422).
pub async fn upload(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    mut multipart: Multipart,
) -> Result<Response, AdminError> {
    let content = crate::app::studies::content(&app, &access.study).await?;
    // A file name like "Jane_Smith_1.jpg" is a warning sign (ETH-20, PRV-14): the
    // name is never stored, but the photo or its caption may name her too.
    // Only people who may see identities are told (issue 10 item 7).
    let names = NameCheck::load(&app, &access.study, access.can(Permission::Identity)).await;
    let limit = app.settings.limits.max_bytes;
    let mut chosen = [String::new(), String::new(), String::new()];
    let mut target: Option<Result<UploadTarget, Vec<FieldProblem>>> = None;
    let mut results: Vec<FileResult> = Vec::new();
    let mut cut_short = None;
    let mut busy = false;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                cut_short = Some(e.to_string());
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let slot = match name.as_str() {
            "prompt" => Some(0),
            "participant" => Some(1),
            "provenance" => Some(2),
            _ => None,
        };
        if let Some(slot) = slot {
            match read_text(&mut field).await {
                Ok(value) => chosen[slot] = value,
                Err(e) => {
                    cut_short = Some(e.to_string());
                    break;
                }
            }
            continue;
        }
        if name != "images" {
            continue;
        }
        let file_name = base_name(field.file_name());
        let part = match read_part(&mut field, limit).await {
            Ok(part) => part,
            Err(e) => {
                cut_short = Some(e.to_string());
                break;
            }
        };
        // A file input left empty still sends one nameless, empty part.
        if matches!(&part, Part::Bytes(b) if b.is_empty())
            && field.file_name().unwrap_or("").is_empty()
        {
            continue;
        }
        // The choices come before the files in the form, so they are known now.
        let target = target.get_or_insert_with(|| {
            UploadTarget::parse(&content, &chosen[0], &chosen[1], &chosen[2])
        });
        let Ok(target) = target else { break };
        if results.len() >= MAX_UPLOAD_FILES {
            results.push(FileResult {
                name_warning: false,
                records_location: false,
                faces: None,
                name: file_name,
                outcome: Err(format!(
                    "not uploaded: at most {MAX_UPLOAD_FILES} files at a time; upload it again \
                     on its own"
                )),
            });
            continue;
        }
        let mut located = false;
        let mut faces = None;
        let outcome = match part {
            Part::TooLarge(size) => Err(ImageError::too_large(&app, size)),
            Part::Bytes(bytes) => upload_image(&app, &content, *target, bytes, staff.actor()).await,
        };
        let outcome = match outcome {
            Ok(made) => {
                located = made.records_location;
                let entry = access.href(&format!("/entries/{}", made.id.0));
                faces = made
                    .faces
                    .filter(|&n| n > 0)
                    .map(|n| (n, format!("{entry}/redact")));
                Ok((made.key, entry))
            }
            Err(ImageError::Failed(e)) => {
                tracing::error!(error = %format!("{e:#}"), "an uploaded image could not be stored");
                Err(ImageError::Failed(e).to_string())
            }
            Err(e) => {
                busy |= matches!(e, ImageError::Busy(_));
                Err(e.to_string())
            }
        };
        let name_warning = names.file_name_warning(&file_name);
        results.push(FileResult {
            name: file_name,
            outcome,
            name_warning,
            records_location: located,
            faces,
        });
    }
    let chosen_refs = [chosen[0].as_str(), chosen[1].as_str(), chosen[2].as_str()];
    let mut page = upload_page(&app, &staff, &access, &content, chosen_refs);
    match target {
        Some(Err(problems)) => page.problems = problems,
        None if cut_short.is_none() => page.problems.push(FieldProblem::new(
            "images",
            "Choose one or more image files to upload.",
        )),
        _ => {}
    }
    if let Some(why) = cut_short {
        page.problems.push(FieldProblem::new(
            "images",
            format!(
                "The upload stopped early ({why}); the files listed below were handled, any \
                 after them were not. Upload those again."
            ),
        ));
    }
    page.results = results;
    page.name_note = names.note();
    if !page.results.is_empty() {
        page.layout = page.layout.with_notice(Some("uploaded"));
    }
    let status = if page.created() > 0 {
        StatusCode::OK
    } else if busy {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(response)
}
