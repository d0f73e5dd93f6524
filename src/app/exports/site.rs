//! `vitrine export site`: a study's gallery as plain files that any static
//! host (or a browser opening `index.html` from disk) can show, with no
//! server. The pages are the ones `vitrine serve` renders ([`crate::site`]),
//! printed with relative links; the images are the Release's public
//! derivatives, copied from the blob store; the stylesheet, script and icon
//! are the embedded ones. Nothing in the output depends on the time or the
//! machine, so the same Release gives byte-identical files.
//!
//! | file                    | what                                   |
//! |-------------------------|----------------------------------------|
//! | `index.html`            | the gallery                            |
//! | `about.html`            | about, contact, funder, how to cite    |
//! | `releases.html`         | Releases up to the exported one        |
//! | `CITATION.cff`, `datacite.json` | how to cite the Release        |
//! | `iiif/…json`            | IIIF Collection and a Manifest per prompt (with `--base-url` only) |
//! | `entries/{entry}.html`  | one page per entry                     |
//! | `present/{entry}.html`, `present/{entry}-notes.html` | presenter mode: each entry's slide and its notes |
//! | `media/{hash}.jpg/webp` | every size and format the pages use    |
//! | `static/…`              | stylesheet, script, icon               |

use super::{
    Content, ExportError, ExportRequest, Exported, Files, Source, Staging, record, scan, source,
};
use crate::app::App;
use crate::app::progress::Progress;
use crate::site::Origin;
use crate::site::about::AboutPage;
use crate::site::entry::EntryPage;
use crate::site::gallery::GalleryPage;
use crate::site::present::PresentPage;
use crate::site::releases::{ReleasesPage, rows_up_to};
use anyhow::Context;
use askama::Template;
use std::sync::Arc;
use vitrine_core::citation;
use vitrine_core::paths::Links;

/// Renders, writes, scans and records a static site of a Release.
pub async fn export_site(
    app: &App,
    request: ExportRequest<'_>,
    progress: Arc<dyn Progress>,
) -> Result<Exported, ExportError> {
    let base_url = request.base_url.map(base_url).transpose()?;
    let source = source(app, request.study, request.release).await?;
    let files = site_files(app, &source, base_url.as_deref()).await?;
    let forbidden = scan::Forbidden::for_export(app, &source).await?;
    let count = files.len();
    let entries = source.release.prompts.iter().map(|p| p.entries.len()).sum();
    let staging = Staging::begin(request.dir)?;
    let bytes = staging.write(app, &files, progress.as_ref()).await?;
    staging
        .finish(forbidden, source.release.published_at.date())
        .await?;
    let record = record(app, &source, "site", &request.destination(), request.actor).await?;
    Ok(Exported {
        files: count,
        bytes,
        entries,
        record,
    })
}

/// The files of a static site of `source`, by path.
pub async fn site_files(
    app: &App,
    source: &Source,
    base_url: Option<&str>,
) -> Result<Files, ExportError> {
    let release = &source.release;
    let slug = &release.study.slug;
    let origin = Origin::Static(base_url);
    let root = Links::Static { depth: 0 };
    let mut files = Files::new();
    let mut page = |path: String, html: Result<String, askama::Error>| -> anyhow::Result<()> {
        let html = html.with_context(|| format!("cannot render {path}"))?;
        files.insert(path, Content::Made(html.into_bytes()));
        Ok(())
    };
    page(
        root.gallery(slug),
        GalleryPage::new(release, origin).render(),
    )?;
    page(root.about(slug), AboutPage::new(release, origin).render())?;
    let rows = rows_up_to(
        app.store
            .list_releases(slug)
            .await
            .context("cannot list the Releases")?,
        release.version,
    );
    page(
        root.releases(slug),
        ReleasesPage::new(release, rows, origin).render(),
    )?;
    for prompt in &release.prompts {
        for (index, entry) in prompt.entries.iter().enumerate() {
            let html = EntryPage::new(release, prompt, index, origin)
                .with_context(|| format!("entry {} is missing", entry.slug))?
                .render();
            page(root.entry(slug, &entry.slug), html)?;
            for notes in [false, true] {
                let html = PresentPage::new(release, &entry.slug, notes, origin)
                    .with_context(|| format!("entry {} is missing", entry.slug))?
                    .render();
                let file = if notes {
                    root.present_notes(slug, &entry.slug)
                } else {
                    root.present(slug, &entry.slug)
                };
                page(file, html)?;
            }
        }
    }
    let url = origin.url(&Links::Served.gallery(slug), &root.gallery(slug));
    files.insert(
        root.citation_cff(slug),
        Content::Made(citation::citation_cff(release, url.as_deref()).into_bytes()),
    );
    let datacite = serde_json::to_vec_pretty(&citation::datacite(release, url.as_deref()))
        .context("cannot write the DataCite record")?;
    files.insert(root.datacite(slug), Content::Made(datacite));
    // IIIF needs absolute ids: only an export that knows its address has it.
    if let Some(base) = base_url {
        let urls = vitrine_core::iiif::IiifUrls {
            root: base,
            links: root,
        };
        let json = |value: &serde_json::Value| {
            serde_json::to_vec_pretty(value).context("cannot write a IIIF document")
        };
        files.insert(
            root.iiif_collection(slug),
            Content::Made(json(&vitrine_core::iiif::collection(release, &urls))?),
        );
        for prompt in &release.prompts {
            if let Some(manifest) = vitrine_core::iiif::manifest(release, prompt, &urls) {
                files.insert(
                    root.iiif_manifest(slug, &prompt.slug),
                    Content::Made(json(&manifest)?),
                );
            }
        }
    }
    for asset in crate::site::assets::public() {
        files.insert(
            root.asset(&asset.name),
            Content::Made(asset.asset.bytes.to_vec()),
        );
    }
    for prompt in &release.prompts {
        for entry in &prompt.entries {
            for variant in entry.image.iter().flat_map(|i| &i.variants) {
                files.insert(
                    root.media(&variant.key),
                    Content::Media(variant.key.clone()),
                );
            }
        }
    }
    Ok(files)
}

/// Checks a base URL and makes it end in `/`.
pub(super) fn base_url(raw: &str) -> Result<String, ExportError> {
    let url = raw.trim();
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace)
        && !url.contains(['?', '#', '"', '<', '>']);
    if !ok {
        return Err(ExportError::BadBaseUrl(raw.to_owned()));
    }
    Ok(if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    })
}

#[cfg(test)]
mod tests {
    use super::base_url;

    #[test]
    fn base_urls_are_web_addresses_ending_in_a_slash() {
        assert_eq!(
            base_url("https://example.org/gallery").unwrap(),
            "https://example.org/gallery/"
        );
        assert!(base_url("example.org").is_err());
        assert!(base_url("https://x.org/a b").is_err());
        assert!(base_url("javascript:alert(1)").is_err());
    }
}
