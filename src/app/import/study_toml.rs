//! Parsing `study.toml`, the study-level texts, into a validated `StudyInfo`.

use super::Problem;
use serde::Deserialize;
use vitrine_core::{Contact, Date, Funder, StudyInfo, text};

const FILE: &str = "study.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StudyToml {
    slug: String,
    title: String,
    subtitle: Option<String>,
    language: Option<String>,
    summary: String,
    method: Option<String>,
    institution: Option<String>,
    fieldwork_start: Option<toml::value::Datetime>,
    fieldwork_end: Option<toml::value::Datetime>,
    ethics_reference: Option<String>,
    funder_disclaimer: Option<String>,
    participation_note: Option<String>,
    suggested_use: Option<String>,
    discussion_guide: Option<String>,
    reflection_consent: Option<String>,
    #[serde(default)]
    show_reflections: bool,
    notice: Option<String>,
    allow_search_engines: Option<bool>,
    contact: ContactToml,
    funder: Option<FunderToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactToml {
    name: String,
    role: Option<String>,
    email: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FunderToml {
    name: String,
    award: Option<String>,
}

/// Parses and validates `study.toml`, recording every problem.
pub fn parse(bytes: &[u8], problems: &mut Vec<Problem>) -> Option<StudyInfo> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        problems.push(Problem::file(FILE, "is not UTF-8 text"));
        return None;
    };
    // Strip the BOM before parsing so error offsets index the same text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: StudyToml = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_problem(text, &e));
            return None;
        }
    };
    let before = problems.len();
    let slug = text::clean(&raw.slug);
    check_slug(&slug, problems);
    let language = raw
        .language
        .map_or_else(|| "en".to_owned(), |l| text::clean(&l));
    if !text::is_language_tag(&language) {
        problems.push(key_problem(
            "language",
            format!("\"{language}\" is not a language tag such as en or en-GB"),
        ));
    }
    let email = text::clean(&raw.contact.email);
    if !text::is_email_address(&email) {
        problems.push(key_problem(
            "contact.email",
            format!("\"{email}\" is not an e-mail address"),
        ));
    }
    let start = date(raw.fieldwork_start, "fieldwork_start", problems);
    let end = date(raw.fieldwork_end, "fieldwork_end", problems);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        problems.push(key_problem("fieldwork_end", "is before fieldwork_start"));
    }
    let title = non_blank(&raw.title, "title", problems);
    let summary = non_blank(&raw.summary, "summary", problems);
    let contact_name = non_blank(&raw.contact.name, "contact.name", problems);
    let opt = |v: Option<String>| v.as_deref().and_then(text::optional);
    let discussion_guide = opt(raw.discussion_guide);
    if let Some(Err(e)) = discussion_guide.as_deref().map(vitrine_core::guide::check) {
        problems.push(key_problem("discussion_guide", e.to_string()));
    }
    let funder = raw.funder.map(|f| Funder {
        name: text::clean(&f.name),
        award: opt(f.award),
    });
    if problems.len() > before {
        return None;
    }
    Some(StudyInfo {
        slug,
        title,
        subtitle: opt(raw.subtitle),
        language,
        summary,
        method: opt(raw.method),
        institution: opt(raw.institution),
        fieldwork_start: start,
        fieldwork_end: end,
        contact: Contact {
            name: contact_name,
            role: opt(raw.contact.role),
            email,
        },
        funder,
        ethics_reference: opt(raw.ethics_reference),
        funder_disclaimer: opt(raw.funder_disclaimer),
        participation_note: opt(raw.participation_note),
        suggested_use: opt(raw.suggested_use),
        discussion_guide,
        reflection_consent: opt(raw.reflection_consent),
        show_reflections: raw.show_reflections,
        notice: opt(raw.notice),
        allow_search_engines: raw.allow_search_engines.unwrap_or(false),
    })
}

/// Turns a TOML error into "study.toml line N: what is wrong".
fn toml_problem(text: &str, error: &toml::de::Error) -> Problem {
    let line = error
        .span()
        .and_then(|span| text.get(..span.start))
        .map(|before| before.matches('\n').count() + 1);
    let message = error.message().trim().replace('\n', " ");
    match line {
        Some(line) => Problem::file(FILE, format!("line {line}: {message}")),
        None => Problem::file(FILE, message),
    }
}

fn key_problem(key: &str, message: impl Into<String>) -> Problem {
    Problem::at(FILE, None, Some(key), message)
}

fn non_blank(value: &str, key: &str, problems: &mut Vec<Problem>) -> String {
    let value = text::clean(value);
    if value.is_empty() {
        problems.push(key_problem(key, "is empty; it is required"));
    }
    value
}

/// The one study-slug rule (`vitrine_core::slug::check_study_slug`), which
/// the workspace and the public site use too.
fn check_slug(slug: &str, problems: &mut Vec<Problem>) {
    if let Err(e) = vitrine_core::slug::check_study_slug(slug) {
        problems.push(key_problem("slug", e.to_string()));
    }
}

fn date(
    value: Option<toml::value::Datetime>,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<Date> {
    let value = value?;
    let parsed = match (value.date, value.time) {
        (Some(d), None) => time::Month::try_from(d.month)
            .ok()
            .and_then(|m| Date::from_calendar_date(i32::from(d.year), m, d.day).ok()),
        _ => None,
    };
    if parsed.is_none() {
        problems.push(key_problem(
            key,
            format!("\"{value}\" must be a date such as 2024-03-31"),
        ));
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "slug = \"s\"\ntitle = \"T\"\nsummary = \"S\"\n[contact]\nname = \"N\"\nemail = \"n@example.org\"\n";

    fn parsed(text: &str) -> (Option<StudyInfo>, Vec<String>) {
        let mut problems = Vec::new();
        let info = parse(text.as_bytes(), &mut problems);
        (info, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn minimal_study_defaults_to_english_and_no_indexing() {
        let (info, problems) = parsed(MINIMAL);
        assert!(problems.is_empty(), "{problems:?}");
        let info = info.unwrap();
        assert_eq!(info.language, "en");
        assert!(!info.allow_search_engines);
    }

    #[test]
    fn unknown_keys_are_rejected_by_name() {
        let (info, problems) = parsed(&format!("{MINIMAL}colour = \"red\"\n"));
        assert!(info.is_none());
        assert!(problems[0].contains("colour"), "{problems:?}");
    }

    #[test]
    fn every_field_problem_is_listed() {
        let text = MINIMAL.replace("slug = \"s\"", "slug = \"My Study\"\nlanguage = \"english!\"\nfieldwork_start = 2024-05-01\nfieldwork_end = 2024-01-01")
            .replace("n@example.org", "nobody");
        let (info, problems) = parsed(&text);
        assert!(info.is_none());
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("study.toml, key slug:"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("study.toml, key contact.email:"))
        );
    }

    #[test]
    fn a_syntax_error_after_a_byte_order_mark_names_its_line_without_panicking() {
        // The error's offset is into the text without the BOM; read against
        // the text with it, it fell inside "é" and slicing panicked.
        let text = "\u{feff}slug = \"s\"\ntitle = \"ééé\" x\n";
        let (info, problems) = parsed(text);
        assert!(info.is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("study.toml: line 2:"),
            "{problems:?}"
        );
    }

    #[test]
    fn reserved_slugs_are_refused() {
        let (_, problems) = parsed(&MINIMAL.replace("slug = \"s\"", "slug = \"static\""));
        assert!(problems[0].contains("reserved"), "{problems:?}");
    }
}
