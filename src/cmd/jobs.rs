//! `vitrine jobs`: the recent background jobs and how they went.

use super::Outcome;
use crate::app::App;

/// Prints the 50 most recently changed jobs; exit 1 if any has failed for good.
pub async fn run(app: &App) -> anyhow::Result<Outcome> {
    let jobs = crate::app::jobs::recent(app, 50).await?;
    if jobs.is_empty() {
        println!("No background jobs yet (vitrine serve runs them).");
        return Ok(Outcome::Ok);
    }
    println!(
        "{:>6}  {:<16} {:<8} {:>8}  {:<25} error",
        "id", "kind", "state", "attempts", "updated (UTC)"
    );
    for job in &jobs {
        let updated = time::OffsetDateTime::from_unix_timestamp(job.updated_at / 1000)
            .map_or_else(|_| job.updated_at.to_string(), |t| t.to_string());
        println!(
            "{:>6}  {:<16} {:<8} {:>8}  {:<25} {}",
            job.id,
            job.kind,
            job.state,
            job.attempts,
            updated,
            job.last_error.as_deref().unwrap_or("")
        );
    }
    let failed = jobs.iter().any(|j| j.state == "failed");
    Ok(if failed { Outcome::Failed } else { Outcome::Ok })
}
