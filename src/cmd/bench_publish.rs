//! `vitrine bench publish --entries N`: times publishing a synthetic study of N
//! entries (each with its own image record and ten derivative records, as a
//! real ingest leaves them) on a fresh SQLite store, and prints one line with
//! the time and the process's peak memory. Image bytes are not involved:
//! publishing never reads blobs, so this measures the store and the Release.

use super::Outcome;
use crate::app::App;
use crate::settings::Settings;
use anyhow::Context;
use clap::Args;
use std::time::Instant;
use vitrine_core::{Consent, ConsentScope, EntryTexts, Licence, Provenance};
use vitrine_store::{
    ImportEntry, ImportParticipant, ImportPrompt, NewDerivative, NewImage, StudyImport,
};

/// Arguments of `vitrine bench publish`.
#[derive(Args, Debug)]
pub struct PublishBenchArgs {
    /// Entries in the synthetic study.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    entries: u32,
}

/// A synthetic study of `entries` entries in five prompts, ten per participant,
/// with image records (no blobs) as a real ingest leaves them.
pub(super) fn study(entries: u32) -> StudyImport {
    let participants = (entries / 10).max(1);
    let prompts = 5_u32;
    let info = vitrine_core::StudyInfo {
        summary: "A synthetic study for timing publish.".into(),
        ..vitrine_core::StudyInfo::new(
            "bench",
            "Benchmark study",
            vitrine_core::Contact {
                name: "Bench".into(),
                email: "bench@example.org".into(),
                role: None,
            },
        )
    };
    let consent = Consent {
        scopes: [ConsentScope::Web].into(),
        given_on: time::macros::date!(2024 - 01 - 01),
        form_version: "v1".into(),
        expires_on: None,
        withdrawn_on: None,
    };
    let mut images = Vec::new();
    let mut rows = Vec::new();
    for i in 0..entries {
        let sha = format!("{:064x}", u64::from(i) + 1);
        let derivatives = vitrine_media::DEFAULT_WIDTHS
            .iter()
            .flat_map(|&w| {
                ["jpg", "webp"].map(|ext| NewDerivative {
                    key: format!("{:032x}.{ext}", (u128::from(i) << 16) + u128::from(w)),
                    width: w,
                    height: w * 3 / 4,
                    media_type: format!("image/{}", if ext == "jpg" { "jpeg" } else { ext }),
                    byte_size: 50_000,
                })
            })
            .collect();
        images.push(NewImage {
            sha256: sha.clone(),
            media_type: "image/jpeg".into(),
            byte_size: 3_000_000,
            width: 2400,
            height: 1800,
            color: "#808080".into(),
            records_location: false,
            derivatives,
        });
        rows.push(ImportEntry {
            key: format!("e{i}"),
            prompt_key: format!("p{}", i % prompts),
            order: i64::from(i),
            participant_key: format!("u{}", i % participants),
            title: Some(format!("Entry number {i}")),
            provenance: Provenance::Illustration,
            image_sha256: Some(sha),
            texts: EntryTexts {
                caption: format!(
                    "A caption of a few words for entry {i}, as researchers write them."
                ),
                quote: Some(
                    "Words the participant said in the interview about the picture.".into(),
                ),
                alt: Some(format!("A drawing made for entry {i}.")),
                provenance_note: Some("Drawn by the research team.".into()),
                creator: Some("Research team".into()),
                ..EntryTexts::default()
            },
            licence: Some(Licence::parse("CC-BY-4.0").unwrap_or(Licence::None)),
            theme_keys: Vec::new(),
            sign_off: None,
        });
    }
    StudyImport {
        info,
        prompts: (0..prompts)
            .map(|p| ImportPrompt {
                key: format!("p{p}"),
                order: i64::from(p),
                title: format!("Prompt {p}"),
                text: format!("Take a photo that shows part {p} of your work."),
                note: None,
                guide: None,
            })
            .collect(),
        themes: Vec::new(),
        participants: (0..participants)
            .map(|p| ImportParticipant {
                key: format!("u{p}"),
                pseudonym: format!("Participant {p}"),
                role: None,
                consent: Some(consent.clone()),
            })
            .collect(),
        images,
        entries: rows,
    }
}

/// Runs the benchmark.
pub async fn run(args: PublishBenchArgs) -> anyhow::Result<Outcome> {
    let dir = std::env::temp_dir().join(format!("vitrine-bench-publish-{}", std::process::id()));
    let result = measure(&dir, args.entries).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn measure(dir: &std::path::Path, entries: u32) -> anyhow::Result<Outcome> {
    let app = App::open(Settings::for_data_dir(dir)).await?;
    let import = study(entries);
    let slug = import.info.slug.clone();
    let started = Instant::now();
    crate::app::import::store(&app, &import, crate::app::Actor::operator("benchmark"))
        .await
        .context("cannot store the synthetic study")?;
    let found = crate::app::studies::find(&app, &slug)
        .await
        .context("cannot read the synthetic study")?;
    let stored = started.elapsed().as_secs_f64();
    drop(import);
    let started = Instant::now();
    let published = crate::app::publish::publish(&app, &found)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let publish_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        published.entries == entries as usize,
        "published {} of {} entries: {:?}",
        published.entries,
        entries,
        published.left_out.first()
    );
    let started = Instant::now();
    let release = crate::app::published::current(&app, &slug)
        .await?
        .context("no Release")?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "bench=publish entries={} store_s={stored:.2} publish_s={publish_s:.3} load_release_ms={load_ms:.1} release_json_kb={} peak_rss_mb={}",
        entries,
        serde_json::to_vec(&*release.release).map_or(0, |b| b.len() / 1024),
        super::measure::peak_rss_text(),
    );
    Ok(Outcome::Ok)
}
