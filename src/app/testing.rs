//! Opening an `App` for a test on the backends CI asks for.
//!
//! By default a test gets SQLite and a blob folder in its own temporary data
//! folder. When `VITRINE_TEST_DATABASE_URL` names a PostgreSQL server (a URL
//! whose user may create databases), each call creates a fresh database there;
//! when `VITRINE_TEST_BLOBS_URL` names an S3 bucket, each call gets its own
//! prefix in it. So the same tests prove both backends. Not for production
//! use: compiled only with the `test-support` feature, which the package's
//! dev-dependency on itself turns on for test builds (see `tests/ops/release_build.rs`).

use crate::app::App;
use crate::settings::Settings;
use anyhow::Context;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name no other test (in this or another process) will pick.
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// Settings for a test whose data folder is `dir`, on the backends the
/// environment names.
pub async fn settings(dir: &Path) -> anyhow::Result<Settings> {
    let mut settings = Settings::for_data_dir(dir);
    if let Ok(server) = std::env::var("VITRINE_TEST_DATABASE_URL") {
        settings.database = Some(create_database(&server).await?);
    }
    if let Ok(bucket) = std::env::var("VITRINE_TEST_BLOBS_URL") {
        settings.blobs = Some(format!(
            "{}/{}",
            bucket.trim_end_matches('/'),
            unique("test")
        ));
    }
    Ok(settings)
}

/// Opens an app for a test (see the module docs).
pub async fn open(dir: &Path) -> anyhow::Result<App> {
    App::open(settings(dir).await?).await
}

/// Settings for a writable copy, in data folder `dir` (into which the caller
/// has copied the template's data folder), of the app whose settings are
/// `template` and which nobody uses any more: on PostgreSQL a new database
/// made from the template's (`CREATE DATABASE … TEMPLATE`), on S3 a new
/// prefix holding a copy of every blob. Much quicker than importing again.
pub async fn copy_of(template: &Settings, dir: &Path) -> anyhow::Result<Settings> {
    let mut settings = Settings::for_data_dir(dir);
    if let Some(url) = &template.database {
        let name = url
            .split('?')
            .next()
            .and_then(|base| base.rsplit('/').next())
            .context("the template database URL names no database")?;
        // Connected to the server's own database, not the template: a
        // template may have no other connections while it is copied.
        let server = std::env::var("VITRINE_TEST_DATABASE_URL").unwrap_or_else(|_| url.clone());
        settings.database = Some(create_database_from(&server, Some(name)).await?);
    }
    if let (Some(from), Ok(bucket)) = (&template.blobs, std::env::var("VITRINE_TEST_BLOBS_URL")) {
        let to = format!("{}/{}", bucket.trim_end_matches('/'), unique("test"));
        let source = vitrine_store::Blobs::open(from, &template.s3)?;
        let target = vitrine_store::Blobs::open(&to, &settings.s3)?;
        for (key, _) in source.list_all().await? {
            if let Some(bytes) = source.get(&key).await? {
                target.put(&key, bytes.to_vec()).await?;
            }
        }
        settings.blobs = Some(to);
    }
    Ok(settings)
}

/// Creates a fresh database on the server `url` points at and returns its URL.
async fn create_database(url: &str) -> anyhow::Result<String> {
    create_database_from(url, None).await
}

/// Creates a fresh database on the server `url` points at, as a copy of
/// database `template` if given, and returns its URL.
async fn create_database_from(url: &str, template: Option<&str>) -> anyhow::Result<String> {
    use sqlx::Connection;
    let name = unique("vitrine_test");
    let mut conn = sqlx::PgConnection::connect(url).await.with_context(|| {
        format!(
            "cannot reach the test database server {}",
            vitrine_store::redact(url)
        )
    })?;
    let from = template
        .filter(|t| t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .map(|t| format!(" TEMPLATE {t}"))
        .unwrap_or_default();
    // A template's last connections may take a moment to end after its
    // pool closed ("being accessed by other users"): try again briefly.
    let mut tries = 0;
    loop {
        match sqlx::query(&format!("CREATE DATABASE {name}{from}"))
            .execute(&mut conn)
            .await
        {
            Ok(_) => break,
            Err(e) if tries < 50 && !from.is_empty() && e.to_string().contains("other users") => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => return Err(anyhow::Error::new(e).context("cannot create a test database")),
        }
    }
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    Ok(match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    })
}
