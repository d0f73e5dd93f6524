//! `GET /api/v1/…`: a read-only JSON API of the published studies, their
//! prompts, entries and Releases, made from the latest Release and nothing
//! else, so it holds exactly what the pages do: unpublished, unconsented
//! and withdrawn content answers 404 here too. Responses carry ETags
//! (`If-None-Match` answers 304) and allow any origin. The OpenAPI 3.1
//! document at `/api/openapi.json` is generated from these types and
//! handlers (`utoipa`), not written by hand.

use super::error::WebError;
use super::page::{self, site_url};
use super::published::latest_release;
use crate::app::App;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use vitrine_core::paths::Links;
use vitrine_core::{Release, ReleaseEntry, citation};

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vitrine public API",
        version = "1",
        description = "Read-only JSON of published research image galleries: what each \
                       study's latest Release shows, nothing more."
    ),
    paths(list_studies, show_study, list_entries, show_entry, list_releases),
    components(schemas(
        StudySummary,
        StudyOut,
        PromptOut,
        EntryOut,
        ImageOut,
        LicenceOut,
        ReleaseOut
    ))
)]
pub struct ApiDoc;

/// A published study in the list.
#[derive(Serialize, ToSchema)]
pub struct StudySummary {
    /// The study's address name.
    slug: String,
    /// Title.
    title: String,
    /// Subtitle.
    subtitle: Option<String>,
    /// BCP 47 language tag of its texts.
    language: String,
    /// The latest Release's version.
    release: u32,
    /// The gallery's address.
    url: String,
    /// This study in the API.
    api: String,
}

/// A study as its latest Release shows it.
#[derive(Serialize, ToSchema)]
pub struct StudyOut {
    /// The study's address name.
    slug: String,
    /// Title.
    title: String,
    /// Subtitle.
    subtitle: Option<String>,
    /// BCP 47 language tag of its texts.
    language: String,
    /// What the study is about.
    summary: String,
    /// How the images were gathered and used.
    method: Option<String>,
    /// The institution.
    institution: Option<String>,
    /// Public contact name.
    contact_name: String,
    /// Public contact e-mail.
    contact_email: String,
    /// Funder.
    funder: Option<String>,
    /// Award or grant reference.
    award: Option<String>,
    /// Guidance for discussing the gallery, in a small Markdown subset
    /// (paragraphs, lists, emphasis, links).
    discussion_guide: Option<String>,
    /// The Release this is.
    release: ReleaseOut,
    /// How to cite it.
    citation: String,
    /// Prompts in gallery order.
    prompts: Vec<PromptOut>,
}

/// A prompt and its entries.
#[derive(Serialize, ToSchema)]
pub struct PromptOut {
    /// Address name.
    slug: String,
    /// Heading.
    title: String,
    /// The wording participants were given.
    text: String,
    /// A note for readers.
    note: Option<String>,
    /// Questions for discussing its entries, in the same Markdown subset.
    guide: Option<String>,
    /// The entries under it, in order, by slug.
    entries: Vec<String>,
}

/// One published entry.
#[derive(Serialize, ToSchema)]
pub struct EntryOut {
    /// Address name.
    slug: String,
    /// The prompt it answers, by slug.
    prompt: String,
    /// Title.
    title: String,
    /// O (participant's photo), O-edited, I (made by the researchers in its
    /// place) or R (described, no image).
    provenance: String,
    /// The participant's pseudonym.
    participant: String,
    /// Their role.
    role: Option<String>,
    /// Caption.
    caption: String,
    /// The participant's words.
    quote: Option<String>,
    /// Alt text.
    alt: Option<String>,
    /// A longer description of the image.
    long_description: Option<String>,
    /// For R entries: the described picture.
    description: Option<String>,
    /// What was changed, or how the image was made.
    provenance_note: Option<String>,
    /// Who made the image.
    creator: Option<String>,
    /// The image's licence.
    licence: LicenceOut,
    /// Theme slugs.
    themes: Vec<String>,
    /// A warning shown before the image.
    content_note: Option<String>,
    /// The entry's page.
    url: String,
    /// Every size and format of its image (none for R entries).
    images: Vec<ImageOut>,
}

