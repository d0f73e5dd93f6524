//! Workshop sessions (issue 14): a facilitator picks published entries in
//! an order, with the questions to ask about each, presents them (the same
//! presenter mode as the gallery's), and may share the session by an
//! unlisted link that expires.
//!
//! A session holds entries, not copies: what it shows always comes from the
//! study's current Release. An entry withdrawn, or no longer in the Release
//! (its consent lapsed), drops out at once, from the workspace and from the
//! link, and the session's page tells the facilitator which ones. A
//! withdrawal also deletes the entry from every session.

use crate::app::Actor;
use crate::app::App;
use crate::app::published::Current;
use anyhow::Context;
use serde_json::json;
use std::collections::HashMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use vitrine_core::{EntryId, Study};
use vitrine_store::{AuditEvent, Workshop, WorkshopItem};

/// The longest session title, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest a link may be shared for, in days.
pub const MAX_SHARE_DAYS: u32 = 90;

/// Why a session form was not saved.
#[derive(Debug, thiserror::Error)]
pub enum WorkshopError {
    /// No such session in this study.
    #[error("no such session")]
    NotFound,
    /// What to fix, for the facilitator; nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<vitrine_store::StoreError> for WorkshopError {
    fn from(e: vitrine_store::StoreError) -> Self {
        Self::Failed(e.into())
    }
}

/// One entry of a session as the facilitator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownItem {
    /// The entry.
    pub entry: EntryId,
    /// Its public address name in the current Release.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// The prompt it answers.
    pub prompt: String,
    /// The questions written for it.
    pub questions: Option<String>,
}

/// A session with what the current Release shows of it.
#[derive(Debug, Clone)]
pub struct Session {
    /// The stored session.
    pub workshop: Workshop,
    /// Its entries that the current Release shows, in order.
    pub shown: Vec<ShownItem>,
    /// How many of its entries the current Release no longer shows
    /// (withdrawn, or consent no longer covering the web).
    pub dropped: usize,
    /// Published entries not in it yet, to add: (entry, "prompt: title").
    pub choices: Vec<(EntryId, String)>,
    /// Whether its link works now.
    pub shared_now: bool,
}

/// The entries of the current Release by entry id: (slug, title, prompt).
async fn published(
    app: &App,
    study: &Study,
) -> anyhow::Result<(Option<Current>, HashMap<EntryId, (String, String, String)>)> {
    let Some(current) = crate::app::published::current(app, &study.info.slug)
        .await
        .context("cannot read the current Release")?
    else {
        return Ok((None, HashMap::new()));
    };
    let ids = crate::app::published::entry_ids(app, &current).await?;
    let mut out = HashMap::new();
    for prompt in &current.release.prompts {
        for e in &prompt.entries {
            if let Some(id) = ids.get(&e.slug) {
                out.insert(*id, (e.slug.clone(), e.title.clone(), prompt.title.clone()));
            }
        }
    }
    Ok((Some(current), out))
}

fn is_live(workshop: &Workshop, now: OffsetDateTime) -> bool {
    workshop.share.as_ref().is_some_and(|(_, until)| {
        OffsetDateTime::parse(until, &Rfc3339).is_ok_and(|until| now < until)
    })
}

/// The study's sessions, newest first, each with what the Release shows.
pub async fn sessions(app: &App, study: &Study) -> anyhow::Result<Vec<Session>> {
    let (_, shown) = published(app, study).await?;
    let now = OffsetDateTime::now_utc();
    Ok(app
        .store
        .workshops(study.id)
        .await
        .context("cannot read the sessions")?
        .into_iter()
        .map(|w| view(w, &shown, now))
        .collect())
}

fn view(
    workshop: Workshop,
    published: &HashMap<EntryId, (String, String, String)>,
    now: OffsetDateTime,
) -> Session {
    let shown: Vec<ShownItem> = workshop
        .items
        .iter()
        .filter_map(|item| {
            let (slug, title, prompt) = published.get(&item.entry)?;
            Some(ShownItem {
                entry: item.entry,
                slug: slug.clone(),
                title: title.clone(),
                prompt: prompt.clone(),
                questions: item.questions.clone(),
            })
        })
        .collect();
    let mut choices: Vec<(EntryId, String)> = published
        .iter()
        .filter(|(id, _)| !workshop.items.iter().any(|i| i.entry == **id))
        .map(|(id, (_, title, prompt))| (*id, format!("{prompt}: {title}")))
        .collect();
    choices.sort_by(|a, b| a.1.cmp(&b.1));
    Session {
        dropped: workshop.items.len() - shown.len(),
        shared_now: is_live(&workshop, now),
        workshop,
        shown,
        choices,
    }
}

