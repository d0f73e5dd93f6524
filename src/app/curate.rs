//! Curating in the workspace: entry texts, images and uploads, the study's
//! public texts, prompts and themes, and the coverage of prompts by
//! participants. The web handlers parse forms into the inputs here; every
//! write goes through the store with its audit event in the same transaction.

pub mod coverage;
pub mod entry;
pub mod images;
pub mod redact;
pub mod study;

pub use coverage::{CellEntry, Coverage, CoverageCell, CoverageRow, coverage};
pub use entry::{EditError, EntryInput, save_entry};
pub use images::{ImageError, UploadTarget, Uploaded, replace_image, upload_image};
pub use redact::{RedactError, Studio};
pub use study::{PromptInput, SettingsInput, ThemeInput};

/// One thing wrong with a form, tied to the field to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The form field's name.
    pub field: &'static str,
    /// What to do, for the researcher.
    pub message: String,
}

impl FieldProblem {
    /// A problem with `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// The changed fields of two JSON objects, as (before, after) objects holding
/// only the keys whose values differ. `None` when nothing changed.
pub fn changed_fields(
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> Option<(serde_json::Value, serde_json::Value)> {
    let (Some(old), Some(new)) = (before.as_object(), after.as_object()) else {
        return (before != after).then(|| (before.clone(), after.clone()));
    };
    let mut was = serde_json::Map::new();
    let mut now = serde_json::Map::new();
    for (key, value) in new {
        let previous = old.get(key).unwrap_or(&serde_json::Value::Null);
        if previous != value {
            was.insert(key.clone(), previous.clone());
            now.insert(key.clone(), value.clone());
        }
    }
    (!now.is_empty()).then(|| (was.into(), now.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_kept() {
        let (before, after) = changed_fields(
            &json!({ "a": 1, "b": "x", "c": null }),
            &json!({ "a": 1, "b": "y", "c": "z" }),
        )
        .unwrap();
        assert_eq!(before, json!({ "b": "x", "c": null }));
        assert_eq!(after, json!({ "b": "y", "c": "z" }));
        assert_eq!(changed_fields(&json!({ "a": 1 }), &json!({ "a": 1 })), None);
    }
}
