//! `vitrine bench export --entries N`: times `vitrine export site` of a
//! synthetic study of N entries on a fresh SQLite store and blob folder,
//! and prints one line with the time, the files written and the process's
//! peak memory. Each entry has its own small image, ingested for real
//! before the clock starts (so every exported image is a real derivative
//! that passes the scan); the timed part is what an export does: render
//! the pages, copy the images out of the blob store, write, read back and
//! scan every file, move the folder into place and record it.

use super::Outcome;
use crate::app::App;
use crate::app::exports::ExportRequest;
use crate::app::exports::site::export_site;
use crate::app::ingest::{WrittenBlobs, ingest};
use crate::app::progress::NoProgress;
use crate::settings::Settings;
use anyhow::Context;
use clap::Args;
use std::sync::Arc;
use std::time::Instant;

/// Arguments of `vitrine bench export`.
#[derive(Args, Debug)]
pub struct ExportBenchArgs {
    /// Entries in the synthetic study.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    entries: u32,
}

/// Runs the benchmark.
pub async fn run(args: ExportBenchArgs) -> anyhow::Result<Outcome> {
    let dir = std::env::temp_dir().join(format!("vitrine-bench-export-{}", std::process::id()));
    let result = measure(&dir, args.entries).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn measure(dir: &std::path::Path, entries: u32) -> anyhow::Result<Outcome> {
    let app = App::open(Settings::for_data_dir(&dir.join("data"))).await?;
    let mut import = crate::app::import::synthetic::study(entries);
    eprintln!("Preparing {entries} entries with an image each (not timed)");
    let mut written = WrittenBlobs::default();
    for (i, (image, entry)) in import
        .images
        .iter_mut()
        .zip(import.entries.iter_mut())
        .enumerate()
    {
        let png = synthetic_png(i)?;
        let sha = vitrine_media::sha256_hex(&png);
        *image = ingest(&app, png, sha, &mut written, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        entry.image_sha256 = Some(image.sha256.clone());
    }
    written.disarm();
    let slug = import.info.slug.clone();
    crate::app::import::store(&app, &import, crate::app::Actor::operator("benchmark"))
        .await
        .context("cannot store the synthetic study")?;
    let found = crate::app::studies::find(&app, &slug)
        .await
        .context("cannot read the synthetic study")?;
    drop(import);
    crate::app::publish::publish(&app, &found)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let out = dir.join("site");
    let started = Instant::now();
    let done = export_site(
        &app,
        ExportRequest {
            study: &found,
            release: None,
            base_url: None,
            dir: &out,
            actor: crate::app::Actor::operator("benchmark"),
            originals: false,
            destination: None,
        },
        Arc::new(NoProgress),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let export_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        done.entries == entries as usize,
        "exported {} entries",
        done.entries
    );
    println!(
        "bench=export entries={} files={} mb={:.1} export_s={export_s:.2} peak_rss_mb={}",
        done.entries,
        done.files,
        done.bytes as f64 / 1e6,
        super::measure::peak_rss_text(),
    );
    Ok(Outcome::Ok)
}

/// A 640 × 480 PNG unlike every other entry's, so each gets its own files.
fn synthetic_png(i: usize) -> anyhow::Result<Vec<u8>> {
    let (width, height) = (640_u32, 480_u32);
    // A different odd multiplier per entry, spread by a golden-ratio hash.
    let seed = u32::try_from(i)
        .unwrap_or(u32::MAX)
        .wrapping_mul(2_654_435_761)
        | 1;
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let v = x
                .wrapping_mul(seed)
                .wrapping_add(y.wrapping_mul(seed.rotate_left(11)));
            pixels.extend(v.to_le_bytes()[1..].iter().copied());
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().context("cannot write a PNG")?;
    writer
        .write_image_data(&pixels)
        .context("cannot write a PNG")?;
    writer.finish().context("cannot write a PNG")?;
    Ok(out)
}
