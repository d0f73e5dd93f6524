//! Visitors' reflections (issue 14): when a study asks for them (its
//! `reflection_consent`, published in its Release), a visitor may say how far
//! an entry, or the gallery, reflects their own experience, what they do,
//! and a few words, after agreeing to the consent statement. Reflections are
//! research data: held for moderation by the team, exported as CSV (cells
//! that a spreadsheet would run as formulas neutralised) and JSON with a data
//! dictionary, and deleted with an entry that is withdrawn.
//!
//! No third-party anti-spam: a honeypot field (filled only by robots: the
//! form is then answered as if sent, and nothing is stored), and a limit of
//! [`LIMIT`] reflections per client address per hour, claimed atomically.
//! The address is never stored: the limit counts a salted hash of it, under
//! a salt that lives only in the process (so each instance counts on its
//! own, and no stored hash can be traced back).

use crate::app::Actor;
use crate::app::App;
use anyhow::Context;
use serde_json::json;
use std::net::IpAddr;
use std::sync::OnceLock;
use vitrine_core::Study;
use vitrine_store::{AuditEvent, Claim, NewReflection, Reflection, ThrottleKey, now_ms};

pub use vitrine_core::reflection::{QUESTION, SCALE};
/// The longest reflection, in characters.
pub const MAX_BODY: usize = 2_000;
/// The longest role, in characters.
pub const MAX_ROLE: usize = 100;
/// Reflections one client address may send per [`WINDOW_MS`].
pub const LIMIT: i64 = 5;
/// The window of [`LIMIT`]: an hour.
pub const WINDOW_MS: i64 = 3_600_000;
/// The throttle rows' namespace (beside sign-in's accounts).
const THROTTLE: &str = "reflections";

/// A reflection form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReflectionInput {
    /// The entry's public slug, or "" for the gallery.
    pub entry: String,
    /// "1" to "5", or "".
    pub reflects: String,
    /// What they do.
    pub role: String,
    /// What they wrote.
    pub body: String,
    /// Whether they agreed to the consent statement.
    pub consent: bool,
    /// The honeypot: empty from a person.
    pub website: String,
}

/// Why a reflection was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ReflectError {
    /// The study asks for no reflections, or has no such entry.
    #[error("not found")]
    NotFound,
    /// What to fix, one line each.
    #[error("the reflection has problems")]
    Invalid(Vec<String>),
    /// Too many from this address this hour.
    #[error("too many reflections from this address; try again later")]
    TooMany,
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<vitrine_store::StoreError> for ReflectError {
    fn from(e: vitrine_store::StoreError) -> Self {
        Self::Failed(e.into())
    }
}

/// Where a taken reflection was about, for the thank-you page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    /// The entry's slug, or `None` for the gallery.
    pub entry: Option<String>,
}

fn salt() -> &'static str {
    static SALT: OnceLock<String> = OnceLock::new();
    SALT.get_or_init(|| crate::app::auth::random_token().unwrap_or_else(|_| now_ms().to_string()))
}

