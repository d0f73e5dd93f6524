//! `vitrine export …`: take a published Release out of Vitrine.

use super::Outcome;
use super::progress::TerminalProgress;
use crate::app::exports::archive::export_archive;
use crate::app::exports::site::export_site;
use crate::app::exports::study::{StudyRequest, export_study};
use crate::app::exports::{ExportError, ExportRequest, Exported};
use crate::app::facilitate::print::{self, Kind, PrintError, Selection};
use crate::app::{Actor, App};
use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use vitrine_core::Study;

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
    /// Print a workshop session or a prompt of the latest Release as A6
    /// photo cards (tagged PDF, PDF/UA-1): the image on the front, its texts
    /// and questions on the back, two pages per entry for double-sided
    /// printing.
    Cards(PrintArgs),
    /// Print a workshop session or a prompt of the latest Release as an A4
    /// handout (tagged PDF, PDF/UA-1) with the funder note, disclaimer and
    /// contact.
    Handout(PrintArgs),
}

/// Arguments of `vitrine export cards` and `vitrine export handout`. The PDF
/// is recorded in the export registry, so a withdrawal lists it.
#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["session", "prompt"])))]
pub struct PrintArgs {
    /// The study's slug.
    pub study: String,
    /// The PDF file to write (must not exist yet).
    pub file: PathBuf,
    /// The workshop session to print, by its number (in its workspace
    /// address, …/sessions/N).
    #[arg(long, value_name = "N")]
    pub session: Option<i64>,
    /// The prompt to print, by its address name in the gallery (the part
    /// after # in its link), with its discussion questions.
    #[arg(long, value_name = "SLUG")]
    pub prompt: Option<String>,
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
        ExportCommand::Cards(args) => return print(app, args, Kind::Cards).await,
        ExportCommand::Handout(args) => return print(app, args, Kind::Handout).await,
        ExportCommand::Study(args) => {
            let Some(study) = super::find_study(app, &args.study).await? else {
                return Ok(Outcome::Failed);
            };
            let request = StudyRequest {
                study: &study,
                dir: &args.dir,
                actor: Actor::operator("command line"),
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
            let Some(study) = super::find_study(app, &args.study).await? else {
                return Ok(Outcome::Failed);
            };
            let done = export_site(app, request(&args, &study, false), progress)
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
            let Some(study) = super::find_study(app, &args.study).await? else {
                return Ok(Outcome::Failed);
            };
            let request = request(&args, &study, with_originals);
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

/// `vitrine export cards|handout`.
async fn print(app: &App, args: PrintArgs, kind: Kind) -> anyhow::Result<Outcome> {
    if args.file.exists() {
        eprintln!(
            "{} already exists: give a new file name, or remove this file first",
            args.file.display()
        );
        return Ok(Outcome::Failed);
    }
    let Some(study) = super::find_study(app, &args.study).await? else {
        return Ok(Outcome::Failed);
    };
    let selection = match (args.session, args.prompt) {
        (Some(id), _) => Selection::Session(id),
        (None, Some(slug)) => Selection::Prompt(slug),
        (None, None) => unreachable_selection()?,
    };
    let destination = std::path::absolute(&args.file)
        .unwrap_or_else(|_| args.file.clone())
        .to_string_lossy()
        .into_owned();
    match print::print(
        app,
        &study,
        &selection,
        kind,
        &destination,
        Actor::operator("command line"),
    )
    .await
    {
        Ok(printed) => {
            // Written beside the destination, then moved: never half a file.
            let partial = args.file.with_extension("pdf.partial");
            std::fs::write(&partial, &printed.bytes)
                .and_then(|()| std::fs::rename(&partial, &args.file))
                .with_context(|| format!("cannot write {}", args.file.display()))?;
            println!(
                "Printed {} entries of Release {} of \"{}\" as {} to {} ({:.1} MB).",
                printed.entries,
                printed.record.release_version,
                args.study,
                printed.record.describe(),
                destination,
                printed.bytes.len() as f64 / 1e6
            );
            println!(
                "It is recorded in the export registry: a withdrawal of any of its entries lists it."
            );
            Ok(Outcome::Ok)
        }
        Err(PrintError::Failed(e)) => Err(e),
        Err(e) => {
            eprintln!("{e}");
            Ok(Outcome::Failed)
        }
    }
}

/// clap requires `--session` or `--prompt`; this only names the case.
fn unreachable_selection() -> anyhow::Result<Selection> {
    anyhow::bail!("give --session N or --prompt SLUG")
}

fn request<'a>(args: &'a ExportArgs, study: &'a Study, originals: bool) -> ExportRequest<'a> {
    ExportRequest {
        study,
        release: args.release,
        base_url: args.base_url.as_deref(),
        dir: &args.dir,
        actor: Actor::operator("command line"),
        originals,
        destination: None,
    }
}
