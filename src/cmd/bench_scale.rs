//! `vitrine bench scale URL…`: the scale test (issue 15). Several `vitrine
//! serve` instances on one database and one blob store, behind a small
//! round-robin proxy this command runs itself, get a mixed open-loop load
//! (as `bench serve` sends it: each request on its own task, so a slow answer
//! never delays the next one):
//!
//! - public pages (home, gallery, about, every entry page) and every public
//!   image of the study, as its JSON API lists them;
//! - about 1 % workspace writes by a signed-in staff account: an entry's
//!   editing page is read and its form sent back with a changed long
//!   description and the page's CSRF token (not the caption: that would void
//!   the entry's sign-off and leave it out of the next Release);
//! - one publish, a quarter of the way in: a fixed entry gets a new long
//!   description with a unique marker and the study is published through the workspace's
//!   publish form; every request for that entry's page sent after the publish
//!   returns must show the marker;
//! - one withdrawal, halfway through the load, through the workspace's
//!   withdrawal form; every request for that entry's page or its images sent
//!   after the withdrawal returns must answer 404, and no other public page
//!   may still link to it or show its images.
//!
//! Prints one line (`bench=scale instances=… rate=… seconds=… requests=…
//! errors=… withdrawn_served_after=… p50_ms=… p99_ms=…`) and fails on any
//! error, any withdrawn entry served and any stale page after the publish.
//! `bench/scale.sh` sets up PostgreSQL, an S3 server and three instances.

use super::Outcome;
use anyhow::{Context, bail, ensure};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clap::Args;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Arguments of `vitrine bench scale`.
#[derive(Args, Debug)]
pub struct ScaleBenchArgs {
    /// The instances' base URLs, e.g. http://127.0.0.1:18101. All load goes
    /// through a round-robin proxy this command starts in front of them.
    #[arg(required = true)]
    instances: Vec<String>,
    /// Requests per second, evenly spaced (writes and the publish and
    /// withdrawal come on top of this count's own requests).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    rate: u32,
    /// How long to send for; the publish comes after a quarter of it, the
    /// withdrawal after half (so half the run checks it).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(3..=600))]
    seconds: u32,
    /// The study under load (its entries must be published and its account
    /// must be allowed to edit, publish and withdraw).
    #[arg(long, default_value = "link-worker-retention")]
    study: String,
    /// The staff account that writes, publishes and withdraws.
    #[arg(long)]
    email: String,
    /// Its password.
    #[arg(long, env = "VITRINE_BENCH_PASSWORD", hide_env_values = true)]
    password: String,
    /// The slug of the entry to withdraw [default: the last one the API lists].
    #[arg(long, value_name = "SLUG")]
    withdraw: Option<String>,
    /// Percent of the requests that are workspace writes (each reads the
    /// entry's form, then sends it).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=50))]
    write_percent: u32,
    /// Percent of the other requests that are for images rather than pages.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=100))]
    media_percent: u32,
    /// Seconds before a request without an answer counts as an error (long,
    /// so a slow answer shows in the percentiles rather than as an error).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=300))]
    timeout_secs: u64,
    /// Address the round-robin proxy listens on.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    proxy_listen: String,
}

/// What the gallery holds: the paths the load asks for.
struct Site {
    /// Public pages, as paths.
    pages: Vec<String>,
    /// Public images, as paths.
    media: Vec<String>,
    /// The entry that is withdrawn: its page and its images.
    withdrawn: Target,
    /// The entry that gets a new long description and is published.
    published: Target,
    /// The workspace editing pages the writes go to (neither entry above).
    writes: Vec<String>,
}

/// One entry, as the load and the workspace name it.
#[derive(Clone)]
struct Target {
    page: String,
    media: Vec<String>,
    /// Its workspace editing page.
    edit: String,
}

/// A signed-in staff session.
#[derive(Clone)]
struct Staff {
    client: reqwest::Client,
    base: String,
    cookie: String,
}

