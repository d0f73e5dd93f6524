//! Import a study folder (study.toml, CSV files, images) all or nothing.
//!
//! Three phases, so a mistake never leaves half a study behind:
//! 1. **Validate** everything: parse every file, check every reference, read
//!    every image header. Every problem is collected with its file, row and
//!    column; if there is any, stop before changing anything.
//! 2. **Ingest** new images: originals to the vault, derivatives to the public
//!    area. Images already stored (same bytes) are reused, not redone.
//! 3. **Write** all rows in one transaction. If that or phase 2 fails, the blobs
//!    phase 2 wrote are removed again.

mod entries;
pub mod files;
mod images;
mod rows;
mod study_toml;
pub mod synthetic;
mod table;

use crate::app::{Actor, App};
use files::StudyFiles;
use std::fmt;
use vitrine_store::{ImportSummary, StudyImport};

use crate::app::progress::Progress;
pub use entries::ENTRIES;
pub use rows::{CONSENT, PARTICIPANTS, PROMPTS, THEMES};

/// One problem found in a study folder, located for the researcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File name within the folder.
    pub file: String,
    /// Spreadsheet row (header = 1).
    pub row: Option<usize>,
    /// Column (CSV) or key (TOML).
    pub column: Option<String>,
    /// What is wrong and, where possible, what to do.
    pub message: String,
}

impl Problem {
    /// A problem at a place in a file.
    pub fn at(
        file: &str,
        row: Option<usize>,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_owned(),
            row,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }

