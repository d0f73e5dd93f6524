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

/// An entry's words, the same wherever an entry goes: stored, edited,
/// imported and published. The title is not among them (optional while
/// curating, always set once published, where it is made from the caption),
/// nor are provenance, licence and themes, whose form differs from place to
/// place.
///
/// A new text is added here; the compiler then points at every place that
/// builds or takes apart a whole set (the store's columns, the entry form,
/// exports).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryTexts {
    /// Caption (may be blank while drafting; blank blocks publishing).
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
    /// A content note shown before the image (ETH-26).
    pub content_note: Option<String>,
}

impl EntryTexts {
    /// Every text by its name (the same in the store, the entry form and the
    /// audit log), caption first, each `None` where it is not given.
    pub fn named(&self) -> [(&'static str, Option<&str>); 8] {
        let Self {
            caption,
            quote,
            alt,
            long_description,
            description,
            provenance_note,
            creator,
            content_note,
        } = self;
        [
            ("caption", Some(caption.as_str())),
            ("quote", quote.as_deref()),
            ("alt", alt.as_deref()),
            ("long_description", long_description.as_deref()),
            ("description", description.as_deref()),
            ("provenance_note", provenance_note.as_deref()),
            ("creator", creator.as_deref()),
            ("content_note", content_note.as_deref()),
        ]
    }

    /// The texts given, caption first (even when blank).
    pub fn present(&self) -> impl Iterator<Item = &str> {
        self.named().into_iter().filter_map(|(_, text)| text)
    }
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
    /// Its words: caption, quote, alt text and the rest.
    #[serde(flatten)]
    pub texts: EntryTexts,
    /// The licence; `None` means not yet chosen (which blocks publishing).
    pub licence: Option<Licence>,
    /// Analytic themes.
    pub themes: Vec<ThemeId>,
    /// Whether the entry was withdrawn; a withdrawn entry is never published again.
    #[serde(default)]
    pub withdrawn: bool,
    /// Where its de-identification sign-off stands (ETH-08, ETH-09).
    #[serde(default)]
    pub sign_off: SignOffState,
}

impl Entry {
    /// Every text of the entry that a Release shows visitors: its title, if
    /// any, and [`EntryTexts::present`].
    pub fn public_texts(&self) -> Vec<&str> {
        self.title
            .as_deref()
            .into_iter()
            .chain(self.texts.present())
            .collect()
    }
}