/// What one request is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A page or image of neither entry the events change.
    Public,
    /// A page that must not mention the withdrawn entry afterwards.
    PublicPage,
    /// The withdrawn entry's page or one of its images.
    Withdrawn,
    /// The page of the entry that is published with a marker.
    Published,
    /// A workspace write (form read and sent).
    Write,
}

/// One request's outcome, judged after the run when the events' times are known.
struct Sample {
    kind: Kind,
    sent: Duration,
    latency: Duration,
    /// HTTP status, or 0 when there was no answer.
    status: u16,
    /// For pages: whether the body links to the withdrawn entry or shows
    /// one of its images; for the published page: whether it shows the marker.
    mentions: bool,
    /// Requests this sample stands for (a write reads and sends a form).
    requests: u64,
    /// The path asked for (a write: the editing page).
    path: String,
}

/// When the events ran, as offsets from the start of the load.
#[derive(Default, Clone, Copy)]
struct Events {
    publish_returned: Option<Duration>,
    withdraw_sent: Option<Duration>,
    withdraw_returned: Option<Duration>,
}

/// Runs the load and prints the result line.
pub async fn run(args: ScaleBenchArgs) -> anyhow::Result<Outcome> {
    let instances: Vec<String> = args
        .instances
        .iter()
        .map(|u| u.trim_end_matches('/').to_owned())
        .collect();
    let timeout = Duration::from_secs(args.timeout_secs);
    let base = start_proxy(&args.proxy_listen, instances.clone(), timeout).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("cannot make an HTTP client")?;
    let staff = sign_in(&client, &base, &args.email, &args.password).await?;
    let site = discover(&staff, &args.study, args.withdraw.as_deref()).await?;
    for path in site.pages.iter().chain(&site.media) {
        let response = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .with_context(|| format!("cannot reach {path}"))?;
        ensure!(
            response.status().is_success(),
            "{path} answered {} before the load",
            response.status()
        );
        response.bytes().await?;
    }
    let marker = format!(
        "scaletest{}x{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default()
    );

    let started = Instant::now();
    let events = {
        let (staff, site_published, site_withdrawn) = (
            staff.clone(),
            site.published.clone(),
            site.withdrawn.clone(),
        );
        let (study, marker, seconds) = (args.study.clone(), marker.clone(), args.seconds);
        tokio::spawn(async move {
            run_events(
                &staff,
                &study,
                &site_published,
                &site_withdrawn,
                &marker,
                started,
                seconds,
            )
            .await
        })
    };

    let site = Arc::new(site);
    let total = u64::from(args.rate) * u64::from(args.seconds);
    let interval = Duration::from_secs(1) / args.rate;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let (mut next_page, mut next_media, mut next_write) = (0_usize, 0_usize, 0_usize);
    let write_every = (args.write_percent > 0).then(|| 100 / u64::from(args.write_percent));
    for i in 0..total {
        ticker.tick().await;
        let sent = started.elapsed();
        if write_every.is_some_and(|n| i % n == n / 2) && !site.writes.is_empty() {
            let edit = site.writes[next_write % site.writes.len()].clone();
            next_write += 1;
            let staff = staff.clone();
            let n = i;
            tasks.push(tokio::spawn(async move {
                let at = Instant::now();
                let ok = write_text(&staff, &edit, &format!("scale write {n}")).await;
                Sample {
                    kind: Kind::Write,
                    sent,
                    latency: at.elapsed(),
                    status: if ok.is_ok() { 200 } else { 0 },
                    mentions: false,
                    requests: 2,
                    path: edit,
                }
            }));
            continue;
        }
        let media = (i * 7919) % 100 < u64::from(args.media_percent) && !site.media.is_empty();
        let path = if media {
            next_media += 1;
            site.media[(next_media - 1) % site.media.len()].clone()
        } else {
            next_page += 1;
            site.pages[(next_page - 1) % site.pages.len()].clone()
        };
        let kind = classify(&site, &path, media);
        let (client, base, site, marker) =
            (client.clone(), base.clone(), site.clone(), marker.clone());
        tasks.push(tokio::spawn(async move {
            request(&client, &base, path, kind, &site, &marker, started).await
        }));
    }
    let send_seconds = started.elapsed().as_secs_f64();
    let mut samples = Vec::with_capacity(tasks.len());
    for task in tasks {
        samples.push(task.await.context("a request task failed")?);
    }
    let achieved_rps = samples.len() as f64 / send_seconds;
    // A failed publish or withdrawal fails the run, but the load's figures
    // are still printed: they usually say why (an overloaded instance).
    let (events, events_failed) = match events.await {
        Ok(Ok(events)) => (events, None),
        Ok(Err(e)) => (Events::default(), Some(format!("{e:#}"))),
        Err(e) => (Events::default(), Some(e.to_string())),
    };
    // Once more after everything returned, so the withdrawn entry and the
    // published page are checked even if an event outlasted the load.
    let last: Vec<String> = site
        .pages
        .iter()
        .chain(&site.withdrawn.media)
        .cloned()
        .collect();
    for path in last {
        let kind = classify(&site, &path, false);
        samples.push(request(&client, &base, path, kind, &site, &marker, started).await);
    }
    let verdict = judge(&samples, events);
    let mut latencies: Vec<f64> = samples
        .iter()
        .map(|s| s.latency.as_secs_f64() * 1000.0)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let requests: u64 = samples.iter().map(|s| s.requests).sum();
    let writes = samples.iter().filter(|s| s.kind == Kind::Write).count();
    let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    println!(
        "bench=scale instances={} rate={} seconds={} requests={requests} writes={writes} errors={} \
         withdrawn_served_after={} withdrawn_404_after={} stale_after_publish={} achieved_rps={:.0} \
         p50_ms={:.2} p90_ms={:.2} p99_ms={:.2} max_ms={:.2} publish_at_ms={:.0} withdraw_at_ms={:.0} withdraw_took_ms={:.0}",
        instances.len(),
        args.rate,
        args.seconds,
        verdict.errors,
        verdict.withdrawn_served,
        verdict.withdrawn_gone,
        verdict.stale,
        achieved_rps,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.90),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
        ms(events.publish_returned),
        ms(events.withdraw_returned),
        ms(events.withdraw_returned) - ms(events.withdraw_sent),
    );
    for line in &verdict.examples {
        eprintln!("{line}");
    }
    if let Some(why) = &events_failed {
        eprintln!("the publish or the withdrawal failed: {why}");
    }
    let clean = verdict.errors == 0
        && verdict.withdrawn_served == 0
        && verdict.stale == 0
        && events_failed.is_none();
    Ok(if clean { Outcome::Ok } else { Outcome::Failed })
}

