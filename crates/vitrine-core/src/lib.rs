//! The domain of Vitrine: studies, prompts, participants, consent, entries and the
//! Release that is the only thing the public side ever sees.
//!
//! This crate is pure: no IO, no SQL, no HTTP, no async. Everything here can be unit
//! tested with plain values, and every other crate builds on these types. The rules
//! that decide what may be published live here ([`publish`]), so the CLI, the web
//! workspace and any future entry point apply exactly the same checks.

pub mod access;
pub mod changelog;
pub mod citation;
pub mod consent;
pub mod coverage;
pub mod entry;
pub mod guide;
pub mod ids;
pub mod iiif;
pub mod licence;
pub mod lint;
pub mod paths;
pub mod provenance;
pub mod publish;
pub mod redaction;
pub mod reflection;
pub mod release;
pub mod review;
pub mod slug;
pub mod study;
pub mod text;

pub use access::{Permission, Role, Rule};
pub use changelog::{Changes, changes};
pub use consent::{Consent, ConsentScope};
pub use coverage::{PromptCount, participation_note};
pub use entry::{Entry, EntryTexts, ImageRef};
pub use ids::{EntryId, ImageId, ParticipantId, PromptId, ReleaseId, StudyId, ThemeId, UserId};
pub use licence::Licence;
pub use lint::{AltWarning, alt_text_warnings, mentions_full_name, name_mentions};
pub use provenance::Provenance;
pub use publish::{Blocker, blockers};
pub use release::{
    BuiltRelease, MediaVariant, Release, ReleaseEntry, ReleaseImage, ReleaseInput, ReleasePrompt,
    ReleaseReflection, ReleaseTheme, build_release, build_release_mapped,
};
pub use review::{
    ApprovalRefused, CheckItem, Checklist, SignOff, SignOffState, fingerprint, may_approve,
    sign_off_state,
};
pub use study::{Contact, Funder, Participant, Prompt, Study, StudyInfo, Theme};

/// A calendar date (consent given, expiry, fieldwork). Re-exported so other crates
/// do not need to name the `time` crate.
pub type Date = time::Date;
