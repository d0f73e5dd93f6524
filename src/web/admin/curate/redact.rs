//! The de-identification studio's pages (issue 13): the form that marks
//! regions to hide (typed as numbers, or drawn on the photo when JavaScript
//! runs), a full-size preview, and applying. The use cases are in
//! [`crate::app::curate::redact`].

use super::{Fields, ImageForm, parse_id, problem_for};
use crate::app::App;
use crate::app::curate::FieldProblem;
use crate::app::curate::images::ImageError;
use crate::app::curate::redact::{self, EditInput, RedactError, RegionInput, Studio};
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::views::{AdminError, AdminLayout, done, render, render_form};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vitrine_core::EntryId;
use vitrine_core::redaction::{Edit, METHODS, SHAPES, Shape, Turn};
use vitrine_store::RedactionRecord;

/// Empty rows the form offers beside the regions there are.
const SPARE_ROWS: usize = 3;

/// One region's outline on the photo.
struct Outline {
    ellipse: bool,
    x: u32,
    y: u32,
    width: u32,
    height: u32,
}

/// One face suggestion, as the form offers it.
struct FaceView {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
    /// What its checkbox sends: "left top width height".
    value: String,
}

#[derive(Template)]
#[template(path = "admin/redact.html", whitespace = "minimize")]
struct StudioPage {
    layout: AdminLayout,
    label: String,
    entry_href: String,
    image_href: String,
    width: u32,
    height: u32,
    records_location: bool,
    input: EditInput,
    note: String,
    outlines: Vec<Outline>,
    faces: Option<Vec<FaceView>>,
    problems: Vec<FieldProblem>,
    preview: Option<String>,
    /// The illustration form's note, as sent.
    substitute_note: String,
    /// Where the illustration form goes.
    substitute_action: String,
    versions: Vec<RedactionRecord>,
    shapes: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
    turns: Vec<u16>,
}

impl StudioPage {
    fn error(&self, field: &str) -> Option<&str> {
        problem_for(&self.problems, field)
    }

    fn row_number(&self, index: &usize) -> usize {
        index + 1
    }
}

fn page(
    staff: &Staff,
    access: &StudyAccess,
    id: EntryId,
    studio: &Studio,
    input: EditInput,
    edit: Option<&Edit>,
) -> StudioPage {
    let entry_href = access.href(&format!("/entries/{}", id.0));
    let outlines = edit
        .map(|e| {
            e.regions
                .iter()
                .map(|r| Outline {
                    ellipse: r.shape == Shape::Ellipse,
                    x: r.rect.x,
                    y: r.rect.y,
                    width: r.rect.width,
                    height: r.rect.height,
                })
                .collect()
        })
        .unwrap_or_default();
    StudioPage {
        layout: AdminLayout::study(&format!("Redact {}", studio.label), staff, access, ""),
        label: studio.label.clone(),
        image_href: format!("{entry_href}/redact/image"),
        width: studio.base.source.width,
        height: studio.base.source.height,
        records_location: studio.base.source.records_location,
        input,
        note: studio.note.clone(),
        outlines,
        faces: studio.faces.as_ref().map(|faces| {
            faces
                .iter()
                .map(|r| FaceView {
                    x: r.x,
                    y: r.y,
                    width: r.width,
                    height: r.height,
                    value: format!("{} {} {} {}", r.x, r.y, r.width, r.height),
                })
                .collect()
        }),
        problems: Vec::new(),
        preview: None,
        substitute_note: String::new(),
        substitute_action: format!("{entry_href}/redact/substitute?csrf={}", staff.csrf),
        versions: studio.versions.clone(),
        shapes: SHAPES.iter().map(|s| (s.code(), s.label())).collect(),
        methods: METHODS.iter().map(|m| (m.code(), m.label())).collect(),
        turns: Turn::ALL.iter().map(|t| t.degrees()).collect(),
        entry_href,
    }
}

fn refused(e: RedactError) -> AdminError {
    match e {
        RedactError::NotFound => AdminError::NotFound,
        RedactError::Image(ImageError::Failed(e)) => e.into(),
        other => AdminError::Forbidden(other.to_string()),
    }
}