/// Takes a reflection on the study named `slug` from a visitor at `client`.
pub async fn submit(
    app: &App,
    slug: &str,
    input: &ReflectionInput,
    client: Option<IpAddr>,
) -> Result<Taken, ReflectError> {
    let current = crate::app::published::current(app, slug)
        .await?
        .ok_or(ReflectError::NotFound)?;
    let release = &current.release;
    if release.study.reflection_consent.is_none() {
        return Err(ReflectError::NotFound);
    }
    let entry = match input.entry.trim() {
        "" => None,
        slug => {
            release.find_entry(slug).ok_or(ReflectError::NotFound)?;
            Some(slug.to_owned())
        }
    };
    let taken = Taken {
        entry: entry.clone(),
    };
    if !input.website.is_empty() {
        // A robot filled the field people never see: answer as if sent.
        return Ok(taken);
    }
    let body = vitrine_core::text::clean(&input.body);
    let role = vitrine_core::text::optional(&input.role);
    let mut problems = Vec::new();
    if !input.consent {
        problems.push(
            "Tick the box to agree to how the research team will use your reflection, or \
             leave the page: nothing is sent without it."
                .to_owned(),
        );
    }
    if body.is_empty() {
        problems.push("Write your reflection in the box.".to_owned());
    }
    let chars = body.chars().count();
    if chars > MAX_BODY {
        problems.push(format!(
            "Your reflection is {chars} characters long; at most {MAX_BODY} fit. Shorten it."
        ));
    }
    if role.as_ref().is_some_and(|r| r.chars().count() > MAX_ROLE) {
        problems.push(format!(
            "Describe your role in at most {MAX_ROLE} characters."
        ));
    }
    let reflects = match input.reflects.trim() {
        "" => None,
        n => match n.parse::<u8>() {
            Ok(n @ 1..=5) => Some(n),
            _ => {
                problems.push("Choose one of the five answers, or none.".to_owned());
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(ReflectError::Invalid(problems));
    }
    let address = crate::app::auth::throttle::address_key(client);
    let hashed = vitrine_media::sha256_hex(format!("{}:{address}", salt()).as_bytes());
    let key = ThrottleKey {
        account: THROTTLE,
        address: &hashed,
    };
    if let Claim::Refused { .. } = app
        .store
        .claim_sign_in(key, LIMIT, WINDOW_MS, now_ms())
        .await?
    {
        return Err(ReflectError::TooMany);
    }
    let entry_id = match &entry {
        None => None,
        Some(slug) => app
            .store
            .release_entries(current.id)
            .await?
            .into_iter()
            .find(|(_, s)| s == slug)
            .map(|(id, _)| id),
    };
    app.store
        .add_reflection(&NewReflection {
            study: release_study(app, slug).await?,
            entry: entry_id,
            release_version: release.version,
            reflects,
            role: role.as_deref(),
            body: &body,
        })
        .await?;
    Ok(taken)
}

async fn release_study(app: &App, slug: &str) -> Result<vitrine_core::StudyId, ReflectError> {
    Ok(app
        .store
        .find_study_by_slug(slug)
        .await?
        .ok_or(ReflectError::NotFound)?
        .id)
}

/// A reflection as the moderation page shows it.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The stored reflection.
    pub reflection: Reflection,
    /// What it is about: the entry's import key and title, or "the gallery".
    pub about: String,
    /// The entry's import key, or "" for the gallery.
    pub key: String,
    /// The answer in words.
    pub answer: Option<&'static str>,
}

/// The study's reflections: pending first (to moderate), then approved;
/// rejected ones are counted.
pub async fn queue(app: &App, study: &Study) -> anyhow::Result<(Vec<Shown>, Vec<Shown>, usize)> {
    let content = app
        .store
        .load_study_content(study.clone())
        .await
        .context("cannot read the study")?;
    let all = app
        .store
        .reflections(study.id, None)
        .await
        .context("cannot read the reflections")?;
    let show = |r: Reflection| {
        let (about, key) = match r.entry {
            None => ("the gallery".to_owned(), String::new()),
            Some(id) => {
                let key = content.entry_keys.get(&id).cloned().unwrap_or_default();
                (crate::app::publish::entry_label(&content, id), key)
            }
        };
        Shown {
            answer: r.reflects.and_then(vitrine_core::reflection::answer),
            about,
            key,
            reflection: r,
        }
    };
    let mut pending = Vec::new();
    let mut approved = Vec::new();
    let mut rejected = 0;
    for r in all {
        match r.state.as_str() {
            "pending" => pending.push(show(r)),
            "approved" => approved.push(show(r)),
            _ => rejected += 1,
        }
    }
    Ok((pending, approved, rejected))
}

/// Approves or rejects a pending reflection. `false` when there is no such
/// pending one (moderated meanwhile, or withdrawn with its entry).
pub async fn moderate(
    app: &App,
    study: &Study,
    id: i64,
    approve: bool,
    actor: Actor<'_>,
) -> anyhow::Result<bool> {
    let state = if approve { "approved" } else { "rejected" };
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: format!("reflection.{}", if approve { "approve" } else { "reject" }),
        subject: format!("reflection {id}"),
        after: Some(json!({ "state": state })),
        ..Default::default()
    };
    app.store
        .moderate_reflection(study.id, id, state, &event)
        .await
        .context("cannot record the moderation")
}

