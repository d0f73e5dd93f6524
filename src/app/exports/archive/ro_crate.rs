//! `ro-crate-metadata.json` of an archive (RO-Crate 1.1): the root dataset
//! (the study and this Release), each entry as a CreativeWork, each image as
//! a File and ImageObject, every other payload file, and the contextual
//! entities (contact, institution, funder, award, ethics approval,
//! licences) they refer to.

use super::{Sums, iso_date};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use vitrine_core::{Licence, Release, ReleaseEntry};

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
pub(super) fn ro_crate(release: &Release, files: &Sums, base_url: Option<&str>) -> Value {
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
                "caption": entry.texts.caption,
                "license": {"@id": licence_id(&entry.licence)},
                "isPartOf": {"@id": format!("#entry-{}", entry.slug)},
            });
            if let Some(alt) = &entry.texts.alt {
                file["description"] = json!(alt);
            }
            if let Some(creator) = &entry.texts.creator {
                file["creditText"] = json!(creator);
            }
            described.insert(path, file);
        }
        let mut work = json!({
            "@id": format!("#entry-{}", entry.slug),
            "@type": "CreativeWork",
            "name": entry.title,
            "text": entry.texts.caption,
            "about": prompt,
            "license": {"@id": licence_id(&entry.licence)},
            "mainEntityOfPage": {"@id": format!("site/entries/{}.html", entry.slug)},
            "additionalType": entry.provenance.label(),
        });
        if let Some(note) = &entry.texts.provenance_note {
            work["creditText"] = json!(note);
        }
        if let Some(description) = &entry.texts.description {
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