/// What a request for `path` is checked for.
fn classify(site: &Site, path: &str, media: bool) -> Kind {
    if path == site.withdrawn.page || site.withdrawn.media.iter().any(|m| m == path) {
        Kind::Withdrawn
    } else if path == site.published.page {
        Kind::Published
    } else if media {
        Kind::Public
    } else {
        Kind::PublicPage
    }
}

/// Sends one public request and notes what its answer showed.
async fn request(
    client: &reqwest::Client,
    base: &str,
    path: String,
    kind: Kind,
    site: &Site,
    marker: &str,
    started: Instant,
) -> Sample {
    let sent = started.elapsed();
    let at = Instant::now();
    let (status, mentions) = match client.get(format!("{base}{path}")).send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            match (kind, r.bytes().await) {
                (_, Err(_)) => (0, false),
                (Kind::PublicPage, Ok(body)) => {
                    (status, mentions_withdrawn(&body, &site.withdrawn))
                }
                (Kind::Published, Ok(body)) => (status, contains(&body, marker)),
                (_, Ok(_)) => (status, false),
            }
        }
        Err(_) => (0, false),
    };
    Sample {
        kind,
        sent,
        latency: at.elapsed(),
        status,
        mentions,
        requests: 1,
        path,
    }
}

/// The counts the result line reports.
#[derive(Default)]
struct Verdict {
    errors: u64,
    withdrawn_served: u64,
    withdrawn_gone: u64,
    stale: u64,
    /// A few failures, for the log.
    examples: Vec<String>,
}

