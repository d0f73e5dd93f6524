//! `vitrine export archive`: a Release packed for deposit with a data archive
//! (UK Data Service, Zenodo, an institutional repository): a BagIt 1.0 bag
//! whose payload is an RO-Crate 1.1.
//!
//! ```text
//! bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
//! data/
//!   ro-crate-metadata.json   the study and every file, as schema.org
//!   README.md                for the archive's curators
//!   entries.csv              each entry's texts, provenance, licence, images
//!   consent-summary.csv      how many participants agreed to each use
//!   deidentification.csv     who checked and approved each photo, when
//!   site/                    the static site (`exports::site`)
//! ```
//!
//! It holds what the Release shows and the team's record of how it was made
//! public, and never an identity: no real names, contacts, consent forms,
//! import keys or originals. Like every export it is scanned before it is
//! moved into place, and nothing in it depends on the clock (dates are the
//! Release's), so one Release gives the same bag.

use super::{
    Content, ExportError, ExportRequest, Exported, Files, Source, Staging, record, scan, site,
    source,
};
use crate::app::App;
use crate::app::import::{NoProgress, Progress};
use anyhow::Context;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use vitrine_core::{ConsentScope, Licence, Release, ReleaseEntry};

/// Builds, writes, scans and records the bag.
pub async fn export_archive(
    app: &App,
    request: ExportRequest<'_>,
    progress: Arc<dyn Progress>,
) -> Result<Exported, ExportError> {
    let base_url = request.base_url.map(site::base_url).transpose()?;
    let source = source(app, request.study, request.release).await?;
    let release = &source.release;
    let forbidden = scan::Forbidden::for_export(app, &source).await?;
    let payload: Files = payload(app, &source, base_url.as_deref())
        .await?
        .into_iter()
        .map(|(path, content)| (format!("data/{path}"), content))
        .collect();
    let staging = Staging::begin(request.dir)?;
    staging.write(app, &payload, progress.as_ref()).await?;
    // The checksums are of the bytes as written, read back from disk.
    let data = staging.path().join("data");
    let mut sums = tokio::task::spawn_blocking(move || checksums(&data))
        .await
        .context("the export stopped unexpectedly")??;
    let crate_json = serde_json::to_vec_pretty(&ro_crate(release, &sums, base_url.as_deref()))
        .context("cannot write the RO-Crate")?;
    sums.insert(
        "ro-crate-metadata.json".into(),
        (
            crate_json.len() as u64,
            vitrine_media::sha256_hex(&crate_json),
        ),
    );
    let mut tags = bag_tags(release, &sums);
    tags.insert(
        "data/ro-crate-metadata.json".into(),
        Content::Made(crate_json),
    );
    staging.write(app, &tags, &NoProgress).await?;
    staging.finish(forbidden).await?;
    let destination = std::path::absolute(request.dir).unwrap_or(request.dir.to_owned());
    let record = record(
        app,
        &source,
        "archive",
        &destination.to_string_lossy(),
        request.actor,
    )
    .await?;
    Ok(Exported {
        files: sums.len(),
        bytes: sums.values().map(|(size, _)| size).sum(),
        entries: release.prompts.iter().map(|p| p.entries.len()).sum(),
        record,
    })
}

/// Size and SHA-256 (hex) of each file under `root`, by `/`-separated path.
type Sums = BTreeMap<String, (u64, String)>;

fn checksums(root: &Path) -> anyhow::Result<Sums> {
    let mut sums = Sums::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            sums.insert(
                name,
                (bytes.len() as u64, vitrine_media::sha256_hex(&bytes)),
            );
        }
    }
    Ok(sums)
}

/// The bag's payload but its RO-Crate metadata: every file under `data/`,
/// by path inside `data/`.
async fn payload(app: &App, source: &Source, base_url: Option<&str>) -> Result<Files, ExportError> {
    let release = &source.release;
    let mut files: Files = site::site_files(app, source, base_url)
        .await?
        .into_iter()
        .map(|(path, content)| (format!("site/{path}"), content))
        .collect();
    let records = Records::load(app, source).await?;
    let mut made = |name: &str, bytes: Vec<u8>| files.insert(name.into(), Content::Made(bytes));
    made("entries.csv", entries_csv(release)?);
    made(
        "consent-summary.csv",
        consent_csv(&records.scopes, records.participants)?,
    );
    made(
        "deidentification.csv",
        deidentification_csv(&records.sign_offs)?,
    );
    made("README.md", readme(release, base_url).into_bytes());
    // Where repositories look for it: the root of the deposit.
    let url = base_url.map(|b| format!("{b}index.html"));
    made(
        "CITATION.cff",
        vitrine_core::citation::citation_cff(release, url.as_deref()).into_bytes(),
    );
    Ok(files)
}

