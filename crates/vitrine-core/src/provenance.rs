//! Where an entry's image came from: the O / O-edited / I / R marks of
//! photo-elicitation galleries (REQUIREMENTS ETH-13).
//!
//! Provenance is a closed set. Each mark carries its own publish rules (does it need
//! an image? a note on how it was made?) and the public wording that explains it, so
//! a visitor never has to decode a letter or a colour.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The provenance of one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Provenance {
    /// The participant's own photo, shown as taken (re-encoded, metadata removed).
    #[serde(rename = "O")]
    Original,
    /// The participant's photo, cropped or redacted by the researchers.
    #[serde(rename = "O-edited")]
    OriginalEdited,
    /// An image the researchers made or chose to stand in for one that could
    /// identify someone.
    #[serde(rename = "I")]
    Illustration,
    /// Described only: the participant talked about an image but none is shown.
    #[serde(rename = "R")]
    Described,
}

/// Every mark, in the order a legend lists them.
pub const ALL: [Provenance; 4] = [
    Provenance::Original,
    Provenance::OriginalEdited,
    Provenance::Illustration,
    Provenance::Described,
];

impl Provenance {
    /// Parses the mark as researchers write it in a spreadsheet (case-insensitive).
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_uppercase().as_str() {
            "O" => Some(Self::Original),
            "O-EDITED" => Some(Self::OriginalEdited),
            "I" => Some(Self::Illustration),
            "R" => Some(Self::Described),
            _ => None,
        }
    }

    /// The short mark: "O", "O-edited", "I" or "R".
    pub fn code(self) -> &'static str {
        match self {
            Self::Original => "O",
            Self::OriginalEdited => "O-edited",
            Self::Illustration => "I",
            Self::Described => "R",
        }
    }

    /// Whether the image is the participant's own photo (O or O-edited):
    /// the kind that may show faces and places, which the studio redacts and
    /// the face detector looks at.
    pub fn is_participants_photo(self) -> bool {
        matches!(self, Self::Original | Self::OriginalEdited)
    }

    /// A short label for a badge.
    pub fn label(self) -> &'static str {
        match self {
            Self::Original => "Participant's original",
            Self::OriginalEdited => "Participant's original, edited",
            Self::Illustration => "Illustration by the researchers",
            Self::Described => "Described, no image",
        }
    }

    /// What the mark means, in a sentence a visitor understands.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Original => "A photo taken or chosen by the participant, shown as they gave it.",
            Self::OriginalEdited => {
                "A photo taken or chosen by the participant that the researchers cropped or \
                 redacted to protect someone's identity."
            }
            Self::Illustration => {
                "An image the researchers made or chose to stand in for the participant's own, \
                 which could have identified someone."
            }
            Self::Described => "The participant described an image in words; no image is shown.",
        }
    }

    /// Whether an entry with this mark shows an image (all but R).
    pub fn has_image(self) -> bool {
        self != Self::Described
    }

    /// Whether the public must be told how the image was made or changed.
    pub fn needs_note(self) -> bool {
        matches!(self, Self::OriginalEdited | Self::Illustration)
    }

    /// Whether publishing needs a de-identification sign-off: the participant's
    /// own photo, as taken or edited (O and O-edited).
    pub fn needs_sign_off(self) -> bool {
        matches!(self, Self::Original | Self::OriginalEdited)
    }

    /// A CSS-friendly token ("o", "o-edited", "i", "r").
    pub fn css(self) -> &'static str {
        match self {
            Self::Original => "o",
            Self::OriginalEdited => "o-edited",
            Self::Illustration => "i",
            Self::Described => "r",
        }
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_to_itself() {
        for p in ALL {
            assert_eq!(Provenance::parse(p.code()), Some(p));
        }
        assert_eq!(
            Provenance::parse(" o-Edited "),
            Some(Provenance::OriginalEdited)
        );
        assert_eq!(Provenance::parse("X"), None);
    }

    #[test]
    fn only_described_entries_have_no_image() {
        assert!(!Provenance::Described.has_image());
        assert!(Provenance::Illustration.has_image());
    }
}
