//! `vitrine export study`: the study as a study folder, the format `vitrine
//! import` reads (docs/study-folder.md), so a team can keep a copy, move the
//! study to another Vitrine, or edit it in a spreadsheet and import it again.
//!
//! It is the team's working copy, not a publication: drafts and the
//! participants' originals are in it, under the ids of the team's own
//! spreadsheets. What must never leave the workspace is not: real names and
//! contacts, signed consent forms, withdrawn entries (their words are
//! erased) and a withdrawn participant's consent (the format cannot say
//! "withdrawn", and writing the old consent would give it back on import).
//! The texts are still scanned for real names, and the export is recorded so
//! a withdrawal lists it.

use super::{Content, ExportError, Files, Staging, scan};
use crate::app::progress::Progress;
use crate::app::{Actor, App};
use anyhow::Context;
use std::path::Path;
use std::sync::Arc;
use vitrine_core::text::iso_date;
use vitrine_core::{EntryId, SignOffState, Study, StudyInfo};
use vitrine_store::{AuditEvent, ExportRecord, FolderKeys, Held, NewExport};

/// What to export.
pub struct StudyRequest<'a> {
    /// The study.
    pub study: &'a Study,
    /// The new (or empty) folder to write.
    pub dir: &'a Path,
    /// Who asks.
    pub actor: Actor<'a>,
}

/// A finished study-folder export.
#[derive(Debug)]
pub struct StudyExport {
    /// Entries written.
    pub entries: usize,
    /// Images written.
    pub images: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Withdrawn entries left out.
    pub withdrawn: usize,
    /// Its registry record.
    pub record: ExportRecord,
}

/// Writes the study folder, scans it for real names, records it.
pub async fn export_study(
    app: &App,
    request: StudyRequest<'_>,
    progress: Arc<dyn Progress>,
) -> Result<StudyExport, ExportError> {
    let (content, keys) = super::study_with_keys(app, request.study).await?;
    let study_id = content.study.id;
    let folder = folder(&content, &keys)?;
    let real_names = crate::app::identity::real_names(app, request.study)
        .await
        .context("cannot read participants' real names for the export's privacy scan")?;
    let staging = Staging::begin(request.dir)?;
    let bytes = staging.write(app, &folder.files, progress.as_ref()).await?;
    staging
        .finish(
            scan::Forbidden::study_folder(real_names),
            time::OffsetDateTime::now_utc().date(),
        )
        .await?;
    let destination = std::path::absolute(request.dir).unwrap_or(request.dir.to_owned());
    let record = app
        .store
        .record_export(NewExport {
            study: study_id,
            held: Held::Entries(folder.entries.clone()),
            kind: "study",
            destination: &destination.to_string_lossy(),
            event: AuditEvent {
                actor: request.actor.name.to_owned(),
                action: "export.study".into(),
                ..Default::default()
            },
        })
        .await
        .context("cannot record the export")?;
    Ok(StudyExport {
        entries: folder.entries.len(),
        images: folder.images,
        files: folder.files.len(),
        bytes,
        withdrawn: folder.withdrawn,
        record,
    })
}

struct Folder {
    files: Files,
    entries: Vec<EntryId>,
    images: usize,
    withdrawn: usize,
}

/// One row of a study-folder file, by column name.
type Row = std::collections::BTreeMap<&'static str, String>;

/// A CSV file with the columns the import reads (`vitrine import`'s own
/// lists: required, then optional), rows sorted. A column the import reads
/// that a row lacks, or one it would not read, is an error, so the export
/// follows the import format whenever that changes.
fn csv_file(
    file: &str,
    (required, optional): (&[&'static str], &[&'static str]),
    mut rows: Vec<Row>,
) -> anyhow::Result<Content> {
    let columns: Vec<&str> = required.iter().chain(optional).copied().collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&columns)?;
    rows.sort();
    for row in rows {
        if let Some(extra) = row.keys().find(|k| !columns.contains(k)) {
            anyhow::bail!("{file}: the import does not read a column \"{extra}\"");
        }
        let values = columns
            .iter()
            .map(|c| {
                row.get(c)
                    .with_context(|| format!("{file}: no value for the column \"{c}\""))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        writer.write_record(values)?;
    }
    Ok(Content::Made(
        writer.into_inner().context("cannot write a CSV file")?,
    ))
}

fn key(map: &std::collections::HashMap<i64, String>, id: i64) -> anyhow::Result<String> {
    map.get(&id)
        .cloned()
        .with_context(|| format!("row {id} has no id in the study folder"))
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "image/tiff" => "tif",
        _ => "img",
    }
}

