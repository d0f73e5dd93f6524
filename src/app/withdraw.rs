//! Withdrawal (ETH-22, ETH-23, PRV-13): one action takes an entry, or every
//! entry of a participant, out of Vitrine for good.
//!
//! The store does everything that must happen together in one transaction
//! (see `vitrine_store::Store::withdraw`): entries marked withdrawn and their
//! words cleared, every stored Release rewritten without them and a new one
//! published when the gallery showed them, audit payloads holding their words
//! erased, image rows no entry uses deleted, the withdrawal audited with keys
//! and counts only, a CDN purge queued. Here, after the commit, the blobs of
//! those images are deleted from the blob store: the public derivatives and
//! the originals in the vault. If this process dies before that, nothing
//! refers to those blobs any more, so the daily orphan sweep
//! ([`crate::app::gc`]) removes them once they are older than its minimum age.
//! The transaction and the deletions run as a task of their own, so a caller
//! that stops waiting (the store waits out the public leases before it
//! returns) does not stop the withdrawal half-way.
//! The report lists what the person withdrawing must still do by hand: copies
//! outside Vitrine to recall, and a message to send to the participant.

use crate::app::{Actor, App};
use anyhow::Context;
use vitrine_core::{EntryId, ParticipantId, Study};
use vitrine_store::{AuditEvent, BlobKey, Withdrawal, WithdrawalPlan};

/// Why something is withdrawn: a fixed list, so no free text (which could
/// repeat the withdrawn words or a name) reaches the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The participant asked.
    ParticipantAsked,
    /// A problem with consent was found.
    ConsentProblem,
    /// The entry could identify someone.
    Identifiable,
    /// Another reason, recorded elsewhere.
    Other,
}

impl Reason {
    /// Every reason, in the order the form lists them.
    pub const ALL: [Reason; 4] = [
        Reason::ParticipantAsked,
        Reason::ConsentProblem,
        Reason::Identifiable,
        Reason::Other,
    ];

