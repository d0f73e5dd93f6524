//! The consent register (ETH-01, ETH-03, ETH-07): adding participants and
//! recording consent as itemised scopes.
//!
//! Records are immutable: a renewal or an amendment adds a record, which
//! becomes the participant's current consent, and the earlier ones stay as
//! they were. A signed form, when uploaded, goes to the private vault
//! (`vault/consent-forms/`), never to the public side. Every record is
//! audited with its scopes and dates, never with the form's bytes or notes.

mod form;

pub use form::{ConsentInput, FieldProblem, METHODS, form_kind, validate};

use crate::app::{Actor, App};
use form::optional;
use std::collections::BTreeSet;
use vitrine_core::{ConsentScope, ParticipantId, Study};
use vitrine_store::BlobKey;

/// The largest signed form accepted, in bytes.
pub const MAX_FORM_BYTES: usize = 10 * 1024 * 1024;
/// The longest pseudonym accepted, in characters.
pub const MAX_PSEUDONYM_CHARS: usize = 60;

/// What a scope lets the team do, in words, for pages and the audit log.
pub fn scope_words(scope: ConsentScope) -> &'static str {
    match scope {
        ConsentScope::Web => "publish online",
        ConsentScope::Print => "exhibit or print",
        ConsentScope::Archive => "archive",
        ConsentScope::Teaching => "use in teaching",
        ConsentScope::Reuse => "share for reuse by other researchers",
    }
}

/// A set of scopes in words, or "nothing beyond taking part".
pub fn scopes_text(scopes: &BTreeSet<ConsentScope>) -> String {
    if scopes.is_empty() {
        return "nothing beyond taking part".to_owned();
    }
    scopes
        .iter()
        .map(|s| scope_words(*s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a consent does not cover a use, in words.
pub fn gap_text(gap: &vitrine_core::consent::ConsentGap) -> String {
    use vitrine_core::consent::ConsentGap as G;
    match gap {
        G::Missing => "no consent is recorded".to_owned(),
        G::ScopeNotGiven(scope) => format!("it does not include \"{}\"", scope_words(*scope)),
        G::Expired(day) => format!("it expired on {day}"),
        G::Withdrawn(day) => format!("they withdrew on {day}"),
        G::NotYetGiven(day) => format!("it is dated {day}, in the future"),
    }
}

/// Why a register change was not made.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// The input was wrong; nothing was written.
    #[error("invalid input")]
    Invalid(Vec<FieldProblem>),
    /// Something failed inside.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<vitrine_store::StoreError> for RegisterError {
    fn from(e: vitrine_store::StoreError) -> Self {
        Self::Failed(e.into())
    }
}

/// Adds a consent record for `participant`, with the signed form if one was
/// uploaded. Returns the record's id.
pub async fn record(
    app: &App,
    study: &Study,
    participant: ParticipantId,
    input: &ConsentInput,
    form: Option<Vec<u8>>,
    actor: Actor<'_>,
) -> Result<i64, RegisterError> {
    let Some(found) = app.store.participant(study.id, participant).await? else {
        return Err(anyhow::anyhow!("participant {participant} is not in this study").into());
    };
    let today = time::OffsetDateTime::now_utc().date();
    let history = app.store.consent_history(participant).await?;
    let current = history.first();
    let mut problems = Vec::new();
    if let Some(day) = current.and_then(|c| c.withdrawn_on) {
        problems.push(FieldProblem::new(
            "",
            format!(
                "{} withdrew on {day}. A withdrawal is final, so no new consent can be recorded.",
                found.pseudonym
            ),
        ));
    }
    let form_kind = match &form {
        Some(bytes) if bytes.len() > MAX_FORM_BYTES => {
            problems.push(FieldProblem::new(
                "signed_form",
                format!(
                    "Signed form: the file is larger than {} MB.",
                    MAX_FORM_BYTES / 1_000_000
                ),
            ));
            None
        }
        Some(bytes) => {
            let kind = form_kind(bytes);
            if kind.is_none() {
                problems.push(FieldProblem::new(
                    "signed_form",
                    "Signed form: upload a PDF, JPEG or PNG file.".into(),
                ));
            }
            kind
        }
        None => None,
    };
    let mut consent = match validate(input, today, actor.name) {
        Ok(consent) if problems.is_empty() => consent,
        Ok(_) => return Err(RegisterError::Invalid(problems)),
        Err(mut more) => {
            problems.append(&mut more);
            return Err(RegisterError::Invalid(problems));
        }
    };
    let mut written = None;
    if let (Some(bytes), Some(kind)) = (form, form_kind) {
        use sha2::Digest;
        let key = format!("{}.{kind}", hex::encode(sha2::Sha256::digest(&bytes)));
        let blob = BlobKey::ConsentForm(key.clone());
        if !app.blobs.exists(&blob).await? {
            app.blobs.put(&blob, bytes).await?;
            written = Some(blob);
        }
        consent.form_key = Some(key);
    }
    let summary = |scopes: &BTreeSet<ConsentScope>| -> Vec<&'static str> {
        scopes.iter().map(|s| s.as_str()).collect()
    };
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: "consent.record".into(),
        subject: format!("participant {participant}"),
        before: current.map(|c| {
            serde_json::json!({
                "scopes": summary(&c.scopes),
                "given_on": c.given_on.to_string(),
                "form_version": c.form_version,
                "expires_on": c.expires_on.map(|d| d.to_string()),
                "withdrawn_on": c.withdrawn_on.map(|d| d.to_string()),
            })
        }),
        after: Some(serde_json::json!({
            "pseudonym": found.pseudonym,
            "scopes": summary(&consent.scopes),
            "given_on": consent.given_on.to_string(),
            "form_version": consent.form_version,
            "expires_on": consent.expires_on.map(|d| d.to_string()),
            "method": consent.method,
            "taken_by": consent.taken_by,
            "signed_form": consent.form_key.is_some(),
            "note": consent.note.is_some(),
        })),
        ..Default::default()
    };
    match app
        .store
        .record_consent(participant, &consent, &event)
        .await
    {
        Ok(id) => Ok(id),
        Err(e) => {
            if let Some(blob) = written
                && let Err(cleanup) = app.blobs.delete(&blob).await
            {
                tracing::warn!(error = %cleanup, "could not remove a signed form whose record failed");
            }
            Err(e.into())
        }
    }
}

