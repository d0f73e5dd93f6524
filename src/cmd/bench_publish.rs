//! `vitrine bench publish --entries N`: times publishing a synthetic study of N
//! entries (each with its own image record and ten derivative records, as a
//! real ingest leaves them) on a fresh SQLite store, and prints one line with
//! the time and the process's peak memory. Image bytes are not involved:
//! publishing never reads blobs, so this measures the store and the Release.

use super::Outcome;
use crate::app::App;
use crate::app::import::synthetic::{SLUG, study};
use crate::settings::Settings;
use anyhow::Context;
use clap::Args;
use std::time::Instant;

/// Arguments of `vitrine bench publish`.
#[derive(Args, Debug)]
pub struct PublishBenchArgs {
    /// Entries in the synthetic study.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    entries: u32,
    /// Only store the synthetic study in this data folder and exit: the
    /// benchmark runs this step in a child process, so the publish it measures
    /// runs in a process whose memory never held the import.
    #[arg(long, hide = true)]
    store_only: Option<std::path::PathBuf>,
}

/// Runs the benchmark.
pub async fn run(args: PublishBenchArgs) -> anyhow::Result<Outcome> {
    if let Some(dir) = &args.store_only {
        store(dir, args.entries).await?;
        return Ok(Outcome::Ok);
    }
    let dir = std::env::temp_dir().join(format!("vitrine-bench-publish-{}", std::process::id()));
    let result = measure(&dir, args.entries).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Stores the synthetic study of `entries` entries in the data folder `dir`.
async fn store(dir: &std::path::Path, entries: u32) -> anyhow::Result<()> {
    let app = App::open(Settings::for_data_dir(dir)).await?;
    crate::app::import::store(
        &app,
        &study(entries),
        crate::app::Actor::operator("benchmark"),
    )
    .await
    .context("cannot store the synthetic study")?;
    Ok(())
}

async fn measure(dir: &std::path::Path, entries: u32) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut command = std::process::Command::new(std::env::current_exe()?);
    command
        .args([
            "bench",
            "publish",
            "--entries",
            &entries.to_string(),
            "--store-only",
        ])
        .arg(dir);
    let child = tokio::task::spawn_blocking(move || command.status())
        .await?
        .context("cannot run the step that stores the synthetic study")?;
    anyhow::ensure!(child.success(), "storing the synthetic study failed");
    let stored = started.elapsed().as_secs_f64();
    let app = App::open(Settings::for_data_dir(dir)).await?;
    let found = crate::app::studies::find(&app, SLUG)
        .await
        .context("cannot read the synthetic study")?;
    let before_mb = super::measure::peak_rss_text();
    let started = Instant::now();
    let published = crate::app::publish::publish(&app, &found)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let publish_s = started.elapsed().as_secs_f64();
    let peak_mb = super::measure::peak_rss_text();
    anyhow::ensure!(
        published.entries == entries as usize,
        "published {} of {} entries: {:?}",
        published.entries,
        entries,
        published.left_out.first()
    );
    let started = Instant::now();
    let release = crate::app::published::current(&app, SLUG)
        .await?
        .context("no Release")?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "bench=publish entries={} store_s={stored:.2} publish_s={publish_s:.3} load_release_ms={load_ms:.1} release_json_kb={} rss_before_publish_mb={before_mb} peak_rss_mb={peak_mb}",
        entries,
        serde_json::to_vec(&*release.release).map_or(0, |b| b.len() / 1024),
    );
    Ok(Outcome::Ok)
}
