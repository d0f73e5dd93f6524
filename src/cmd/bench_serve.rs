//! `vitrine bench serve URL…`: an open-loop load generator. It sends requests
//! at a fixed rate (each on its own task, so a slow answer never delays the
//! next request: no coordinated omission), cycling through the URLs, reads each
//! body, and prints one line with latency percentiles. `bench/serve.sh` runs it
//! against Vitrine and against nginx serving the same pages as files.

use super::Outcome;
use anyhow::Context;
use clap::Args;
use std::time::{Duration, Instant};

/// Arguments of `vitrine bench serve`.
#[derive(Args, Debug)]
pub struct ServeBenchArgs {
    /// Requests per second, evenly spaced.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    rate: u32,
    /// How long to send for.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=600))]
    seconds: u32,
    /// The name printed in the result line (e.g. vitrine, nginx).
    #[arg(long, default_value = "vitrine")]
    target: String,
    /// Full URLs, requested in turn.
    #[arg(required = true)]
    urls: Vec<String>,
}

/// Runs the load and prints `target=… rate=… p50_ms=… p99_ms=…`.
pub async fn run(args: ServeBenchArgs) -> anyhow::Result<Outcome> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(10))
        .build()
        .context("cannot make an HTTP client")?;
    // Warm up: every URL once, so connections and caches are ready.
    for url in &args.urls {
        let response = client
            .get(url)
            .send()
            .await
            .with_context(|| format!("cannot reach {url}"))?;
        anyhow::ensure!(
            response.status().is_success(),
            "{url} answered {}",
            response.status()
        );
        response.bytes().await?;
    }
    let total = u64::from(args.rate) * u64::from(args.seconds);
    let interval = Duration::from_secs(1) / args.rate;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    for i in 0..total {
        ticker.tick().await;
        let client = client.clone();
        let url = args.urls[usize::try_from(i).unwrap_or(0) % args.urls.len()].clone();
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let ok = match client.get(&url).send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                _ => false,
            };
            (sent.elapsed(), ok)
        }));
    }
    let send_seconds = started.elapsed().as_secs_f64();
    let mut latencies = Vec::with_capacity(tasks.len());
    let mut errors = 0_u64;
    for task in tasks {
        let (latency, ok) = task.await.context("a request task failed")?;
        if !ok {
            errors += 1;
        }
        latencies.push(latency.as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        let idx = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies.get(idx).copied().unwrap_or(f64::NAN)
    };
    println!(
        "target={} rate={} seconds={} requests={} errors={errors} achieved_rps={:.0} p50_ms={:.2} p90_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        args.target,
        args.rate,
        args.seconds,
        latencies.len(),
        latencies.len() as f64 / send_seconds,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
    );
    Ok(if errors == 0 {
        Outcome::Ok
    } else {
        Outcome::Failed
    })
}