/// Judges every sample against the times the publish and withdrawal
/// returned: a request sent while an event was in flight may see either side.
fn judge(samples: &[Sample], events: Events) -> Verdict {
    let mut v = Verdict::default();
    let after = |t: Option<Duration>, sent: Duration| t.is_some_and(|t| sent >= t);
    let before = |t: Option<Duration>, sent: Duration| t.is_none_or(|t| sent < t);
    for s in samples {
        let ok = s.status == 200;
        let problem = match s.kind {
            Kind::Public | Kind::Write if !ok => Some("error"),
            Kind::PublicPage if !ok => Some("error"),
            Kind::PublicPage if s.mentions && after(events.withdraw_returned, s.sent) => {
                Some("withdrawn")
            }
            Kind::Published if !ok => Some("error"),
            Kind::Published if !s.mentions && after(events.publish_returned, s.sent) => {
                Some("stale")
            }
            Kind::Withdrawn if after(events.withdraw_returned, s.sent) => match s.status {
                404 => {
                    v.withdrawn_gone += 1;
                    None
                }
                200 => Some("withdrawn"),
                _ => Some("error"),
            },
            Kind::Withdrawn if before(events.withdraw_sent, s.sent) && !ok => Some("error"),
            Kind::Withdrawn if !ok && s.status != 404 => Some("error"),
            _ => None,
        };
        match problem {
            Some("withdrawn") => v.withdrawn_served += 1,
            Some("stale") => v.stale += 1,
            Some(_) => v.errors += s.requests.min(1),
            None => continue,
        }
        if v.examples.len() < 10 {
            v.examples.push(format!(
                "{}: {} answered {} (sent at {:.3} s)",
                problem.unwrap_or_default(),
                s.path,
                s.status,
                s.sent.as_secs_f64()
            ));
        }
    }
    v
}

/// The publish a quarter of the way in, the withdrawal halfway.
async fn run_events(
    staff: &Staff,
    study: &str,
    published: &Target,
    withdrawn: &Target,
    marker: &str,
    started: Instant,
    seconds: u32,
) -> anyhow::Result<Events> {
    let mut events = Events::default();
    let quarter = Duration::from_secs(u64::from(seconds)) / 4;
    tokio::time::sleep_until((started + quarter).into()).await;
    write_text(staff, &published.edit, marker)
        .await
        .context("saving the text to publish")?;
    let publish = format!("/admin/studies/{study}/publish");
    let page = staff.get_ok(&publish).await?;
    let version = value_of(&page, "version").context("no version on the publish page")?;
    let csrf = value_of(&page, "csrf").context("no CSRF token on the publish page")?;
    let answer = staff
        .post(&publish, &[("csrf", csrf), ("version", version)])
        .await?;
    ensure!(
        answer.status() == StatusCode::SEE_OTHER,
        "publishing answered {}",
        answer.status()
    );
    events.publish_returned = Some(started.elapsed());

    tokio::time::sleep_until((started + quarter * 2).into()).await;
    let withdraw = format!("{}/withdraw", withdrawn.edit);
    let page = staff.get_ok(&withdraw).await?;
    let csrf = value_of(&page, "csrf").context("no CSRF token on the withdrawal page")?;
    let form = [
        ("csrf", csrf),
        ("reason", "participant_asked".to_owned()),
        ("confirm", "yes".to_owned()),
    ];
    events.withdraw_sent = Some(started.elapsed());
    let answer = staff.post(&withdraw, &form).await?;
    let status = answer.status();
    answer.bytes().await?;
    ensure!(status == StatusCode::OK, "withdrawing answered {status}");
    events.withdraw_returned = Some(started.elapsed());
    Ok(events)
}

