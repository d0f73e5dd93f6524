//! `vitrine check STUDY`: list what blocks each entry from being published.

use super::Outcome;
use crate::app::App;
use crate::app::check::check;
use crate::app::publish::PublishError;
use clap::Args;
use vitrine_core::Blocker;

/// Arguments of `vitrine check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The study's slug (from its study.toml).
    pub study: String,
}

/// Prints each blocked entry with its reasons.
pub fn print_blocked(blocked: &[(String, Vec<Blocker>)]) {
    for (label, reasons) in blocked {
        println!("  {label}:");
        for reason in reasons {
            println!("    - {reason}");
        }
    }
}

/// Reports a failed check or publish: what the researcher can fix is said and
/// exits 1; anything else is an error (exit 2).
pub fn report_error(error: PublishError) -> anyhow::Result<Outcome> {
    match error {
        e @ PublishError::Conflict(_) => {
            eprintln!("{e}");
            Ok(Outcome::Failed)
        }
        PublishError::Failed(e) => Err(e),
    }
}

/// Runs the check; exit 1 when anything is blocked.
pub async fn run(app: &App, args: CheckArgs) -> anyhow::Result<Outcome> {
    let Some(study) = super::find_study(app, &args.study).await? else {
        return Ok(Outcome::Failed);
    };
    match check(app, &study).await {
        Ok(report) if report.blocked.is_empty() => {
            println!(
                "All {} entries of \"{}\" can be published.",
                report.publishable, args.study
            );
            Ok(Outcome::Ok)
        }
        Ok(report) => {
            println!(
                "{} entries of \"{}\" can be published; {} cannot yet:",
                report.publishable,
                args.study,
                report.blocked.len()
            );
            print_blocked(&report.blocked);
            Ok(Outcome::Failed)
        }
        Err(e) => report_error(e),
    }
}
