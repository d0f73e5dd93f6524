//! A study and the things that belong to it: prompts, themes and participants.
//!
//! These are the validated forms: every text is already normalised
//! ([`crate::text::clean`]) and every required field is present. Parsing files or
//! forms into them happens at the edges (import, web forms).

use crate::Date;
use crate::ids::{ParticipantId, PromptId, StudyId, ThemeId};
use serde::{Deserialize, Serialize};

/// The public contact for questions about the study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Person or team name.
    pub name: String,
    /// Their role, if given.
    pub role: Option<String>,
    /// A public e-mail address.
    pub email: String,
}

/// Who funded the study, shown with the disclaimer (ETH-25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funder {
    /// Funder name.
    pub name: String,
    /// Award or grant reference.
    pub award: Option<String>,
}

/// One stored study: its internal id and its public texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Study {
    /// Internal id.
    pub id: StudyId,
    /// Everything about the study that a Release may show.
    pub info: StudyInfo,
}

/// A study's public texts and settings. Holds no internal id, so a Release can
/// carry it as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyInfo {
    /// URL name, chosen by the researchers.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Subtitle, if any.
    pub subtitle: Option<String>,
    /// BCP 47 language tag of the gallery's texts, used for `<html lang>`.
    pub language: String,
    /// What the study is about.
    pub summary: String,
    /// How the images were gathered and used.
    pub method: Option<String>,
    /// The institution running the study.
    pub institution: Option<String>,
    /// First day of fieldwork.
    pub fieldwork_start: Option<Date>,
    /// Last day of fieldwork.
    pub fieldwork_end: Option<Date>,
    /// Public contact.
    pub contact: Contact,
    /// Funder and award.
    pub funder: Option<Funder>,
    /// Research ethics approval reference.
    pub ethics_reference: Option<String>,
    /// The funder's disclaimer text.
    pub funder_disclaimer: Option<String>,
    /// A note such as "not every participant answered every prompt".
    pub participation_note: Option<String>,
    /// How the team suggests the images are used.
    pub suggested_use: Option<String>,
    /// Guidance and questions for discussing the gallery, in the small
    /// Markdown subset of [`crate::guide`] (issue 14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discussion_guide: Option<String>,
    /// When set, visitors may send reflections (issue 14), after agreeing to
    /// this statement of how the research team will use them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflection_consent: Option<String>,
    /// Whether the reflections the team approves are shown on the public
    /// gallery (from the next Release).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub show_reflections: bool,
    /// A notice shown on the gallery and about pages.
    pub notice: Option<String>,
    /// Whether search engines may index the public pages.
    pub allow_search_engines: bool,
}

impl StudyInfo {
    /// A study with only what every study needs: its address name, title and
    /// public contact. English, not indexed, everything else empty.
    pub fn new(slug: &str, title: &str, contact: Contact) -> Self {
        Self {
            slug: slug.to_owned(),
            title: title.to_owned(),
            subtitle: None,
            language: "en".to_owned(),
            summary: String::new(),
            method: None,
            institution: None,
            fieldwork_start: None,
            fieldwork_end: None,
            contact,
            funder: None,
            ethics_reference: None,
            funder_disclaimer: None,
            participation_note: None,
            suggested_use: None,
            discussion_guide: None,
            reflection_consent: None,
            show_reflections: false,
            notice: None,
            allow_search_engines: false,
        }
    }
}

/// A prompt participants answered with photos, shown word for word (PRE-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    /// Internal id.
    pub id: PromptId,
    /// Position in the gallery.
    pub order: i64,
    /// Short title.
    pub title: String,
    /// The prompt's exact wording.
    pub text: String,
    /// An optional note shown with it.
    pub note: Option<String>,
    /// Questions for discussing this prompt's entries, in the Markdown
    /// subset of [`crate::guide`] (issue 14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
}

/// An analytic theme; an entry may have several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Internal id.
    pub id: ThemeId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
}

/// A participant, known in the gallery only by pseudonym (no real names here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Internal id.
    pub id: ParticipantId,
    /// The pseudonym used everywhere in public.
    pub pseudonym: String,
    /// Their role in the study (e.g. "Link worker").
    pub role: Option<String>,
}