impl Staff {
    async fn get_ok(&self, path: &str) -> anyhow::Result<String> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .send()
            .await
            .with_context(|| format!("cannot reach {path}"))?;
        ensure!(
            response.status() == StatusCode::OK,
            "{path} answered {}",
            response.status()
        );
        Ok(response.text().await?)
    }

    async fn post<T: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        form: &T,
    ) -> anyhow::Result<reqwest::Response> {
        self.client
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .form(form)
            .send()
            .await
            .with_context(|| format!("cannot send the form to {path}"))
    }
}

/// The entry text the writes change: shown on the entry's page, and not
/// part of what a de-identification sign-off covers (the caption and alt
/// text are, so editing them would leave the entry out of the next Release).
const WRITTEN_FIELD: &str = "long_description";

/// Reads an entry's editing form and sends it back with `[note]` at the end
/// of its long description (replacing the note an earlier write left).
async fn write_text(staff: &Staff, edit: &str, note: &str) -> anyhow::Result<()> {
    let page = staff.get_ok(edit).await?;
    let mut fields = form_fields(&page, edit).with_context(|| format!("no form on {edit}"))?;
    let text = fields
        .iter_mut()
        .find(|(name, _)| name == WRITTEN_FIELD)
        .with_context(|| format!("no {WRITTEN_FIELD} field on {edit}"))?;
    let kept = text
        .1
        .find("[scale")
        .map_or(text.1.as_str(), |i| &text.1[..i]);
    text.1 = format!("{kept} [{note}]").trim_start().to_owned();
    let answer = staff.post(edit, &fields).await?;
    ensure!(
        answer.status() == StatusCode::SEE_OTHER,
        "saving {edit} answered {}",
        answer.status()
    );
    Ok(())
}

