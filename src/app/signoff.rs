//! De-identification sign-off (ETH-08, ETH-09): a checklist completed by one
//! person, approved by another.
//!
//! The checklist may be saved incomplete (work in progress); saving it again
//! clears any approval, since what was approved is no longer what was checked.
//! Approval applies the four-eyes rule of [`vitrine_core::may_approve`]: not
//! by the person who completed the checklist, nor by the last to change the
//! entry. A sign-off made void by a later change must be checked again first.

use crate::app::{Actor, App};
use anyhow::Context;
use vitrine_core::{
    ApprovalRefused, Checklist, Entry, EntryId, SignOff, SignOffState, Study, UserId,
};
use vitrine_store::{AuditEvent, ReviewTimes, User};

/// An entry's sign-off as the checklist page shows it.
pub struct Review {
    /// The entry (its `sign_off` field is the state).
    pub entry: Entry,
    /// Staff label: import key and title.
    pub label: String,
    /// The import key (audit subjects name entries by it, never by title).
    pub key: String,
    /// The stored sign-off, void ones included.
    pub sign_off: Option<SignOff>,
    /// When it was checked and approved.
    pub times: ReviewTimes,
    /// Who last changed the entry in the workspace.
    pub last_editor: Option<i64>,
    /// The redaction the entry's image shows, if it is a redacted one
    /// (the checker looks at that image; see `app::curate::redact`).
    pub redaction: Option<vitrine_store::RedactionRecord>,
    /// Whether the participant's uploaded file recorded where it was taken
    /// (EXIF GPS): never published, but a reason to look for places in it.
    pub records_location: bool,
    /// How many faces the local detector suggests in the participant's
    /// photo ([`crate::app::faces`]); `None` when it has not looked yet or
    /// the entry shows no participant's photo.
    pub faces: Option<usize>,
}

/// Why an approval was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum ApproveError {
    /// No such entry in the study (or it was withdrawn).
    #[error("no such entry")]
    NotFound,
    /// The sign-off is not in a state that can be approved.
    #[error("{0}")]
    NotReady(SignOffState),
    /// The four-eyes rule (or an incomplete checklist) refuses it.
    #[error("{0}")]
    Refused(ApprovalRefused),
    /// The checklist was saved again while the reviewer was looking at it.
    #[error("the checklist was saved again meanwhile; look at it again before approving")]
    Stale,
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// The sign-off of entry `entry` of `study`; `None` when the study has no
/// such entry.
pub async fn review(app: &App, study: &Study, entry: EntryId) -> anyhow::Result<Option<Review>> {
    let content = app
        .store
        .load_study_content(study.clone())
        .await
        .context("cannot read the study")?;
    let Some(found) = content.entries.iter().find(|e| e.id == entry).cloned() else {
        return Ok(None);
    };
    let times = app
        .store
        .review_times(entry)
        .await
        .context("cannot read the sign-off")?;
    let base = app
        .store
        .redaction_base(entry)
        .await
        .context("cannot read the entry's redactions")?;
    let faces = match &base {
        Some(b) if found.provenance.is_participants_photo() => app
            .store
            .face_suggestions(b.source.id)
            .await
            .context("cannot read the face suggestions")?
            .map(|f| f.len()),
        _ => None,
    };
    Ok(Some(Review {
        faces,
        records_location: base.as_ref().is_some_and(|b| b.source.records_location),
        redaction: base.and_then(|b| b.applied),
        label: crate::app::publish::entry_label(&content, entry),
        key: content.entry_keys.get(&entry).cloned().unwrap_or_default(),
        sign_off: content.sign_offs.get(&entry).cloned(),
        last_editor: content.last_editors.get(&entry).copied(),
        entry: found,
        times,
    }))
}

/// Saves `checklist` for the reviewed entry as completed by `actor`, who
/// must act with a staff account (the checker the four-eyes rule compares). `false`
/// when the entry is not in the study or was withdrawn.
pub async fn save_checklist(
    app: &App,
    study: &Study,
    review: &Review,
    checklist: &Checklist,
    actor: Actor<'_>,
) -> anyhow::Result<bool> {
    let user = account(app, actor).await?;
    let entry = review.entry.id;
    let event = AuditEvent {
        actor: user.email.clone(),
        action: "entry.checklist".into(),
        subject: format!("entry {}", review.key),
        after: Some(serde_json::json!({
            "cleared": checklist.cleared,
            "complete": checklist.is_complete(),
            "note": checklist.note,
        })),
        ..Default::default()
    };
    app.store
        .save_checklist(study.id, entry, checklist, &user.name, user.id, &event)
        .await
        .context("cannot save the checklist")
}

/// Records `actor`'s approval of the entry's checklist, if the rules allow
/// it; they must act with a staff account.
pub async fn approve(
    app: &App,
    study: &Study,
    entry: EntryId,
    actor: Actor<'_>,
) -> Result<(), ApproveError> {
    let user = account(app, actor).await?;
    let review = review(app, study, entry)
        .await?
        .filter(|r| !r.entry.withdrawn)
        .ok_or(ApproveError::NotFound)?;
    let state = review.entry.sign_off;
    let sign_off = match (&review.sign_off, state) {
        (_, SignOffState::Approved) => return Ok(()),
        (Some(s), SignOffState::AwaitingApproval | SignOffState::Incomplete) => s,
        _ => return Err(ApproveError::NotReady(state)),
    };
    approvable(user.id, sign_off, review.last_editor)?;
    let event = AuditEvent {
        actor: user.email.clone(),
        action: "entry.approve".into(),
        subject: format!("entry {}", review.key),
        after: Some(serde_json::json!({ "checked_by_user": sign_off.checked_by_user })),
        ..Default::default()
    };
    let approved = app
        .store
        .approve_checklist(
            study.id,
            entry,
            &sign_off.fingerprint,
            &user.name,
            user.id,
            &event,
        )
        .await
        .context("cannot record the approval")?;
    if approved {
        Ok(())
    } else {
        Err(ApproveError::Stale)
    }
}

/// The staff account `actor` acts with, whose name and id a checklist
/// records; refuses the operator, who has none.
async fn account(app: &App, actor: Actor<'_>) -> anyhow::Result<User> {
    let id = actor.account()?;
    match app
        .store
        .find_user_by_email(actor.name)
        .await
        .context("cannot read accounts")?
    {
        Some((user, _)) if user.id == id => Ok(user),
        _ => Err(anyhow::anyhow!("{} is not a staff account", actor.name)),
    }
}

fn approvable(
    user: UserId,
    sign_off: &SignOff,
    last_editor: Option<i64>,
) -> Result<(), ApproveError> {
    vitrine_core::may_approve(user.0, sign_off, last_editor).map_err(ApproveError::Refused)
}
