//! Opening the database named by a URL and running its embedded migrations.
//!
//! `sqlite://PATH` (embedded, the default) and `postgres://…` are built in.
//! Each backend has its own forward-only migrations, embedded in the binary;
//! both end with the same logical schema (a test compares them). On PostgreSQL
//! sqlx takes an advisory lock while migrating, so several instances may start
//! at once.

use crate::{Result, StoreError};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// Which database a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, in a file in the data folder.
    Sqlite,
    /// PostgreSQL, shared by any number of instances.
    Postgres,
}

impl Backend {
    /// The backend a URL names, or an error saying what is accepted.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact(url)))
        }
    }
}

/// The relational store. Cheap to clone (a pool handle).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// What the public side last asked, held for a short lease (`lease.rs`).
    pub(crate) leases: std::sync::Arc<crate::lease::Leases>,
}

impl Store {
    /// Opens the database at `url`, creating a SQLite file if needed, and
    /// migrates it. Any other scheme is refused with a clear message rather
    /// than guessed at.
    pub async fn open(url: &str) -> Result<Self> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let store = match backend {
            Backend::Sqlite => Self::open_sqlite(url).await?,
            Backend::Postgres => Self::open_postgres(url).await?,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn open_sqlite(url: &str) -> Result<Self> {
        create_private_sqlite_file(url);
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    // Foreign keys are per connection in SQLite; the busy timeout
                    // makes writers wait rather than fail when two tasks meet.
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                        .await?;
                    Ok(())
                })
            })
            .connect(&sqlite_create_url(url))
            .await?;
        // WAL lets readers and one writer work at once. It is stored in the
        // file, so only the first process to open it switches; switching needs
        // a moment with no writer, so another process starting at the same
        // time waits and tries again.
        let mut attempt = 1;
        loop {
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&pool)
                .await?;
            if mode.eq_ignore_ascii_case("wal") {
                break;
            }
            match pool.execute("PRAGMA journal_mode = WAL;").await {
                Ok(_) => break,
                Err(e) if attempt < 10 => {
                    tracing::debug!(error = %e, attempt, "could not switch to WAL yet; retrying");
                    tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Self {
            pool,
            backend: Backend::Sqlite,
            leases: Default::default(),
        })
    }

    async fn open_postgres(url: &str) -> Result<Self> {
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        Ok(Self {
            pool,
            backend: Backend::Postgres,
            leases: Default::default(),
        })
    }

    /// Applies any migrations not yet applied. Safe to call repeatedly, and
    /// from several processes at once: PostgreSQL serialises them with an
    /// advisory lock; on SQLite a process that loses the race (its migration
    /// transaction fails because another just applied it) waits and tries
    /// again, and then finds nothing left to do.
    pub async fn migrate(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::migrate!("./migrations/postgres")
                .run(&self.pool)
                .await?;
            return Ok(());
        }
        let mut attempt = 1;
        loop {
            match sqlx::migrate!("./migrations/sqlite").run(&self.pool).await {
                Ok(()) => return Ok(()),
                Err(e) if attempt < 10 => {
                    tracing::debug!(error = %e, attempt, "migration raced another process; retrying");
                    tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Which backend this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection and waits until they are closed, so a SQLite
    /// database has checkpointed its write-ahead log into the file when this
    /// returns (a copy of the folder made afterwards is complete).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates a missing SQLite file readable by this user only (0600), whatever
/// the umask; SQLite then gives its `-wal` and `-shm` files the same mode. If
/// this fails (no such folder, say), opening the database reports why.
fn create_private_sqlite_file(url: &str) {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || rest.contains("mode=memory") {
        return;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    // An existing file is left as it is.
    let _ = options.open(path);
}

/// Asks SQLite to create the file when missing.
fn sqlite_create_url(url: &str) -> String {
    let rest = url.trim_start_matches("sqlite:");
    if rest.contains("mode=") {
        url.to_owned()
    } else if rest.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_schemes_are_refused_not_guessed() {
        assert!(matches!(
            Backend::from_url("mysql://x"),
            Err(StoreError::UnsupportedUrl(_))
        ));
        assert!(matches!(
            Backend::from_url("/tmp/x.db"),
            Err(StoreError::UnsupportedUrl(_))
        ));
        assert_eq!(
            Backend::from_url("postgresql://h/db").ok(),
            Some(Backend::Postgres)
        );
    }

    #[test]
    fn sqlite_urls_create_the_file() {
        assert_eq!(
            sqlite_create_url("sqlite:///tmp/a.db"),
            "sqlite:///tmp/a.db?mode=rwc"
        );
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/v"),
            "postgres://app:***@db:5432/v"
        );
        assert_eq!(redact("sqlite:///x.db"), "sqlite:///x.db");
    }
}
