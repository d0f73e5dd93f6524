//! The entry page's edit form: its choices (provenance, licence, themes)
//! and the replace-the-image form.

use super::problem_for;
use crate::app::curate::FieldProblem;
use crate::app::curate::entry::EntryInput;
use vitrine_core::Entry;

/// One option of a select, checkbox group or radio group.
pub(super) struct Choice {
    /// The value sent.
    pub(super) value: String,
    /// What is shown.
    pub(super) label: String,
    /// Whether it is the current choice.
    pub(super) selected: bool,
}

/// The edit form, for people who may edit.
pub(super) struct EntryForm {
    pub(super) action: String,
    pub(super) input: EntryInput,
    pub(super) problems: Vec<FieldProblem>,
    pub(super) provenances: Vec<Choice>,
    pub(super) licences: Vec<Choice>,
    pub(super) themes: Vec<Choice>,
    pub(super) has_quote: bool,
    pub(super) image_action: Option<String>,
    pub(super) image_problem: Option<String>,
}

impl EntryForm {
    pub(super) fn error(&self, field: &str) -> Option<&str> {
        problem_for(&self.problems, field)
    }
}

/// The edit form for `entry`, filled in with `input`; `themes` are the
/// study's, `csrf` the session's form token.
pub(super) fn edit_form(
    themes: &[vitrine_core::Theme],
    csrf: &str,
    entry: &Entry,
    href: &str,
    input: EntryInput,
    problems: Vec<FieldProblem>,
    image_problem: Option<String>,
) -> EntryForm {
    let provenances = vitrine_core::provenance::ALL
        .iter()
        .map(|p| Choice {
            value: p.code().to_owned(),
            label: format!("{} – {}", p.code(), p.label()),
            selected: input.provenance == p.code(),
        })
        .collect();
    let mut licences = vec![
        Choice {
            value: String::new(),
            label: "Not chosen yet (blocks publishing)".to_owned(),
            selected: input.licence.is_empty(),
        },
        Choice {
            value: "none".to_owned(),
            label: "None: all rights reserved".to_owned(),
            selected: input.licence == "none",
        },
    ];
    licences.extend(vitrine_core::licence::known().map(|(id, name)| Choice {
        value: id.to_owned(),
        label: format!("{name} ({id})"),
        selected: input.licence == id,
    }));
    let themes = themes
        .iter()
        .map(|t| Choice {
            value: t.id.0.to_string(),
            label: t.name.clone(),
            selected: input.themes.contains(&t.id.0.to_string()),
        })
        .collect();
    EntryForm {
        action: href.to_owned(),
        input,
        problems,
        provenances,
        licences,
        themes,
        has_quote: entry.texts.quote.is_some(),
        image_action: entry
            .provenance
            .has_image()
            .then(|| format!("{href}/image?csrf={csrf}")),
        image_problem,
    }
}
