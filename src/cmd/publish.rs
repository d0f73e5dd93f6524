//! `vitrine publish STUDY`: write a new Release of a study.

use super::Outcome;
use crate::app::publish::publish;
use crate::app::{Actor, App};
use clap::Args;

/// Arguments of `vitrine publish`.
#[derive(Args, Debug)]
pub struct PublishArgs {
    /// The study's slug (from its study.toml).
    pub study: String,
}

/// Publishes and reports what was left out and why.
pub async fn run(app: &App, args: PublishArgs) -> anyhow::Result<Outcome> {
    let Some(study) = super::find_study(app, &args.study).await? else {
        return Ok(Outcome::Failed);
    };
    match publish(app, &study).await {
        Ok(done) => {
            println!(
                "Published Release {} of \"{}\" with {} entries.",
                done.version, done.slug, done.entries
            );
            if !done.left_out.is_empty() {
                println!(
                    "{} entries were left out (run `vitrine check {}` for the list):",
                    done.left_out.len(),
                    done.slug
                );
                super::check::print_blocked(&done.left_out);
            }
            Ok(Outcome::Ok)
        }
        Err(e) => super::check::report_error(e),
    }
}

/// Arguments of `vitrine doi`.
#[derive(Args, Debug)]
pub struct DoiArgs {
    /// The study's slug.
    pub study: String,
    /// The Release the DOI was minted for.
    pub release: u32,
    /// The DOI, as 10.5281/zenodo.1234567, doi:… or https://doi.org/…;
    /// an empty string ("") removes it.
    pub doi: String,
}

/// Records a Release's DOI.
pub async fn doi(app: &App, args: DoiArgs) -> anyhow::Result<Outcome> {
    use crate::app::publish::{DoiError, set_doi};
    let Some(study) = super::find_study(app, &args.study).await? else {
        return Ok(Outcome::Failed);
    };
    match set_doi(
        app,
        &study,
        args.release,
        &args.doi,
        Actor::operator("command line"),
    )
    .await
    {
        Ok(Some(doi)) => {
            println!(
                "Release {} of \"{}\" now gives its DOI {} on its pages, citation files and exports.",
                args.release,
                args.study,
                vitrine_core::citation::doi_url(&doi)
            );
            Ok(Outcome::Ok)
        }
        Ok(None) => {
            println!(
                "Release {} of \"{}\" has no DOI now.",
                args.release, args.study
            );
            Ok(Outcome::Ok)
        }
        Err(DoiError::Failed(e)) => Err(e),
        Err(e) => {
            eprintln!("{e}");
            Ok(Outcome::Failed)
        }
    }
}
