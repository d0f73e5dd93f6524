//! A synthetic study of any size, as an import with images leaves it: image
//! and derivative records, but no blobs (publishing never reads them). For
//! `vitrine bench publish` and `bench export`, and the tests that publish
//! more rows than one statement holds.

use vitrine_core::{Consent, ConsentScope, EntryTexts, Licence, Provenance};
use vitrine_store::{
    ImportEntry, ImportParticipant, ImportPrompt, NewDerivative, NewImage, StudyImport,
};

/// The synthetic study's slug.
pub const SLUG: &str = "bench";

/// A synthetic study of `entries` entries in five prompts, ten per participant,
/// with image records (no blobs) as a real ingest leaves them.
pub fn study(entries: u32) -> StudyImport {
    let participants = (entries / 10).max(1);
    let prompts = 5_u32;
    let info = vitrine_core::StudyInfo {
        summary: "A synthetic study for timing publish.".into(),
        ..vitrine_core::StudyInfo::new(
            SLUG,
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