/// One public image file.
#[derive(Serialize, ToSchema)]
pub struct ImageOut {
    /// Its address.
    url: String,
    /// Width in pixels.
    width: u32,
    /// Height in pixels.
    height: u32,
    /// `image/jpeg` or `image/webp`.
    media_type: String,
}

/// A licence.
#[derive(Serialize, ToSchema)]
pub struct LicenceOut {
    /// SPDX id, or `none` for all rights reserved.
    id: String,
    /// Its name.
    name: String,
    /// Its text.
    url: Option<String>,
}

/// A Release.
#[derive(Serialize, ToSchema)]
pub struct ReleaseOut {
    /// Version: 1, 2, 3…
    version: u32,
    /// Publication date, `YYYY-MM-DD`.
    published: String,
    /// What changed, as counts.
    changelog: Vec<String>,
    /// Its DOI, when the team has recorded one.
    doi: Option<String>,
}

/// JSON with an ETag, any origin allowed.
fn json<T: Serialize>(
    value: &T,
    headers: &HeaderMap,
    indexable: bool,
) -> Result<Response, WebError> {
    let body = serde_json::to_string(value).map_err(|e| WebError::Internal(e.to_string()))?;
    let mut response = page::text_file(body, "application/json", headers, indexable)?;
    response
        .headers_mut()
        .insert("access-control-allow-origin", HeaderValue::from_static("*"));
    Ok(response)
}

fn date(release: &Release) -> String {
    crate::site::views::iso_date(release.published_at.date())
}

fn release_out(release: &Release) -> ReleaseOut {
    ReleaseOut {
        version: release.version,
        published: date(release),
        changelog: release.changelog.clone(),
        doi: release.doi.clone(),
    }
}

fn entry_out(origin: &str, release: &Release, prompt: &str, entry: &ReleaseEntry) -> EntryOut {
    let served = Links::Served;
    EntryOut {
        slug: entry.slug.clone(),
        prompt: prompt.to_owned(),
        title: entry.title.clone(),
        provenance: entry.provenance.code().to_owned(),
        participant: entry.pseudonym.clone(),
        role: entry.role.clone(),
        caption: entry.texts.caption.clone(),
        quote: entry.texts.quote.clone(),
        alt: entry.texts.alt.clone(),
        long_description: entry.texts.long_description.clone(),
        description: entry.texts.description.clone(),
        provenance_note: entry.texts.provenance_note.clone(),
        creator: entry.texts.creator.clone(),
        licence: LicenceOut {
            id: entry.licence.id().to_owned(),
            name: entry.licence.name().to_owned(),
            url: entry.licence.url().map(str::to_owned),
        },
        themes: entry.themes.clone(),
        content_note: entry.texts.content_note.clone(),
        url: format!("{origin}{}", served.entry(&release.study.slug, &entry.slug)),
        images: entry
            .image
            .iter()
            .flat_map(|i| &i.variants)
            .map(|v| ImageOut {
                url: format!("{origin}{}", served.media(&v.key)),
                width: v.width,
                height: v.height,
                media_type: v.media_type.clone(),
            })
            .collect(),
    }
}

/// Every published study.
#[utoipa::path(get, path = "/api/v1/studies", responses((status = 200, description = "Every study with a published Release", body = [StudySummary])))]
pub async fn list_studies(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let origin = site_url(&headers, "");
    let studies: Vec<StudySummary> = crate::app::published::all_current(&app)
        .await?
        .iter()
        .map(|c| &c.release)
        .map(|r| StudySummary {
            slug: r.study.slug.clone(),
            title: r.study.title.clone(),
            subtitle: r.study.subtitle.clone(),
            language: r.study.language.clone(),
            release: r.version,
            url: format!("{origin}{}", Links::Served.gallery(&r.study.slug)),
            api: format!("{origin}/api/v1/studies/{}", r.study.slug),
        })
        .collect();
    json(&studies, &headers, false)
}

