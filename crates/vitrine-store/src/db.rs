//! Opening the database named by a URL and running its embedded migrations.

use crate::{Result, StoreError};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// The relational store. Cheap to clone (a pool handle).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
}

impl Store {
    /// Opens (creating if needed) the database at `url` and migrates it.
    ///
    /// `sqlite://PATH` is built in; any other scheme is refused with a clear
    /// message rather than guessed at.
    pub async fn open(url: &str) -> Result<Self> {
        install_default_drivers();
        let url = normalise_url(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    // Foreign keys are per connection in SQLite; WAL lets readers and
                    // one writer work at once; the busy timeout makes writers wait
                    // rather than fail when two processes meet.
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                        .await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        pool.execute("PRAGMA journal_mode = WAL;").await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// Checks the scheme and asks SQLite to create the file when missing.
fn normalise_url(url: &str) -> Result<String> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Err(StoreError::UnsupportedUrl(url.to_owned()));
    };
    if rest.contains("mode=") {
        Ok(url.to_owned())
    } else if rest.contains('?') {
        Ok(format!("{url}&mode=rwc"))
    } else {
        Ok(format!("{url}?mode=rwc"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_schemes_are_refused_not_guessed() {
        assert!(matches!(
            normalise_url("mysql://x"),
            Err(StoreError::UnsupportedUrl(_))
        ));
        assert!(matches!(
            normalise_url("/tmp/x.db"),
            Err(StoreError::UnsupportedUrl(_))
        ));
    }

    #[test]
    fn sqlite_urls_create_the_file() {
        assert_eq!(
            normalise_url("sqlite:///tmp/a.db").ok().as_deref(),
            Some("sqlite:///tmp/a.db?mode=rwc")
        );
    }
}
