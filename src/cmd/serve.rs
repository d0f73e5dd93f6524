//! `vitrine serve`: the public web site. With an empty data folder it first
//! imports and publishes the bundled demo study, so a fresh clone shows a
//! gallery with one command.

use super::Outcome;
use crate::app::App;
use crate::app::demo::ensure_demo;
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
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn run(app: App, args: ServeArgs) -> anyhow::Result<Outcome> {
    if !args.no_demo && ensure_demo(&app).await? {
        println!("The data folder was empty: imported and published the demo study.");
    }
    warn_if_others_can_read(&app.settings.data);
    let listen = app.settings.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}; is another program using it? Try --listen 127.0.0.1:8081"))?;
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
    let served = axum::serve(
        listener,
        crate::web::router(app).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("the web server stopped");
    worker.abort();
    served?;
    Ok(Outcome::Ok)
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
