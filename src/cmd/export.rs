//! `vitrine export …`: take a published Release out of Vitrine.

use super::Outcome;
use super::progress::TerminalProgress;
use crate::app::App;
use crate::app::exports::ExportError;
use crate::app::exports::site::{SiteRequest, export_site};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;

/// What to export.
#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Write a study's gallery as static files (HTML, images, stylesheet,
    /// script) that any web host, or a browser opening index.html from disk,
    /// can show without Vitrine. Made from a published Release; the same
    /// Release always gives the same bytes. Every file is scanned for
    /// metadata, originals, real names and internal keys before the folder
    /// is moved into place, and the export is recorded so that a withdrawal
    /// lists it.
    Site(SiteArgs),
}

/// Arguments of `vitrine export site`.
#[derive(Args, Debug)]
pub struct SiteArgs {
    /// The study's slug.
    pub study: String,
    /// A new or empty folder to write.
    pub dir: PathBuf,
    /// The Release to export (default: the latest).
    #[arg(long, value_name = "N")]
    pub release: Option<u32>,
    /// Where the files will be published (https://…/), so the pages can
    /// give their address in "Cite this gallery"; without it they give none.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// Runs an export and reports where it went.
pub async fn run(app: &App, command: ExportCommand) -> anyhow::Result<Outcome> {
    match command {
        ExportCommand::Site(args) => {
            let request = SiteRequest {
                study: &args.study,
                release: args.release,
                base_url: args.base_url.as_deref(),
                dir: &args.dir,
                actor: "command line",
            };
            let progress = Arc::new(TerminalProgress::labelled(
                "Writing files",
                "file(s)",
                false,
            ));
            match export_site(app, request, progress).await {
                Ok(done) => {
                    println!(
                        "Exported Release {} of \"{}\" ({} entries) to {}: {} files, {:.1} MB.",
                        done.record.release_version,
                        args.study,
                        done.entries,
                        done.record.destination,
                        done.files,
                        done.bytes as f64 / 1e6
                    );
                    println!(
                        "Open index.html there in a browser, or copy the folder to any web host."
                    );
                    Ok(Outcome::Ok)
                }
                Err(e) => report(e),
            }
        }
    }
}

/// Input problems exit 1 with the message; anything else is an error (2).
fn report(error: ExportError) -> anyhow::Result<Outcome> {
    match error {
        ExportError::Failed(e) => Err(e),
        e => {
            eprintln!("{e}");
            Ok(Outcome::Failed)
        }
    }
}