/// What the team recorded about the Release's entries, without identities.
struct Records {
    /// Participants with an entry in the Release.
    participants: usize,
    /// How many of them currently agree to each use.
    scopes: BTreeMap<ConsentScope, usize>,
    /// Each signed-off entry's record, by entry slug.
    sign_offs: Vec<SignOffRow>,
}

struct SignOffRow {
    entry: String,
    provenance: &'static str,
    checked_by: String,
    checked_at: String,
    approved_by: String,
    approved_at: String,
}

impl Records {
    async fn load(app: &App, source: &Source) -> anyhow::Result<Self> {
        let study = app
            .store
            .find_study_by_slug(&source.release.study.slug)
            .await?
            .context("the study is gone")?;
        let content = app.store.load_study_content(study).await?;
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

fn entries_csv(release: &Release) -> anyhow::Result<Vec<u8>> {
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
                entry.caption.clone(),
                opt(&entry.quote),
                opt(&entry.alt),
                opt(&entry.long_description),
                opt(&entry.description),
                opt(&entry.provenance_note),
                opt(&entry.creator),
                entry.licence.id().to_owned(),
                entry.themes.join(";"),
                opt(&entry.content_note),
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

fn consent_csv(scopes: &BTreeMap<ConsentScope, usize>, total: usize) -> anyhow::Result<Vec<u8>> {
    let rows = scopes
        .iter()
        .map(|(scope, n)| vec![scope.as_str().to_owned(), n.to_string(), total.to_string()])
        .collect();
    csv_bytes(
        &["use", "participants_agreeing", "participants_in_release"],
        rows,
    )
}

fn deidentification_csv(rows: &[SignOffRow]) -> anyhow::Result<Vec<u8>> {
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

fn iso_date(release: &Release) -> String {
    crate::site::views::iso_date(release.published_at.date())
}

fn readme(release: &Release, base_url: Option<&str>) -> String {
    let study = &release.study;
    let mut out = format!(
        "# {title}: Release {version}, for deposit\n\n\
         Exported by Vitrine {vitrine} from Release {version} of the gallery \"{title}\",\n\
         published on {date}. This folder is a BagIt 1.0 bag: `manifest-sha256.txt`\n\
         lists a SHA-256 checksum for every file under `data/`, which is an RO-Crate 1.1\n\
         (`data/ro-crate-metadata.json` describes the study and every file).\n\n",
        title = study.title,
        version = release.version,
        vitrine = env!("CARGO_PKG_VERSION"),
        date = iso_date(release),
    );
    out.push_str(&format!("## The study\n\n{}\n\n", study.summary));
    if let Some(method) = &study.method {
        out.push_str(&format!("{method}\n\n"));
    }
    out.push_str(&format!(
        "Contact: {} <{}>.\n\n",
        study.contact.name, study.contact.email
    ));
    out.push_str(
        "## What is here\n\n\
         - `site/`: the gallery as published, as static web pages. Open\n  \
           `site/index.html` in a browser; no server is needed.\n\
         - `site/media/`: every image the pages show, at each size, as JPEG and WebP.\n  \
           The images were re-encoded from pixels when they were uploaded: they hold\n  \
           no EXIF, GPS, XMP, IPTC, colour profile, comment or embedded thumbnail.\n\
         - `entries.csv`: one row per entry: prompt, pseudonym, provenance (O: the\n  \
           participant's photo; O-edited: the photo edited by the team; I: an image the\n  \
           researchers made in its place; R: a description, with no image), title,\n  \
           caption, the participant's words, alt text, long description, provenance\n  \
           note, creator, licence (SPDX id, or `none` for all rights reserved), themes\n  \
           and the files of its page and images.\n\
         - `consent-summary.csv`: for each use (web, print, archive, teaching, reuse),\n  \
           how many of the participants with an entry here agreed to it when this\n  \
           folder was made.\n\
         - `deidentification.csv`: for each participant's photo, who completed the\n  \
           de-identification checklist (faces, names and badges, addresses and number\n  \
           plates, screens and documents, places, other people) and who approved it,\n  \
           and when. These are members of the research team, not participants.\n\n\
         ## What is not here, on purpose\n\n\
         No participant's real name or contact details, no signed consent forms, no\n\
         original image files, no internal identifiers from the research team's\n\
         spreadsheets, and nothing the gallery did not publish. Participants are named\n\
         only by the pseudonyms the gallery shows. Every file was scanned for these\n\
         before the folder was written.\n\n\
         ## Withdrawal\n\n\
         A participant may withdraw after deposit. The research team records every\n\
         export, so if an entry here is withdrawn the team will ask you to remove it\n\
         or to replace this deposit with a later Release.\n\n",
    );
    out.push_str("## How to cite\n\n");
    let url = base_url.map(|b| format!("{b}index.html"));
    out.push_str(&vitrine_core::citation::sentence(release, url.as_deref()));
    out.push_str("\n\n`CITATION.cff` holds the same in Citation File Format.\n");
    out
}

fn licence_id(licence: &Licence) -> String {
    licence
        .url()
        .map_or_else(|| "#all-rights-reserved".to_owned(), str::to_owned)
}

fn licence_entity(licence: &Licence) -> Value {
    match licence {
        Licence::None => json!({
            "@id": "#all-rights-reserved",
            "@type": "CreativeWork",
            "name": "All rights reserved",
            "description": "No public licence: shown for viewing only. Ask the contact for any other use.",
        }),
        Licence::Spdx(id) => json!({
            "@id": licence_id(licence),
            "@type": "CreativeWork",
            "name": licence.name(),
            "identifier": id,
        }),
    }
}

fn media_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("html") => "text/html",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("jpg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("csv") => "text/csv",
        Some("md") => "text/markdown",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `ro-crate-metadata.json`: the root dataset (the study and this Release),
/// every payload file, and the contextual entities they refer to.
fn ro_crate(release: &Release, files: &Sums, base_url: Option<&str>) -> Value {
    let study = &release.study;
    let entries: Vec<(&str, &ReleaseEntry)> = release
        .prompts
        .iter()
        .flat_map(|p| p.entries.iter().map(move |e| (p.title.as_str(), e)))
        .collect();
    let licences: Vec<&Licence> = entries
        .iter()
        .map(|(_, e)| (e.licence.id(), &e.licence))
        .collect::<BTreeMap<_, _>>()
        .into_values()
        .collect();
    let mut graph = vec![json!({
        "@id": "ro-crate-metadata.json",
        "@type": "CreativeWork",
        "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
        "about": {"@id": "./"},
    })];
    let mut root = json!({
        "@id": "./",
        "@type": "Dataset",
        "name": format!("{} (Release {})", study.title, release.version),
        "description": study.summary,
        "datePublished": iso_date(release),
        "version": release.version.to_string(),
        "inLanguage": study.language,
        "contactPoint": {"@id": "#contact"},
        "hasPart": files.keys().map(|p| json!({"@id": p})).collect::<Vec<_>>(),
    });
    let single_licence = (licences.len() == 1).then(|| licences[0]);
    root["license"] = match single_licence {
        Some(licence) => json!({"@id": licence_id(licence)}),
        None => json!({"@id": "#licences-per-image"}),
    };
    if single_licence.is_none() {
        graph.push(json!({
            "@id": "#licences-per-image",
            "@type": "CreativeWork",
            "name": "Licences differ by image",
            "description": "Each image has its own licence, given with it in this crate, in entries.csv and on its page.",
        }));
    }
    if let Some(subtitle) = &study.subtitle {
        root["alternateName"] = json!(subtitle);
    }
    if let Some(base) = base_url {
        root["url"] = json!(format!("{base}index.html"));
    }
    if let (Some(start), Some(end)) = (study.fieldwork_start, study.fieldwork_end) {
        root["temporalCoverage"] = json!(format!(
            "{}/{}",
            crate::site::views::iso_date(start),
            crate::site::views::iso_date(end)
        ));
    }
    if let Some(institution) = &study.institution {
        root["publisher"] = json!({"@id": "#institution"});
        root["sourceOrganization"] = json!({"@id": "#institution"});
        graph.push(json!({"@id": "#institution", "@type": "Organization", "name": institution}));
    }
    if let Some(funder) = &study.funder {
        root["funder"] = json!({"@id": "#funder"});
        graph.push(json!({"@id": "#funder", "@type": "Organization", "name": funder.name}));
        if let Some(award) = funder.award.as_deref().filter(|a| !a.is_empty()) {
            root["funding"] = json!({"@id": "#award"});
            graph.push(json!({
                "@id": "#award",
                "@type": "Grant",
                "identifier": award,
                "funder": {"@id": "#funder"},
            }));
        }
    }
    if let Some(disclaimer) = &study.funder_disclaimer {
        root["disambiguatingDescription"] = json!(disclaimer);
    }
    if let Some(reference) = &study.ethics_reference {
        root["additionalProperty"] = json!({"@id": "#ethics-approval"});
        graph.push(json!({
            "@id": "#ethics-approval",
            "@type": "PropertyValue",
            "name": "Research ethics approval reference",
            "value": reference,
        }));
    }
    let mut contact = json!({
        "@id": "#contact",
        "@type": "ContactPoint",
        "name": study.contact.name,
        "email": study.contact.email,
    });
    if let Some(role) = &study.contact.role {
        contact["contactType"] = json!(role);
    }
    graph.push(contact);
    graph.push(root);
    for licence in &licences {
        graph.push(licence_entity(licence));
    }

    // Images: what each shows, its caption, licence and provenance.
    let mut described: BTreeMap<String, Value> = BTreeMap::new();
    for (prompt, entry) in &entries {
        for variant in entry.image.iter().flat_map(|i| &i.variants) {
            let path = format!("site/media/{}", variant.key);
            let mut file = json!({
                "@id": path,
                "@type": ["File", "ImageObject"],
                "name": format!("{} ({} px, {})", entry.title, variant.width, variant.media_type),
                "encodingFormat": variant.media_type,
                "width": variant.width.to_string(),
                "height": variant.height.to_string(),
                "caption": entry.caption,
                "license": {"@id": licence_id(&entry.licence)},
                "isPartOf": {"@id": format!("#entry-{}", entry.slug)},
            });
            if let Some(alt) = &entry.alt {
                file["description"] = json!(alt);
            }
            if let Some(creator) = &entry.creator {
                file["creditText"] = json!(creator);
            }
            described.insert(path, file);
        }
        let mut work = json!({
            "@id": format!("#entry-{}", entry.slug),
            "@type": "CreativeWork",
            "name": entry.title,
            "text": entry.caption,
            "about": prompt,
            "license": {"@id": licence_id(&entry.licence)},
            "mainEntityOfPage": {"@id": format!("site/entries/{}.html", entry.slug)},
            "additionalType": entry.provenance.label(),
        });
        if let Some(note) = &entry.provenance_note {
            work["creditText"] = json!(note);
        }
        if let Some(description) = &entry.description {
            work["description"] = json!(description);
        }
        graph.push(work);
    }
    for (path, (size, sha256)) in files {
        let mut file = described.remove(path).unwrap_or_else(|| {
            json!({
                "@id": path,
                "@type": "File",
                "name": path.rsplit('/').next().unwrap_or(path),
                "encodingFormat": media_type(path),
            })
        });
        file["contentSize"] = json!(size.to_string());
        file["sha256"] = json!(sha256);
        graph.push(file);
    }
    json!({
        // The 1.1 context lacks two terms used here: schema.org's creditText,
        // and the RO-Crate terms' sha256 for each file's checksum.
        "@context": [
            "https://w3id.org/ro/crate/1.1/context",
            {
                "sha256": "https://w3id.org/ro/terms/workflow-run#sha256",
                "creditText": "http://schema.org/creditText",
            },
        ],
        "@graph": graph,
    })
}

/// The bag's tag files for a payload with these checksums: BagIt 1.0
/// declaration, bag-info, and SHA-256 manifests.
fn bag_tags(release: &Release, payload: &Sums) -> Files {
    let study = &release.study;
    let mut manifest = String::new();
    let mut bytes = 0_u64;
    for (path, (size, sha256)) in payload {
        manifest.push_str(&format!("{sha256}  data/{path}\n"));
        bytes += size;
    }
    let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut info = String::new();
    if let Some(institution) = &study.institution {
        info.push_str(&format!("Source-Organization: {}\n", one_line(institution)));
    }
    info.push_str(&format!(
        "Contact-Name: {}\nContact-Email: {}\nExternal-Description: {}\n\
         External-Identifier: {} release {}\nBagging-Date: {}\nBag-Software-Agent: Vitrine {}\n\
         Payload-Oxum: {bytes}.{}\n",
        one_line(&study.contact.name),
        one_line(&study.contact.email),
        one_line(&format!("{}: {}", study.title, study.summary)),
        study.slug,
        release.version,
        iso_date(release),
        env!("CARGO_PKG_VERSION"),
        payload.len(),
    ));
    let tag_files = [
        ("bag-info.txt", info.into_bytes()),
        (
            "bagit.txt",
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
        ),
        ("manifest-sha256.txt", manifest.into_bytes()),
    ];
    let mut tags = String::new();
    let mut files = Files::new();
    for (name, content) in tag_files {
        tags.push_str(&format!(
            "{}  {name}\n",
            vitrine_media::sha256_hex(&content)
        ));
        files.insert(name.into(), Content::Made(content));
    }
    files.insert(
        "tagmanifest-sha256.txt".into(),
        Content::Made(tags.into_bytes()),
    );
    files
}
