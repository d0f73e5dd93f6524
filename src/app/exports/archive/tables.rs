//! The archive's tables for people and archives that read CSV: every entry's
//! public texts (`entries.csv`), consent as counts per use
//! (`consent-summary.csv`) and the de-identification record
//! (`deidentification.csv`). No identities: participants by pseudonym only,
//! the sign-off record names members of the team.

use super::super::Source;
use crate::app::App;
use anyhow::Context;
use std::collections::{BTreeMap, BTreeSet};
use vitrine_core::{ConsentScope, Release, ReleaseEntry};

/// What the team recorded about the Release's entries, without identities.
pub(super) struct Records {
    /// Participants with an entry in the Release.
    pub(super) participants: usize,
    /// How many of them currently agree to each use.
    pub(super) scopes: BTreeMap<ConsentScope, usize>,
    /// Each signed-off entry's record, by entry slug.
    pub(super) sign_offs: Vec<SignOffRow>,
}

pub(super) struct SignOffRow {
    entry: String,
    provenance: &'static str,
    checked_by: String,
    checked_at: String,
    approved_by: String,
    approved_at: String,
}

impl Records {
    pub(super) async fn load(app: &App, source: &Source) -> anyhow::Result<Self> {
        let content = app.store.load_study_content(source.study.clone()).await?;
        let shown = app.store.release_entries(source.id).await?;
        let mut participants = BTreeSet::new();
        let mut sign_offs = Vec::new();
        for (id, slug) in &shown {
            let Some(entry) = content.entries.iter().find(|e| e.id == *id) else {
                continue;
            };
            participants.insert(entry.participant);
            if let Some(sign_off) = content.sign_offs.get(id) {
                let times = app.store.review_times(*id).await?;
                sign_offs.push(SignOffRow {
                    entry: slug.clone(),
                    provenance: entry.provenance.code(),
                    checked_by: sign_off.checked_by.clone(),
                    checked_at: times.checked_at.unwrap_or_default(),
                    approved_by: sign_off.approved_by.clone().unwrap_or_default(),
                    approved_at: times.approved_at.unwrap_or_default(),
                });
            }
        }
        sign_offs.sort_by(|a, b| a.entry.cmp(&b.entry));
        let mut scopes: BTreeMap<ConsentScope, usize> =
            ConsentScope::ALL.iter().map(|s| (*s, 0)).collect();
        for participant in &participants {
            if let Some(consent) = content.consents.get(participant) {
                if consent.withdrawn_on.is_some() {
                    continue;
                }
                for scope in &consent.scopes {
                    *scopes.entry(*scope).or_default() += 1;
                }
            }
        }
        Ok(Self {
            participants: participants.len(),
            scopes,
            sign_offs,
        })
    }
}

fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer.into_inner().context("cannot write a CSV file")
}

pub(super) fn entries_csv(release: &Release) -> anyhow::Result<Vec<u8>> {
    let header = [
        "entry",
        "prompt",
        "order",
        "participant",
        "role",
        "provenance",
        "title",
        "caption",
        "quote",
        "alt",
        "long_description",
        "description",
        "provenance_note",
        "creator",
        "licence",
        "themes",
        "content_note",
        "page",
        "images",
    ];
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut rows = Vec::new();
    for prompt in &release.prompts {
        for (order, entry) in prompt.entries.iter().enumerate() {
            rows.push(vec![
                entry.slug.clone(),
                prompt.slug.clone(),
                (order + 1).to_string(),
                entry.pseudonym.clone(),
                opt(&entry.role),
                entry.provenance.code().to_owned(),
                entry.title.clone(),
                entry.texts.caption.clone(),
                opt(&entry.texts.quote),
                opt(&entry.texts.alt),
                opt(&entry.texts.long_description),
                opt(&entry.texts.description),
                opt(&entry.texts.provenance_note),
                opt(&entry.texts.creator),
                entry.licence.id().to_owned(),
                entry.themes.join(";"),
                opt(&entry.texts.content_note),
                format!("site/entries/{}.html", entry.slug),
                image_files(entry).join(";"),
            ]);
        }
    }
    csv_bytes(&header, rows)
}

fn image_files(entry: &ReleaseEntry) -> Vec<String> {
    entry
        .image
        .iter()
        .flat_map(|i| &i.variants)
        .map(|v| format!("site/media/{}", v.key))
        .collect()
}

pub(super) fn consent_csv(
    scopes: &BTreeMap<ConsentScope, usize>,
    total: usize,
) -> anyhow::Result<Vec<u8>> {
    let rows = scopes
        .iter()
        .map(|(scope, n)| vec![scope.as_str().to_owned(), n.to_string(), total.to_string()])
        .collect();
    csv_bytes(
        &["use", "participants_agreeing", "participants_in_release"],
        rows,
    )
}

pub(super) fn deidentification_csv(rows: &[SignOffRow]) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        &[
            "entry",
            "provenance",
            "checklist_completed_by",
            "completed_at",
            "approved_by",
            "approved_at",
        ],
        rows.iter()
            .map(|r| {
                vec![
                    r.entry.clone(),
                    r.provenance.to_owned(),
                    r.checked_by.clone(),
                    r.checked_at.clone(),
                    r.approved_by.clone(),
                    r.approved_at.clone(),
                ]
            })
            .collect(),
    )
}