    /// The code stored in the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Reason::ParticipantAsked => "participant_asked",
            Reason::ConsentProblem => "consent_problem",
            Reason::Identifiable => "identifiable",
            Reason::Other => "other",
        }
    }

    /// The wording on the form.
    pub fn label(self) -> &'static str {
        match self {
            Reason::ParticipantAsked => "The participant asked for it to be withdrawn",
            Reason::ConsentProblem => "A problem with the consent was found",
            Reason::Identifiable => "It could identify someone",
            Reason::Other => "Another reason (record it in your study files)",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// What a withdrawal did, and what is left for a person to do.
#[derive(Debug, Clone)]
pub struct WithdrawReport {
    /// What the transaction did.
    pub done: Withdrawal,
    /// The blobs deleted now, and those that could not be.
    pub deleted: Deleted,
    /// A message to send to the participant (ETH-23).
    pub message: String,
}

/// Withdraws entry `entry` of `study`. `Ok(None)` when the study has no such
/// entry.
pub async fn withdraw_entry(
    app: &App,
    study: &Study,
    entry: EntryId,
    actor: Actor<'_>,
    reason: Reason,
) -> anyhow::Result<Option<WithdrawReport>> {
    run(app, study, Some(entry), None, actor, reason).await
}

/// Withdraws participant `participant` of `study`: all their entries, and
/// their consent (a new consent row, withdrawn today). `Ok(None)` when the
/// study has no such participant.
pub async fn withdraw_participant(
    app: &App,
    study: &Study,
    participant: ParticipantId,
    actor: Actor<'_>,
    reason: Reason,
) -> anyhow::Result<Option<WithdrawReport>> {
    run(app, study, None, Some(participant), actor, reason).await
}

async fn run(
    app: &App,
    study: &Study,
    entry: Option<EntryId>,
    participant: Option<ParticipantId>,
    actor: Actor<'_>,
    reason: Reason,
) -> anyhow::Result<Option<WithdrawReport>> {
    let action = if participant.is_some() {
        "participant.withdraw"
    } else {
        "entry.withdraw"
    };
    let plan = WithdrawalPlan {
        study: study.id,
        entry,
        participant,
        today: time::OffsetDateTime::now_utc().date(),
        reason: reason.code(),
        event: AuditEvent {
            actor: actor.name.to_owned(),
            action: action.into(),
            ..Default::default()
        },
        purge: app
            .settings
            .purge_webhook
            .is_some()
            .then_some(&purge_paths as &vitrine_store::PurgePaths),
    };
    // The commit and the blob deletions after it run as a task of their own:
    // the store returns only after waiting out the public leases, and a caller
    // that stops waiting meanwhile (a closed browser tab drops its request)
    // must not leave the withdrawn images stored until the orphan sweep.
    let worker = app.clone();
    let task = tokio::spawn(async move {
        let Some(done) = worker
            .store
            .withdraw(plan)
            .await
            .context("cannot withdraw")?
        else {
            return anyhow::Ok(None);
        };
        let deleted = delete_blobs(&worker, &done).await;
        Ok(Some((done, deleted)))
    });
    let Some((done, deleted)) = task.await.context("the withdrawal task failed")?? else {
        return Ok(None);
    };
    let report = WithdrawReport {
        message: message(study, &done, participant.is_some(), reason),
        done,
        deleted,
    };
    tracing::info!(
        study = %study.info.slug,
        entries = report.done.entries.len(),
        releases_rewritten = report.done.releases.len(),
        public_deleted = report.deleted.public,
        originals_deleted = report.deleted.originals,
        "withdrawn"
    );
    Ok(Some(report))
}

/// How many blobs a withdrawal deleted right after its commit, and how many
/// it could not.
#[derive(Debug, Clone, Default)]
pub struct Deleted {
    /// Public derivative files deleted from the blob store.
    pub public: usize,
    /// Originals deleted from the vault.
    pub originals: usize,
    /// Blobs that could not be deleted now (the orphan sweep will).
    pub failed: usize,
}

/// Deletes the blobs the withdrawal left unreferenced. A failure is logged
/// and counted, not fatal: the rows are gone, so the orphan sweep will
/// delete what is left.
async fn delete_blobs(app: &App, done: &Withdrawal) -> Deleted {
    let public = done
        .delete_public
        .iter()
        .map(|k| BlobKey::Public(k.clone()));
    let originals = done
        .delete_originals
        .iter()
        .map(|k| BlobKey::Original(k.clone()));
    let mut deleted = Deleted::default();
    for key in public.chain(originals) {
        match app.blobs.delete(&key).await {
            Ok(()) if matches!(key, BlobKey::Original(_)) => deleted.originals += 1,
            Ok(()) => deleted.public += 1,
            Err(e) => {
                tracing::error!(error = %e, "cannot delete a withdrawn blob now; the orphan sweep will");
                deleted.failed += 1;
            }
        }
    }
    deleted
}

/// The public paths a CDN may hold copies of that the withdrawal changed or
/// removed: the study's pages that list entries, the IIIF manifests of the
/// prompts they were in, every address the entries had, and every image
/// file they showed.
pub fn purge_paths(done: &Withdrawal) -> Vec<String> {
    vitrine_core::paths::purge_paths(
        &done.slug,
        done.prompt_slugs.iter().map(String::as_str),
        done.entry_slugs.iter().map(String::as_str),
        done.media_keys.iter().map(String::as_str),
    )
}

/// A message the researcher can send to the participant: what was done, and
/// what could not be undone. It names no entry (the words are gone).
fn message(study: &Study, done: &Withdrawal, participant: bool, reason: Reason) -> String {
    let info = &study.info;
    let what = if participant {
        "your participation in the gallery, and everything you contributed to it"
    } else {
        "your contribution"
    };
    let opening = if reason == Reason::ParticipantAsked {
        "As you asked, we have withdrawn"
    } else {
        "We are writing to let you know that we have withdrawn"
    };
    let shown = if done.releases.is_empty() {
        "It had not been published, so nobody outside the research team saw it.".to_owned()
    } else {
        "It is no longer shown on the gallery's website, and the image files and words have \
         been deleted from our systems. It had been public, so copies that other people saved, \
         printed or cited before today are outside our control; tell us if you find one and we \
         will ask for it to be removed."
            .to_owned()
    };
    format!(
        "Dear participant,\n\n{opening} {what} from the \"{title}\" gallery on {today}. \
         {shown}\n\nIf you have any questions, please contact {name} at \
         {email}.\n\nThank you for taking part.",
        title = info.title,
        today = time::OffsetDateTime::now_utc().date(),
        name = info.contact.name,
        email = info.contact.email,
    )
}

/// The Releases (version, publication time) that show any of `entries`, in
/// order, each once: what a withdrawal will change, for its confirmation page.
pub async fn releases_showing(
    app: &App,
    entries: &[EntryId],
) -> vitrine_store::Result<Vec<(u32, String)>> {
    let mut releases = Vec::new();
    for entry in entries {
        releases.extend(app.store.releases_showing(*entry).await?);
    }
    releases.sort();
    releases.dedup();
    Ok(releases)
}
