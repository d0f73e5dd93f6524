//! Advice on words curators write (ACC-02, ETH-20): alt text that will not help
//! someone who cannot see the image, and real names that slipped into public
//! text. These are warnings for a person to weigh, not publish rules.

use std::fmt;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Alt text longer than this many characters should move detail to a long
/// description.
pub const ALT_MAX_CHARS: usize = 150;

/// One problem with an image's alt text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AltWarning {
    /// The alt text is empty or only white space.
    Empty,
    /// It starts with a phrase such as "Photo of" (the words it starts with).
    StartsWithImageOf(String),
    /// It is the caption, or repeats it.
    RepeatsCaption,
    /// It is only the image's file name.
    IsFileName,
    /// It is longer than [`ALT_MAX_CHARS`] (its length in characters).
    TooLong(usize),
}

impl fmt::Display for AltWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str(
                "the alt text is empty; describe what the image shows for people who cannot see it",
            ),
            Self::StartsWithImageOf(start) => write!(
                f,
                "the alt text starts with \"{start}\"; screen readers already say it is an image, \
                 so start with what it shows"
            ),
            Self::RepeatsCaption => f.write_str(
                "the alt text repeats the caption; describe what the image shows instead, since \
                 the caption is read out as well",
            ),
            Self::IsFileName => f.write_str(
                "the alt text is the image's file name; describe what the image shows instead",
            ),
            Self::TooLong(n) => write!(
                f,
                "the alt text is {n} characters long; keep it under {ALT_MAX_CHARS} and put the \
                 detail in a long description"
            ),
        }
    }
}

/// Lower-case, accents removed, white space collapsed: the form text is
/// compared in.
fn fold(text: &str) -> String {
    let plain: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`fold`], without trailing full stops and similar, so "A kettle." equals
/// "a kettle".
fn fold_sentence(text: &str) -> String {
    fold(text)
        .trim_end_matches(['.', '!', '?', '…', ' '])
        .to_owned()
}

/// Everything that may be wrong with `alt` for an image with this caption and
/// (original) file name. Empty when nothing is.
pub fn alt_text_warnings(alt: &str, caption: &str, file_name: Option<&str>) -> Vec<AltWarning> {
    let alt_folded = fold_sentence(alt);
    if alt_folded.is_empty() {
        return vec![AltWarning::Empty];
    }
    let mut found = Vec::new();
    if let Some(start) = image_of_prefix(alt) {
        found.push(AltWarning::StartsWithImageOf(start));
    }
    let caption_folded = fold_sentence(caption);
    if !caption_folded.is_empty() && alt_folded.contains(&caption_folded) {
        found.push(AltWarning::RepeatsCaption);
    }
    if let Some(name) = file_name
        && is_file_name(&alt_folded, name)
    {
        found.push(AltWarning::IsFileName);
    }
    let length = alt.trim().chars().count();
    if length > ALT_MAX_CHARS {
        found.push(AltWarning::TooLong(length));
    }
    found
}

/// The words "photo of" and the like when `alt` starts with them, as written.
fn image_of_prefix(alt: &str) -> Option<String> {
    const NOUNS: [&str; 4] = ["photo", "photograph", "image", "picture"];
    let words: Vec<&str> = alt.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let skip = usize::from(lower.first().is_some_and(|w| w == "a" || w == "an"));
    let noun = lower.get(skip)?;
    let of = lower.get(skip + 1)?;
    (NOUNS.contains(&noun.as_str()) && of == "of").then(|| words[..skip + 2].join(" "))
}

/// Whether the folded alt text is the file name or its stem, with `-` and `_`
/// read as spaces.
fn is_file_name(alt_folded: &str, file_name: &str) -> bool {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let spaced = |s: &str| fold(&s.replace(['-', '_'], " "));
    [fold(base), fold(stem), spaced(stem)]
        .iter()
        .any(|candidate| !candidate.is_empty() && candidate == alt_folded)
}

