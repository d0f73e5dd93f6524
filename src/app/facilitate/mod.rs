//! Facilitation (issue 14): what the team prepares so the gallery can start
//! discussions in a workshop.
//!
//! - [`guides`]: the study's discussion guide and each prompt's questions,
//!   public texts shown on the gallery and in presenter mode.
//! - [`workshops`]: a facilitator's sessions: published entries in an order,
//!   each with its questions, presented from the workspace or through an
//!   unlisted link that expires.
//! - [`print`]: photo cards and handouts of a session or a prompt, as tagged
//!   PDF (PDF/UA-1), recorded in the export registry.
//! - [`reflections`]: visitors' reflections, moderated by the team.

pub mod guides;
pub mod print;
pub mod reflections;
pub mod workshops;

pub use guides::{
    GuideProblems, Guides, GuidesError, GuidesInput, PromptGuide, guides, save_guides,
};
