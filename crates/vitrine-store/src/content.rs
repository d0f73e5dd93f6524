//! Reading a study's full working content (drafts included) for publish and check.

use crate::{Result, Store, StoreError};
use sqlx::Row;
use std::collections::HashMap;
use vitrine_core::{
    Checklist, Consent, ConsentScope, Entry, EntryId, EntryTexts, ImageId, ImageRef, Licence,
    MediaVariant, Participant, ParticipantId, Prompt, PromptId, Provenance, ReleaseImage,
    ReleaseInput, SignOff, Study, StudyId, StudyInfo, Theme, ThemeId, fingerprint, sign_off_state,
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
    /// Each entry's de-identification sign-off, for entries that have one
    /// (void ones included; [`Entry::sign_off`] says which state each is in).
    pub sign_offs: HashMap<EntryId, SignOff>,
    /// The user who last changed each entry, for entries last changed in the
    /// workspace (the four-eyes rule of [`vitrine_core::may_approve`]).
    pub last_editors: HashMap<EntryId, i64>,
}

/// The entries of a study with what is read from the same rows.
struct LoadedEntries {
    entries: Vec<Entry>,
    keys: HashMap<EntryId, String>,
    sign_offs: HashMap<EntryId, SignOff>,
    last_editors: HashMap<EntryId, i64>,
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
            real_names: &[],
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
            "SELECT id, ord, title, body, note, guide FROM prompts WHERE study_id = $1 ORDER BY ord, id",
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
                guide: r.try_get("guide")?,
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
        let loaded = self.load_entries(id).await?;
        let images = self.load_images(id).await?;
        Ok(StudyContent {
            study,
            prompts,
            themes,
            participants,
            consents,
            entries: loaded.entries,
            images,
            entry_keys: loaded.keys,
            sign_offs: loaded.sign_offs,
            last_editors: loaded.last_editors,
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

    /// The study's entries, with each one's import key, sign-off and last
    /// editor (read from the same rows).
    async fn load_entries(&self, study: i64) -> Result<LoadedEntries> {
        use futures::TryStreamExt;
        let links: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT et.entry_id, et.theme_id FROM entry_themes et JOIN entries e ON e.id = et.entry_id
             WHERE e.study_id = $1 ORDER BY et.theme_id",
        )
        .bind(study)
        .fetch_all(&self.pool)
        .await?;
        let mut rows = sqlx::query(
            "SELECT e.*, i.width AS image_width, i.height AS image_height, i.sha256 AS image_sha256,
                 r.checklist AS review_checklist, r.checked_by AS review_checked_by,
                 r.checked_by_user AS review_checked_by_user, r.fingerprint AS review_fingerprint,
                 r.approved_by AS review_approved_by, r.approved_by_user AS review_approved_by_user
             FROM entries e LEFT JOIN images i ON i.id = e.image_id
                 LEFT JOIN entry_reviews r ON r.entry_id = e.id
             WHERE e.study_id = $1 ORDER BY e.ord, e.id",
        )
        .bind(study)
        .fetch(&self.pool);
        let mut loaded = LoadedEntries {
            entries: Vec::new(),
            keys: HashMap::new(),
            sign_offs: HashMap::new(),
            last_editors: HashMap::new(),
        };
        // Row by row: held all at once, a large study's driver rows took
        // several times the memory of the entries made from them.
        while let Some(row) = rows.try_next().await? {
            let row = &row;
            let mut entry = entry_from_row(row, &links)?;
            let sign_off = sign_off_from_row(row)?;
            let image_sha256: Option<String> = row.try_get("image_sha256")?;
            let current = fingerprint(
                image_sha256.as_deref(),
                &entry.texts.caption,
                entry.texts.alt.as_deref(),
            );
            entry.sign_off = sign_off_state(sign_off.as_ref(), &current);
            loaded.keys.insert(entry.id, row.try_get("import_key")?);
            if let Some(sign_off) = sign_off {
                loaded.sign_offs.insert(entry.id, sign_off);
            }
            if let Some(editor) = row.try_get::<Option<i64>, _>("updated_by")? {
                loaded.last_editors.insert(entry.id, editor);
            }
            loaded.entries.push(entry);
        }
        Ok(loaded)
    }

    async fn load_images(&self, study: i64) -> Result<HashMap<ImageId, ReleaseImage>> {
        use futures::TryStreamExt;
        let mut rows = sqlx::query(
            "SELECT i.id, i.width, i.height, i.color, d.media_key, d.width AS dw, d.height AS dh, d.media_type
             FROM images i JOIN derivatives d ON d.image_id = i.id
             WHERE i.id IN (SELECT image_id FROM entries WHERE study_id = $1 AND image_id IS NOT NULL)
             ORDER BY i.id, d.width, d.media_type",
        )
        .bind(study)
        .fetch(&self.pool);
        let mut images: HashMap<ImageId, ReleaseImage> = HashMap::new();
        while let Some(r) = rows.try_next().await? {
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

/// The sign-off joined to an entry row, if it has one.
fn sign_off_from_row(r: &sqlx::any::AnyRow) -> Result<Option<SignOff>> {
    let Some(checklist) = r.try_get::<Option<String>, _>("review_checklist")? else {
        return Ok(None);
    };
    let checklist: Checklist = serde_json::from_str(&checklist).map_err(corrupt)?;
    Ok(Some(SignOff {
        checklist,
        checked_by: r.try_get("review_checked_by")?,
        checked_by_user: r.try_get("review_checked_by_user")?,
        fingerprint: r.try_get("review_fingerprint")?,
        approved_by: r.try_get("review_approved_by")?,
        approved_by_user: r.try_get("review_approved_by_user")?,
    }))
}

/// An entry from its row; its sign-off state is filled in by the caller.
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
        texts: EntryTexts {
            caption: r.try_get("caption")?,
            quote: r.try_get("quote")?,
            alt: r.try_get("alt")?,
            long_description: r.try_get("long_description")?,
            description: r.try_get("description")?,
            provenance_note: r.try_get("provenance_note")?,
            creator: r.try_get("creator")?,
            content_note: r.try_get("content_note")?,
        },
        licence: licence
            .map(|l| Licence::parse(&l).map_err(corrupt))
            .transpose()?,
        themes: links
            .iter()
            .filter(|(e, _)| *e == id)
            .map(|(_, t)| ThemeId(*t))
            .collect(),
        withdrawn: r.try_get::<Option<String>, _>("withdrawn_at")?.is_some(),
        sign_off: vitrine_core::SignOffState::NotStarted,
    })
}
