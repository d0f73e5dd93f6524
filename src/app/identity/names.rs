//! The real-name check (ETH-20) as the workspace shows it: one use case for
//! the entry page, the upload results and the participants page.
//!
//! Whether a word is a participant's real name is itself identity data. Only
//! people who may see identities (`Permission::Identity`) are told what
//! matched; everyone else gets the same neutral note whatever they typed, and
//! the names are not even read for them, so the check cannot be used to
//! confirm a guessed name. The de-identification checklist (names, badges…)
//! and its second approval still stand between an entry and publication.

use crate::app::App;
use vitrine_core::{Study, name_mentions};

/// What everyone who may not see identities is told, whatever they typed.
pub const NEUTRAL_NOTE: &str = "Write pseudonyms only, never the real names of participants. A \
     reviewer checks names before publication: the de-identification checklist and its \
     approval must pass first.";

/// The check, loaded once per page for one person.
#[derive(Debug)]
pub enum NameCheck {
    /// They may not see identities: no names read, only [`NEUTRAL_NOTE`].
    Hidden,
    /// The study's real names, for someone who may see them.
    Names(Vec<String>),
    /// The identity store could not be read (logged once here).
    Failed,
}

impl NameCheck {
    /// Reads the study's real names if `sees_identities`; otherwise reads
    /// nothing.
    pub async fn load(app: &App, study: &Study, sees_identities: bool) -> Self {
        if !sees_identities {
            return Self::Hidden;
        }
        match super::real_names(app, study).await {
            Ok(names) => Self::Names(names),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "the real-name check could not read the identity store");
                Self::Failed
            }
        }
    }

    /// One sentence per (field, real name) found in `fields` (label, text);
    /// always empty for [`NameCheck::Hidden`].
    pub fn warnings(&self, fields: &[(&str, &str)]) -> Vec<String> {
        let Self::Names(names) = self else {
            return Vec::new();
        };
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        name_mentions(fields, &names)
            .into_iter()
            .map(|(field, name)| {
                format!(
                    "The {field} mentions \"{name}\", the real name of one of this study's \
                     participants. Use their pseudonym instead."
                )
            })
            .collect()
    }

    /// Whether a file name (with `_`, `-` and `.` read as spaces) contains a
    /// real name; always false for [`NameCheck::Hidden`].
    pub fn file_name_warning(&self, file_name: &str) -> bool {
        !self
            .warnings(&[("file name", &file_name.replace(['_', '-', '.'], " "))])
            .is_empty()
    }

    /// The pseudonyms that are, or contain, a real name; always empty for
    /// [`NameCheck::Hidden`].
    pub fn matching_pseudonyms<'a>(&self, pseudonyms: &[&'a str]) -> Vec<&'a str> {
        match self {
            Self::Names(names) => super::pseudonyms_matching(pseudonyms, names),
            Self::Hidden | Self::Failed => Vec::new(),
        }
    }

    /// The note the page shows beside the warnings: the neutral one for
    /// people who may not see identities, or that the check could not run.
    pub fn note(&self) -> Option<&'static str> {
        match self {
            Self::Hidden => Some(NEUTRAL_NOTE),
            Self::Names(_) => None,
            Self::Failed => Some(
                "The check for participants' real names could not run, so read the texts for \
                 names yourself. Tell whoever runs this Vitrine.",
            ),
        }
    }

    /// Whether the check could not run.
    pub fn failed(&self) -> bool {
        matches!(self, Self::Failed)
    }
}