/// Takes an approved reflection down: off the public gallery and out of
/// every stored Release of the study, at once on every instance (the team's
/// copy stays, counted as rejected). `false` when there is no such approved
/// one (taken down meanwhile, or withdrawn with its entry).
pub async fn take_down(
    app: &App,
    study: &Study,
    id: i64,
    actor: Actor<'_>,
) -> anyhow::Result<bool> {
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: "reflection.take_down".into(),
        subject: format!("reflection {id}"),
        before: Some(json!({ "state": "approved" })),
        after: Some(json!({ "state": "rejected" })),
        ..Default::default()
    };
    app.store
        .take_down_reflection(study.id, id, &event)
        .await
        .context("cannot take the reflection down")
}

/// What each exported field means (the JSON export's data dictionary, and
/// the CSV's columns in this order).
pub const DICTIONARY: [(&str, &str); 8] = [
    ("id", "The reflection's number in this study."),
    (
        "entry",
        "The entry it is about, by its id in the study folder; empty for the gallery as a whole.",
    ),
    (
        "entry_title",
        "That entry's title or, for the gallery, \"the gallery\".",
    ),
    (
        "release",
        "The version of the published gallery the visitor was reading.",
    ),
    (
        "reflects",
        "Answer to \"How far does this reflect your experience?\": 1 not at all, 2 a little, 3 somewhat, 4 mostly, 5 completely; empty if not answered.",
    ),
    (
        "role",
        "What the visitor said they do, as written; may be empty.",
    ),
    ("reflection", "What the visitor wrote, as written."),
    (
        "given_at",
        "When it was sent (UTC, RFC 3339). No address or other identifier of the visitor is kept.",
    ),
];

fn row(s: &Shown) -> [String; 8] {
    let r = &s.reflection;
    [
        r.id.to_string(),
        s.key.clone(),
        s.about.clone(),
        r.release_version.to_string(),
        r.reflects.map(|n| n.to_string()).unwrap_or_default(),
        r.role.clone().unwrap_or_default(),
        r.body.clone(),
        r.created_at.clone(),
    ]
}

/// The approved reflections as CSV, every cell safe to open in a
/// spreadsheet ([`vitrine_core::text::spreadsheet_safe`]).
pub async fn export_csv(app: &App, study: &Study) -> anyhow::Result<Vec<u8>> {
    let (_, approved, _) = queue(app, study).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(DICTIONARY.iter().map(|(name, _)| *name))?;
    for s in &approved {
        let cells = row(s);
        writer.write_record(
            cells
                .iter()
                .map(|c| vitrine_core::text::spreadsheet_safe(c).into_owned()),
        )?;
    }
    writer.into_inner().context("cannot write the CSV")
}

/// The approved reflections as JSON, with the data dictionary.
pub async fn export_json(app: &App, study: &Study) -> anyhow::Result<serde_json::Value> {
    let (_, approved, _) = queue(app, study).await?;
    let rows: Vec<serde_json::Value> = approved
        .iter()
        .map(|s| {
            let r = &s.reflection;
            json!({
                "id": r.id,
                "entry": (!s.key.is_empty()).then_some(&s.key),
                "entry_title": s.about,
                "release": r.release_version,
                "reflects": r.reflects,
                "role": r.role,
                "reflection": r.body,
                "given_at": r.created_at,
            })
        })
        .collect();
    Ok(json!({
        "study": study.info.slug,
        "question": QUESTION,
        "consent_statement": study.info.reflection_consent,
        "data_dictionary": DICTIONARY.iter().map(|(k, v)| json!({ "field": k, "meaning": v })).collect::<Vec<_>>(),
        "reflections": rows,
    }))
}
