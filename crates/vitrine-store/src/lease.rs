//! Short leases on the two questions the public side asks on every request:
//! which Release of each study is current, and whether a media key is shown.
//!
//! Asking the database every time costs a round trip (on SQLite, two thread
//! switches to its worker), which was most of a cached page's latency. So each
//! [`Store`](crate::Store) keeps an answer for at most [`LEASE`], timed from
//! *before* it asked; and every write that changes what is public
//! ([`outlast`]) waits that long, and a margin, after its commit before it
//! returns. An answer that missed the write was asked for before the commit,
//! so it has expired by the time the write returns, in every process on the
//! database: when a withdrawal returns, no instance serves the entry again.
//! Nothing needs to know the other processes, so the rule holds for any
//! number of instances on either backend, and for the CLI writing beside a
//! running server. The price is that a publish or a withdrawal takes a
//! quarter of a second longer.

use crate::Result;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vitrine_core::ReleaseId;

/// How long a process may answer from what it last read.
pub const LEASE: Duration = Duration::from_millis(250);

/// What a write waits beyond [`LEASE`]: room for clocks of different machines
/// running at slightly different rates, and for the timer's own slack.
const MARGIN: Duration = Duration::from_millis(25);

/// Media keys held at most; past this the held answers start again.
const MAX_MEDIA: usize = 10_000;

/// The current Release of every study that has one, with its id and revision,
/// as [`crate::Store::latest_release_refs`] answers.
pub type ReleaseRefs = Arc<[(String, ReleaseId, i64)]>;

/// One process's leased answers. Shared by every clone of a store.
#[derive(Debug, Default)]
pub(crate) struct Leases {
    refs: Mutex<Option<(Instant, ReleaseRefs)>>,
    /// Held while the refs are read again, so that the requests arriving
    /// meanwhile wait for that one read rather than each making their own.
    reading: tokio::sync::Mutex<()>,
    /// Media keys found shown, with when they were asked about.
    shown: Mutex<HashMap<String, Instant>>,
}

impl Leases {
    /// The current Releases: as held, while the lease lasts, else from `read`.
    pub(crate) async fn refs<F>(&self, read: impl FnOnce() -> F) -> Result<ReleaseRefs>
    where
        F: Future<Output = Result<Vec<(String, ReleaseId, i64)>>>,
    {
        if let Some(refs) = self.held_refs() {
            return Ok(refs);
        }
        let _turn = self.reading.lock().await;
        if let Some(refs) = self.held_refs() {
            return Ok(refs);
        }
        let asked = Instant::now();
        let refs: ReleaseRefs = read().await?.into();
        if let Ok(mut held) = self.refs.lock() {
            *held = Some((asked, refs.clone()));
        }
        Ok(refs)
    }

    fn held_refs(&self) -> Option<ReleaseRefs> {
        let held = self.refs.lock().ok()?;
        let (asked, refs) = held.as_ref()?;
        (asked.elapsed() < LEASE).then(|| refs.clone())
    }

    /// Whether media `key` is shown: `true` as held while the lease lasts,
    /// else from `read` (only a yes is held: a no is rare, and cheap to ask).
    pub(crate) async fn shown<F>(&self, key: &str, read: impl FnOnce() -> F) -> Result<bool>
    where
        F: Future<Output = Result<bool>>,
    {
        let held = self
            .shown
            .lock()
            .ok()
            .and_then(|shown| shown.get(key).copied());
        if held.is_some_and(|asked| asked.elapsed() < LEASE) {
            return Ok(true);
        }
        let asked = Instant::now();
        let shown = read().await?;
        if shown && let Ok(mut held) = self.shown.lock() {
            if held.len() >= MAX_MEDIA {
                held.retain(|_, asked| asked.elapsed() < LEASE);
            }
            if held.len() < MAX_MEDIA {
                held.insert(key.to_owned(), asked);
            }
        }
        Ok(shown)
    }
}

/// Waits out every lease that could have missed a write just committed: what
/// each write that changes what is public does before it returns.
pub(crate) async fn outlast() {
    tokio::time::sleep(LEASE + MARGIN).await;
}
