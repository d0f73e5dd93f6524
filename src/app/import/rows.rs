//! Turning the rows of the CSV files into validated import records, checking
//! ids are unique and every reference points at a row that exists.

use super::Problem;
use super::table::{Row, Table};
use std::collections::{BTreeSet, HashMap, HashSet};
use vitrine_core::{Consent, ConsentScope, Date, Licence, Provenance};
use vitrine_store::{ImportEntry, ImportParticipant, ImportPrompt, ImportTheme};

/// Column lists: (required, optional).
pub const PROMPTS: (&[&str], &[&str]) = (&["prompt_id", "order", "title", "text"], &["note"]);
/// Participants columns.
pub const PARTICIPANTS: (&[&str], &[&str]) = (&["participant_id", "pseudonym"], &["role"]);
/// Consent columns.
pub const CONSENT: (&[&str], &[&str]) = (
    &["participant_id", "scopes", "given_on", "form_version"],
    &["expires_on"],
);
/// Themes columns.
pub const THEMES: (&[&str], &[&str]) = (&["theme_id", "name"], &["description"]);
/// Entries columns.
pub const ENTRIES: (&[&str], &[&str]) = (
    &[
        "entry_id",
        "prompt_id",
        "order",
        "participant_id",
        "provenance",
        "caption",
    ],
    &[
        "title",
        "image",
        "quote",
        "alt",
        "long_description",
        "description",
        "provenance_note",
        "creator",
        "licence",
        "themes",
        "content_note",
    ],
);

/// Records ids as they are seen and reports duplicates.
struct Ids<'a> {
    seen: HashSet<String>,
    column: &'a str,
}

impl<'a> Ids<'a> {
    fn new(column: &'a str) -> Self {
        Self {
            seen: HashSet::new(),
            column,
        }
    }

    fn claim(&mut self, row: &Row, problems: &mut Vec<Problem>) -> Option<String> {
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

fn integer(row: &Row, column: &str, problems: &mut Vec<Problem>) -> Option<i64> {
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

/// What entries refer to, for checking references.
pub struct Known<'a> {
    /// Prompt keys.
    pub prompts: HashSet<&'a str>,
    /// Participant keys.
    pub participants: HashSet<&'a str>,
    /// Theme keys.
    pub themes: HashSet<&'a str>,
    /// Whether each file could be read at all (to avoid a flood of follow-on errors).
    pub have_prompts: bool,
    /// See `have_prompts`.
    pub have_participants: bool,
}

/// An entry plus the image path it names, still to be read.
pub struct ParsedEntry {
    /// The record (its `image_sha256` filled in once the image is read).
    pub entry: ImportEntry,
    /// Relative image path, if any.
    pub image: Option<String>,
}

/// Every image path entries.csv names, with the first row naming it, whether
/// or not the rest of the row is valid: image problems are reported too.
pub fn image_refs(table: &Table) -> Vec<(usize, String)> {
    let mut refs: Vec<(usize, String)> = Vec::new();
    for row in &table.rows {
        if let Some(Ok(path)) = row
            .optional("image")
            .map(|raw| super::files::clean_relative(&raw))
            && !refs.iter().any(|(_, p)| *p == path)
        {
            refs.push((row.number, path));
        }
    }
    refs
}

/// Parses entries.csv.
pub fn entries(table: &Table, known: &Known<'_>, problems: &mut Vec<Problem>) -> Vec<ParsedEntry> {
    let mut ids = Ids::new("entry_id");
    let mut out = Vec::new();
    for row in &table.rows {
        let key = ids.claim(row, problems);
        let prompt = reference(
            row,
            "prompt_id",
            &known.prompts,
            known.have_prompts,
            "prompts.csv",
            problems,
        );
        let participant = reference(
            row,
            "participant_id",
            &known.participants,
            known.have_participants,
            "participants.csv",
            problems,
        );
        let order = integer(row, "order", problems);
        let provenance = row.required("provenance", problems).and_then(|raw| {
            Provenance::parse(&raw).or_else(|| {
                problems.push(row.problem(
                    "provenance",
                    format!("\"{raw}\" is not a provenance; use O, O-edited, I or R"),
                ));
                None
            })
        });
        let licence = row.optional("licence").and_then(|raw| {
            Licence::parse(&raw)
                .map_err(|e| problems.push(row.problem("licence", e)))
                .ok()
        });
        let image = image_path(row, provenance, problems);
        let theme_keys = theme_keys(row, known, problems);
        let (
            Some(key),
            Some(prompt_key),
            Some(participant_key),
            Some(order),
            Some(provenance),
            Some(image),
        ) = (key, prompt, participant, order, provenance, image)
        else {
            continue;
        };
        let entry = ImportEntry {
            key,
            prompt_key,
            order,
            participant_key,
            provenance,
            licence,
            theme_keys,
            title: row.optional("title"),
            image_sha256: None,
            caption: row.get("caption").to_owned(),
            quote: row.optional("quote"),
            alt: row.optional("alt"),
            long_description: row.optional("long_description"),
            description: row.optional("description"),
            provenance_note: row.optional("provenance_note"),
            creator: row.optional("creator"),
            content_note: row.optional("content_note"),
        };
        out.push(ParsedEntry { entry, image });
    }
    out
}

fn reference(
    row: &Row,
    column: &str,
    known: &HashSet<&str>,
    checkable: bool,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let key = row.required(column, problems)?;
    if checkable && !known.contains(key.as_str()) {
        problems.push(row.problem(column, format!("\"{key}\" is not in {file}")));
        return None;
    }
    Some(key)
}

/// `Some(None)`: no image, fine. `Some(Some(path))`: an image to read. `None`: a problem.
fn image_path(
    row: &Row,
    provenance: Option<Provenance>,
    problems: &mut Vec<Problem>,
) -> Option<Option<String>> {
    let Some(raw) = row.optional("image") else {
        return Some(None);
    };
    if provenance == Some(Provenance::Described) {
        problems.push(row.problem("image", "an R (described only) entry cannot have an image; clear the image or change the provenance"));
        return None;
    }
    match super::files::clean_relative(&raw) {
        Ok(path) => Some(Some(path)),
        Err(e) => {
            problems.push(row.problem("image", e));
            None
        }
    }
}

fn theme_keys(row: &Row, known: &Known<'_>, problems: &mut Vec<Problem>) -> Vec<String> {
    let mut keys = Vec::new();
    for key in row
        .get("themes")
        .split(';')
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        if known.themes.contains(key) {
            if !keys.iter().any(|k| k == key) {
                keys.push(key.to_owned());
            }
        } else {
            problems.push(row.problem("themes", format!("\"{key}\" is not in themes.csv")));
        }
    }
    keys
}
