//! The command line: arguments (clap), one file per subcommand, exit codes.
//!
//! Exit codes mean something, so scripts can rely on them: 0 success, 1 a check
//! or validation failed (the output says what to fix), 2 any other error.

mod admin;
mod bench;
mod bench_export;
mod bench_publish;
mod bench_scale;
mod bench_serve;
mod bench_signin;
mod check;
mod export;
mod import;
mod jobs;
mod measure;
mod progress;
mod publish;
mod serve;

use crate::app::App;
use crate::settings::{RawImageLimits, RawSettings, Settings};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Publish privacy-safe, accessible galleries from photo-elicitation and
/// photovoice research.
#[derive(Parser, Debug)]
#[command(name = "vitrine", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Settings every subcommand takes.
#[derive(Args, Debug)]
struct GlobalArgs {
    /// Data folder: the database and image files live here.
    #[arg(long, global = true, env = "VITRINE_DATA", value_name = "DIR")]
    data: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DB
    /// [default: SQLite in the data folder].
    #[arg(long, global = true, env = "VITRINE_DATABASE_URL", value_name = "URL")]
    database: Option<String>,
    /// Blob store URL: file:///ABSOLUTE/DIR or s3://BUCKET/PREFIX (endpoint,
    /// region and keys from the settings file or the usual AWS_* variables)
    /// [default: a folder in the data folder].
    #[arg(long, global = true, env = "VITRINE_BLOBS_URL", value_name = "URL")]
    blobs: Option<String>,
    /// URL sent a POST with the public paths to purge from a CDN whenever
    /// content is taken down (JSON: {"paths": [...], "reason": "..."}).
    #[arg(long, global = true, env = "VITRINE_PURGE_WEBHOOK", value_name = "URL")]
    purge_webhook: Option<String>,
    /// File holding the key that encrypts participants' real names and
    /// contacts; keep it outside the database and back it up apart from it
    /// (created, readable by its owner only, when first needed)
    /// [default: identity.key in the data folder].
    #[arg(
        long,
        global = true,
        env = "VITRINE_IDENTITY_KEY_FILE",
        value_name = "FILE"
    )]
    identity_key_file: Option<PathBuf>,
    /// Reverse proxies whose X-Forwarded-For / Forwarded headers name the
    /// client that sign-in attempts are counted against: addresses or
    /// networks, comma-separated (e.g. 127.0.0.1,::1) [default: none; the
    /// TCP peer is the client].
    #[arg(
        long,
        global = true,
        env = "VITRINE_TRUSTED_PROXIES",
        value_name = "ADDRESSES",
        value_delimiter = ','
    )]
    trusted_proxies: Option<Vec<String>>,
    /// A TOML settings file (keys: data, listen, database, blobs, purge_webhook,
    /// identity_key_file, trusted_proxies, [images]
    /// max_file_mb, max_megapixels, max_side, max_frames, memory_mb, [s3] endpoint,
    /// region, access_key_id, secret_access_key, [server] header_timeout_secs,
    /// body_timeout_secs, max_connections_per_address, connection_cap_exempt,
    /// metrics_listen, metrics_allow).
    #[arg(long, global = true, env = "VITRINE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Largest accepted image file, in megabytes [default: 50].
    #[arg(long, global = true, env = "VITRINE_MAX_FILE_MB", value_name = "MB")]
    max_file_mb: Option<f64>,
    /// Largest accepted image, in megapixels [default: 100].
    #[arg(long, global = true, env = "VITRINE_MAX_MEGAPIXELS", value_name = "MP")]
    max_megapixels: Option<f64>,
    /// Memory for all image work at once (uploads, imports, WebP job), in
    /// MiB; an upload that finds it full waits, then is refused as busy
    /// [default: 512].
    #[arg(
        long,
        global = true,
        env = "VITRINE_IMAGE_MEMORY_MB",
        value_name = "MIB"
    )]
    image_memory_mb: Option<u32>,
}

#[derive(Subcommand, Debug)]
enum Command {
    #[command(flatten)]
    App(AppCommand),
    /// Benchmarks: image ingest (in the format of the shared peers tool),
    /// publish at scale, and serving latency (bench/compare.sh, bench/serve.sh).
    Bench(bench::BenchArgs),
}

