//! The domain of Vitrine: studies, prompts, participants, consent, entries and the
//! Release that is the only thing the public side ever sees.
//!
//! This crate is pure: no IO, no SQL, no HTTP, no async. Everything here can be unit
//! tested with plain values, and every other crate builds on these types. The rules
//! that decide what may be published live here ([`publish`]), so the CLI, the web
//! workspace and any future entry point apply exactly the same checks.

pub mod consent;
pub mod entry;
pub mod ids;
pub mod licence;
pub mod provenance;
pub mod publish;
pub mod release;
pub mod slug;
pub mod study;
pub mod text;

pub use consent::{Consent, ConsentScope};
pub use entry::{Entry, ImageRef};
pub use ids::{EntryId, ImageId, ParticipantId, PromptId, ReleaseId, StudyId, ThemeId};
pub use licence::Licence;
pub use provenance::Provenance;
pub use publish::{Blocker, blockers};
pub use release::{
    MediaVariant, Release, ReleaseEntry, ReleaseImage, ReleaseInput, ReleasePrompt, ReleaseTheme,
    build_release,
};
pub use study::{Contact, Funder, Participant, Prompt, Study, StudyInfo, Theme};

/// A calendar date (consent given, expiry, fieldwork). Re-exported so other crates
/// do not need to name the `time` crate.
pub type Date = time::Date;
