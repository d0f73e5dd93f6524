//! `GET|POST …/entries/{entry}/checklist` and `POST …/entries/{entry}/approve`:
//! the de-identification checklist of one entry and its approval by a second
//! person (ETH-08, ETH-09).

use super::super::access::{Staff, StudyAccess};
use super::super::dashboard::DoneQuery;
use super::super::gate::form_urlencoded;
use super::super::views::{AdminError, AdminLayout, done, render};
use super::id;
use crate::app::App;
use crate::app::signoff::{ApproveError, Review, approve as approve_entry, review};
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use vitrine_core::{ApprovalRefused, CheckItem, Checklist, EntryId, Permission, SignOffState};

/// One checklist item as a checkbox.
struct ItemView {
    id: &'static str,
    label: &'static str,
    question: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "admin/checklist.html", whitespace = "minimize")]
struct ChecklistPage {
    layout: AdminLayout,
    label: String,
    entry_href: String,
    state: String,
    state_class: &'static str,
    needed: bool,
    withdrawn: bool,
    caption: String,
    alt: String,
    checked: Option<String>,
    approved: Option<String>,
    items: Vec<ItemView>,
    note: String,
    problem: Option<String>,
    can_check: bool,
    approve_href: Option<String>,
    /// The image the checklist covers, as staff see it.
    image: Option<CheckedImage>,
}

/// The image a checker looks at, and for a redacted one what was done.
struct CheckedImage {
    src: String,
    width: u32,
    height: u32,
    /// "Redacted on …": the version the entry shows, if it is redacted.
    redaction: Option<String>,
    /// The original beside it: only for people who may see identities.
    original: Option<String>,
    /// The uploaded file recorded where it was taken.
    records_location: bool,
    /// Faces the detector suggests in the participant's photo, and the
    /// studio's address for those who may edit.
    faces: Option<(usize, Option<String>)>,
}

/// `GET …/entries/{entry}/checklist`.
pub async fn show_checklist(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let review = load(&app, &access, &entry).await?;
    let layout = layout(&staff, &access).with_notice(query.done.as_deref());
    page(layout, &access, &review, None, None, StatusCode::OK)
}

