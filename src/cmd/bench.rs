//! `vitrine bench ingest DIR` (publish, serve and the others are in `bench_publish`,
//! `bench_serve`, `bench_signin` and `bench_scale`): times Vitrine's image ingest on a folder of
//! JPEGs and prints one line in the format of the shared peers tool
//! (`peer=… job=… threads=… images=… seconds=… img_per_s=… peak_rss_mb=…`),
//! so `bench/compare.sh` can set it beside sharp and libvips.
//!
//! Like sharp in the peers tool, each image is read from disk when a worker
//! takes it, and its outputs are written to a scratch folder. `--threads N`
//! starts N workers that each process one whole image at a time; nothing
//! inside an image runs in parallel, so N workers use N cores.

use super::Outcome;
use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use vitrine_media::{DEFAULT_WIDTHS, Limits, Measure, Request};

/// Arguments of `vitrine bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: BenchCommand,
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// Process every .jpg/.jpeg in DIR and print one peers-format line.
    Ingest(IngestArgs),
    /// Time publishing a synthetic study of N entries on a fresh SQLite store.
    Publish(super::bench_publish::PublishBenchArgs),
    /// Time `vitrine export site` of a synthetic study of N entries.
    Export(super::bench_export::ExportBenchArgs),
    /// Send requests at a fixed rate to URLs and print latency percentiles.
    Serve(super::bench_serve::ServeBenchArgs),
    /// Time a public page while N sign-ins arrive at once (bench/sign_in_flood.sh).
    SignInFlood(super::bench_signin::SignInFloodArgs),
    /// Mixed load with writes, a publish and a withdrawal on several
    /// instances behind a round-robin proxy (bench/scale.sh).
    Scale(super::bench_scale::ScaleBenchArgs),
}

#[derive(Args, Debug)]
struct IngestArgs {
    /// Folder of JPEGs, e.g. from shared/tools/corpus/make_corpus.py.
    dir: PathBuf,
    /// Images processed at once, one worker thread each.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    threads: u32,
    /// `jpeg`: a 1600 px and a 400 px long-edge JPEG (the peers' job);
    /// `ingest`: every default width as JPEG (what an import or upload waits
    /// for); `full`: every default width as JPEG and WebP (adding the
    /// background job's part).
    #[arg(long, value_enum, default_value_t = Job::Jpeg)]
    job: Job,
    /// Keep the outputs in this folder (for quality checks) instead of a
    /// scratch folder that is removed afterwards.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Job {
    Jpeg,
    Ingest,
    Full,
}

impl Job {
    fn request(self) -> Request<'static> {
        match self {
            Job::Jpeg => Request {
                sizes: &[1600, 400],
                measure: Measure::LongEdge,
                jpeg: true,
                webp: false,
            },
            Job::Ingest => Request::jpeg_widths(&DEFAULT_WIDTHS),
            Job::Full => Request::widths(&DEFAULT_WIDTHS),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Job::Jpeg => "jpeg",
            Job::Ingest => "ingest",
            Job::Full => "full",
        }
    }
}

/// Runs the benchmark named on the command line.
pub async fn run(args: BenchArgs) -> anyhow::Result<Outcome> {
    match args.what {
        BenchCommand::Ingest(args) => ingest(&args),
        BenchCommand::Publish(args) => super::bench_publish::run(args).await,
        BenchCommand::Export(args) => super::bench_export::run(args).await,
        BenchCommand::Serve(args) => super::bench_serve::run(args).await,
        BenchCommand::SignInFlood(args) => super::bench_signin::run(args).await,
        BenchCommand::Scale(args) => super::bench_scale::run(args).await,
    }
}

fn ingest(args: &IngestArgs) -> anyhow::Result<Outcome> {
    let files = jpegs_in(&args.dir)?;
    let scratch = std::env::temp_dir().join(format!("vitrine-bench-{}", std::process::id()));
    let out = args.out.clone().unwrap_or_else(|| scratch.clone());
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let request = args.job.request();
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    let result = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..args.threads)
            .map(|_| scope.spawn(|| worker(&files, &next, &request, &out)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| bail!("a worker panicked")))
            .collect::<anyhow::Result<Vec<()>>>()
    });
    let seconds = start.elapsed().as_secs_f64();
    if args.out.is_none() {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    result?;
    println!(
        "peer=vitrine job={} threads={} images={} seconds={seconds:.2} img_per_s={:.2} peak_rss_mb={}",
        args.job.name(),
        args.threads,
        files.len(),
        files.len() as f64 / seconds,
        super::measure::peak_rss_text(),
    );
    Ok(Outcome::Ok)
}

/// Takes images off the shared list until it is empty.
fn worker(
    files: &[PathBuf],
    next: &AtomicUsize,
    request: &Request<'_>,
    out: &Path,
) -> anyhow::Result<()> {
    let limits = Limits::default();
    while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let processed = vitrine_media::process_request(&bytes, &limits, request)
            .with_context(|| format!("processing {}", path.display()))?;
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        for v in &processed.variants {
            let name = format!("{stem}-{}.{}", v.width, v.format.extension());
            std::fs::write(out.join(&name), &v.bytes).with_context(|| format!("writing {name}"))?;
        }
    }
    Ok(())
}

/// The .jpg and .jpeg files in `dir`, sorted by name.
fn jpegs_in(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"))
        })
        .collect();
    if files.is_empty() {
        bail!("no .jpg or .jpeg files in {}", dir.display());
    }
    files.sort();
    Ok(files)
}