/// `GET /admin/studies/{study}/entries/{entry}/redact`: the studio, with the
/// redaction the entry shows now (if any) ready to change.
pub async fn show_studio(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
) -> Result<Response, AdminError> {
    let id = EntryId(parse_id(&entry).ok_or(AdminError::NotFound)?);
    let studio = redact::studio(&app, &access.study, id)
        .await
        .map_err(refused)?;
    let edit = studio.current_edit();
    let input = EditInput::from_edit(&edit, SPARE_ROWS);
    render(&page(&staff, &access, id, &studio, input, Some(&edit)))
}

/// The form's fields as an [`EditInput`].
fn edit_input(fields: &Fields) -> EditInput {
    let all = |name| fields.all(name);
    let (shapes, methods) = (all("shape"), all("method"));
    let sides = [all("left"), all("top"), all("width"), all("height")];
    let regions = (0..shapes.len())
        .map(|i| RegionInput {
            shape: shapes[i].clone(),
            method: methods.get(i).cloned().unwrap_or_default(),
            numbers: std::array::from_fn(|k| sides[k].get(i).cloned().unwrap_or_default()),
        })
        .collect();
    EditInput {
        regions,
        crop: ["crop_left", "crop_top", "crop_width", "crop_height"].map(|n| fields.get(n)),
        turn: fields.get("turn"),
    }
}

/// `POST /admin/studies/{study}/entries/{entry}/redact`: `action=preview`
/// shows the result at full size, `more` adds empty rows, `apply` applies.
pub async fn save_studio(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let id = EntryId(parse_id(&entry).ok_or(AdminError::NotFound)?);
    let fields = Fields(fields);
    let mut input = edit_input(&fields);
    let note = fields.get("note");
    let action = fields.get("action");
    let parsed = input.parse();
    if action == "apply"
        && let Ok(edit) = &parsed
    {
        match redact::apply(&app, &access.study, id, edit, &note, staff.actor()).await {
            Ok(_) => {
                return Ok(done(
                    &access.href(&format!("/entries/{}", id.0)),
                    "redacted",
                ));
            }
            Err(RedactError::Invalid(problems)) => {
                return again(&app, &staff, &access, id, input, note, problems, None).await;
            }
            Err(e) => return Err(refused(e)),
        }
    }
    let problems = parsed.as_ref().err().cloned().unwrap_or_default();
    if action == "more" {
        input
            .regions
            .extend(EditInput::from_edit(&Edit::default(), SPARE_ROWS).regions);
    }
    if action == "faces" {
        add_faces(&mut input, &fields.all("face"));
    }
    let preview = parsed.ok().filter(|_| action == "preview");
    again(&app, &staff, &access, id, input, note, problems, preview).await
}

/// Puts the ticked face suggestions (each "left top width height") into the
/// form as ellipses to fill: into empty rows first, then new ones, with
/// spare rows after them.
fn add_faces(input: &mut EditInput, ticked: &[String]) {
    for face in ticked {
        let numbers: Vec<String> = face.split_whitespace().map(str::to_owned).collect();
        let Ok(numbers) = <[String; 4]>::try_from(numbers) else {
            continue;
        };
        let row = RegionInput {
            shape: Shape::Ellipse.code().into(),
            method: vitrine_core::redaction::Method::Fill.code().into(),
            numbers,
        };
        match input
            .regions
            .iter_mut()
            .find(|r| r.numbers.iter().all(|n| n.trim().is_empty()))
        {
            Some(empty) => *empty = row,
            None => input.regions.push(row),
        }
    }
    if !input
        .regions
        .iter()
        .any(|r| r.numbers.iter().all(|n| n.trim().is_empty()))
    {
        input
            .regions
            .extend(EditInput::from_edit(&Edit::default(), SPARE_ROWS).regions);
    }
}

