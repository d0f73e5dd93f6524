//! `vitrine serve`: the public web site. With an empty data folder it first
//! imports and publishes the bundled demo study, so a fresh clone shows a
//! gallery with one command.

use super::Outcome;
use crate::app::App;
use crate::app::demo::ensure_demo;
use crate::settings::RawServer;
use crate::web::Metrics;
use anyhow::Context;
use clap::Args;

/// Arguments of `vitrine serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "VITRINE_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// Do not import and publish the demo study into an empty data folder (for
    /// production deployments).
    #[arg(long, env = "VITRINE_NO_DEMO")]
    pub no_demo: bool,
    /// Server limits and the metrics listener.
    #[command(flatten)]
    pub server: ServerArgs,
}

/// The `[server]` settings as flags (see docs/deploy.md).
#[derive(Args, Debug)]
pub struct ServerArgs {
    /// Seconds a client has to send a request's headers; an idle kept-alive
    /// connection is also closed after this [default: 15].
    #[arg(long, env = "VITRINE_HEADER_TIMEOUT_SECS", value_name = "SECONDS")]
    pub header_timeout_secs: Option<u64>,
    /// Longest pause, in seconds, between two pieces of a request body before
    /// the request is refused [default: 30].
    #[arg(long, env = "VITRINE_BODY_TIMEOUT_SECS", value_name = "SECONDS")]
    pub body_timeout_secs: Option<u64>,
    /// Most connections one client address may hold open [default: 64].
    #[arg(long, env = "VITRINE_MAX_CONNECTIONS_PER_ADDRESS", value_name = "N")]
    pub max_connections_per_address: Option<u32>,
    /// Addresses or networks the connection cap skips, comma-separated; empty
    /// for none [default: 127.0.0.0/8,::1/128].
    #[arg(long, env = "VITRINE_CONNECTION_CAP_EXEMPT", value_name = "LIST", value_delimiter = ',', num_args = 0..)]
    pub connection_cap_exempt: Option<Vec<String>>,
    /// A separate address and port serving only /metrics (the public
    /// listener then answers 404 for it) [default: none].
    #[arg(long, env = "VITRINE_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<String>,
    /// Addresses or networks that may read /metrics on the public listener
    /// when there is no metrics listener, comma-separated
    /// [default: 127.0.0.0/8,::1/128].
    #[arg(long, env = "VITRINE_METRICS_ALLOW", value_name = "LIST", value_delimiter = ',', num_args = 0..)]
    pub metrics_allow: Option<Vec<String>>,
}

impl ServerArgs {
    /// The flags as a settings layer.
    pub fn raw(&self) -> RawServer {
        RawServer {
            header_timeout_secs: self.header_timeout_secs,
            body_timeout_secs: self.body_timeout_secs,
            max_connections_per_address: self.max_connections_per_address,
            connection_cap_exempt: self.connection_cap_exempt.clone(),
            metrics_listen: self.metrics_listen.clone(),
            metrics_allow: self.metrics_allow.clone(),
        }
    }
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn run(app: App, args: ServeArgs) -> anyhow::Result<Outcome> {
    if !args.no_demo && ensure_demo(&app).await? {
        println!("The data folder was empty: imported and published the demo study.");
    }
    warn_if_others_can_read(&app.settings.data);
    let listen = app.settings.listen;
    let server = app.settings.server.clone();
    let metrics = Metrics::new();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // Bound before the public listener, so a script that waits for the
    // public address finds the metrics one already open.
    let metrics_server = match server.metrics_listen {
        Some(addr) => {
            let listener = bind(addr, "--metrics-listen 127.0.0.1:9091").await?;
            println!(
                "Metrics for Prometheus at http://{}/metrics",
                listener.local_addr()?
            );
            let router = crate::web::metrics_router(&metrics);
            let (server, stopped) = (server.clone(), stopped.clone());
            Some(tokio::spawn(async move {
                crate::web::server::serve(listener, router, &server, stopped).await;
            }))
        }
        None => None,
    };
    let listener = bind(listen, "--listen 127.0.0.1:8081").await?;
    println!(
        "Vitrine is serving the galleries at http://{}/ (Ctrl-C to stop)",
        listener.local_addr()?
    );
    // Background jobs run beside the server; a job cut off by shutdown is
    // claimed again by this or another instance when its lease runs out.
    let worker = tokio::spawn(crate::app::jobs::run_worker(
        app.clone(),
        crate::app::jobs::worker_name(),
    ));
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    crate::web::server::serve(listener, crate::web::site(app, &metrics), &server, stopped).await;
    if let Some(metrics_server) = metrics_server {
        let _ = metrics_server.await;
    }
    worker.abort();
    Ok(Outcome::Ok)
}

async fn bind(addr: std::net::SocketAddr, other: &str) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr}; is another program using it? Try {other}")
    })
}

/// The data folder holds the database, the identity key and participants'
/// originals; Vitrine creates it 0700, but one made by hand may be open.
fn warn_if_others_can_read(data: &std::path::Path) {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(data) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o007 != 0 {
            tracing::warn!(
                "the data folder {} can be read by other users of this machine (mode {mode:o}); \
                 it holds the database and participants' original photos: run chmod 700 {}",
                data.display(),
                data.display()
            );
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => tracing::error!(error = %e, "cannot listen for SIGTERM"),
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
