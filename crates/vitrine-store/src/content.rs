//! Reading a study's full working content (drafts included) for publish and check.

use crate::{Result, Store, StoreError};
use sqlx::Row;
use std::collections::HashMap;
use vitrine_core::{
    Consent, ConsentScope, Entry, EntryId, ImageId, ImageRef, Licence, MediaVariant, Participant,
    ParticipantId, Prompt, PromptId, Provenance, ReleaseImage, ReleaseInput, Study, StudyId,
    StudyInfo, Theme, ThemeId,
};

/// Everything stored about one study: the input to publishing and checking.
#[derive(Debug, Clone)]
pub struct StudyContent {
    /// The study.
    pub study: Study,
    /// Prompts.
    pub prompts: Vec<Prompt>,
    /// Themes.
    pub themes: Vec<Theme>,
    /// Participants.
    pub participants: Vec<Participant>,
    /// Consent by participant.
    pub consents: HashMap<ParticipantId, Consent>,
    /// Entries, drafts included.
    pub entries: Vec<Entry>,
    /// Public derivatives by image.
    pub images: HashMap<ImageId, ReleaseImage>,
    /// Each entry's import key (staff-facing: `vitrine check` names entries by it).
    pub entry_keys: HashMap<EntryId, String>,
}

impl StudyContent {
    /// The view of this content that [`vitrine_core::build_release`] takes.
    pub fn release_input(&self) -> ReleaseInput<'_> {
        ReleaseInput {
            study: &self.study,
            prompts: &self.prompts,
            themes: &self.themes,
            participants: &self.participants,
            consents: &self.consents,
            entries: &self.entries,
            images: &self.images,
        }
    }
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn date(text: Option<String>) -> Result<Option<vitrine_core::Date>> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    text.map(|t| vitrine_core::Date::parse(&t, format).map_err(corrupt))
        .transpose()
}