/// Folds a pseudonym for comparing: lower case, white space collapsed.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Adds a participant known by `pseudonym` (unique in the study, ETH-20).
pub async fn add_participant(
    app: &App,
    study: &Study,
    pseudonym: &str,
    role: &str,
    actor: Actor<'_>,
) -> Result<ParticipantId, RegisterError> {
    let pseudonym = pseudonym.split_whitespace().collect::<Vec<_>>().join(" ");
    let role = optional(role);
    let mut problems = Vec::new();
    if pseudonym.is_empty() {
        problems.push(FieldProblem::new(
            "pseudonym",
            "Pseudonym: enter the name this participant is known by in the gallery.".into(),
        ));
    } else if pseudonym.chars().count() > MAX_PSEUDONYM_CHARS {
        problems.push(FieldProblem::new(
            "pseudonym",
            format!("Pseudonym: keep it under {MAX_PSEUDONYM_CHARS} characters."),
        ));
    } else if app
        .store
        .participants(study.id)
        .await?
        .iter()
        .any(|p| fold(&p.pseudonym) == fold(&pseudonym))
    {
        problems.push(FieldProblem::new(
            "pseudonym",
            format!(
                "Pseudonym: \"{pseudonym}\" is already used in this study; each participant \
                 keeps one pseudonym of their own."
            ),
        ));
    }
    if role.as_ref().is_some_and(|r| r.chars().count() > 80) {
        problems.push(FieldProblem::new(
            "role",
            "Role: keep it under 80 characters.".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(RegisterError::Invalid(problems));
    }
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
        action: "participant.add".into(),
        subject: "participant".into(),
        after: Some(serde_json::json!({ "pseudonym": pseudonym, "role": role })),
        ..Default::default()
    };
    let (id, _) = app
        .store
        .add_participant(study.id, &pseudonym, role.as_deref(), &event)
        .await?;
    Ok(id)
}

/// The study's participants with their current consent, by pseudonym.
pub async fn participants(
    app: &App,
    study: &vitrine_core::Study,
) -> vitrine_store::Result<Vec<vitrine_store::ParticipantSummary>> {
    app.store.participants(study.id).await
}

/// The participant `id`, when they belong to `study`.
pub async fn participant(
    app: &App,
    study: &vitrine_core::Study,
    id: ParticipantId,
) -> vitrine_store::Result<Option<vitrine_store::ParticipantSummary>> {
    app.store.participant(study.id, id).await
}

/// Every consent record of a participant, newest (the current one) first.
pub async fn history(
    app: &App,
    participant: ParticipantId,
) -> vitrine_store::Result<Vec<vitrine_store::ConsentRecord>> {
    app.store.consent_history(participant).await
}
