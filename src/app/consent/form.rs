//! The consent form as typed (ETH-03): every field checked, every problem
//! named by its field, nothing written until all is well.

use std::collections::BTreeSet;
use vitrine_core::{ConsentScope, Date};
use vitrine_store::NewConsent;

/// How consent can be taken: (stored name, label).
pub const METHODS: [(&str, &str); 3] = [
    ("written", "Written (a signed form)"),
    ("verbal", "Verbal"),
    ("recorded", "Recorded (audio or video)"),
];

/// A problem with one field of a form, for the page to show beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The form field's name ("given_on"…), or "" for the form as a whole.
    pub field: &'static str,
    /// What is wrong, starting with the field's label.
    pub message: String,
}

impl FieldProblem {
    pub(super) fn new(field: &'static str, message: String) -> Self {
        Self { field, message }
    }
}

/// A consent record as typed into the form.
#[derive(Debug, Clone, Default)]
pub struct ConsentInput {
    /// Ticked scope names.
    pub scopes: Vec<String>,
    /// Date given, YYYY-MM-DD.
    pub given_on: String,
    /// Form or information-sheet version.
    pub form_version: String,
    /// Expiry date, YYYY-MM-DD, or empty.
    pub expires_on: String,
    /// written, verbal or recorded.
    pub method: String,
    /// Who took it.
    pub taken_by: String,
    /// A note.
    pub note: String,
}

fn parse_day(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format).ok()
}

pub(super) fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Checks a consent form against the rules; every problem is listed, each
/// naming its field.
pub fn validate(
    input: &ConsentInput,
    today: Date,
    recorded_by: &str,
) -> Result<NewConsent, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut scopes = BTreeSet::new();
    for raw in &input.scopes {
        match ConsentScope::parse(raw) {
            Some(scope) => {
                scopes.insert(scope);
            }
            None => problems.push(FieldProblem::new(
                "scope",
                format!("Scopes: \"{raw}\" is not a scope Vitrine knows."),
            )),
        }
    }
    let given_on = match input.given_on.trim() {
        "" => {
            problems.push(FieldProblem::new(
                "given_on",
                "Date given: enter the date consent was given.".into(),
            ));
            None
        }
        raw => match parse_day(raw) {
            Some(day) if day > today => {
                problems.push(FieldProblem::new(
                    "given_on",
                    format!("Date given: {day} is in the future; record consent once it is given."),
                ));
                None
            }
            Some(day) => Some(day),
            None => {
                problems.push(FieldProblem::new(
                    "given_on",
                    format!("Date given: \"{raw}\" is not a date; write it as YYYY-MM-DD."),
                ));
                None
            }
        },
    };
    let form_version = input.form_version.trim();
    if form_version.is_empty() {
        problems.push(FieldProblem::new(
            "form_version",
            "Form version: enter the version of the consent form or information sheet.".into(),
        ));
    } else if form_version.chars().count() > 100 {
        problems.push(FieldProblem::new(
            "form_version",
            "Form version: keep it under 100 characters.".into(),
        ));
    }
    let expires_on = match input.expires_on.trim() {
        "" => None,
        raw => match parse_day(raw) {
            Some(day) if given_on.is_some_and(|g| day <= g) => {
                problems.push(FieldProblem::new(
                    "expires_on",
                    format!("Expires on: {day} is not after the date given; leave it empty if consent does not expire."),
                ));
                None
            }
            Some(day) => Some(day),
            None => {
                problems.push(FieldProblem::new(
                    "expires_on",
                    format!("Expires on: \"{raw}\" is not a date; write it as YYYY-MM-DD."),
                ));
                None
            }
        },
    };
    let method = input.method.trim();
    if !METHODS.iter().any(|(name, _)| *name == method) {
        problems.push(FieldProblem::new(
            "method",
            "Method: choose how consent was taken (written, verbal or recorded).".into(),
        ));
    }
    if input.taken_by.trim().chars().count() > 200 {
        problems.push(FieldProblem::new(
            "taken_by",
            "Taken by: keep it under 200 characters.".into(),
        ));
    }
    if input.note.trim().chars().count() > 2000 {
        problems.push(FieldProblem::new(
            "note",
            "Note: keep it under 2000 characters.".into(),
        ));
    }
    match given_on {
        Some(given_on) if problems.is_empty() => Ok(NewConsent {
            scopes,
            given_on,
            form_version: form_version.to_owned(),
            expires_on,
            withdrawn_on: None,
            method: Some(method.to_owned()),
            taken_by: optional(&input.taken_by),
            note: optional(&input.note),
            form_key: None,
            recorded_by: recorded_by.to_owned(),
        }),
        _ => Err(problems),
    }
}

/// The file type of a signed form from its first bytes: PDF, JPEG or PNG.
pub fn form_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> ConsentInput {
        ConsentInput {
            scopes: vec!["web".into(), "print".into()],
            given_on: "2024-05-01".into(),
            form_version: "v2".into(),
            expires_on: String::new(),
            method: "written".into(),
            taken_by: "Dana".into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_complete_form_becomes_a_record() {
        let c = validate(&input(), date!(2024 - 06 - 01), "a@b").unwrap();
        assert_eq!(c.scopes, [ConsentScope::Web, ConsentScope::Print].into());
        assert_eq!(c.given_on, date!(2024 - 05 - 01));
        assert_eq!(c.method.as_deref(), Some("written"));
        assert_eq!(c.note, None);
    }

    #[test]
    fn every_problem_names_its_field() {
        let mut bad = input();
        bad.given_on = "2031-01-01".into();
        bad.form_version = " ".into();
        bad.method = "telepathy".into();
        bad.scopes.push("online".into());
        let problems = validate(&bad, date!(2024 - 06 - 01), "a@b").unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["scope", "given_on", "form_version", "method"]);
        assert_eq!(
            problems[1].message,
            "Date given: 2031-01-01 is in the future; record consent once it is given."
        );
    }

    #[test]
    fn expiry_must_come_after_the_date_given() {
        let mut bad = input();
        bad.expires_on = "2024-05-01".into();
        let problems = validate(&bad, date!(2024 - 06 - 01), "a@b").unwrap_err();
        assert_eq!(problems[0].field, "expires_on");
        bad.expires_on = "2024-05-02".into();
        assert!(validate(&bad, date!(2024 - 06 - 01), "a@b").is_ok());
    }

    #[test]
    fn forms_are_pdf_jpeg_or_png() {
        assert_eq!(form_kind(b"%PDF-1.7 ..."), Some("pdf"));
        assert_eq!(form_kind(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpg"));
        assert_eq!(form_kind(b"<html>"), None);
    }
}
