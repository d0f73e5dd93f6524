//! The records a study import is made of: validated rows keyed by the ids
//! researchers use in their spreadsheets, ready for one transaction.

use vitrine_core::{Consent, EntryTexts, Licence, Provenance, StudyId, StudyInfo};

/// A whole study, validated and ready to write.
#[derive(Debug, Clone)]
pub struct StudyImport {
    /// Study texts; `info.slug` identifies the study.
    pub info: StudyInfo,
    /// Prompts.
    pub prompts: Vec<ImportPrompt>,
    /// Themes.
    pub themes: Vec<ImportTheme>,
    /// Participants with their consent.
    pub participants: Vec<ImportParticipant>,
    /// Images the entries use (new or already stored).
    pub images: Vec<NewImage>,
    /// Entries.
    pub entries: Vec<ImportEntry>,
}

/// A prompt row.
#[derive(Debug, Clone)]
pub struct ImportPrompt {
    /// Import key.
    pub key: String,
    /// Position.
    pub order: i64,
    /// Title.
    pub title: String,
    /// Exact wording.
    pub text: String,
    /// Note.
    pub note: Option<String>,
    /// Discussion guide (Markdown subset).
    pub guide: Option<String>,
}

/// A theme row.
#[derive(Debug, Clone)]
pub struct ImportTheme {
    /// Import key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
}

/// A participant row and its consent.
#[derive(Debug, Clone)]
pub struct ImportParticipant {
    /// Import key.
    pub key: String,
    /// Pseudonym.
    pub pseudonym: String,
    /// Role.
    pub role: Option<String>,
    /// Consent record, if any.
    pub consent: Option<Consent>,
}

/// An image whose original and derivatives are already in the blob store.
#[derive(Debug, Clone)]
pub struct NewImage {
    /// sha256 of the original bytes.
    pub sha256: String,
    /// MIME type of the original.
    pub media_type: String,
    /// Size of the original.
    pub byte_size: u64,
    /// Upright width.
    pub width: u32,
    /// Upright height.
    pub height: u32,
    /// Average colour.
    pub color: String,
    /// Whether the upload's metadata recorded where it was taken (GPS).
    pub records_location: bool,
    /// Public derivatives.
    pub derivatives: Vec<NewDerivative>,
}

/// One public derivative already in the blob store.
#[derive(Debug, Clone)]
pub struct NewDerivative {
    /// Content-addressed file name.
    pub key: String,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// MIME type.
    pub media_type: String,
    /// Size in bytes.
    pub byte_size: u64,
}

/// An entry row, referring to other rows by import key and to its image by hash.
#[derive(Debug, Clone)]
pub struct ImportEntry {
    /// Import key.
    pub key: String,
    /// Prompt import key.
    pub prompt_key: String,
    /// Position within the prompt.
    pub order: i64,
    /// Participant import key.
    pub participant_key: String,
    /// Title.
    pub title: Option<String>,
    /// Provenance.
    pub provenance: Provenance,
    /// sha256 of the image's original, if any.
    pub image_sha256: Option<String>,
    /// Its words.
    pub texts: EntryTexts,
    /// Licence.
    pub licence: Option<Licence>,
    /// Theme import keys.
    pub theme_keys: Vec<String>,
    /// A de-identification sign-off made outside Vitrine (e.g. on paper), if
    /// the folder records one.
    pub sign_off: Option<ImportSignOff>,
}

/// Who completed an entry's de-identification checklist outside Vitrine and
/// who approved it; two different people (checked by the importer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSignOff {
    /// The person who completed the checklist.
    pub checked_by: String,
    /// The different person who approved it.
    pub approved_by: String,
}

/// What an import changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// The study's id.
    pub study: StudyId,
    /// Whether the study existed before.
    pub updated: bool,
    /// Entries written.
    pub entries: usize,
    /// Entries removed because the folder no longer lists them.
    pub entries_removed: usize,
    /// Things the researcher should know that did not stop the import, e.g.
    /// "entry e3 was withdrawn on 2025-06-01 and is not imported again".
    pub notes: Vec<String>,
}
