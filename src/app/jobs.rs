//! Background work: durable jobs in the database, run by every `vitrine serve`.
//!
//! Any instance may claim any job (see `vitrine_store::jobs`); a job whose
//! instance died is claimed again when its lease runs out, so jobs are written
//! to be idempotent. Failures are retried with exponential backoff, then left
//! as `failed` with their error for a person to read (`vitrine jobs`).
//!
//! Jobs today:
//! - `gc_blobs` (queued daily): removes blobs no row refers to, left by an
//!   import that was killed part-way ([`crate::app::gc`]).
//! - `cdn_purge` (queued whenever content is taken down, if `purge_webhook` is
//!   set): POSTs `{"paths": [...], "reason": "..."}` to the webhook so a CDN
//!   can drop its copies of pages and media that are gone.
//! - `webp_derivatives` (queued by every import and upload, and hourly as a
//!   safety net): makes the WebP versions of new images after their JPEGs, and
//!   adds them to the latest Releases that show those images.
//! - `face_suggestions` (queued with the WebP job, and hourly as a safety
//!   net): looks for faces in participants' photos nobody has looked at yet,
//!   so the checklist can warn the reviewer ([`crate::app::faces`]).
//! - `consent_expiry` (queued hourly by the workers themselves): takes down
//!   published entries whose participant's consent no longer covers web
//!   publication (expired or withdrawn), by writing a new Release that keeps
//!   everything else as it was and adds nothing (ETH-07).
//! - `export_zip` (queued from the workspace's exports page): writes a static
//!   site or an archive of a Release as a ZIP to download, with progress
//!   ([`crate::app::exports::downloads`]).

use crate::app::App;
use crate::app::publish::load;
use anyhow::Context;
use std::collections::HashMap;
use std::time::Duration;
use vitrine_core::{ConsentScope, ReleaseEntry};
use vitrine_store::{Job, now_ms};

/// The consent-expiry job's kind.
pub const CONSENT_EXPIRY: &str = "consent_expiry";
/// The orphan-blob sweep's kind.
pub const GC_BLOBS: &str = "gc_blobs";
/// The CDN purge notification's kind.
pub const CDN_PURGE: &str = "cdn_purge";
/// The kind of the job that makes the WebP versions of new images.
pub const WEBP_DERIVATIVES: &str = "webp_derivatives";
/// The kind of the job that looks for faces in new participants' photos.
pub const FACE_SUGGESTIONS: &str = "face_suggestions";
/// Photos one face job looks at before handing the rest to a new job.
const FACES_BATCH: i64 = 10;
/// Images one WebP job handles before handing the rest to a new job.
const WEBP_BATCH: i64 = 20;
/// How long a claim lasts before another instance may take the job over,
/// unless `VITRINE_JOB_LEASE_SECS` says otherwise (tests shorten it).
const LEASE: Duration = Duration::from_secs(300);

fn lease() -> Duration {
    std::env::var("VITRINE_JOB_LEASE_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(LEASE, Duration::from_secs)
}
/// Claims after which a failing job is left as failed.
const MAX_ATTEMPTS: u32 = 6;
/// How long an idle worker waits before looking again.
const IDLE: Duration = Duration::from_secs(2);

/// A name for this worker that no other instance shares.
pub fn worker_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("vitrine-{}-{nanos:08x}", std::process::id())
}

/// Runs jobs until the task is dropped.
pub async fn run_worker(app: App, worker: String) {
    let lease = lease();
    tracing::info!(
        worker,
        lease_secs = lease.as_secs(),
        "background worker started"
    );
    loop {
        if let Err(e) = schedule(&app).await {
            tracing::error!(error = %format!("{e:#}"), "cannot queue scheduled jobs");
        }
        match app.store.claim_job(&worker, lease).await {
            Ok(Some(job)) => run_claimed(&app, &worker, job).await,
            Ok(None) => tokio::time::sleep(IDLE).await,
            Err(e) => {
                tracing::error!(error = %e, "cannot claim a job");
                tokio::time::sleep(IDLE * 5).await;
            }
        }
    }
}

/// Queues the periodic jobs; the dedupe key makes it once per hour however
/// many instances ask.
pub async fn schedule(app: &App) -> anyhow::Result<()> {
    let hour = now_ms() / 3_600_000;
    let periodic = [
        (CONSENT_EXPIRY, format!("{CONSENT_EXPIRY}:{hour}")),
        (GC_BLOBS, format!("{GC_BLOBS}:{}", hour / 24)),
        // A safety net: an import queues its own WebP job, but an instance
        // that died before doing so leaves images waiting.
        (WEBP_DERIVATIVES, format!("{WEBP_DERIVATIVES}:{hour}")),
        (FACE_SUGGESTIONS, format!("{FACE_SUGGESTIONS}:{hour}")),
    ];
    for (kind, key) in periodic {
        app.store
            .enqueue_job(kind, "{}", Some(&key), now_ms())
            .await?;
    }
    Ok(())
}

