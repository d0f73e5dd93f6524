//! `vitrine export …`: take a published Release out of Vitrine.

use super::Outcome;
use super::progress::TerminalProgress;
use crate::app::App;
use crate::app::exports::archive::export_archive;
use crate::app::exports::site::export_site;
use crate::app::exports::study::{StudyRequest, export_study};
use crate::app::exports::{ExportError, ExportRequest, Exported};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;

/// What to export.
#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Write a study's gallery as static files (HTML, images, stylesheet,
    /// script) that any web host, or a browser opening index.html from disk,
    /// can show without Vitrine.
    Site(ExportArgs),
    /// Write a Release for deposit with a data archive: a BagIt bag whose
    /// payload is an RO-Crate (the static site, entries.csv, a consent
    /// summary, the de-identification record, a README for curators).
    Archive(ArchiveArgs),
    /// Write the study as a study folder (study.toml, the CSV files and the
    /// original images), the format `vitrine import` reads: the team's
    /// working copy, drafts included. Real names, contacts, consent forms,
    /// withdrawn entries and withdrawn consent are never written.
    Study(StudyArgs),
}

/// Arguments of `vitrine export study`.
#[derive(Args, Debug)]
pub struct StudyArgs {
    /// The study's slug.
    pub study: String,
    /// A new or empty folder to write.
    pub dir: PathBuf,
}

/// What every export takes. Each is made from a published Release; the same
/// Release always gives the same bytes. Every file is scanned for metadata,
/// originals, real names and internal keys before the folder is moved into
/// place, and the export is recorded so that a withdrawal lists it.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The study's slug.
    pub study: String,
    /// A new or empty folder to write, or a new FILE.zip (the folder packed
    /// under one top-level folder named like the file).
    pub dir: PathBuf,
    /// The Release to export (default: the latest).
    #[arg(long, value_name = "N")]
    pub release: Option<u32>,
    /// Where the gallery's files are or will be published (https://…/), so
    /// "How to cite" can give the address; without it no address is given.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// Arguments of `vitrine export archive`.
#[derive(Args, Debug)]
pub struct ArchiveArgs {
    #[command(flatten)]
    export: ExportArgs,
    /// Also put each participant's photo in the archive at its full size
    /// (data/originals/, listed in data/originals.csv), re-encoded from its
    /// pixels so that no camera metadata travels. Refused unless every
    /// participant with an image in the Release agrees to archive deposit.
    #[arg(long)]
    with_originals: bool,
}

/// Runs an export and reports where it went.
pub async fn run(app: &App, command: ExportCommand) -> anyhow::Result<Outcome> {
    let progress = Arc::new(TerminalProgress::labelled(
        "Writing files",
        "file(s)",
        false,
    ));
    let (study, done) = match command {
        ExportCommand::Study(args) => {
            let request = StudyRequest {
                study: &args.study,
                dir: &args.dir,
                actor: "command line",
            };
            let done = export_study(app, request, progress).await.map(|d| {
                if d.withdrawn > 0 {
                    println!(
                        "{} withdrawn {} left out.",
                        d.withdrawn,
                        if d.withdrawn == 1 {
                            "entry is"
                        } else {
                            "entries are"
                        }
                    );
                }
                let what = "as a study folder";
                let next = "It holds participants' originals and drafts: keep it as safe as \
                            the workspace. `vitrine import` reads it.";
                (
                    Exported {
                        files: d.files,
                        bytes: d.bytes,
                        entries: d.entries,
                        record: d.record,
                    },
                    what,
                    next,
                )
            });
            (args.study, done)
        }
        ExportCommand::Site(args) => {
            let done = export_site(app, request(&args, false), progress)
                .await
                .map(|d| {
                    (
                        d,
                        "as a static site",
                        "Open index.html there in a browser, or copy the folder to any web host.",
                    )
                });
            (args.study, done)
        }
        ExportCommand::Archive(ArchiveArgs {
            export: args,
            with_originals,
        }) => {
            let request = request(&args, with_originals);
            let done = export_archive(app, request, progress).await.map(|d| {
                let next = "It is a BagIt bag (check it with `bagit.py --validate`); its README.md is \
                            for the archive's curators.";
                (d, "as an archive for deposit", next)
            });
            (args.study, done)
        }
    };
    match done {
        Ok((done, what, next)) => {
            let version = match done.record.release_version {
                0 => "the working copy".to_owned(),
                v => format!("Release {v}"),
            };
            println!(
                "Exported {version} of \"{study}\" ({} entries) {what} to {}: {} files, {:.1} MB.",
                done.entries,
                done.record.destination,
                done.files,
                done.bytes as f64 / 1e6
            );
            println!("{next}");
            Ok(Outcome::Ok)
        }
        // Input problems exit 1 with the message; anything else is an error (2).
        Err(ExportError::Failed(e)) => Err(e),
        Err(e) => {
            eprintln!("{e}");
            Ok(Outcome::Failed)
        }
    }
}

fn request(args: &ExportArgs, originals: bool) -> ExportRequest<'_> {
    ExportRequest {
        study: &args.study,
        release: args.release,
        base_url: args.base_url.as_deref(),
        dir: &args.dir,
        actor: "command line",
        originals,
        destination: None,
    }
}
