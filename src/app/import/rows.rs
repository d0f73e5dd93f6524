//! Turning the rows of prompts, themes, participants and consent into validated
//! import records, checking ids are unique and references exist.

use super::Problem;
use super::table::{Row, Table};
use std::collections::{BTreeSet, HashMap, HashSet};
use vitrine_core::{Consent, ConsentScope, Date};
use vitrine_store::{ImportParticipant, ImportPrompt, ImportTheme};

/// Column lists: (required, optional).
pub const PROMPTS: (&[&str], &[&str]) =
    (&["prompt_id", "order", "title", "text"], &["note", "guide"]);
/// Participants columns.
pub const PARTICIPANTS: (&[&str], &[&str]) = (&["participant_id", "pseudonym"], &["role"]);
/// Consent columns.
pub const CONSENT: (&[&str], &[&str]) = (
    &["participant_id", "scopes", "given_on", "form_version"],
    &["expires_on"],
);
/// Themes columns.
pub const THEMES: (&[&str], &[&str]) = (&["theme_id", "name"], &["description"]);

/// Records ids as they are seen and reports duplicates.
pub(super) struct Ids<'a> {
    seen: HashSet<String>,
    column: &'a str,
}

impl<'a> Ids<'a> {
    pub(super) fn new(column: &'a str) -> Self {
        Self {
            seen: HashSet::new(),
            column,
        }
    }

    pub(super) fn claim(&mut self, row: &Row, problems: &mut Vec<Problem>) -> Option<String> {
        let id = row.required(self.column, problems)?;
        if !self.seen.insert(id.clone()) {
            problems.push(row.problem(
                self.column,
                format!("\"{id}\" is used by an earlier row; ids must be unique"),
            ));
            return None;
        }
        Some(id)
    }
}

pub(super) fn integer(row: &Row, column: &str, problems: &mut Vec<Problem>) -> Option<i64> {
    let raw = row.required(column, problems)?;
    raw.parse()
        .map_err(|_| problems.push(row.problem(column, format!("\"{raw}\" is not a whole number"))))
        .ok()
}

fn date(row: &Row, column: &str, problems: &mut Vec<Problem>) -> Option<Date> {
    let raw = row.optional(column)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(&raw, format)
        .map_err(|_| {
            problems.push(row.problem(
                column,
                format!("\"{raw}\" is not a date written as YYYY-MM-DD"),
            ))
        })
        .ok()
}

/// A prompt's discussion guide, checked ([`vitrine_core::guide::check`]).
fn guide(row: &Row, problems: &mut Vec<Problem>) -> Option<String> {
    let guide = row.optional("guide")?;
    match vitrine_core::guide::check(&guide) {
        Ok(()) => Some(guide),
        Err(e) => {
            problems.push(row.problem("guide", e.to_string()));
            None
        }
    }
}

/// Parses prompts.csv.
pub fn prompts(table: &Table, problems: &mut Vec<Problem>) -> Vec<ImportPrompt> {
    let mut ids = Ids::new("prompt_id");
    let mut out = Vec::new();
    for row in &table.rows {
        let key = ids.claim(row, problems);
        let order = integer(row, "order", problems);
        let title = row.required("title", problems);
        let text = row.required("text", problems);
        if let (Some(key), Some(order), Some(title), Some(text)) = (key, order, title, text) {
            out.push(ImportPrompt {
                key,
                order,
                title,
                text,
                note: row.optional("note"),
                guide: guide(row, problems),
            });
        }
    }
    out
}

/// Parses themes.csv.
pub fn themes(table: &Table, problems: &mut Vec<Problem>) -> Vec<ImportTheme> {
    let mut ids = Ids::new("theme_id");
    let mut out = Vec::new();
    for row in &table.rows {
        if let (Some(key), Some(name)) = (ids.claim(row, problems), row.required("name", problems))
        {
            out.push(ImportTheme {
                key,
                name,
                description: row.optional("description"),
            });
        }
    }
    out
}

/// Parses participants.csv; consent is attached later.
pub fn participants(table: &Table, problems: &mut Vec<Problem>) -> Vec<ImportParticipant> {
    let mut ids = Ids::new("participant_id");
    let mut pseudonyms: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for row in &table.rows {
        let key = ids.claim(row, problems);
        let pseudonym = row.required("pseudonym", problems);
        if let Some(p) = &pseudonym
            && let Some(first) = pseudonyms.insert(p.to_lowercase(), row.number)
        {
            problems.push(row.problem(
                "pseudonym",
                format!(
                    "\"{p}\" is also the pseudonym on row {first}; each participant needs their own"
                ),
            ));
        }
        if let (Some(key), Some(pseudonym)) = (key, pseudonym) {
            out.push(ImportParticipant {
                key,
                pseudonym,
                role: row.optional("role"),
                consent: None,
            });
        }
    }
    out
}

/// Parses consent.csv and attaches each record to its participant.
pub fn consent(table: &Table, participants: &mut [ImportParticipant], problems: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    for row in &table.rows {
        let Some(key) = row.required("participant_id", problems) else {
            continue;
        };
        let target = participants.iter_mut().find(|p| p.key == key);
        if target.is_none() {
            problems.push(row.problem(
                "participant_id",
                format!("\"{key}\" is not in participants.csv"),
            ));
        }
        if !seen.insert(key.clone()) {
            problems.push(row.problem(
                "participant_id",
                format!("\"{key}\" already has a consent row; give one row per participant"),
            ));
            continue;
        }
        let scopes = scopes(row, problems);
        let given_on = date(row, "given_on", problems);
        if row.optional("given_on").is_none() {
            problems.push(row.problem("given_on", "is empty; this column is required"));
        }
        let expires_on = date(row, "expires_on", problems);
        let form_version = row.required("form_version", problems);
        if let (Some(g), Some(e)) = (given_on, expires_on)
            && e < g
        {
            problems.push(row.problem("expires_on", "is before given_on"));
        }
        if let (Some(target), Some(scopes), Some(given_on), Some(form_version)) =
            (target, scopes, given_on, form_version)
        {
            target.consent = Some(Consent {
                scopes,
                given_on,
                form_version,
                expires_on,
                withdrawn_on: None,
            });
        }
    }
}

fn scopes(row: &Row, problems: &mut Vec<Problem>) -> Option<BTreeSet<ConsentScope>> {
    let raw = row.get("scopes");
    let mut scopes = BTreeSet::new();
    let mut ok = true;
    for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match ConsentScope::parse(part) {
            Some(s) => {
                scopes.insert(s);
            }
            None => {
                ok = false;
                let known: Vec<&str> = ConsentScope::ALL.iter().map(|s| s.as_str()).collect();
                problems.push(row.problem(
                    "scopes",
                    format!(
                        "\"{part}\" is not a scope; use {} separated by ;",
                        known.join(", ")
                    ),
                ));
            }
        }
    }
    ok.then_some(scopes)
}