/// A study, its latest Release and its prompts.
#[utoipa::path(get, path = "/api/v1/studies/{study}", params(("study" = String, Path, description = "The study's slug")), responses((status = 200, body = StudyOut), (status = 404, description = "No such published study")))]
pub async fn show_study(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let release = latest_release(&app, &study).await?;
    let origin = site_url(&headers, "");
    let info = &release.study;
    let url = format!("{origin}{}", Links::Served.gallery(&info.slug));
    let out = StudyOut {
        slug: info.slug.clone(),
        title: info.title.clone(),
        subtitle: info.subtitle.clone(),
        language: info.language.clone(),
        summary: info.summary.clone(),
        method: info.method.clone(),
        institution: info.institution.clone(),
        contact_name: info.contact.name.clone(),
        contact_email: info.contact.email.clone(),
        funder: info.funder.as_ref().map(|f| f.name.clone()),
        award: info.funder.as_ref().and_then(|f| f.award.clone()),
        discussion_guide: info.discussion_guide.clone(),
        release: release_out(&release),
        citation: citation::sentence(&release, Some(&url)),
        prompts: release
            .prompts
            .iter()
            .map(|p| PromptOut {
                slug: p.slug.clone(),
                title: p.title.clone(),
                text: p.text.clone(),
                note: p.note.clone(),
                guide: p.guide.clone(),
                entries: p.entries.iter().map(|e| e.slug.clone()).collect(),
            })
            .collect(),
    };
    json(&out, &headers, info.allow_search_engines)
}

/// Every entry of the study's latest Release, in gallery order.
#[utoipa::path(get, path = "/api/v1/studies/{study}/entries", params(("study" = String, Path, description = "The study's slug")), responses((status = 200, body = [EntryOut]), (status = 404, description = "No such published study")))]
pub async fn list_entries(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let release = latest_release(&app, &study).await?;
    let origin = site_url(&headers, "");
    let entries: Vec<EntryOut> = release
        .prompts
        .iter()
        .flat_map(|p| p.entries.iter().map(move |e| (p, e)))
        .map(|(p, e)| entry_out(&origin, &release, &p.slug, e))
        .collect();
    json(&entries, &headers, release.study.allow_search_engines)
}

/// One entry of the study's latest Release.
#[utoipa::path(get, path = "/api/v1/studies/{study}/entries/{entry}", params(("study" = String, Path, description = "The study's slug"), ("entry" = String, Path, description = "The entry's slug")), responses((status = 200, body = EntryOut), (status = 404, description = "Not in the latest Release")))]
pub async fn show_entry(
    State(app): State<App>,
    Path((study, entry)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let release = latest_release(&app, &study).await?;
    let origin = site_url(&headers, "");
    let (prompt, found) = release
        .prompts
        .iter()
        .find_map(|p| p.entries.iter().find(|e| e.slug == entry).map(|e| (p, e)))
        .ok_or(WebError::NotFound)?;
    json(
        &entry_out(&origin, &release, &prompt.slug, found),
        &headers,
        release.study.allow_search_engines,
    )
}

/// Every Release of the study, newest first.
#[utoipa::path(get, path = "/api/v1/studies/{study}/releases", params(("study" = String, Path, description = "The study's slug")), responses((status = 200, body = [ReleaseOut]), (status = 404, description = "No such published study")))]
pub async fn list_releases(
    State(app): State<App>,
    Path(study): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let release = latest_release(&app, &study).await?;
    let rows: Vec<ReleaseOut> = crate::app::published::history(&app, &release.study.slug)
        .await?
        .into_iter()
        .map(|r| ReleaseOut {
            version: r.version,
            published: crate::site::views::iso_date(r.published_at.date()),
            changelog: r.changelog,
            doi: r.doi,
        })
        .collect();
    json(&rows, &headers, release.study.allow_search_engines)
}

/// `GET /api/openapi.json`: the API's OpenAPI 3.1 document.
pub async fn show_openapi() -> Response {
    let mut response = Json(ApiDoc::openapi()).into_response();
    response
        .headers_mut()
        .insert("access-control-allow-origin", HeaderValue::from_static("*"));
    response
}