/// Which real names appear in which fields. `fields` pairs a label (e.g.
/// "caption") with its text; a name is reported when it, or any part of it of
/// at least three letters (a first or family name), appears as a whole word,
/// ignoring case and accents. Each (field, name) is reported once, with the
/// longest part found.
pub fn name_mentions<'a>(
    fields: &[(&'a str, &str)],
    real_names: &[&str],
) -> Vec<(&'a str, String)> {
    let mut found: Vec<(&'a str, String)> = Vec::new();
    for (label, text) in fields {
        let text = fold(text);
        for name in real_names {
            let whole = name.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut candidates: Vec<&str> = vec![whole.as_str()];
            candidates.extend(
                whole
                    .split([' ', '-'])
                    .filter(|part| part.chars().filter(|c| c.is_alphabetic()).count() >= 3),
            );
            let hit = candidates.into_iter().find(|candidate| {
                let folded = fold(candidate);
                !folded.is_empty() && contains_word(&text, &folded)
            });
            if let Some(hit) = hit {
                let hit = (*label, hit.to_owned());
                if !found.contains(&hit) {
                    found.push(hit);
                }
            }
        }
    }
    found
}

/// Whether any of `texts` contains one of `real_names` whole (all its parts,
/// in order, as whole words, ignoring case, accents and spacing). This is the
/// publication blocker (ETH-20): a first or family name alone is only a
/// warning for those who may see identities, since "Rose" or "May" is often
/// not the participant, but a full name in public text never is anything
/// else.
pub fn mentions_full_name(texts: &[&str], real_names: &[String]) -> bool {
    let names: Vec<String> = real_names
        .iter()
        .map(|n| fold(&n.split_whitespace().collect::<Vec<_>>().join(" ")))
        .filter(|n| !n.is_empty())
        .collect();
    texts.iter().any(|text| {
        let text = fold(&text.split_whitespace().collect::<Vec<_>>().join(" "));
        names.iter().any(|name| contains_word(&text, name))
    })
}

/// Whether `word` occurs in `text` with no letter or digit either side
/// (case-sensitive; fold both first to ignore case and accents).
pub fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_real_name_blocks_publication() {
        let names = vec!["Rose Mbeki".to_owned(), "Zoë".to_owned()];
        assert!(mentions_full_name(&["Photo by rose  MBEKI."], &names));
        assert!(mentions_full_name(&["", "zoe at home"], &names), "accents");
        assert!(!mentions_full_name(&["A rose in the garden."], &names));
        assert!(!mentions_full_name(&["Mbeki's kettle", "Zoëtrope"], &names));
        assert!(!mentions_full_name(&["Rose Mbeki"], &[]));
    }

    #[test]
    fn good_alt_text_has_no_warnings() {
        assert_eq!(
            alt_text_warnings(
                "A red kettle steaming on a kitchen counter.",
                "The day starts when the kettle goes on.",
                Some("images/kettle.png")
            ),
            vec![]
        );
    }

    #[test]
    fn blank_alt_text_is_only_reported_as_empty() {
        assert_eq!(
            alt_text_warnings("  \n ", "Caption", Some("x.png")),
            vec![AltWarning::Empty]
        );
    }

    #[test]
    fn photo_of_openings_are_flagged_as_written() {
        for (alt, start) in [
            ("Photo of a kettle", "Photo of"),
            ("a PHOTO OF a kettle", "a PHOTO OF"),
            ("Image of a bus stop", "Image of"),
            ("An image of chairs", "An image of"),
            ("picture of flowers", "picture of"),
        ] {
            assert_eq!(
                alt_text_warnings(alt, "", None),
                vec![AltWarning::StartsWithImageOf(start.into())],
                "{alt}"
            );
        }
        assert_eq!(alt_text_warnings("Photography books", "", None), vec![]);
        assert_eq!(alt_text_warnings("A photo", "", None), vec![]);
    }

    #[test]
    fn alt_text_repeating_the_caption_is_flagged() {
        let caption = "Sam waits here  every morning.";
        assert_eq!(
            alt_text_warnings("sam waits here every morning", caption, None),
            vec![AltWarning::RepeatsCaption]
        );
        assert_eq!(
            alt_text_warnings(
                "A bus shelter. Sam waits here every morning.",
                caption,
                None
            ),
            vec![AltWarning::RepeatsCaption]
        );
        assert_eq!(alt_text_warnings("A bus shelter", caption, None), vec![]);
    }

    #[test]
    fn the_file_name_or_its_stem_is_not_alt_text() {
        for alt in ["kettle.png", "Kettle", "christmas bags", "christmas-bags"] {
            let file = if alt.contains("bags") {
                "images/christmas-bags.png"
            } else {
                "images/kettle.png"
            };
            assert_eq!(
                alt_text_warnings(alt, "", Some(file)),
                vec![AltWarning::IsFileName],
                "{alt}"
            );
        }
        assert_eq!(
            alt_text_warnings("A kettle", "", Some("kettle.png")),
            vec![]
        );
    }

    #[test]
    fn long_alt_text_suggests_a_long_description() {
        let alt = "a ".repeat(80);
        let warnings = alt_text_warnings(&alt, "", None);
        assert_eq!(warnings, vec![AltWarning::TooLong(159)]);
        assert!(warnings[0].to_string().contains("long description"));
        assert_eq!(alt_text_warnings(&"b".repeat(150), "", None), vec![]);
    }

    #[test]
    fn names_and_their_parts_are_found_as_whole_words() {
        let fields = [
            ("caption", "Ann's kettle, photographed by Anna."),
            ("quote", "Mrs SMITH said so."),
            ("alt", "A kettle."),
        ];
        let found = name_mentions(&fields, &["Ann Smith"]);
        assert_eq!(
            found,
            vec![("caption", "Ann".to_owned()), ("quote", "Smith".to_owned())]
        );
    }

    #[test]
    fn ann_does_not_match_anna() {
        assert_eq!(
            name_mentions(&[("caption", "Anna and Joanne")], &["Ann"]),
            vec![]
        );
        assert_eq!(
            name_mentions(&[("caption", "Anna and Joanne")], &["Anna"]),
            vec![("caption", "Anna".to_owned())]
        );
    }

    #[test]
    fn the_whole_name_is_reported_when_it_appears() {
        assert_eq!(
            name_mentions(&[("caption", "Thanks to ann   smith.")], &["Ann Smith"]),
            vec![("caption", "Ann Smith".to_owned())]
        );
    }

    #[test]
    fn accents_and_case_are_ignored_and_short_parts_skipped() {
        assert_eq!(
            name_mentions(&[("caption", "zoe and CHLOË")], &["Zoë Brontë", "Chloe Li"]),
            vec![
                ("caption", "Zoë".to_owned()),
                ("caption", "Chloe".to_owned())
            ]
        );
        // "Li" has fewer than three letters, so only the whole name would match.
        assert_eq!(
            name_mentions(&[("caption", "Li went home")], &["Chloe Li"]),
            vec![]
        );
        // Decomposed input (e + combining acute) matches the composed name.
        assert_eq!(
            name_mentions(&[("quote", "Rene\u{301} said")], &["René Dupont"]),
            vec![("quote", "René".to_owned())]
        );
    }
}
