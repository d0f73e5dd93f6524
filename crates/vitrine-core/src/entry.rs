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
/// `T` is how an optional text is held: `Option<String>` (the default), or
/// `String` for the entry form as typed, blank where not given.
///
/// A new text is added here (and in [`EntryTexts::from_fn`], `map` and
/// `optional`); the compiler then points at the places that build or take
/// apart a whole set: the store's reads and writes, exports. It does not
/// point at SQL or templates: the migration, the withdrawal that clears an
/// entry's words (vitrine-store `withdraw.rs`) and the entry form's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryTexts<T = Option<String>> {
    /// Caption (may be blank while drafting; blank blocks publishing).
    pub caption: String,
    /// The participant's own words, verbatim.
    pub quote: T,
    /// Alt text for the image.
    pub alt: T,
    /// A longer description of the image, for complex pictures.
    pub long_description: T,
    /// For R entries: the participant's description of the image they meant.
    pub description: T,
    /// How an O-edited or I image was made or changed.
    pub provenance_note: T,
    /// Who made the image.
    pub creator: T,
    /// A content note shown before the image (ETH-26).
    pub content_note: T,
}

impl<T> EntryTexts<T> {
    /// The set with `caption`, each other text made by `text` from its name
    /// (as in [`EntryTexts::optional`]).
    pub fn from_fn(caption: String, mut text: impl FnMut(&'static str) -> T) -> Self {
        Self {
            caption,
            quote: text("quote"),
            alt: text("alt"),
            long_description: text("long_description"),
            description: text("description"),
            provenance_note: text("provenance_note"),
            creator: text("creator"),
            content_note: text("content_note"),
        }
    }

    /// The same caption, each other text passed through `f`.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> EntryTexts<U> {
        EntryTexts {
            caption: self.caption,
            quote: f(self.quote),
            alt: f(self.alt),
            long_description: f(self.long_description),
            description: f(self.description),
            provenance_note: f(self.provenance_note),
            creator: f(self.creator),
            content_note: f(self.content_note),
        }
    }

    /// Every text but the caption, by its name (the same in the store, the
    /// entry form and the audit log).
    pub fn optional(&self) -> [(&'static str, &T); 7] {
        [
            ("quote", &self.quote),
            ("alt", &self.alt),
            ("long_description", &self.long_description),
            ("description", &self.description),
            ("provenance_note", &self.provenance_note),
            ("creator", &self.creator),
            ("content_note", &self.content_note),
        ]
    }
}

impl EntryTexts {
    /// The texts given, caption first (even when blank).
    pub fn present(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.caption.as_str()).chain(
            self.optional()
                .into_iter()
                .filter_map(|(_, text)| text.as_deref()),
        )
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
