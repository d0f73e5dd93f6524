//! The licence under which the team shares an entry's image and text.
//!
//! Licences are SPDX ids, or "none" (all rights reserved). There is no default:
//! a researcher must say which licence their permissions allow (ETH-05). We accept
//! the licences research galleries use, each with a name and a link for the page.

use serde::{Deserialize, Serialize};

/// (SPDX id, human name, URL) for every licence Vitrine knows how to show.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    (
        "CC-BY-SA-4.0",
        "Creative Commons Attribution-ShareAlike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    (
        "CC-BY-ND-4.0",
        "Creative Commons Attribution-NoDerivatives 4.0",
        "https://creativecommons.org/licenses/by-nd/4.0/",
    ),
    (
        "CC-BY-NC-4.0",
        "Creative Commons Attribution-NonCommercial 4.0",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    (
        "CC-BY-NC-SA-4.0",
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ),
    (
        "CC-BY-NC-ND-4.0",
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    ),
    (
        "CC0-1.0",
        "Creative Commons Zero 1.0 (public domain dedication)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
];

/// A licence chosen for an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Licence {
    /// No public licence: all rights reserved, shown for viewing only.
    None,
    /// A known SPDX licence id, in its canonical spelling.
    Spdx(String),
}

impl Licence {
    /// Parses "none" or a known SPDX id (case-insensitive). The error lists what
    /// is accepted, so a researcher can fix the spreadsheet.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("none") {
            return Ok(Self::None);
        }
        KNOWN
            .iter()
            .find(|(id, _, _)| id.eq_ignore_ascii_case(raw))
            .map(|(id, _, _)| Self::Spdx((*id).to_owned()))
            .ok_or_else(|| {
                let ids: Vec<&str> = KNOWN.iter().map(|(id, _, _)| *id).collect();
                format!(
                    "unknown licence \"{raw}\"; use one of {} or \"none\"",
                    ids.join(", ")
                )
            })
    }

    /// The id as written in files and exports.
    pub fn id(&self) -> &str {
        match self {
            Self::None => "none",
            Self::Spdx(id) => id,
        }
    }

    /// The name shown to visitors.
    pub fn name(&self) -> &str {
        match self {
            Self::None => "All rights reserved",
            Self::Spdx(id) => lookup(id).map_or(id.as_str(), |(_, name, _)| name),
        }
    }

    /// A link to the licence text, where there is one.
    pub fn url(&self) -> Option<&'static str> {
        match self {
            Self::None => None,
            Self::Spdx(id) => lookup(id).map(|(_, _, url)| *url),
        }
    }
}

/// Every licence Vitrine knows, as (SPDX id, name), for a form's choices.
/// "none" (all rights reserved) is not in this list.
pub fn known() -> impl Iterator<Item = (&'static str, &'static str)> {
    KNOWN.iter().map(|(id, name, _)| (*id, *name))
}

fn lookup(id: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    KNOWN.iter().find(|(known, _, _)| *known == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_ids_parse_in_canonical_spelling() {
        assert_eq!(
            Licence::parse("cc-by-nc-4.0"),
            Ok(Licence::Spdx("CC-BY-NC-4.0".into()))
        );
        assert_eq!(Licence::parse("None"), Ok(Licence::None));
    }

    #[test]
    fn unknown_licence_error_lists_the_choices() {
        let err = Licence::parse("MIT-ish").unwrap_err();
        assert!(
            err.contains("CC-BY-4.0") && err.contains("\"none\""),
            "{err}"
        );
    }

    #[test]
    fn names_and_links_are_known_for_every_licence() {
        let cc = Licence::Spdx("CC-BY-4.0".into());
        assert_eq!(cc.name(), "Creative Commons Attribution 4.0");
        assert!(cc.url().is_some());
        assert_eq!(Licence::None.url(), None);
    }
}