fn folder(content: &vitrine_store::StudyContent, keys: &FolderKeys) -> anyhow::Result<Folder> {
    use crate::app::import::{CONSENT, ENTRIES, PARTICIPANTS, PROMPTS, THEMES};
    let mut files = Files::new();
    files.insert(
        "study.toml".into(),
        Content::Made(study_toml(&content.study.info)?.into_bytes()),
    );
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let prompts = content
        .prompts
        .iter()
        .map(|p| {
            Ok(Row::from([
                ("prompt_id", key(&keys.prompts, p.id.0)?),
                ("order", p.order.to_string()),
                ("title", p.title.clone()),
                ("text", p.text.clone()),
                ("note", opt(&p.note)),
                ("guide", opt(&p.guide)),
            ]))
        })
        .collect::<anyhow::Result<_>>()?;
    files.insert(
        "prompts.csv".into(),
        csv_file("prompts.csv", PROMPTS, prompts)?,
    );
    let mut participants = Vec::new();
    let mut consents = Vec::new();
    for p in &content.participants {
        let id = key(&keys.participants, p.id.0)?;
        participants.push(Row::from([
            ("participant_id", id.clone()),
            ("pseudonym", p.pseudonym.clone()),
            ("role", opt(&p.role)),
        ]));
        if let Some(consent) = content
            .consents
            .get(&p.id)
            .filter(|c| c.withdrawn_on.is_none())
        {
            let scopes: Vec<&str> = consent.scopes.iter().map(|s| s.as_str()).collect();
            consents.push(Row::from([
                ("participant_id", id),
                ("scopes", scopes.join(";")),
                ("given_on", iso_date(consent.given_on)),
                ("form_version", consent.form_version.clone()),
                (
                    "expires_on",
                    consent.expires_on.map(iso_date).unwrap_or_default(),
                ),
            ]));
        }
    }
    files.insert(
        "participants.csv".into(),
        csv_file("participants.csv", PARTICIPANTS, participants)?,
    );
    files.insert(
        "consent.csv".into(),
        csv_file("consent.csv", CONSENT, consents)?,
    );
    let themes = content
        .themes
        .iter()
        .map(|t| {
            Ok(Row::from([
                ("theme_id", key(&keys.themes, t.id.0)?),
                ("name", t.name.clone()),
                ("description", opt(&t.description)),
            ]))
        })
        .collect::<anyhow::Result<_>>()?;
    files.insert("themes.csv".into(), csv_file("themes.csv", THEMES, themes)?);

    let mut rows = Vec::new();
    let mut entries = Vec::new();
    let mut images = std::collections::BTreeSet::new();
    let mut withdrawn = 0;
    for entry in &content.entries {
        if entry.withdrawn {
            withdrawn += 1;
            continue;
        }
        let image = match &entry.image {
            Some(image) => {
                let (sha256, media_type) = keys
                    .images
                    .get(&image.id.0)
                    .with_context(|| format!("image {} has no original", image.id.0))?;
                let path = format!("images/{}.{}", &sha256[..16], extension(media_type));
                if images.insert(path.clone()) {
                    files.insert(path.clone(), Content::Original(sha256.clone()));
                }
                path
            }
            None => String::new(),
        };
        let sign_off = content
            .sign_offs
            .get(&entry.id)
            .filter(|_| entry.sign_off == SignOffState::Approved);
        let mut themes = entry
            .themes
            .iter()
            .map(|t| key(&keys.themes, t.0))
            .collect::<anyhow::Result<Vec<_>>>()?;
        themes.sort();
        let entry_key = content
            .entry_keys
            .get(&entry.id)
            .cloned()
            .with_context(|| format!("entry {} has no id", entry.id.0))?;
        rows.push(Row::from([
            ("entry_id", entry_key),
            ("prompt_id", key(&keys.prompts, entry.prompt.0)?),
            ("order", entry.order.to_string()),
            (
                "participant_id",
                key(&keys.participants, entry.participant.0)?,
            ),
            ("provenance", entry.provenance.code().to_owned()),
            ("title", opt(&entry.title)),
            ("image", image),
            ("caption", entry.texts.caption.clone()),
            ("quote", opt(&entry.texts.quote)),
            ("alt", opt(&entry.texts.alt)),
            ("long_description", opt(&entry.texts.long_description)),
            ("description", opt(&entry.texts.description)),
            ("provenance_note", opt(&entry.texts.provenance_note)),
            ("creator", opt(&entry.texts.creator)),
            (
                "licence",
                entry
                    .licence
                    .as_ref()
                    .map(|l| l.id().to_owned())
                    .unwrap_or_default(),
            ),
            ("themes", themes.join(";")),
            ("content_note", opt(&entry.texts.content_note)),
            (
                "checked_by",
                sign_off.map(|s| s.checked_by.clone()).unwrap_or_default(),
            ),
            (
                "approved_by",
                sign_off
                    .and_then(|s| s.approved_by.clone())
                    .unwrap_or_default(),
            ),
        ]));
        entries.push(entry.id);
    }
    files.insert(
        "entries.csv".into(),
        csv_file("entries.csv", ENTRIES, rows)?,
    );
    Ok(Folder {
        files,
        entries,
        images: images.len(),
        withdrawn,
    })
}

