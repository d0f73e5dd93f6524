//! `vitrine bench sign-in-flood BASE`: public-page latency while a flood of
//! sign-ins arrives at once (issue 10). Requests a public page at a fixed rate
//! (open loop, as `bench serve` does), and after one second sends N wrong
//! sign-ins all at once; prints the page's latency percentiles over the
//! requests sent while the flood was in flight, and how the sign-ins were
//! answered. `bench/sign_in_flood.sh` runs it against a fresh server.
//!
//! With `--forwarded`, each sign-in names a different client in
//! `X-Forwarded-For` (the server must list 127.0.0.1 in `trusted_proxies`),
//! so the throttle lets every one through to a password check and the flood
//! measures the hashing, not the throttle.

use super::Outcome;
use anyhow::Context;
use clap::Args;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Arguments of `vitrine bench sign-in-flood`.
#[derive(Args, Debug)]
pub struct SignInFloodArgs {
    /// The server, e.g. http://127.0.0.1:18092.
    base: String,
    /// The public page to time.
    #[arg(long, default_value = "/")]
    page: String,
    /// Sign-ins sent at once.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    sign_ins: u32,
    /// Public-page requests per second, evenly spaced.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    rate: u32,
    /// The account the sign-ins guess at.
    #[arg(long, default_value = "flood@example.org")]
    email: String,
    /// Give each sign-in its own client address in X-Forwarded-For.
    #[arg(long)]
    forwarded: bool,
}

/// The sign-in page's pre-session cookie and form token (empty on a server
/// that has none).
pub(super) async fn login_token(
    client: &reqwest::Client,
    base: &str,
) -> anyhow::Result<(String, String)> {
    let page = client
        .get(format!("{base}/admin/login"))
        .send()
        .await
        .with_context(|| format!("cannot reach {base}"))?;
    let cookie = page
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("vitrine_login="))
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned();
    let html = page.text().await?;
    let token = html
        .split_once("name=\"login\" value=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(token, _)| token.to_owned())
        .unwrap_or_default();
    Ok((cookie, token))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(idx).copied().unwrap_or(f64::NAN)
}

/// Runs the flood and prints one line of results.
pub async fn run(args: SignInFloodArgs) -> anyhow::Result<Outcome> {
    let base = args.base.trim_end_matches('/').to_owned();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .timeout(Duration::from_secs(60))
        .build()
        .context("cannot make an HTTP client")?;
    let page_url = format!("{base}{}", args.page);
    let warm = client.get(&page_url).send().await?;
    anyhow::ensure!(
        warm.status().is_success(),
        "{page_url} answered {}",
        warm.status()
    );
    warm.bytes().await?;
    let (cookie, token) = login_token(&client, &base).await?;

    let started = Instant::now();
    let flood = {
        let (client, base, args_email) = (client.clone(), base.clone(), args.email.clone());
        let (n, forwarded) = (args.sign_ins, args.forwarded);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let from = started.elapsed();
            let tasks: Vec<_> = (0..n)
                .map(|i| {
                    let form = [
                        ("login", token.clone()),
                        ("email", args_email.clone()),
                        ("password", "not the password".to_owned()),
                    ];
                    let mut request = client
                        .post(format!("{base}/admin/login"))
                        .header(reqwest::header::COOKIE, cookie.clone())
                        .form(&form);
                    if forwarded {
                        let address = format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255);
                        request = request.header("x-forwarded-for", address);
                    }
                    tokio::spawn(async move {
                        let sent = Instant::now();
                        let status = match request.send().await {
                            Ok(r) => r.status().as_u16(),
                            Err(_) => 0,
                        };
                        (status, sent.elapsed())
                    })
                })
                .collect();
            let mut answers = Vec::with_capacity(tasks.len());
            for task in tasks {
                answers.push(task.await.unwrap_or((0, Duration::ZERO)));
            }
            (from, started.elapsed(), answers)
        })
    };

    // The public page, open loop, until the flood is over (at least 3 s).
    let interval = Duration::from_secs(1) / args.rate;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut pages = Vec::new();
    while !flood.is_finished() || started.elapsed() < Duration::from_secs(3) {
        ticker.tick().await;
        let (client, url) = (client.clone(), page_url.clone());
        let sent_at = started.elapsed();
        pages.push(tokio::spawn(async move {
            let sent = Instant::now();
            let ok = match client.get(&url).send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                _ => false,
            };
            (sent_at, sent.elapsed(), ok)
        }));
    }
    let (from, to, answers) = flood.await.context("the flood task failed")?;
    let mut during = Vec::new();
    let mut errors = 0;
    for page in pages {
        let (sent_at, latency, ok) = page.await.context("a page request failed")?;
        if sent_at >= from && sent_at <= to {
            during.push(latency.as_secs_f64() * 1000.0);
            errors += u32::from(!ok);
        }
    }
    during.sort_by(f64::total_cmp);
    let mut statuses = BTreeMap::new();
    for (status, _) in &answers {
        *statuses.entry(*status).or_insert(0_u32) += 1;
    }
    let mut sign_in_ms: Vec<f64> = answers
        .iter()
        .map(|(_, d)| d.as_secs_f64() * 1000.0)
        .collect();
    sign_in_ms.sort_by(f64::total_cmp);
    let statuses: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}:{n}")).collect();
    println!(
        "sign_ins={} forwarded={} flood_s={:.2} statuses={} sign_in_p50_ms={:.0} sign_in_max_ms={:.0} \
         page_requests={} page_errors={errors} page_p50_ms={:.2} page_p99_ms={:.2} page_max_ms={:.2}",
        args.sign_ins,
        args.forwarded,
        (to - from).as_secs_f64(),
        statuses.join(","),
        percentile(&sign_in_ms, 0.5),
        sign_in_ms.last().copied().unwrap_or(f64::NAN),
        during.len(),
        percentile(&during, 0.5),
        percentile(&during, 0.99),
        during.last().copied().unwrap_or(f64::NAN),
    );
    Ok(Outcome::Ok)
}