    /// A problem with a whole file.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self::at(file, None, None, message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(row) = self.row {
            write!(f, " row {row}")?;
        }
        if let Some(column) = &self.column {
            let what = if self.file.ends_with(".toml") {
                "key"
            } else {
                "column"
            };
            write!(f, ", {what} {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The folder has problems the researcher must fix. Nothing was changed.
    #[error("the study folder has {} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
    /// Something outside the folder failed (disk, database). Nothing was changed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// The study's slug.
    pub slug: String,
    /// Rows written, and notes for the researcher (`summary.notes`, e.g. a
    /// withdrawn entry left as it was).
    pub summary: ImportSummary,
    /// Images processed now.
    pub images_processed: usize,
    /// Images already stored and reused.
    pub images_reused: usize,
}

/// How many of the images stored by `import` are participants' photos (O or
/// O-edited), which the face detector looks at.
fn new_participants_photos(import: &StudyImport) -> usize {
    let photos: std::collections::HashSet<&str> = import
        .entries
        .iter()
        .filter(|e| e.provenance.is_participants_photo())
        .filter_map(|e| e.image_sha256.as_deref())
        .collect();
    import
        .images
        .iter()
        .filter(|i| photos.contains(i.sha256.as_str()))
        .count()
}

/// Validates and imports the study in `files`.
pub async fn import_folder(
    app: &App,
    files: &dyn StudyFiles,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let mut problems = Vec::new();
    let parsed = parse_folder(files, &mut problems);
    let mut images = images::check(app, files, &parsed.image_refs, &mut problems);
    problems.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
    let (Some(info), true) = (parsed.info, problems.is_empty()) else {
        return Err(ImportError::Invalid(problems));
    };
    // A withdrawal deleted the images only withdrawn entries used: never store them again.
    let withdrawn = app
        .store
        .withdrawn_entry_keys(&info.slug)
        .await
        .map_err(anyhow::Error::new)?;
    images.skip_withdrawn(&parsed.entries, &withdrawn);
    let mut parsed = ParsedFolder {
        info: Some(info),
        ..parsed
    };
    images.assign(&mut parsed.entries);
    let mut outcome = images.ingest(app, files, progress).await?;
    let import = StudyImport {
        info: parsed
            .info
            .take()
            .ok_or_else(|| anyhow::anyhow!("study texts vanished"))?,
        prompts: parsed.prompts,
        themes: parsed.themes,
        participants: parsed.participants,
        images: std::mem::take(&mut outcome.new_images),
        entries: parsed.entries.into_iter().map(|e| e.entry).collect(),
    };
    match store(app, &import, Actor::operator("folder import")).await {
        Ok(mut summary) => {
            outcome.written.disarm();
            // Issue 13: for the reviewer, a note per photo that recorded
            // where it was taken (the location itself is never stored).
            summary.notes.extend(outcome.located.iter().map(|path| {
                format!(
                    "{path} recorded where it was taken (GPS in its metadata). That is never \
                     published, but check the picture for addresses, signs, landmarks and \
                     number plates that show the place"
                )
            }));
            let photos = new_participants_photos(&import);
            if photos > 0 {
                summary.notes.push(format!(
                    "The background worker of `vitrine serve` will look for faces in {photos} \
                     new participant {}; each entry's checklist and the redaction studio show \
                     what it finds",
                    if photos == 1 { "photo" } else { "photos" }
                ));
            }
            if outcome.processed > 0 {
                crate::app::jobs::queue_image_jobs(app).await;
            }
            Ok(ImportReport {
                slug: import.info.slug,
                summary,
                images_processed: outcome.processed,
                images_reused: outcome.reused,
            })
        }
        Err(e) => {
            outcome.written.rollback(&app.blobs).await;
            Err(ImportError::Failed(
                anyhow::Error::new(e).context("could not save the study"),
            ))
        }
    }
}

/// Stores a checked study whose images are already in the blob store, in one
/// transaction with its audit record; `actor` is what the log calls the
/// importer. The benchmarks build synthetic studies this way.
pub async fn store(
    app: &App,
    import: &vitrine_store::StudyImport,
    actor: Actor<'_>,
) -> vitrine_store::Result<vitrine_store::ImportSummary> {
    app.store.import_study(import, actor.name).await
}

/// Parses and cross-checks the folder's text files (study.toml and the CSV
/// tables) without reading an image or touching the store, and returns every
/// problem found, sorted as an import reports them. The pure first step of
/// [`import_folder`], on its own for the study-folder fuzz target (fuzz/).
pub fn check_texts(files: &dyn StudyFiles) -> Vec<Problem> {
    let mut problems = Vec::new();
    parse_folder(files, &mut problems);
    problems.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
    problems
}

/// Everything parsed from the folder's text files.
struct ParsedFolder {
    /// `None` when study.toml has problems (they are recorded).
    info: Option<vitrine_core::StudyInfo>,
    prompts: Vec<vitrine_store::ImportPrompt>,
    themes: Vec<vitrine_store::ImportTheme>,
    participants: Vec<vitrine_store::ImportParticipant>,
    entries: Vec<entries::ParsedEntry>,
    /// Every image path named, with the first row naming it.
    image_refs: Vec<(usize, String)>,
}

fn read_file(
    files: &dyn StudyFiles,
    name: &str,
    required: bool,
    problems: &mut Vec<Problem>,
) -> Option<Vec<u8>> {
    match files.read(name) {
        Ok(Some(bytes)) => Some(bytes),
        Ok(None) if required => {
            problems.push(Problem::file(
                name,
                "is missing from the folder; see docs/study-folder.md for the layout",
            ));
            None
        }
        Ok(None) => None,
        Err(e) => {
            problems.push(Problem::file(name, format!("cannot be read: {e}")));
            None
        }
    }
}

fn read_table(
    files: &dyn StudyFiles,
    name: &'static str,
    columns: (&[&str], &[&str]),
    required: bool,
    problems: &mut Vec<Problem>,
) -> Option<table::Table> {
    let bytes = read_file(files, name, required, problems)?;
    table::parse(name, &bytes, columns.0, columns.1, problems)
}

/// Parses every text file, recording all problems, and keeps going after one so
/// the researcher sees the whole list at once.
fn parse_folder(files: &dyn StudyFiles, problems: &mut Vec<Problem>) -> ParsedFolder {
    let info = read_file(files, "study.toml", true, problems)
        .and_then(|b| study_toml::parse(&b, problems));
    let prompts_table = read_table(files, "prompts.csv", rows::PROMPTS, true, problems);
    let participants_table = read_table(
        files,
        "participants.csv",
        rows::PARTICIPANTS,
        true,
        problems,
    );
    let consent_table = read_table(files, "consent.csv", rows::CONSENT, true, problems);
    let themes_table = read_table(files, "themes.csv", rows::THEMES, false, problems);
    let entries_table = read_table(files, "entries.csv", entries::ENTRIES, true, problems);

    let prompts = prompts_table
        .as_ref()
        .map(|t| rows::prompts(t, problems))
        .unwrap_or_default();
    let themes = themes_table
        .as_ref()
        .map(|t| rows::themes(t, problems))
        .unwrap_or_default();
    let mut participants = participants_table
        .as_ref()
        .map(|t| rows::participants(t, problems))
        .unwrap_or_default();
    if let Some(t) = &consent_table {
        rows::consent(t, &mut participants, problems);
    }
    let known = entries::Known {
        prompts: prompts.iter().map(|p| p.key.as_str()).collect(),
        participants: participants.iter().map(|p| p.key.as_str()).collect(),
        themes: themes.iter().map(|t| t.key.as_str()).collect(),
        have_prompts: prompts_table.is_some(),
        have_participants: participants_table.is_some(),
    };
    let entries = entries_table
        .as_ref()
        .map(|t| entries::entries(t, &known, problems))
        .unwrap_or_default();
    if prompts.is_empty() && prompts_table.is_some() {
        problems.push(Problem::file(
            "prompts.csv",
            "has no prompts; a study needs at least one",
        ));
    }
    let image_refs = entries_table
        .as_ref()
        .map(entries::image_refs)
        .unwrap_or_default();
    ParsedFolder {
        info,
        prompts,
        themes,
        participants,
        entries,
        image_refs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use files::EmbeddedFolder;

    #[test]
    fn checking_the_texts_alone_needs_no_image_and_lists_every_problem() {
        let texts: &'static [(&str, &[u8])] = &[
            (
                "study.toml",
                include_bytes!("../../../examples/small-study/study.toml"),
            ),
            (
                "prompts.csv",
                include_bytes!("../../../examples/small-study/prompts.csv"),
            ),
            (
                "participants.csv",
                include_bytes!("../../../examples/small-study/participants.csv"),
            ),
            (
                "consent.csv",
                include_bytes!("../../../examples/small-study/consent.csv"),
            ),
            (
                "themes.csv",
                include_bytes!("../../../examples/small-study/themes.csv"),
            ),
            (
                "entries.csv",
                include_bytes!("../../../examples/small-study/entries.csv"),
            ),
        ];
        let clean = EmbeddedFolder {
            name: "examples/small-study",
            files: texts,
        };
        assert_eq!(check_texts(&clean), Vec::new());

        let broken = EmbeddedFolder {
            name: "broken",
            files: &[
                ("study.toml", b"slug = \"s\"\ntitle = \n"),
                ("entries.csv", b"entry_id,colour\n1,red\n"),
            ],
        };
        let problems: Vec<String> = check_texts(&broken)
            .iter()
            .map(ToString::to_string)
            .collect();
        let files: Vec<&str> = problems
            .iter()
            .filter_map(|p| p.split([' ', ':', ',']).next())
            .collect();
        for file in [
            "consent.csv",
            "entries.csv",
            "participants.csv",
            "prompts.csv",
            "study.toml",
        ] {
            assert!(files.contains(&file), "{file} not in {problems:?}");
        }
    }
}