/// `POST …/entries/{entry}/checklist`: saves the items ticked (an incomplete
/// checklist is saved too, as work in progress).
pub async fn save_checklist(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AdminError> {
    let review = load(&app, &access, &entry).await?;
    let fields = form_urlencoded(&body);
    let checklist = Checklist {
        cleared: fields
            .iter()
            .filter(|(k, _)| k == "item")
            .filter_map(|(_, v)| CheckItem::parse(v))
            .collect(),
        note: fields
            .iter()
            .find(|(k, _)| k == "note")
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty()),
    };
    let saved = crate::app::signoff::save_checklist(
        &app,
        &access.study,
        &review,
        &checklist,
        staff.actor(),
    )
    .await?;
    if !saved {
        let problem = "This entry was withdrawn, so it has no checklist any more.".to_owned();
        let layout = layout(&staff, &access);
        return page(
            layout,
            &access,
            &review,
            Some(&checklist),
            Some(problem),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    Ok(done(&checklist_href(&access, review.entry.id), "checked"))
}

/// `POST …/entries/{entry}/approve`: a second person approves the checklist.
pub async fn approve(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
) -> Result<Response, AdminError> {
    let id = EntryId(id(&entry)?);
    let (status, problem) = match approve_entry(&app, &access.study, id, staff.actor()).await {
        Ok(()) => return Ok(done(&checklist_href(&access, id), "approved")),
        Err(ApproveError::NotFound) => return Err(AdminError::NotFound),
        Err(ApproveError::Failed(e)) => return Err(e.into()),
        Err(ApproveError::Refused(why @ ApprovalRefused::ChecklistIncomplete(_))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("This sign-off cannot be approved yet: {why}."),
        ),
        Err(ApproveError::Refused(why)) => (
            StatusCode::FORBIDDEN,
            format!("You cannot approve this entry: {why}."),
        ),
        Err(ApproveError::NotReady(SignOffState::Voided)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "This sign-off cannot be approved: the image, caption or alt text changed after the \
             checklist was completed. Someone must work through the checklist again first."
                .to_owned(),
        ),
        Err(e @ (ApproveError::NotReady(_) | ApproveError::Stale)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("This sign-off cannot be approved yet: {e}."),
        ),
    };
    let review = load(&app, &access, &entry).await?;
    page(
        layout(&staff, &access),
        &access,
        &review,
        None,
        Some(problem),
        status,
    )
}

/// The image the checklist covers, at most 1024 pixels wide (a stored size:
/// every image has 1024 or, when narrower, its own width).
fn checked_image(access: &StudyAccess, review: &Review) -> Option<CheckedImage> {
    let image = review.entry.image.as_ref()?;
    let width = image.width.min(1024);
    let height =
        u32::try_from(u64::from(image.height) * u64::from(width) / u64::from(image.width.max(1)))
            .unwrap_or(u32::MAX);
    let redaction = review.redaction.as_ref();
    Some(CheckedImage {
        src: access.href(&format!("/images/{}/{width}", image.id.0)),
        width,
        height,
        redaction: redaction.map(|r| {
            format!(
                "Redacted by {} on {}: {}",
                r.created_by,
                day(&r.created_at),
                r.note
            )
        }),
        original: (redaction.is_some() && access.can(Permission::Identity))
            .then(|| access.href(&format!("/entries/{}/original", review.entry.id.0))),
        records_location: review.records_location,
        faces: review.faces.filter(|&n| n > 0).map(|n| {
            let studio = access
                .can(Permission::Edit)
                .then(|| access.href(&format!("/entries/{}/redact", review.entry.id.0)));
            (n, studio)
        }),
    })
}

fn layout(staff: &Staff, access: &StudyAccess) -> AdminLayout {
    AdminLayout::study("De-identification checklist", staff, access, "")
}

fn checklist_href(access: &StudyAccess, entry: EntryId) -> String {
    access.href(&format!("/entries/{}/checklist", entry.0))
}

async fn load(app: &App, access: &StudyAccess, entry: &str) -> Result<Review, AdminError> {
    review(app, &access.study, EntryId(id(entry)?))
        .await?
        .ok_or(AdminError::NotFound)
}

/// Renders the page; `sent` is a checklist just sent back (so a refused
/// save keeps what was ticked).
fn page(
    layout: AdminLayout,
    access: &StudyAccess,
    review: &Review,
    sent: Option<&Checklist>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, AdminError> {
    let entry = &review.entry;
    let stored = review.sign_off.as_ref();
    let shown = sent.or(stored.map(|s| &s.checklist));
    let state = entry.sign_off;
    let approvable = matches!(state, SignOffState::AwaitingApproval) && !entry.withdrawn;
    let mut response = render(&ChecklistPage {
        layout,
        label: review.label.clone(),
        entry_href: access.href(&format!("/entries/{}", entry.id.0)),
        state: state.to_string(),
        state_class: match state {
            SignOffState::Approved => "tag--ok",
            SignOffState::Voided => "tag--gone",
            _ => "tag--todo",
        },
        needed: entry.provenance.needs_sign_off(),
        withdrawn: entry.withdrawn,
        caption: entry.texts.caption.clone(),
        alt: entry.texts.alt.clone().unwrap_or_default(),
        checked: stored.map(|s| {
            let at = review
                .times
                .checked_at
                .as_deref()
                .map(day)
                .unwrap_or_default();
            format!("{} on {at}", s.checked_by)
        }),
        approved: stored.and_then(|s| {
            let by = s.approved_by.as_ref()?;
            let at = review
                .times
                .approved_at
                .as_deref()
                .map(day)
                .unwrap_or_default();
            Some(format!("{by} on {at}"))
        }),
        items: CheckItem::ALL
            .into_iter()
            .map(|item| ItemView {
                id: item.as_str(),
                label: item.label(),
                question: item.question(),
                checked: shown.is_some_and(|c| c.cleared.contains(&item)),
            })
            .collect(),
        note: shown.and_then(|c| c.note.clone()).unwrap_or_default(),
        problem,
        can_check: access.can(Permission::Check) && !entry.withdrawn,
        approve_href: (approvable && access.can(Permission::Approve))
            .then(|| access.href(&format!("/entries/{}/approve", entry.id.0))),
        image: checked_image(access, review),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

/// The day of a stored RFC 3339 time.
fn day(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}