/// The studio again with what was sent: its problems (422), or a preview.
#[allow(clippy::too_many_arguments)]
async fn again(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    id: EntryId,
    input: EditInput,
    note: String,
    mut problems: Vec<FieldProblem>,
    preview: Option<Edit>,
) -> Result<Response, AdminError> {
    let studio = redact::studio(app, &access.study, id)
        .await
        .map_err(refused)?;
    let parsed = input.parse().ok();
    if let (Some(edit), true) = (&preview, problems.is_empty())
        && let Err(invalid) = edit.check(studio.base.source.width, studio.base.source.height)
    {
        problems.extend(
            invalid
                .into_iter()
                .map(|p| FieldProblem::new("regions", p.to_string())),
        );
    }
    let mut page = page(staff, access, id, &studio, input, parsed.as_ref());
    page.note = note;
    if problems.is_empty()
        && let Some(edit) = preview
    {
        let spec = edit.to_spec();
        let query = serde_urlencoded::to_string([("edit", spec)]).unwrap_or_default();
        page.preview = Some(format!("{}?{query}", page.image_href));
    }
    let invalid = !problems.is_empty();
    page.problems = problems;
    render_form(&page, invalid)
}

/// The query of the studio's image.
#[derive(Debug, Deserialize)]
pub struct ImageQuery {
    /// The edit in its text form; none for the original.
    #[serde(default)]
    edit: String,
}

/// `GET /admin/studies/{study}/entries/{entry}/redact/image?edit=…`: the
/// original with the edit applied (or as it is), upright, full size, as a
/// JPEG without metadata. Never cached.
pub async fn show_studio_image(
    State(app): State<App>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
    Query(query): Query<ImageQuery>,
) -> Result<Response, AdminError> {
    let id = EntryId(parse_id(&entry).ok_or(AdminError::NotFound)?);
    let edit = Edit::parse_spec(&query.edit).map_err(|p| AdminError::BadRequest(p.to_string()))?;
    match redact::preview(&app, &access.study, id, &edit).await {
        Ok(jpeg) => Ok((
            [
                (CONTENT_TYPE, "image/jpeg"),
                (CACHE_CONTROL, "private, no-store"),
            ],
            jpeg,
        )
            .into_response()),
        Err(RedactError::Invalid(problems)) => Err(AdminError::BadRequest(
            problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(RedactError::Image(ImageError::Busy(busy))) => Ok((
            StatusCode::SERVICE_UNAVAILABLE,
            [(RETRY_AFTER, "10")],
            busy.to_string(),
        )
            .into_response()),
        Err(e) => Err(refused(e)),
    }
}

/// `GET /admin/studies/{study}/entries/{entry}/original`: the participant's
/// original of a redacted (or redactable) photo, upright, full size, without
/// metadata, for people who may see identities (the checklist page shows it
/// beside the redacted version). Never cached.
pub async fn show_original(
    state: State<App>,
    access: Extension<StudyAccess>,
    path: Path<(String, String)>,
) -> Result<Response, AdminError> {
    show_studio_image(
        state,
        access,
        path,
        Query(ImageQuery {
            edit: String::new(),
        }),
    )
    .await
}

/// `POST /admin/studies/{study}/entries/{entry}/redact/substitute`
/// (multipart: `image`, `substitute_note`): shows a researcher-made illustration in
/// place of the photo ([`redact::substitute`]).
pub async fn substitute(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Result<Response, AdminError> {
    let id = EntryId(parse_id(&entry).ok_or(AdminError::NotFound)?);
    let form = ImageForm::read(&app, &mut multipart).await;
    let note = form.texts.get("substitute_note");
    let result = match form.file {
        Err(e) => Err(RedactError::Image(e)),
        Ok(bytes) => redact::substitute(&app, &access.study, id, bytes, &note, staff.actor()).await,
    };
    let problems = match result {
        Ok(_) => {
            return Ok(done(
                &access.href(&format!("/entries/{}", id.0)),
                "substituted",
            ));
        }
        Err(RedactError::Invalid(problems)) => problems,
        Err(RedactError::Image(e @ (ImageError::File(_) | ImageError::Busy(_)))) => {
            vec![FieldProblem::new(
                "substitute",
                format!("The illustration was not stored: {e}"),
            )]
        }
        Err(e) => return Err(refused(e)),
    };
    let studio = redact::studio(&app, &access.study, id)
        .await
        .map_err(refused)?;
    let edit = studio.current_edit();
    let input = EditInput::from_edit(&edit, SPARE_ROWS);
    let mut page = page(&staff, &access, id, &studio, input, Some(&edit));
    page.substitute_note = note;
    page.problems = problems;
    render_form(&page, true)
}