/// `study.toml`, with every key the import reads.
fn study_toml(info: &StudyInfo) -> anyhow::Result<String> {
    use toml::Value;
    let mut table = toml::Table::new();
    let mut text = |key: &str, value: Option<&String>| {
        if let Some(v) = value {
            table.insert(key.into(), Value::String(v.clone()));
        }
    };
    text("slug", Some(&info.slug));
    text("title", Some(&info.title));
    text("subtitle", info.subtitle.as_ref());
    text("language", Some(&info.language));
    text("summary", Some(&info.summary));
    text("method", info.method.as_ref());
    text("institution", info.institution.as_ref());
    text("ethics_reference", info.ethics_reference.as_ref());
    text("funder_disclaimer", info.funder_disclaimer.as_ref());
    text("participation_note", info.participation_note.as_ref());
    text("suggested_use", info.suggested_use.as_ref());
    text("discussion_guide", info.discussion_guide.as_ref());
    text("reflection_consent", info.reflection_consent.as_ref());
    text("notice", info.notice.as_ref());
    if info.show_reflections {
        table.insert("show_reflections".into(), Value::Boolean(true));
    }
    let date = |d: vitrine_core::Date| {
        Value::Datetime(toml::value::Datetime {
            date: Some(toml::value::Date {
                year: u16::try_from(d.year()).unwrap_or(0),
                month: u8::from(d.month()),
                day: d.day(),
            }),
            time: None,
            offset: None,
        })
    };
    if let Some(d) = info.fieldwork_start {
        table.insert("fieldwork_start".into(), date(d));
    }
    if let Some(d) = info.fieldwork_end {
        table.insert("fieldwork_end".into(), date(d));
    }
    table.insert(
        "allow_search_engines".into(),
        Value::Boolean(info.allow_search_engines),
    );
    let mut contact = toml::Table::new();
    contact.insert("name".into(), Value::String(info.contact.name.clone()));
    contact.insert("email".into(), Value::String(info.contact.email.clone()));
    if let Some(role) = &info.contact.role {
        contact.insert("role".into(), Value::String(role.clone()));
    }
    table.insert("contact".into(), Value::Table(contact));
    if let Some(funder) = &info.funder {
        let mut f = toml::Table::new();
        f.insert("name".into(), Value::String(funder.name.clone()));
        if let Some(award) = &funder.award {
            f.insert("award".into(), Value::String(award.clone()));
        }
        table.insert("funder".into(), Value::Table(f));
    }
    Ok(format!(
        "# Exported by Vitrine {} (vitrine export study). Import with: vitrine import FOLDER\n{}",
        env!("CARGO_PKG_VERSION"),
        toml::to_string(&table).context("cannot write study.toml")?
    ))
}
