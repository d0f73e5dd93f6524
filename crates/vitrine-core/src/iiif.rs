//! IIIF Presentation 3 documents for a Release, so the gallery can be shown
//! in IIIF viewers (Mirador, Universal Viewer) and harvested by collections.
//!
//! - One **Manifest per prompt**: a prompt is what a photo-elicitation study
//!   asks participants, and its entries answer it in order, so a viewer
//!   paging through one manifest reads the gallery as visitors do, a
//!   prompt at a time. (A manifest per entry would make a viewer show one
//!   image with nothing to page through, and a manifest for the whole study
//!   would lose the prompts.) Each entry with an image is a Canvas; an R
//!   entry (a description, no image) has nothing to paint and is left out of
//!   the manifests; the gallery pages show it.
//! - One **Collection** for the study, listing the manifests.
//!
//! Images are the Release's static JPEG sizes (no image service): the
//! largest paints the canvas, the smallest is its thumbnail. Every id is an
//! absolute URL under `base` (`https://host/study/iiif/` when served), as
//! IIIF requires; labels and summaries are in the study's language.

use crate::paths::Links;
use crate::{Licence, Release, ReleaseEntry, ReleasePrompt, citation};
use serde_json::{Value, json};

const CONTEXT: &str = "http://iiif.io/api/presentation/3/context.json";

/// A language map in the study's language.
fn text(language: &str, value: &str) -> Value {
    json!({ language: [value] })
}

fn label_value(language: &str, label: &str, value: &str) -> Value {
    json!({"label": text(language, label), "value": text(language, value)})
}

/// Where the IIIF documents of a study are, and how the rest is linked.
pub struct IiifUrls<'a> {
    /// The absolute URL the documents' paths are relative to, ending in `/`
    /// (the site's origin when served, the export's base URL).
    pub root: &'a str,
    /// How the study's pages and media are named under `root`.
    pub links: Links,
}

impl IiifUrls<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.root, path.trim_start_matches('/'))
    }

    /// The Collection's URL.
    pub fn collection(&self, study: &str) -> String {
        self.url(&self.links.iiif_collection(study))
    }

    /// A prompt's Manifest URL.
    pub fn manifest(&self, study: &str, prompt: &str) -> String {
        self.url(&self.links.iiif_manifest(study, prompt))
    }
}

/// The licence as IIIF's `rights` wants it: the canonical `http://` form of
/// the Creative Commons URI.
fn rights(licence: &Licence) -> Option<String> {
    licence
        .url()
        .map(|url| url.replacen("https://", "http://", 1))
}

/// The study's Collection: one Manifest per prompt that has an image.
pub fn collection(release: &Release, urls: &IiifUrls<'_>) -> Value {
    let study = &release.study;
    let lang = study.language.as_str();
    let items: Vec<Value> = release
        .prompts
        .iter()
        .filter(|p| has_images(p))
        .map(|p| {
            json!({
                "id": urls.manifest(&study.slug, &p.slug),
                "type": "Manifest",
                "label": text(lang, &p.title),
            })
        })
        .collect();
    let mut doc = json!({
        "@context": CONTEXT,
        "id": urls.collection(&study.slug),
        "type": "Collection",
        "label": text(lang, &citation::full_title(release)),
        "summary": text(lang, &study.summary),
        "requiredStatement": required_statement(release, None),
        "homepage": [homepage(release, urls, &urls.links.gallery(&study.slug), &study.title)],
        "items": items,
    });
    if let Some(licence) = citation::single_licence(release).and_then(rights) {
        doc["rights"] = json!(licence);
    }
    doc
}

fn has_images(prompt: &ReleasePrompt) -> bool {
    prompt.entries.iter().any(|e| e.image.is_some())
}

fn homepage(release: &Release, urls: &IiifUrls<'_>, path: &str, label: &str) -> Value {
    json!({
        "id": urls.url(path),
        "type": "Text",
        "label": text(&release.study.language, label),
        "format": "text/html",
    })
}