/// Session `id` of `study` as stored, without reading the Release.
async fn stored(app: &App, study: &Study, id: i64) -> Result<Workshop, WorkshopError> {
    app.store
        .workshop(study.id, id)
        .await?
        .ok_or(WorkshopError::NotFound)
}

/// Session `id` of `study` with what the current Release shows of it.
pub async fn session(app: &App, study: &Study, id: i64) -> Result<Session, WorkshopError> {
    let workshop = stored(app, study, id).await?;
    let (_, shown) = published(app, study).await?;
    Ok(view(workshop, &shown, OffsetDateTime::now_utc()))
}

fn event(
    actor: Actor<'_>,
    study: &Study,
    action: &str,
    title: &str,
    after: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: action.into(),
        subject: format!("session {title}"),
        after: Some(after),
        ..Default::default()
    }
}

fn check_title(title: &str) -> Result<String, WorkshopError> {
    let title = vitrine_core::text::clean(title);
    if title.is_empty() {
        return Err(WorkshopError::Invalid(
            "Give the session a title, for example \"Team meeting, 12 May\".".into(),
        ));
    }
    let chars = title.chars().count();
    if chars > MAX_TITLE {
        return Err(WorkshopError::Invalid(format!(
            "The title is {chars} characters long; at most {MAX_TITLE} fit."
        )));
    }
    Ok(title)
}

/// Creates an empty session titled `title`.
pub async fn create(
    app: &App,
    study: &Study,
    title: &str,
    actor: Actor<'_>,
) -> Result<i64, WorkshopError> {
    let title = check_title(title)?;
    let event = event(
        actor,
        study,
        "session.create",
        &title,
        json!({ "title": title }),
    );
    Ok(app.store.create_workshop(study.id, &title, &event).await?)
}

/// The session form as sent: the title, each entry with its place (a
/// number), its questions and whether to remove it, and an entry to add.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionInput {
    /// The title.
    pub title: String,
    /// (entry, place, questions, remove).
    pub items: Vec<(EntryId, String, String, bool)>,
    /// A published entry to add at the end.
    pub add: Option<EntryId>,
}

/// Saves a session from its form: places renumber the entries (ties keep
/// their order), ticked ones go, the added one comes last. Only entries
/// the current Release shows can be added.
pub async fn save(
    app: &App,
    study: &Study,
    id: i64,
    input: &SessionInput,
    actor: Actor<'_>,
) -> Result<(), WorkshopError> {
    let current = session(app, study, id).await?;
    let title = check_title(&input.title)?;
    let mut kept: Vec<(f64, usize, WorkshopItem)> = Vec::new();
    for (i, (entry, place, questions, remove)) in input.items.iter().enumerate() {
        if *remove {
            continue;
        }
        let questions = vitrine_core::text::optional(questions);
        if let Some(Err(e)) = questions.as_deref().map(vitrine_core::guide::check) {
            return Err(WorkshopError::Invalid(format!(
                "The questions for entry {} cannot be saved: {e}.",
                i + 1
            )));
        }
        let place = place.trim().parse::<f64>().ok().filter(|p| p.is_finite());
        kept.push((
            place.unwrap_or((i + 1) as f64),
            i,
            WorkshopItem {
                entry: *entry,
                questions,
            },
        ));
    }
    // Entries the Release no longer shows stay in the session (they come back
    // if republished) unless the facilitator removed them.
    kept.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut items: Vec<WorkshopItem> = kept.into_iter().map(|(_, _, item)| item).collect();
    for hidden in current
        .workshop
        .items
        .iter()
        .filter(|i| !current.shown.iter().any(|s| s.entry == i.entry))
    {
        if !input.items.iter().any(|(e, ..)| *e == hidden.entry) {
            items.push(hidden.clone());
        }
    }
    if let Some(add) = input.add {
        if !current.choices.iter().any(|(id, _)| *id == add) {
            return Err(WorkshopError::Invalid(
                "That entry is not published, or already in the session; choose another.".into(),
            ));
        }
        items.push(WorkshopItem {
            entry: add,
            questions: None,
        });
    }
    let event = event(
        actor,
        study,
        "session.save",
        &title,
        json!({ "title": title, "entries": items.len() }),
    );
    if app
        .store
        .save_workshop(study.id, id, &title, &items, &event)
        .await?
    {
        Ok(())
    } else {
        Err(WorkshopError::NotFound)
    }
}