/// Signs in through the sign-in form and returns the session.
async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<Staff> {
    let (cookie, token) = super::bench_signin::login_token(client, base).await?;
    let answer = client
        .post(format!("{base}/admin/login"))
        .header(header::COOKIE, cookie)
        .form(&[
            ("login", token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .context("cannot send the sign-in form")?;
    let session = answer
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("vitrine_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    let Some(cookie) = session else {
        bail!(
            "signing in as {email} answered {} without a session",
            answer.status()
        );
    };
    Ok(Staff {
        client: client.clone(),
        base: base.to_owned(),
        cookie,
    })
}

/// Finds the study's pages and images through its JSON API, and each
/// entry's workspace editing page through the workspace.
async fn discover(staff: &Staff, study: &str, withdraw: Option<&str>) -> anyhow::Result<Site> {
    #[derive(serde::Deserialize)]
    struct ApiEntry {
        slug: String,
        title: String,
        url: String,
        images: Vec<ApiImage>,
    }
    #[derive(serde::Deserialize)]
    struct ApiImage {
        url: String,
    }
    let api = format!("{}/api/v1/studies/{study}/entries", staff.base);
    let entries: Vec<ApiEntry> = staff
        .client
        .get(&api)
        .send()
        .await
        .with_context(|| format!("cannot reach {api}"))?
        .error_for_status()?
        .json()
        .await
        .with_context(|| format!("reading {api}"))?;
    ensure!(
        entries.len() >= 3,
        "the study needs at least 3 published entries"
    );
    let withdraw = match withdraw {
        Some(slug) => slug.to_owned(),
        None => entries.last().map(|e| e.slug.clone()).unwrap_or_default(),
    };

    // Workspace editing pages, matched to public entries by title.
    let dashboard = format!("/admin/studies/{study}");
    let html = staff.get_ok(&dashboard).await?;
    let prefix = format!("href=\"{dashboard}/entries/");
    let mut edits = Vec::new();
    for piece in html.split(&prefix).skip(1) {
        let Some((id, _)) = piece.split_once('"') else {
            continue;
        };
        let edit = format!("{dashboard}/entries/{id}");
        if id.bytes().all(|b| b.is_ascii_digit()) && !edits.contains(&edit) {
            edits.push(edit);
        }
    }
    let mut by_title = std::collections::HashMap::new();
    for edit in edits {
        let page = staff.get_ok(&edit).await?;
        if let Some(title) = form_fields(&page, &edit)
            .and_then(|f| f.into_iter().find(|(n, _)| n == "title").map(|(_, v)| v))
        {
            by_title.insert(title, edit);
        }
    }

    let mut site = Site {
        pages: vec!["/".into(), format!("/{study}/"), format!("/{study}/about")],
        media: Vec::new(),
        withdrawn: Target {
            page: String::new(),
            media: Vec::new(),
            edit: String::new(),
        },
        published: Target {
            page: String::new(),
            media: Vec::new(),
            edit: String::new(),
        },
        writes: Vec::new(),
    };
    for entry in entries {
        let edit = by_title
            .get(&entry.title)
            .cloned()
            .with_context(|| format!("no workspace page for the entry {:?}", entry.title))?;
        let target = Target {
            page: path_of(&entry.url),
            media: entry.images.iter().map(|i| path_of(&i.url)).collect(),
            edit,
        };
        site.pages.push(target.page.clone());
        site.media.extend(target.media.iter().cloned());
        if entry.slug == withdraw {
            site.withdrawn = target;
        } else if site.published.page.is_empty() {
            site.published = target;
        } else {
            site.writes.push(target.edit);
        }
    }
    ensure!(
        !site.withdrawn.page.is_empty(),
        "no published entry {withdraw:?} to withdraw"
    );
    Ok(site)
}

/// The path (and query) of a URL the API gave.
fn path_of(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => rest
            .find('/')
            .map_or_else(|| "/".to_owned(), |i| rest[i..].to_owned()),
        None => url.to_owned(),
    }
}

/// Whether `body` holds `needle` (through `str::contains`, which std
/// ships optimised even in a debug build, where CI runs this).
fn contains(body: &[u8], needle: &str) -> bool {
    !needle.is_empty() && std::str::from_utf8(body).is_ok_and(|text| text.contains(needle))
}

/// Whether a page links to the withdrawn entry or shows one of its images.
fn mentions_withdrawn(body: &[u8], withdrawn: &Target) -> bool {
    let page = format!("href=\"{}\"", withdrawn.page);
    contains(body, &page) || withdrawn.media.iter().any(|m| contains(body, m))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(idx).copied().unwrap_or(f64::NAN)
}

/// The value of the first `<input name="NAME" value="…">` in a page.
fn value_of(html: &str, name: &str) -> Option<String> {
    let (_, rest) = html.split_once(&format!("name=\"{name}\" value=\""))?;
    rest.split_once('"').map(|(v, _)| unescape(v))
}

/// What a browser would send for the form posting to `action`: its text and
/// hidden inputs, ticked boxes, textareas and each select's chosen option.
fn form_fields(html: &str, action: &str) -> Option<Vec<(String, String)>> {
    let start = html.find(&format!("action=\"{action}\""))?;
    let form = &html[start..];
    let form = &form[..form.find("</form>")?];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>')?;
        let tag = &rest[..end];
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(tag.len());
        let attrs = attributes(&tag[name_end..]);
        let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let Some(name) = attr("name") else {
            continue;
        };
        match &tag[..name_end] {
            "input" => {
                let kind = attr("type").unwrap_or_else(|| "text".into());
                let value = attr("value").unwrap_or_default();
                match kind.as_str() {
                    "checkbox" | "radio" if attr("checked").is_some() => {
                        fields.push((name, value));
                    }
                    "checkbox" | "radio" | "file" | "submit" => {}
                    _ => fields.push((name, value)),
                }
            }
            "textarea" => {
                let body = &rest[end + 1..];
                let close = body.find("</textarea>")?;
                fields.push((name, unescape(&body[..close])));
            }
            "select" => {
                let body = &rest[end + 1..];
                let close = body.find("</select>")?;
                let options: Vec<Vec<(String, String)>> = body[..close]
                    .split("<option")
                    .skip(1)
                    .map(|o| attributes(o.split_once('>').map_or(o, |(a, _)| a)))
                    .collect();
                let chosen = options
                    .iter()
                    .find(|o| o.iter().any(|(k, _)| k == "selected"))
                    .or_else(|| options.first());
                if let Some(value) = chosen.and_then(|o| o.iter().find(|(k, _)| k == "value")) {
                    fields.push((name, value.1.clone()));
                }
            }
            _ => {}
        }
    }
    Some(fields)
}

/// `key="value"` and bare `key` attributes of a tag, values unescaped.
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let key = rest[..key_end].trim_end_matches('/').to_owned();
        rest = &rest[key_end..];
        if let Some(after) = rest.strip_prefix("=\"") {
            let close = after.find('"').unwrap_or(after.len());
            found.push((key, unescape(&after[..close])));
            rest = after.get(close + 1..).unwrap_or_default();
        } else if !key.is_empty() {
            found.push((key, String::new()));
        }
        rest = rest.trim_start();
    }
    found
}

