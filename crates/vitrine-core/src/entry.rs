//! One gallery entry: an image (or a description), its words and its provenance.

use crate::ids::{EntryId, ImageId, ParticipantId, PromptId, ThemeId};
use crate::review::SignOffState;
use crate::{Licence, Provenance};
use serde::{Deserialize, Serialize};

/// The stored image an entry shows. Several entries may share one image, each with
/// its own alt text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    /// The stored image.
    pub id: ImageId,
    /// Upright width in pixels.
    pub width: u32,
    /// Upright height in pixels.
    pub height: u32,
}

/// A curated entry, as stored (drafts included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Internal id.
    pub id: EntryId,
    /// The prompt it answers.
    pub prompt: PromptId,
    /// Position within the prompt.
    pub order: i64,
    /// Who gave it.
    pub participant: ParticipantId,
    /// Title; entries without one are named from their caption.
    pub title: Option<String>,
    /// O, O-edited, I or R.
    pub provenance: Provenance,
    /// The image, for O, O-edited and I.
    pub image: Option<ImageRef>,
    /// Caption.
    pub caption: String,
    /// The participant's own words, verbatim.
    pub quote: Option<String>,
    /// Alt text for the image.
    pub alt: Option<String>,
    /// A longer description of the image, for complex pictures.
    pub long_description: Option<String>,
    /// For R entries: the participant's description of the image they meant.
    pub description: Option<String>,
    /// How an O-edited or I image was made or changed.
    pub provenance_note: Option<String>,
    /// Who made the image.
    pub creator: Option<String>,
    /// The licence; `None` means not yet chosen (which blocks publishing).
    pub licence: Option<Licence>,
    /// Analytic themes.
    pub themes: Vec<ThemeId>,
    /// A content note shown before the image (ETH-26).
    pub content_note: Option<String>,
    /// Whether the entry was withdrawn; a withdrawn entry is never published again.
    #[serde(default)]
    pub withdrawn: bool,
    /// Where its de-identification sign-off stands (ETH-08, ETH-09).
    #[serde(default)]
    pub sign_off: SignOffState,
}

impl Entry {
    /// Every text of the entry that a Release shows visitors.
    pub fn public_texts(&self) -> Vec<&str> {
        let optional = [
            &self.title,
            &self.quote,
            &self.alt,
            &self.long_description,
            &self.description,
            &self.provenance_note,
            &self.creator,
            &self.content_note,
        ];
        std::iter::once(self.caption.as_str())
            .chain(optional.into_iter().filter_map(|t| t.as_deref()))
            .collect()
    }
}
