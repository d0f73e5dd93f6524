//! The HTTP server under the router: an accept loop over hyper's HTTP/1.1
//! connections with the limits that let Vitrine face the internet without a
//! reverse proxy (`[server]` settings):
//!
//! - a client has `header_timeout` to send a request's headers, and an idle
//!   kept-alive connection is closed after the same time, so a connection that
//!   never finishes its headers cannot stay open;
//! - a request body may pause at most `body_timeout` between two pieces; after
//!   that the request is refused with a 4xx;
//! - one client address may hold at most `max_connections_per_address`
//!   connections; more are closed at once (addresses in
//!   `connection_cap_exempt`, by default this machine's, where a reverse proxy
//!   connects from, are not counted).
//!
//! The address counted is the TCP peer's. Shutdown is graceful: the loop stops
//! accepting, in-flight requests finish, idle connections close.

use crate::settings::ServerSettings;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// How long shutdown waits for requests in flight before giving up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `stop` turns true, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    settings: &ServerSettings,
    mut stop: watch::Receiver<bool>,
) {
    let router = router.layer(RequestBodyTimeoutLayer::new(settings.body_timeout));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    let slots = Slots::new(settings.clone());
    let graceful = GracefulShutdown::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stopped(&mut stop) => break,
        };
        let Some(slot) = slots.take(peer.ip()) else {
            drop(stream);
            continue;
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(Body::new))
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Timeouts and clients that hang up end up here: not our error.
                tracing::debug!(error = %e, peer = %peer, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after {SHUTDOWN_GRACE:?}; stopping anyway");
    }
}

/// Returns once `stop` is true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: drop it here.
    let _ = stop.wait_for(|stop| *stop).await.map(|_| ());
}

/// Open connections per client address.
#[derive(Clone)]
struct Slots {
    settings: Arc<ServerSettings>,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One open connection, counted until dropped (`ip` is `None` for an address
/// the cap skips).
struct Slot {
    slots: Slots,
    ip: Option<IpAddr>,
}

impl Slots {
    fn new(settings: ServerSettings) -> Self {
        Self {
            settings: Arc::new(settings),
            open: Arc::default(),
        }
    }

    /// A slot for a connection from `ip`, or `None` when it already holds the
    /// most it may (logged once each time the address reaches the cap).
    fn take(&self, ip: IpAddr) -> Option<Slot> {
        let ip = ip.to_canonical();
        if self.settings.exempt_from_cap(ip) {
            return Some(Slot {
                slots: self.clone(),
                ip: None,
            });
        }
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(ip).or_insert(0);
        let cap = self.settings.max_connections_per_address;
        if *count >= cap {
            tracing::debug!(peer = %ip, cap, "refused a connection: the address holds the most it may");
            return None;
        }
        *count += 1;
        if *count == cap {
            tracing::warn!(
                peer = %ip,
                cap,
                "an address holds as many connections as it may; more are refused \
                 (server.max_connections_per_address, server.connection_cap_exempt)"
            );
        }
        Some(Slot {
            slots: self.clone(),
            ip: Some(ip),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(ip) = self.ip else { return };
        let mut open = self
            .slots
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&ip);
            }
        }
    }
}