/// Undoes the HTML escaping of the workspace's templates.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The proxy's upstreams and its HTTP client.
struct Proxy {
    upstreams: Vec<String>,
    next: AtomicUsize,
    client: reqwest::Client,
}

/// Starts the round-robin proxy on `listen` and returns its base URL.
async fn start_proxy(
    listen: &str,
    upstreams: Vec<String>,
    timeout: Duration,
) -> anyhow::Result<String> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("cannot make the proxy's HTTP client")?;
    let proxy = Arc::new(Proxy {
        upstreams,
        next: AtomicUsize::new(0),
        client,
    });
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    let router = axum::Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "the proxy stopped");
        }
    });
    Ok(format!("http://{address}"))
}

/// Headers that belong to one connection, not to the request or answer.
const HOP_BY_HOP: [HeaderName; 5] = [
    header::CONNECTION,
    header::HOST,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::TE,
];

/// Sends a request on to the next instance in turn and its answer back.
async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let i = proxy.next.fetch_add(1, Ordering::Relaxed) % proxy.upstreams.len().max(1);
    let Some(upstream) = proxy.upstreams.get(i) else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut headers = parts.headers;
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
    let sent = proxy
        .client
        .request(parts.method, format!("{upstream}{target}"))
        .headers(headers)
        .body(body)
        .send()
        .await;
    let Ok(answer) = sent else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let mut headers = answer.headers().clone();
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
    let Ok(bytes) = answer.bytes().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_read_as_a_browser_sends_it() {
        let html = r#"<form method="post" action="/e/1" class="stack">
  <input type="hidden" name="csrf" value="ab12">
  <input type="text" id="title" name="title" value="Bags &amp; &quot;boxes&quot;">
  <select id="p" name="provenance"><option value="O">O</option><option value="I" selected>I</option></select>
  <textarea id="caption" name="caption" rows="4">A &lt;b&gt; caption&#39;s</textarea>
  <input type="checkbox" id="t-a" name="themes" value="a" checked><label>a</label>
  <input type="checkbox" id="t-b" name="themes" value="b"><label>b</label>
  <select name="licence"><option value="cc-by">x</option></select>
</form><form action="/other"><input name="x" value="y"></form>"#;
        let fields = form_fields(html, "/e/1").unwrap_or_default();
        let want: Vec<(String, String)> = [
            ("csrf", "ab12"),
            ("title", "Bags & \"boxes\""),
            ("provenance", "I"),
            ("caption", "A <b> caption's"),
            ("themes", "a"),
            ("licence", "cc-by"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(fields, want);
        assert_eq!(value_of(html, "csrf").as_deref(), Some("ab12"));
    }

    #[test]
    fn api_urls_become_paths() {
        assert_eq!(
            path_of("http://127.0.0.1:8080/media/ab.jpg"),
            "/media/ab.jpg"
        );
        assert_eq!(path_of("/s/entries/x"), "/s/entries/x");
        assert_eq!(path_of("http://host"), "/");
    }
}
