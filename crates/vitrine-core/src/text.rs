//! Plain-text normalisation for everything researchers type or import.
//!
//! All text in Vitrine is plain text: it is shown literally and escaped, never
//! interpreted as HTML or Markdown. Normalising to NFC once, at the edge, means two
//! spellings of "é" compare equal and slugs are stable.

use unicode_normalization::UnicodeNormalization;

/// Trims surrounding white space, turns CRLF into LF and normalises to NFC.
pub fn clean(raw: &str) -> String {
    raw.trim().replace("\r\n", "\n").nfc().collect()
}

/// `None` when the cleaned text is empty, so optional fields never hold "".
pub fn optional(raw: &str) -> Option<String> {
    let cleaned = clean(raw);
    (!cleaned.is_empty()).then_some(cleaned)
}

/// A spreadsheet cell that a spreadsheet program shows as text, never runs
/// as a formula (OWASP's CSV injection guidance): a value starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Splits text into paragraphs at blank lines, for rendering as `<p>` elements.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// A date as "8 March 2021".
pub fn long_date(date: crate::Date) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    date.format(format).unwrap_or_else(|_| date.to_string())
}

/// A date as "2021-03-08", for `<time datetime>`.
pub fn iso_date(date: crate::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(format).unwrap_or_else(|_| date.to_string())
}

/// The first `max_words` words of `text`, with an ellipsis when shortened. Used to
/// name entries that have no title.
pub fn first_words(text: &str, max_words: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= max_words {
        words.join(" ")
    } else {
        format!("{}…", words[..max_words].join(" "))
    }
}

/// Whether `tag` has the shape of a BCP 47 language tag (en, en-GB,
/// zh-Hant): the one check import, the study settings and anything else that
/// takes a study's language use.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Whether `email` (already cleaned) can be an e-mail address: something
/// before and after one `@`, a dot in the domain, no white space. Deliberately
/// loose (addresses are checked by writing to them), but the same everywhere:
/// accounts, a new study's contact, its settings and import.
pub fn is_email_address(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_read_naturally() {
        let date = crate::Date::from_calendar_date(2021, time::Month::March, 8).unwrap();
        assert_eq!(long_date(date), "8 March 2021");
        assert_eq!(iso_date(date), "2021-03-08");
    }

    use super::*;

    #[test]
    fn clean_normalises_to_nfc_and_trims() {
        // "e" + combining acute becomes the single code point "é".
        assert_eq!(clean("  Cafe\u{301}\r\n "), "Caf\u{e9}");
    }

    #[test]
    fn optional_drops_blank_text() {
        assert_eq!(optional("   "), None);
        assert_eq!(optional(" a "), Some("a".to_owned()));
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(
            paragraphs("one\ntwo\n\n\nthree\n"),
            vec!["one\ntwo", "three"]
        );
    }

    #[test]
    fn first_words_adds_ellipsis_only_when_shortened() {
        assert_eq!(first_words("a b c", 3), "a b c");
        assert_eq!(first_words("a b c d", 3), "a b c…");
    }

    #[test]
    fn language_tags_have_the_bcp47_shape() {
        for good in ["en", "en-GB", "zh-Hant", "cy", "sgn-BE-FR", "es-419"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in ["", "e", "english", "en_GB", "en-", "en-toolongsubtag", "1n"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn email_addresses_are_checked_the_same_loose_way_everywhere() {
        for good in ["pi@example.ac.uk", "a.b+c@uni.edu", "x@y.z"] {
            assert!(is_email_address(good), "{good}");
        }
        for bad in [
            "",
            "@",
            "pi",
            "pi@",
            "@example.org",
            "pi@example",
            "pi @example.org",
            "pi@example.org ",
            "a@b@c.org",
            "pi@.org",
            "pi@example.",
        ] {
            assert!(!is_email_address(bad), "{bad}");
        }
    }
}