/// Shares the session by a new unlisted link for `days` days (any earlier
/// link stops working), or stops sharing it (`days` = `None`).
pub async fn share(
    app: &App,
    study: &Study,
    id: i64,
    days: Option<u32>,
    actor: Actor<'_>,
) -> Result<(), WorkshopError> {
    let title = &stored(app, study, id).await?.title;
    let shared = match days {
        None => None,
        Some(d) if (1..=MAX_SHARE_DAYS).contains(&d) => {
            let token = crate::app::auth::random_token()?;
            let until = (OffsetDateTime::now_utc() + time::Duration::days(i64::from(d)))
                .replace_nanosecond(0)
                .unwrap_or_else(|_| OffsetDateTime::now_utc())
                .format(&Rfc3339)
                .context("cannot write the expiry")?;
            Some((token[..32].to_owned(), until))
        }
        Some(_) => {
            return Err(WorkshopError::Invalid(format!(
                "Share the link for 1 to {MAX_SHARE_DAYS} days."
            )));
        }
    };
    let event = event(
        actor,
        study,
        if shared.is_some() {
            "session.share"
        } else {
            "session.unshare"
        },
        title,
        json!({ "until": shared.as_ref().map(|s| &s.1) }),
    );
    let share = shared.as_ref().map(|(t, u)| (t.as_str(), u.as_str()));
    if app
        .store
        .share_workshop(study.id, id, share, &event)
        .await?
    {
        Ok(())
    } else {
        Err(WorkshopError::NotFound)
    }
}

/// Deletes a session (its link stops working).
pub async fn delete(
    app: &App,
    study: &Study,
    id: i64,
    actor: Actor<'_>,
) -> Result<(), WorkshopError> {
    let title = stored(app, study, id).await?.title;
    let event = event(
        actor,
        study,
        "session.delete",
        &title,
        json!({ "title": title }),
    );
    if app.store.delete_workshop(study.id, id, &event).await? {
        Ok(())
    } else {
        Err(WorkshopError::NotFound)
    }
}

/// What presenting a session needs: the current Release and, for each
/// entry it shows, its slug and questions.
pub struct Presented {
    /// The session's title.
    pub title: String,
    /// The Release its entries come from.
    pub current: Current,
    /// (entry slug, questions), in order.
    pub slides: Vec<(String, Option<String>)>,
}

async fn presented(
    app: &App,
    study: &Study,
    workshop: Workshop,
) -> anyhow::Result<Option<Presented>> {
    let (current, shown) = published(app, study).await?;
    let Some(current) = current else {
        return Ok(None);
    };
    let session = view(workshop, &shown, OffsetDateTime::now_utc());
    Ok(Some(Presented {
        title: session.workshop.title,
        current,
        slides: session
            .shown
            .into_iter()
            .map(|s| (s.slug, s.questions))
            .collect(),
    }))
}

/// Session `id` of `study` to present in the workspace.
pub async fn present(
    app: &App,
    study: &Study,
    id: i64,
) -> Result<Option<Presented>, WorkshopError> {
    let workshop = stored(app, study, id).await?;
    Ok(presented(app, study, workshop).await?)
}

/// The session shared under `token` in the study named `slug`, while its
/// link works; `None` for an unknown, stopped or expired link.
pub async fn shared(app: &App, slug: &str, token: &str) -> anyhow::Result<Option<Presented>> {
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(workshop) = app.store.workshop_by_token(token).await? else {
        return Ok(None);
    };
    if !is_live(&workshop, OffsetDateTime::now_utc()) {
        return Ok(None);
    }
    let Some(study) = app.store.find_study_by_slug(slug).await? else {
        return Ok(None);
    };
    if study.id != workshop.study {
        return Ok(None);
    }
    presented(app, &study, workshop).await
}