/// The subcommands that work on a data folder (database and blobs).
#[derive(Subcommand, Debug)]
enum AppCommand {
    /// Serve the public galleries (imports and publishes the demo study when the
    /// data folder is empty).
    Serve(serve::ServeArgs),
    /// Import a study folder (study.toml, CSV files, images); all or nothing.
    Import(import::ImportArgs),
    /// Publish a new Release of a study: everything publishable becomes public.
    Publish(publish::PublishArgs),
    /// List what blocks each entry of a study from being published (exit 1 if
    /// anything does).
    Check(check::CheckArgs),
    /// Create or update the database schema, then exit (serve and the other
    /// commands also do this on start).
    Migrate,
    /// List recent background jobs (run by `vitrine serve`) and how they went.
    Jobs,
    /// Remove blobs no row refers to (left by an import that was killed
    /// part-way); `vitrine serve` also does this daily.
    Gc(GcArgs),
    /// Record the DOI minted for a published Release (after depositing it,
    /// e.g. the `export archive` bag with Zenodo); its pages, citation files
    /// and exports then give it.
    Doi(publish::DoiArgs),
    /// Take a published Release out of Vitrine (a static site, an archive).
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Staff accounts and study teams (the first administrator is made here).
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(admin::AuditCommand),
}

/// Arguments of `vitrine gc`.
#[derive(Args, Debug)]
struct GcArgs {
    /// Only remove orphans older than this many seconds, so an import running
    /// elsewhere keeps its blobs.
    #[arg(long, value_name = "SECONDS", default_value_t = 6 * 3600)]
    min_age: u64,
}

/// What a subcommand reports back to `main`.
pub enum Outcome {
    /// All good.
    Ok,
    /// A check or validation failed; the subcommand has said what.
    Failed,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let command = match cli.command {
        // A benchmark needs no data folder or database: it must not open one.
        Command::Bench(args) => return bench::run(args).await,
        Command::App(command) => command,
    };
    let (listen, server) = match &command {
        AppCommand::Serve(args) => (args.listen.clone(), args.server.raw()),
        _ => (None, crate::settings::RawServer::default()),
    };
    let settings = settings(&cli.global, listen, server)?;
    let app = App::open(settings).await?;
    match command {
        AppCommand::Serve(args) => serve::run(app, args).await,
        AppCommand::Import(args) => import::run(&app, args).await,
        AppCommand::Publish(args) => publish::run(&app, args).await,
        AppCommand::Check(args) => check::run(&app, args).await,
        AppCommand::Jobs => jobs::run(&app).await,
        AppCommand::Export(command) => export::run(&app, command).await,
        AppCommand::Doi(args) => publish::doi(&app, args).await,
        AppCommand::Admin(command) => admin::run(&app, command).await,
        AppCommand::Audit(command) => admin::audit(&app, command).await,
        AppCommand::Gc(args) => {
            let min_age = std::time::Duration::from_secs(args.min_age);
            let swept = crate::app::gc::sweep(&app, min_age).await?;
            println!(
                "Removed {} orphan original(s) and {} orphan public file(s).",
                swept.originals, swept.public
            );
            Ok(Outcome::Ok)
        }
        AppCommand::Migrate => {
            let database = vitrine_store::redact(&app.settings.database_url());
            println!("The database {database} is up to date.");
            Ok(Outcome::Ok)
        }
    }
}

/// Builds validated settings from the file, environment and flags.
/// The study a command names by `slug`, or `None` once stderr says that no
/// study has it and which ones there are (the command then exits 1).
async fn find_study(app: &App, slug: &str) -> anyhow::Result<Option<vitrine_core::Study>> {
    match crate::app::studies::find(app, slug).await {
        Ok(study) => Ok(Some(study)),
        Err(crate::app::studies::FindError::Failed(e)) => Err(e),
        Err(e) => {
            eprintln!("{e}");
            Ok(None)
        }
    }
}

fn settings(
    global: &GlobalArgs,
    listen: Option<String>,
    server: crate::settings::RawServer,
) -> anyhow::Result<Settings> {
    let file = match &global.config {
        Some(path) => RawSettings::from_file(path).map_err(anyhow::Error::msg)?,
        None => RawSettings::default(),
    };
    let flags = RawSettings {
        data: global.data.clone(),
        listen,
        database: global.database.clone(),
        blobs: global.blobs.clone(),
        purge_webhook: global.purge_webhook.clone(),
        identity_key_file: global.identity_key_file.clone(),
        trusted_proxies: global.trusted_proxies.clone(),
        s3: crate::settings::RawS3::default(),
        images: RawImageLimits {
            max_file_mb: global.max_file_mb,
            max_megapixels: global.max_megapixels,
            memory_mb: global.image_memory_mb,
            ..RawImageLimits::default()
        },
        server,
    };
    Settings::resolve(file, flags)
        .map_err(|problems| anyhow::anyhow!("invalid settings:\n  {}", problems.join("\n  ")))
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("VITRINE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
