//! `vitrine import FOLDER`: validate and import a study folder, all or nothing.

use super::Outcome;
use super::progress::TerminalProgress;
use crate::app::App;
use crate::app::import::files::DiskFolder;
use crate::app::import::{ImportError, import_folder};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `vitrine import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The study folder: study.toml, prompts.csv, participants.csv, consent.csv,
    /// entries.csv, optional themes.csv, and the images (see docs/study-folder.md).
    pub folder: PathBuf,
}

/// Runs the import and reports every problem or what was imported.
pub async fn run(app: &App, args: ImportArgs) -> anyhow::Result<Outcome> {
    if !args.folder.is_dir() {
        eprintln!(
            "{} is not a folder; give the path of a study folder (see docs/study-folder.md)",
            args.folder.display()
        );
        return Ok(Outcome::Failed);
    }
    let folder = DiskFolder::new(&args.folder);
    match import_folder(app, &folder, &TerminalProgress::new()).await {
        Ok(report) => {
            let verb = if report.summary.updated {
                "Updated"
            } else {
                "Imported"
            };
            println!(
                "{verb} study \"{}\": {} entries ({} removed), {} image(s) processed, {} already stored.",
                report.slug,
                report.summary.entries,
                report.summary.entries_removed,
                report.images_processed,
                report.images_reused
            );
            for note in &report.summary.notes {
                println!("Note: {note}.");
            }
            println!(
                "Next: `vitrine check {0}` lists what blocks publishing; `vitrine publish {0}` publishes.",
                report.slug
            );
            Ok(Outcome::Ok)
        }
        Err(ImportError::Invalid(problems)) => {
            eprintln!(
                "Nothing was imported: {} has {} problem(s) to fix:",
                args.folder.display(),
                problems.len()
            );
            for problem in &problems {
                eprintln!("  - {problem}");
            }
            Ok(Outcome::Failed)
        }
        Err(ImportError::Failed(e)) => Err(e.context("nothing was imported")),
    }
}
