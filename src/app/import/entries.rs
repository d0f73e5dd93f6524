//! Turning the rows of entries.csv into validated entries, checking that each
//! one points at a prompt, participant and themes that exist, and that a
//! de-identification sign-off made outside Vitrine names two different people.

use super::Problem;
use super::rows::{Ids, integer};
use super::table::{Row, Table};
use std::collections::HashSet;
use vitrine_core::review::same_name;
use vitrine_core::{EntryTexts, Licence, Provenance};
use vitrine_store::{ImportEntry, ImportSignOff};

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
        "checked_by",
        "approved_by",
    ],
);

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
        let sign_off = sign_off(row, problems);
        let (
            Some(key),
            Some(prompt_key),
            Some(participant_key),
            Some(order),
            Some(provenance),
            Some(image),
            Some(sign_off),
        ) = (key, prompt, participant, order, provenance, image, sign_off)
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
            texts: EntryTexts::from_fn(row.get("caption").to_owned(), |name| row.optional(name)),
            sign_off,
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

/// `Some(None)`: no sign-off recorded. `Some(Some(_))`: checked and approved by
/// two different people. `None`: a problem.
fn sign_off(row: &Row, problems: &mut Vec<Problem>) -> Option<Option<ImportSignOff>> {
    match (row.optional("checked_by"), row.optional("approved_by")) {
        (None, None) => Some(None),
        (Some(checked_by), Some(approved_by)) if same_name(&checked_by, &approved_by) => {
            problems.push(row.problem(
                "approved_by",
                "the approver must be a different person from checked_by (four-eyes check)",
            ));
            None
        }
        (Some(checked_by), Some(approved_by)) => Some(Some(ImportSignOff {
            checked_by,
            approved_by,
        })),
        (Some(_), None) => {
            problems.push(row.problem(
                "approved_by",
                "is empty, but checked_by is not; give the name of the second person who \
                 approved the de-identification checklist, or leave both empty",
            ));
            None
        }
        (None, Some(_)) => {
            problems.push(row.problem(
                "checked_by",
                "is empty, but approved_by is not; give the name of the person who completed \
                 the de-identification checklist, or leave both empty",
            ));
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