/// Runs one claimed job and records how it went.
pub async fn run_claimed(app: &App, worker: &str, job: Job) {
    let started = std::time::Instant::now();
    let result = match job.kind.as_str() {
        CONSENT_EXPIRY => consent_expiry(app).await.map(|_| ()),
        GC_BLOBS => crate::app::gc::sweep(app, crate::app::gc::DEFAULT_MIN_AGE)
            .await
            .map(|_| ()),
        CDN_PURGE => cdn_purge(app, &job.payload).await,
        vitrine_store::EXPORT_ZIP => {
            crate::app::exports::downloads::run_job(app, &job.payload).await
        }
        WEBP_DERIVATIVES => {
            let done = encode_pending_webp(app, WEBP_BATCH).await;
            in_batches(app, WEBP_DERIVATIVES, WEBP_BATCH, done).await
        }
        FACE_SUGGESTIONS => {
            let done = crate::app::faces::look_for_pending(app, FACES_BATCH).await;
            in_batches(app, FACE_SUGGESTIONS, FACES_BATCH, done).await
        }
        other => Err(anyhow::anyhow!("unknown job kind \"{other}\"")),
    };
    let duration_ms = started.elapsed().as_millis();
    let recorded = match result {
        Ok(()) => {
            tracing::info!(job.id = job.id, job.kind = %job.kind, duration_ms, "job done");
            app.store.complete_job(job.id, worker).await.map(|_| ())
        }
        Err(e) => {
            let retry_at = (job.attempts < MAX_ATTEMPTS)
                .then(|| now_ms() + 10_000 * 2_i64.pow(job.attempts.min(16)));
            tracing::warn!(job.id = job.id, job.kind = %job.kind, attempts = job.attempts, error = %format!("{e:#}"), "job failed");
            app.store
                .fail_job(job.id, worker, &format!("{e:#}"), retry_at)
                .await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(job.id = job.id, error = %e, "cannot record a job's outcome; it will run again");
    }
}

/// After a batch job handled `done` items of at most `batch`: when the batch
/// was full there may be more, so a fresh job of `kind` takes them and other
/// jobs get a turn.
async fn in_batches(
    app: &App,
    kind: &str,
    batch: i64,
    done: anyhow::Result<usize>,
) -> anyhow::Result<()> {
    if done? == usize::try_from(batch).unwrap_or(usize::MAX) {
        queue(app, kind).await;
    }
    Ok(())
}

/// Queues the work new images need (after an import, upload or redaction):
/// their WebP versions, then a look for faces in participants' photos.
pub async fn queue_image_jobs(app: &App) {
    queue(app, WEBP_DERIVATIVES).await;
    queue(app, FACE_SUGGESTIONS).await;
}

/// Queues a job of `kind` now. A failure is logged, not returned: the hourly
/// safety net queues it again.
async fn queue(app: &App, kind: &str) {
    if let Err(e) = app.store.enqueue_job(kind, "{}", None, now_ms()).await {
        tracing::warn!(error = %e, kind, "cannot queue a job; the hourly run will pick the images up");
    }
}

/// Makes the WebP versions of up to `max` images that still need them and adds
/// them to the Releases that show those images. Returns how many images it
/// handled. Idempotent: files are content-addressed and rows are added once.
pub async fn encode_pending_webp(app: &App, max: i64) -> anyhow::Result<usize> {
    let pending = app
        .store
        .images_pending_webp(max)
        .await
        .context("cannot list images waiting for WebP versions")?;
    for (image, sha256) in &pending {
        let original = app
            .blobs
            .get(&vitrine_store::BlobKey::Original(sha256.clone()))
            .await
            .context("cannot read an original")?;
        let derivatives = match original {
            // Gone (withdrawn meanwhile): nothing to make.
            None => Vec::new(),
            Some(bytes) => match crate::app::ingest::encode_webp(app, bytes.to_vec()).await {
                Ok(d) => d,
                Err(crate::app::ingest::IngestError::Media(e)) => {
                    tracing::warn!(image = %image, error = %e, "no WebP versions for this image; it is served as JPEG");
                    Vec::new()
                }
                Err(e) => {
                    return Err(anyhow::Error::new(e).context("cannot make WebP versions"));
                }
            },
        };
        app.store
            .add_webp_variants(*image, &derivatives)
            .await
            .context("cannot record WebP versions")?;
    }
    Ok(pending.len())
}

/// Takes down, in every study, the published entries whose participant's
/// consent no longer covers web publication today. Returns how many entries
/// were taken down. Idempotent: a second run finds nothing to do.
pub async fn consent_expiry(app: &App) -> anyhow::Result<usize> {
    let now = time::OffsetDateTime::now_utc();
    let mut removed = 0;
    for (slug, id, _) in app
        .store
        .latest_release_refs()
        .await
        .context("cannot list Releases")?
        .iter()
    {
        let Some(release) = app
            .store
            .find_release(*id)
            .await
            .context("cannot read a Release")?
        else {
            continue;
        };
        let Some(study) = app
            .store
            .find_study_by_slug(slug)
            .await
            .context("cannot read the study")?
        else {
            continue;
        };
        let content = load(app, &study).await.map_err(anyhow::Error::new)?;
        let consent_by_pseudonym: HashMap<&str, Option<&vitrine_core::Consent>> = content
            .participants
            .iter()
            .map(|p| (p.pseudonym.as_str(), content.consents.get(&p.id)))
            .collect();
        let keep = |entry: &ReleaseEntry| {
            consent_by_pseudonym
                .get(entry.pseudonym.as_str())
                .copied()
                .flatten()
                .is_some_and(|c| c.covers(ConsentScope::Web, now.date()).is_ok())
        };
        let lapsed = release.entries().filter(|e| !keep(e)).count();
        if lapsed == 0 {
            continue;
        }
        let version = app.store.next_release_version(content.study.id).await?;
        let mut next = release.keeping(keep, version, now);
        next.changelog = vitrine_core::changes(Some(&release), &next).public_lines(&next);
        let slugs: Vec<_> = app
            .store
            .release_entries(*id)
            .await
            .context("cannot read which entries a Release shows")?
            .into_iter()
            .filter(|(_, slug)| next.find_entry(slug).is_some())
            .collect();
        let event = vitrine_store::AuditEvent {
            actor: "consent expiry job".into(),
            action: "release.publish".into(),
            subject: format!("release {version}"),
            after: Some(serde_json::json!({
                "version": version,
                "entries": next.entry_count(),
                "taken_down": lapsed,
            })),
            ..Default::default()
        };
        app.store
            .insert_release(content.study.id, &next, &slugs, &event)
            .await
            .context("cannot save the Release")?;
        queue_purge(app, slug, &release, &next, "participant consent lapsed").await?;
        tracing::info!(study = %slug, version, entries_removed = lapsed, "consent lapsed: published a Release without those entries");
        removed += lapsed;
    }
    Ok(removed)
}

/// The public paths that `before` served and `after` no longer does, plus the
/// study's pages that list entries.
pub fn gone_paths(
    slug: &str,
    before: &vitrine_core::Release,
    after: &vitrine_core::Release,
) -> Vec<String> {
    let kept_entries: std::collections::HashSet<&str> =
        after.entries().map(|e| e.slug.as_str()).collect();
    let kept_media: std::collections::HashSet<&str> = after.media_keys().collect();
    let mut media: Vec<&str> = before
        .media_keys()
        .filter(|k| !kept_media.contains(k))
        .collect();
    media.sort_unstable();
    media.dedup();
    let prompts = before.prompts.iter().filter(|p| {
        p.entries
            .iter()
            .any(|e| !kept_entries.contains(e.slug.as_str()))
    });
    vitrine_core::paths::purge_paths(
        slug,
        prompts.map(|p| p.slug.as_str()),
        before
            .entries()
            .filter(|e| !kept_entries.contains(e.slug.as_str()))
            .map(|e| e.slug.as_str()),
        media,
    )
}

/// Queues a CDN purge of what `after` took down, when a webhook is set.
async fn queue_purge(
    app: &App,
    slug: &str,
    before: &vitrine_core::Release,
    after: &vitrine_core::Release,
    reason: &str,
) -> anyhow::Result<()> {
    if app.settings.purge_webhook.is_none() {
        return Ok(());
    }
    let payload = serde_json::json!({ "paths": gone_paths(slug, before, after), "reason": reason });
    app.store
        .enqueue_job(CDN_PURGE, &payload.to_string(), None, now_ms())
        .await?;
    Ok(())
}

/// Sends a queued purge to the webhook; any answer but 2xx is an error, so the
/// job is retried.
async fn cdn_purge(app: &App, payload: &str) -> anyhow::Result<()> {
    let Some(url) = &app.settings.purge_webhook else {
        tracing::warn!("a CDN purge was queued but no purge_webhook is set any more; dropping it");
        return Ok(());
    };
    let body: serde_json::Value = serde_json::from_str(payload).context("purge payload")?;
    let response = reqwest::Client::new()
        .post(url)
        .timeout(Duration::from_secs(30))
        .json(&body)
        .send()
        .await
        .with_context(|| format!("cannot reach the purge webhook {url}"))?;
    anyhow::ensure!(
        response.status().is_success(),
        "the purge webhook answered {}",
        response.status()
    );
    Ok(())
}

/// The most recently changed background jobs, at most `limit`.
pub async fn recent(app: &App, limit: i64) -> vitrine_store::Result<Vec<vitrine_store::JobStatus>> {
    app.store.list_jobs(limit).await
}