/// "Funded by …; disclaimer" and, for an entry, its provenance.
fn required_statement(release: &Release, entry: Option<&ReleaseEntry>) -> Value {
    let study = &release.study;
    let mut parts = vec![format!("{}: {}", citation::author(release), study.title)];
    if let Some(funder) = &study.funder {
        parts.push(format!("Funded by {}", funder.name));
    }
    if let Some(disclaimer) = &study.funder_disclaimer {
        parts.push(disclaimer.clone());
    }
    if let Some(entry) = entry {
        parts.push(format!("Provenance: {}", entry.provenance.label()));
        if let Some(note) = &entry.texts.provenance_note {
            parts.push(note.clone());
        }
    }
    // Sentences joined with ". ", without doubling a full stop that a part
    // (a disclaimer, a note) already ends with.
    let mut text = String::new();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !text.is_empty() {
            if !text.ends_with(['.', '!', '?']) {
                text.push('.');
            }
            text.push(' ');
        }
        text.push_str(part);
    }
    label_value(&study.language, "Attribution", &text)
}

/// The Manifest of one prompt; `None` when the prompt has no image to show.
pub fn manifest(release: &Release, prompt: &ReleasePrompt, urls: &IiifUrls<'_>) -> Option<Value> {
    if !has_images(prompt) {
        return None;
    }
    let study = &release.study;
    let lang = study.language.as_str();
    let id = urls.manifest(&study.slug, &prompt.slug);
    let canvases: Vec<Value> = prompt
        .entries
        .iter()
        .filter_map(|entry| canvas(release, prompt, entry, &id, urls))
        .collect();
    let mut doc = json!({
        "@context": CONTEXT,
        "id": id,
        "type": "Manifest",
        "label": text(lang, &prompt.title),
        "summary": text(lang, &prompt.text),
        "metadata": [
            label_value(lang, "Study", &citation::full_title(release)),
            label_value(lang, "Prompt", &prompt.text),
            label_value(lang, "Release", &release.version.to_string()),
        ],
        "requiredStatement": required_statement(release, None),
        "homepage": [homepage(release, urls, &format!("{}#{}", urls.links.gallery(&study.slug), prompt.slug), &prompt.title)],
        "partOf": [{"id": urls.collection(&study.slug), "type": "Collection"}],
        "items": canvases,
    });
    let licences: Vec<&Licence> = prompt.entries.iter().map(|e| &e.licence).collect();
    if let Some(first) = licences.first()
        && licences.iter().all(|l| l == first)
        && let Some(url) = rights(first)
    {
        doc["rights"] = json!(url);
    }
    Some(doc)
}

fn canvas(
    release: &Release,
    prompt: &ReleasePrompt,
    entry: &ReleaseEntry,
    manifest: &str,
    urls: &IiifUrls<'_>,
) -> Option<Value> {
    let image = entry.image.as_ref()?;
    let jpegs: Vec<_> = image
        .variants
        .iter()
        .filter(|v| v.media_type == "image/jpeg")
        .collect();
    let largest = jpegs.iter().max_by_key(|v| v.width)?;
    let smallest = jpegs.iter().min_by_key(|v| v.width)?;
    let lang = release.study.language.as_str();
    let id = format!("{manifest}/canvas/{}", entry.slug);
    let media = |v: &crate::MediaVariant| urls.url(&urls.links.media(&v.key));
    let mut metadata = vec![
        label_value(lang, "Prompt", &prompt.title),
        label_value(lang, "Participant", &entry.pseudonym),
        label_value(lang, "Provenance", entry.provenance.label()),
    ];
    if let Some(creator) = &entry.texts.creator {
        metadata.push(label_value(lang, "Creator", creator));
    }
    if let Some(alt) = &entry.texts.alt {
        metadata.push(label_value(lang, "Image description", alt));
    }
    let mut canvas = json!({
        "id": id,
        "type": "Canvas",
        "label": text(lang, &entry.title),
        "summary": text(lang, &entry.texts.caption),
        "width": largest.width,
        "height": largest.height,
        "metadata": metadata,
        "requiredStatement": required_statement(release, Some(entry)),
        "homepage": [homepage(release, urls, &urls.links.entry(&release.study.slug, &entry.slug), &entry.title)],
        "thumbnail": [{
            "id": media(smallest),
            "type": "Image",
            "format": "image/jpeg",
            "width": smallest.width,
            "height": smallest.height,
        }],
        "items": [{
            "id": format!("{id}/page"),
            "type": "AnnotationPage",
            "items": [{
                "id": format!("{id}/page/image"),
                "type": "Annotation",
                "motivation": "painting",
                "body": {
                    "id": media(largest),
                    "type": "Image",
                    "format": "image/jpeg",
                    "width": largest.width,
                    "height": largest.height,
                },
                "target": id,
            }],
        }],
    });
    if let Some(url) = rights(&entry.licence) {
        canvas["rights"] = json!(url);
    }
    Some(canvas)
}
