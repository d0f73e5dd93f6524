//! `vitrine export archive`: a Release packed for deposit with a data archive
//! (UK Data Service, Zenodo, an institutional repository): a BagIt 1.0 bag
//! whose payload is an RO-Crate 1.1.
//!
//! Its parts: [`tables`] (the CSV files), [`ro_crate`] (the metadata).
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

mod originals;
mod ro_crate;
mod tables;

use super::{
    Content, ExportError, ExportRequest, Exported, Files, Source, Staging, record, scan, site,
    source,
};
use crate::app::App;
use crate::app::progress::{NoProgress, Progress};
use anyhow::Context;
use ro_crate::ro_crate;
use tables::{Records, consent_csv, deidentification_csv, entries_csv};

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use vitrine_core::Release;

/// Whether originals may go in an archive of `source`: every participant
/// with an image in it agrees to archive deposit today. Nothing is written.
pub async fn originals_allowed(app: &App, source: &Source) -> Result<(), ExportError> {
    originals::plan(app, source).await.map(|_| ())
}

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
    // Consent first: nothing is written when it does not allow the originals.
    let plan = match request.originals {
        true => Some(originals::plan(app, &source).await?),
        false => None,
    };
    let originals_planned = plan.as_ref().map_or(0, originals::Plan::len);
    let payload: Files = payload(app, &source, base_url.as_deref(), originals_planned)
        .await?
        .into_iter()
        .map(|(path, content)| (format!("data/{path}"), content))
        .collect();
    let staging = Staging::begin(request.dir)?;
    staging.write(app, &payload, progress.as_ref()).await?;
    let originals = match plan {
        Some(plan) => originals::write(app, plan, staging.path(), progress.as_ref()).await?,
        None => Vec::new(),
    };
    if !originals.is_empty() {
        let list = originals::list_csv(&originals)?;
        staging
            .write(
                app,
                &Files::from([("data/originals.csv".to_owned(), Content::Made(list))]),
                &NoProgress,
            )
            .await?;
    }
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
    staging
        .finish(forbidden, release.published_at.date())
        .await?;
    let record = record(
        app,
        &source,
        "archive",
        &request.destination(),
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
pub(super) type Sums = BTreeMap<String, (u64, String)>;

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
async fn payload(
    app: &App,
    source: &Source,
    base_url: Option<&str>,
    originals: usize,
) -> Result<Files, ExportError> {
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
    made(
        "README.md",
        readme(release, base_url, originals).into_bytes(),
    );
    // Where repositories look for it: the root of the deposit.
    let url = base_url.map(|b| format!("{b}index.html"));
    made(
        "CITATION.cff",
        vitrine_core::citation::citation_cff(release, url.as_deref()).into_bytes(),
    );
    Ok(files)
}

pub(super) fn iso_date(release: &Release) -> String {
    crate::site::views::iso_date(release.published_at.date())
}

fn readme(release: &Release, base_url: Option<&str>, originals: usize) -> String {
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
           and when. These are members of the research team, not participants.\n",
    );
    if originals > 0 {
        out.push_str(&format!(
            "- `originals/`: each participant's image at its full size ({originals} file(s);\n  \
               `originals.csv` says which entry each belongs to), included because every\n  \
               participant with an image here agreed to archive deposit. They were\n  \
               re-encoded from their pixels: the files as uploaded, with their camera\n  \
               metadata (time, place, device), stayed with the research team.\n"
        ));
    }
    out.push_str(
        "\n## What is not here, on purpose\n\n\
         No participant's real name or contact details, no signed consent forms, no\n\
         uploaded image files or their camera metadata, no internal identifiers from\n\
         the research team's spreadsheets, and nothing the gallery did not publish.\n\
         Participants are named only by the pseudonyms the gallery shows. Every file was\n\
         scanned for these before the folder was written.\n\n\
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
