//! `vitrine admin` (accounts, teams, sign-in lockouts) and `vitrine audit verify`.
//!
//! There is no default password and no sign-up page: the first administrator is
//! made here, on the server. Passwords are read from standard input (one line),
//! so they never appear in the process list or shell history.

use super::Outcome;
use crate::app::auth::{self, AccountError};
use crate::app::{Actor, App};
use anyhow::Context;
use clap::{Args, Subcommand};
use std::io::{BufRead, IsTerminal, Write};

/// `vitrine admin …`.
#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an instance administrator (who can create studies and accounts).
    Create(AccountArgs),
    /// Create an ordinary staff account (give it a role with `grant`).
    AddUser(AccountArgs),
    /// Set a new password; ends the account's sessions and any sign-in lockout.
    ResetPassword(EmailArgs),
    /// Give an account a role in a study (owner, curator, reviewer, facilitator).
    Grant(GrantArgs),
    /// Lift sign-in pauses and lockouts: an account's (at every address), an
    /// address's (and of every account tried from it), or both; audited.
    Unlock(UnlockArgs),
}

/// What to unlock.
#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["email", "address"])))]
pub struct UnlockArgs {
    /// Sign-in e-mail address whose failures to forget, from every address.
    #[arg(long)]
    pub email: Option<String>,
    /// Client IP address whose failures to forget (an IPv6 address stands
    /// for its /64 network).
    #[arg(long)]
    pub address: Option<String>,
}

/// An account to create.
#[derive(Args, Debug)]
pub struct AccountArgs {
    /// Sign-in e-mail address.
    #[arg(long)]
    pub email: String,
    /// Name shown in the workspace and the audit log [default: the e-mail].
    #[arg(long, default_value = "")]
    pub name: String,
}

/// An existing account.
#[derive(Args, Debug)]
pub struct EmailArgs {
    /// Sign-in e-mail address.
    #[arg(long)]
    pub email: String,
}

/// A role to give.
#[derive(Args, Debug)]
pub struct GrantArgs {
    /// Sign-in e-mail address.
    #[arg(long)]
    pub email: String,
    /// The study's slug.
    #[arg(long)]
    pub study: String,
    /// owner, curator, reviewer or facilitator.
    #[arg(long)]
    pub role: String,
}

/// `vitrine audit …`.
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the audit log's hash chain; exit 1 if anything was changed or removed.
    Verify,
}

fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!(
            "New password (at least {} characters; it will be shown as you type, so you may prefer to pipe it in): ",
            auth::MIN_PASSWORD_CHARS
        );
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn report(result: Result<String, AccountError>) -> anyhow::Result<Outcome> {
    match result {
        Ok(message) => {
            println!("{message}");
            Ok(Outcome::Ok)
        }
        Err(AccountError::Failed(e)) => Err(e),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(Outcome::Failed)
        }
    }
}

/// Runs `vitrine admin …`.
pub async fn run(app: &App, command: AdminCommand) -> anyhow::Result<Outcome> {
    match command {
        AdminCommand::Create(args) => create(app, args, true).await,
        AdminCommand::AddUser(args) => create(app, args, false).await,
        AdminCommand::ResetPassword(args) => {
            let password = read_password()?;
            report(
                auth::reset_password(app, &args.email, &password, Actor::operator("command line"))
                    .await
                    .map(|()| {
                        format!(
                            "Changed the password of {}; their sessions have ended.",
                            auth::normalise_email(&args.email)
                        )
                    }),
            )
        }
        AdminCommand::Grant(args) => {
            let Some(study) = super::find_study(app, &args.study).await? else {
                return Ok(Outcome::Failed);
            };
            report(
                crate::app::team::grant(
                    app,
                    &args.email,
                    &study,
                    &args.role,
                    Actor::operator("command line"),
                )
                .await,
            )
        }
        AdminCommand::Unlock(args) => report(
            auth::unlock(
                app,
                args.email.as_deref(),
                args.address.as_deref(),
                Actor::operator("command line"),
            )
            .await
            .map(|lifted| match lifted {
                0 => "Nothing was paused or locked; nothing to lift.".to_owned(),
                n => format!("Lifted {n} sign-in pause(s) or lockout(s)."),
            }),
        ),
    }
}

async fn create(app: &App, args: AccountArgs, admin: bool) -> anyhow::Result<Outcome> {
    let password = read_password()?;
    let created = auth::create_account(
        app,
        &args.email,
        &args.name,
        &password,
        admin,
        Actor::operator("command line"),
    )
    .await;
    report(created.map(|user| {
        format!(
            "Created {} for {}. Sign in at /admin/login.",
            if admin {
                "an administrator account"
            } else {
                "an account"
            },
            user.email
        )
    }))
}

/// Runs `vitrine audit verify`.
pub async fn audit(app: &App, command: AuditCommand) -> anyhow::Result<Outcome> {
    match command {
        AuditCommand::Verify => {
            let report = crate::app::audit::verify(app)
                .await
                .context("cannot read the audit log")?;
            if report.problems.is_empty() {
                println!(
                    "The audit log is intact: {} entries, {} with details erased by a withdrawal.",
                    report.rows, report.erased
                );
                Ok(Outcome::Ok)
            } else {
                eprintln!(
                    "The audit log has been tampered with ({} problems in {} entries):",
                    report.problems.len(),
                    report.rows
                );
                for problem in &report.problems {
                    eprintln!("  - {problem}");
                }
                Ok(Outcome::Failed)
            }
        }
    }
}
