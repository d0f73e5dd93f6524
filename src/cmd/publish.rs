//! `vitrine publish STUDY`: write a new Release of a study.

use super::Outcome;
use crate::app::App;
use crate::app::publish::publish;
use clap::Args;

/// Arguments of `vitrine publish`.
#[derive(Args, Debug)]
pub struct PublishArgs {
    /// The study's slug (from its study.toml).
    pub study: String,
}

/// Publishes and reports what was left out and why.
pub async fn run(app: &App, args: PublishArgs) -> anyhow::Result<Outcome> {
    match publish(app, &args.study).await {
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
