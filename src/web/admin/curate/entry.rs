//! An entry's page: everything about it, its blockers, and (for editors) the
//! form that changes its words, with alt-text guidance (ACC-02, ACC-03) and
//! warnings for alt text and real names that do not block saving.

use super::entry_form::{EntryForm, edit_form};
use super::{Fields, parse_id};
use crate::app::App;
use crate::app::curate::FieldProblem;
use crate::app::curate::entry::{EditError, EntryInput, save_entry as save};
use crate::app::identity::names::NameCheck;
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::dashboard::{DoneQuery, entry_rows};
use crate::web::admin::views::{AdminError, AdminLayout, done, render_form};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::Response;
use vitrine_core::{Entry, EntryId, EntryTexts, Permission, Provenance, alt_text_warnings};
use vitrine_store::StudyContent;

/// The entry's image as the page shows it.
struct Thumb {
    src: String,
    width: u32,
    height: u32,
    alt: String,
}

#[derive(Template)]
#[template(path = "admin/entry.html", whitespace = "minimize")]
struct EntryPage {
    layout: AdminLayout,
    csrf: String,
    label: String,
    dashboard: String,
    image: Option<Thumb>,
    shows_image: bool,
    provenance: String,
    pseudonym: String,
    prompt_title: String,
    prompt_text: String,
    texts: Vec<(&'static str, String)>,
    theme_names: Vec<String>,
    licence: String,
    sign_off: String,
    blockers: Vec<String>,
    withdrawn: bool,
    checklist_href: Option<String>,
    redact_href: Option<String>,
    withdraw_href: Option<String>,
    warnings: Vec<String>,
    /// The neutral real-name note, for people who may not see identities.
    name_note: Option<&'static str>,
    form: Option<EntryForm>,
}

/// `GET /admin/studies/{study}/entries/{entry}`.
pub async fn show_entry(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    let id = EntryId(parse_id(&entry).ok_or(AdminError::NotFound)?);
    let content = crate::app::studies::content(&app, &access.study).await?;
    let page = Page {
        app: &app,
        staff: &staff,
        access: &access,
        content: &content,
        id,
    };
    page.render(query.done.as_deref(), None, None).await
}

/// `POST /admin/studies/{study}/entries/{entry}`: saves the texts.
pub async fn save_entry(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Path((_, entry)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AdminError> {
    let id = EntryId(parse_id(&entry).ok_or(AdminError::NotFound)?);
    let fields = Fields(fields);
    let input = EntryInput {
        title: fields.get("title"),
        provenance: fields.get("provenance"),
        texts: EntryTexts::from_fn(fields.get("caption"), |name| fields.get(name)),
        quote_reason: fields.get("quote_reason"),
        licence: fields.get("licence"),
        themes: fields.all("themes"),
    };
    match save(&app, &access.study, id, &input, staff.actor()).await {
        Ok(_) => Ok(done(&access.href(&format!("/entries/{}", id.0)), "saved")),
        Err(EditError::Invalid(problems)) => {
            // Read again for the page: the failure path alone pays for it.
            let content = crate::app::studies::content(&app, &access.study).await?;
            let page = Page {
                app: &app,
                staff: &staff,
                access: &access,
                content: &content,
                id,
            };
            page.render(None, Some((input, problems)), None).await
        }
        Err(EditError::NotFound) => Err(AdminError::NotFound),
        Err(EditError::Withdrawn) => Err(withdrawn()),
        Err(EditError::Failed(e)) => Err(e.into()),
    }
}

/// The refusal for changing a withdrawn entry.
pub(super) fn withdrawn() -> AdminError {
    AdminError::Forbidden(
        "This entry was withdrawn, so it can no longer be changed or published.".into(),
    )
}

/// What an entry page is built from.
pub(super) struct Page<'a> {
    pub(super) app: &'a App,
    pub(super) staff: &'a Staff,
    pub(super) access: &'a StudyAccess,
    pub(super) content: &'a StudyContent,
    pub(super) id: EntryId,
}

impl Page<'_> {
    /// Renders the page; with `form` (what was sent and its problems) or
    /// `image_problem` it answers 422.
    pub(super) async fn render(
        &self,
        done_code: Option<&str>,
        form: Option<(EntryInput, Vec<FieldProblem>)>,
        image_problem: Option<String>,
    ) -> Result<Response, AdminError> {
        let (access, content) = (self.access, self.content);
        let entry = content
            .entries
            .iter()
            .find(|e| e.id == self.id)
            .ok_or(AdminError::NotFound)?;
        let href = access.href(&format!("/entries/{}", entry.id.0));
        let row = entry_rows(content, access)
            .into_iter()
            .find(|r| r.href == href)
            .ok_or(AdminError::NotFound)?;
        let invalid = form.is_some() || image_problem.is_some();
        let can_edit = access.can(Permission::Edit) && !entry.withdrawn;
        let form = can_edit.then(|| {
            let (input, problems) =
                form.unwrap_or_else(|| (EntryInput::from_entry(entry), Vec::new()));
            edit_form(
                &content.themes,
                &self.staff.csrf,
                entry,
                &href,
                input,
                problems,
                image_problem,
            )
        });
        let prompt = content.prompts.iter().find(|p| p.id == entry.prompt);
        let (warnings, name_note) = self.warnings(entry).await;
        let page = EntryPage {
            layout: AdminLayout::study(&row.label, self.staff, access, "/entries")
                .with_notice(done_code),
            csrf: self.staff.csrf.clone(),
            label: row.label,
            dashboard: access.href(""),
            image: thumb(access, content, entry),
            shows_image: entry.provenance.has_image(),
            provenance: format!("{} – {}", entry.provenance.code(), entry.provenance.label()),
            pseudonym: row.pseudonym,
            prompt_title: prompt.map(|p| p.title.clone()).unwrap_or_default(),
            prompt_text: prompt.map(|p| p.text.clone()).unwrap_or_default(),
            texts: texts(entry),
            theme_names: content
                .themes
                .iter()
                .filter(|t| entry.themes.contains(&t.id))
                .map(|t| t.name.clone())
                .collect(),
            licence: entry
                .licence
                .as_ref()
                .map_or_else(|| "Not chosen yet".to_owned(), |l| l.name().to_owned()),
            sign_off: row.sign_off,
            blockers: row.blockers,
            withdrawn: entry.withdrawn,
            checklist_href: ((access.can(Permission::Check) || access.can(Permission::Approve))
                && !entry.withdrawn
                && entry.provenance.needs_sign_off())
            .then(|| format!("{href}/checklist")),
            redact_href: (access.can(Permission::Edit)
                && !entry.withdrawn
                && entry.image.is_some()
                && matches!(
                    entry.provenance,
                    Provenance::Original | Provenance::OriginalEdited
                ))
            .then(|| format!("{href}/redact")),
            withdraw_href: (access.can(Permission::Withdraw) && !entry.withdrawn)
                .then(|| format!("{href}/withdraw")),
            warnings,
            name_note,
            form,
        };
        render_form(&page, invalid)
    }

    /// Advice on the stored words: alt text (ACC-02) and real names (ETH-20,
    /// named only to people who may see identities), plus the neutral note
    /// everyone else gets instead.
    async fn warnings(&self, entry: &Entry) -> (Vec<String>, Option<&'static str>) {
        let mut warnings = Vec::new();
        if entry.provenance.has_image() {
            let alt = entry.texts.alt.as_deref().unwrap_or_default();
            warnings.extend(
                alt_text_warnings(alt, &entry.texts.caption, None)
                    .iter()
                    .map(|w| capitalise(&w.to_string())),
            );
        }
        let names = NameCheck::load(
            self.app,
            &self.access.study,
            self.access.can(Permission::Identity),
        )
        .await;
        warnings.extend(names.warnings(&fields_of(entry)));
        if names.failed() {
            warnings.extend(names.note().map(str::to_owned));
            return (warnings, None);
        }
        (warnings, names.note())
    }
}

/// "the alt text…" → "The alt text…", with a full stop.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The texts checked for real names, by label.
fn fields_of(entry: &Entry) -> Vec<(&'static str, &str)> {
    let mut fields = vec![("caption", entry.texts.caption.as_str())];
    for (label, value) in [
        ("title", &entry.title),
        ("quote", &entry.texts.quote),
        ("alt text", &entry.texts.alt),
        ("long description", &entry.texts.long_description),
        ("description", &entry.texts.description),
        ("provenance note", &entry.texts.provenance_note),
        ("creator", &entry.texts.creator),
        ("content note", &entry.texts.content_note),
    ] {
        if let Some(text) = value {
            fields.push((label, text.as_str()));
        }
    }
    fields
}

/// The stored texts, for people who may not edit.
fn texts(entry: &Entry) -> Vec<(&'static str, String)> {
    let none = || "(none)".to_owned();
    let text = |v: &Option<String>| v.clone().unwrap_or_else(none);
    vec![
        ("Title", text(&entry.title)),
        (
            "Caption",
            if entry.texts.caption.trim().is_empty() {
                none()
            } else {
                entry.texts.caption.clone()
            },
        ),
        (
            "Participant's words (verbatim quote)",
            text(&entry.texts.quote),
        ),
        ("Alt text", text(&entry.texts.alt)),
        ("Long description", text(&entry.texts.long_description)),
        ("Description (R entries)", text(&entry.texts.description)),
        ("Provenance note", text(&entry.texts.provenance_note)),
        ("Creator", text(&entry.texts.creator)),
        ("Content note", text(&entry.texts.content_note)),
    ]
}

/// The image, at a width of at most 640 pixels where there is one.
fn thumb(access: &StudyAccess, content: &StudyContent, entry: &Entry) -> Option<Thumb> {
    let image = entry.image.as_ref()?;
    let variants: Vec<_> = content
        .images
        .get(&image.id)?
        .variants
        .iter()
        .filter(|v| v.media_type == "image/jpeg")
        .collect();
    let variant = variants
        .iter()
        .filter(|v| v.width <= 640)
        .max_by_key(|v| v.width)
        .or_else(|| variants.iter().min_by_key(|v| v.width))?;
    Some(Thumb {
        src: access.href(&format!("/images/{}/{}", image.id.0, variant.width)),
        width: variant.width,
        height: variant.height,
        alt: entry.texts.alt.clone().unwrap_or_default(),
    })
}