impl Store {
    /// Finds a study by its slug; `Ok(None)` when there is none.
    pub async fn find_study_by_slug(&self, slug: &str) -> Result<Option<Study>> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT id, info FROM studies WHERE slug = $1")
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(id, info)| {
            let info: StudyInfo = serde_json::from_str(&info).map_err(corrupt)?;
            Ok(Study {
                id: StudyId(id),
                info,
            })
        })
        .transpose()
    }

    /// Slugs of every stored study, sorted.
    pub async fn list_study_slugs(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT slug FROM studies ORDER BY slug")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Loads everything about a study.
    pub async fn load_study_content(&self, study: Study) -> Result<StudyContent> {
        let id = study.id.0;
        let prompts = sqlx::query(
            "SELECT id, ord, title, body, note FROM prompts WHERE study_id = $1 ORDER BY ord, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Prompt {
                id: PromptId(r.try_get("id")?),
                order: r.try_get("ord")?,
                title: r.try_get("title")?,
                text: r.try_get("body")?,
                note: r.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let themes =
            sqlx::query("SELECT id, name, description FROM themes WHERE study_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(Theme {
                        id: ThemeId(r.try_get("id")?),
                        name: r.try_get("name")?,
                        description: r.try_get("description")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let participants = sqlx::query(
            "SELECT id, pseudonym, role FROM participants WHERE study_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Participant {
                id: ParticipantId(r.try_get("id")?),
                pseudonym: r.try_get("pseudonym")?,
                role: r.try_get("role")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let consents = self.load_consents(id).await?;
        let (entries, entry_keys) = self.load_entries(id).await?;
        let images = self.load_images(id).await?;
        Ok(StudyContent {
            study,
            prompts,
            themes,
            participants,
            consents,
            entries,
            images,
            entry_keys,
        })
    }

    async fn load_consents(&self, study: i64) -> Result<HashMap<ParticipantId, Consent>> {
        let rows = sqlx::query(
            "SELECT c.participant_id, c.scopes, c.given_on, c.form_version, c.expires_on, c.withdrawn_on
             FROM consents c JOIN participants p ON p.id = c.participant_id WHERE p.study_id = $1 ORDER BY c.id",
        )
        .bind(study)
        .fetch_all(&self.pool)
        .await?;
        let mut consents = HashMap::new();
        for r in rows {
            let scopes: String = r.try_get("scopes")?;
            let scopes = scopes
                .split(';')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    ConsentScope::parse(s).ok_or_else(|| corrupt(format!("consent scope {s}")))
                })
                .collect::<Result<_>>()?;
            let consent = Consent {
                scopes,
                given_on: date(Some(r.try_get("given_on")?))?
                    .ok_or_else(|| corrupt("consent date"))?,
                form_version: r.try_get("form_version")?,
                expires_on: date(r.try_get("expires_on")?)?,
                withdrawn_on: date(r.try_get("withdrawn_on")?)?,
            };
            consents.insert(ParticipantId(r.try_get("participant_id")?), consent);
        }
        Ok(consents)
    }

    /// The study's entries, and each one's import key (read from the same rows).
    async fn load_entries(&self, study: i64) -> Result<(Vec<Entry>, HashMap<EntryId, String>)> {
        let rows = sqlx::query(
            "SELECT e.*, i.width AS image_width, i.height AS image_height
             FROM entries e LEFT JOIN images i ON i.id = e.image_id
             WHERE e.study_id = $1 ORDER BY e.ord, e.id",
        )
        .bind(study)
        .fetch_all(&self.pool)
        .await?;
        let links: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT et.entry_id, et.theme_id FROM entry_themes et JOIN entries e ON e.id = et.entry_id
             WHERE e.study_id = $1 ORDER BY et.theme_id",
        )
        .bind(study)
        .fetch_all(&self.pool)
        .await?;
        let mut entries = Vec::with_capacity(rows.len());
        let mut keys = HashMap::with_capacity(rows.len());
        for row in &rows {
            let entry = entry_from_row(row, &links)?;
            keys.insert(entry.id, row.try_get("import_key")?);
            entries.push(entry);
        }
        Ok((entries, keys))
    }

    async fn load_images(&self, study: i64) -> Result<HashMap<ImageId, ReleaseImage>> {
        let rows = sqlx::query(
            "SELECT i.id, i.width, i.height, i.color, d.media_key, d.width AS dw, d.height AS dh, d.media_type
             FROM images i JOIN derivatives d ON d.image_id = i.id
             WHERE i.id IN (SELECT image_id FROM entries WHERE study_id = $1 AND image_id IS NOT NULL)
             ORDER BY i.id, d.width, d.media_type",
        )
        .bind(study)
        .fetch_all(&self.pool)
        .await?;
        let mut images: HashMap<ImageId, ReleaseImage> = HashMap::new();
        for r in rows {
            let id = ImageId(r.try_get("id")?);
            let image = match images.entry(id) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => v.insert(ReleaseImage {
                    width: pixels(r.try_get("width")?)?,
                    height: pixels(r.try_get("height")?)?,
                    color: r.try_get("color")?,
                    variants: Vec::new(),
                }),
            };
            image.variants.push(MediaVariant {
                key: r.try_get("media_key")?,
                width: pixels(r.try_get("dw")?)?,
                height: pixels(r.try_get("dh")?)?,
                media_type: r.try_get("media_type")?,
            });
        }
        Ok(images)
    }
}

fn pixels(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(corrupt)
}

fn entry_from_row(r: &sqlx::any::AnyRow, links: &[(i64, i64)]) -> Result<Entry> {
    let id: i64 = r.try_get("id")?;
    let provenance: String = r.try_get("provenance")?;
    let licence: Option<String> = r.try_get("licence")?;
    let image_id: Option<i64> = r.try_get("image_id")?;
    let image = match image_id {
        Some(image) => Some(ImageRef {
            id: ImageId(image),
            width: pixels(r.try_get("image_width")?)?,
            height: pixels(r.try_get("image_height")?)?,
        }),
        None => None,
    };
    Ok(Entry {
        id: EntryId(id),
        prompt: PromptId(r.try_get("prompt_id")?),
        order: r.try_get("ord")?,
        participant: ParticipantId(r.try_get("participant_id")?),
        title: r.try_get("title")?,
        provenance: Provenance::parse(&provenance)
            .ok_or_else(|| corrupt(format!("provenance {provenance}")))?,
        image,
        caption: r.try_get("caption")?,
        quote: r.try_get("quote")?,
        alt: r.try_get("alt")?,
        long_description: r.try_get("long_description")?,
        description: r.try_get("description")?,
        provenance_note: r.try_get("provenance_note")?,
        creator: r.try_get("creator")?,
        licence: licence
            .map(|l| Licence::parse(&l).map_err(corrupt))
            .transpose()?,
        themes: links
            .iter()
            .filter(|(e, _)| *e == id)
            .map(|(_, t)| ThemeId(*t))
            .collect(),
        content_note: r.try_get("content_note")?,
    })
}
