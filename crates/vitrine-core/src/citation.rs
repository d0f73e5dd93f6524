//! How a Release is cited: the sentence on the about page, a `CITATION.cff`
//! file, a DataCite-style metadata record and schema.org JSON-LD, all from
//! the same fields, so they never disagree. A Release's DOI is entered by the
//! team after they mint one (for example by depositing the archive export
//! with Zenodo); [`parse_doi`] accepts the forms people paste.

use crate::text::{self, long_date};
use crate::{Licence, Release};
use serde_json::{Value, json};

/// `10.NNNN/suffix` from a DOI as people paste it: bare, `doi:…`, or a
/// `https://doi.org/…` link; `Err` says what a DOI looks like.
pub fn parse_doi(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    let lower = trimmed.to_ascii_lowercase();
    let bare = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find(|p| lower.starts_with(*p))
    .map_or(trimmed, |p| &trimmed[p.len()..])
    .trim();
    let valid = bare.split_once('/').is_some_and(|(prefix, suffix)| {
        prefix.strip_prefix("10.").is_some_and(|registrant| {
            !registrant.is_empty() && registrant.chars().all(|c| c.is_ascii_digit() || c == '.')
        }) && !suffix.is_empty()
            && !suffix.chars().any(|c| c.is_whitespace() || c.is_control())
            && !suffix.contains(['"', '<', '>'])
    });
    if valid {
        Ok(bare.to_owned())
    } else {
        Err(format!(
            "\"{}\" is not a DOI: a DOI looks like 10.5281/zenodo.1234567 (a link \
             https://doi.org/10.5281/zenodo.1234567 is fine too)",
            trimmed
        ))
    }
}

/// The DOI as a link.
pub fn doi_url(doi: &str) -> String {
    format!("https://doi.org/{doi}")
}

/// Who the gallery is by: the institution, or the contact when there is none.
pub fn author(release: &Release) -> &str {
    let study = &release.study;
    study.institution.as_deref().unwrap_or(&study.contact.name)
}

/// The citation, as the about page, the API and an archive's README give
/// it: "University of Oxford (2024). Title: subtitle [image gallery].
/// Release 1, 8 March 2024." then the DOI link, or else `url` if known.
pub fn sentence(release: &Release, url: Option<&str>) -> String {
    let cited = format!(
        "{} ({}). {} [image gallery]. Release {}, {}.",
        author(release),
        release.published_at.year(),
        full_title(release),
        release.version,
        long_date(release.published_at.date()),
    );
    match release
        .doi
        .as_deref()
        .map(doi_url)
        .or(url.map(str::to_owned))
    {
        Some(link) => format!("{cited} {link}"),
        None => cited,
    }
}

/// The title with its subtitle.
pub fn full_title(release: &Release) -> String {
    match &release.study.subtitle {
        Some(subtitle) => format!("{}: {subtitle}", release.study.title),
        None => release.study.title.clone(),
    }
}

/// The Release's licence when every entry has the same one.
pub fn single_licence(release: &Release) -> Option<&Licence> {
    let mut licences = release
        .prompts
        .iter()
        .flat_map(|p| &p.entries)
        .map(|e| &e.licence);
    let first = licences.next()?;
    licences.all(|l| l == first).then_some(first)
}

/// A YAML scalar: a JSON string is a valid double-quoted YAML scalar.
fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// `CITATION.cff` (Citation File Format 1.2.0) for the Release; `url` is the
/// gallery's address, if known.
pub fn citation_cff(release: &Release, url: Option<&str>) -> String {
    let study = &release.study;
    let mut out = String::from("cff-version: 1.2.0\n");
    out.push_str(
        "message: \"If you use these images or this gallery, please cite this Release as below.\"\n",
    );
    out.push_str("type: dataset\n");
    out.push_str(&format!("title: {}\n", yaml(&full_title(release))));
    out.push_str(&format!("version: \"{}\"\n", release.version));
    out.push_str(&format!(
        "date-released: {}\n",
        text::iso_date(release.published_at.date())
    ));
    out.push_str(&format!("authors:\n  - name: {}\n", yaml(author(release))));
    out.push_str(&format!(
        "contact:\n  - name: {}\n    email: {}\n",
        yaml(&study.contact.name),
        yaml(&study.contact.email)
    ));
    out.push_str(&format!("abstract: {}\n", yaml(&study.summary)));
    if let Some(url) = url {
        out.push_str(&format!("url: {}\n", yaml(url)));
    }
    if let Some(doi) = &release.doi {
        out.push_str(&format!("doi: {}\n", yaml(doi)));
    }
    if let Some(Licence::Spdx(id)) = single_licence(release) {
        out.push_str(&format!("license: {}\n", yaml(id)));
    }
    out.push_str("keywords:\n  - photo-elicitation\n  - image gallery\n");
    out
}

/// A DataCite Metadata Schema 4 record (the `attributes` of DataCite's JSON
/// API): what a repository asks for when minting a DOI for the Release.
pub fn datacite(release: &Release, url: Option<&str>) -> Value {
    let study = &release.study;
    let mut titles = vec![json!({"title": study.title})];
    if let Some(subtitle) = &study.subtitle {
        titles.push(json!({"title": subtitle, "titleType": "Subtitle"}));
    }
    let mut descriptions =
        vec![json!({"description": study.summary, "descriptionType": "Abstract"})];
    if let Some(method) = &study.method {
        descriptions.push(json!({"description": method, "descriptionType": "Methods"}));
    }
    let mut dates =
        vec![json!({"date": text::iso_date(release.published_at.date()), "dateType": "Issued"})];
    if let (Some(start), Some(end)) = (study.fieldwork_start, study.fieldwork_end) {
        dates
            .push(json!({"date": format!("{}/{}", text::iso_date(start), text::iso_date(end)), "dateType": "Collected"}));
    }
    let mut record = json!({
        "types": {"resourceTypeGeneral": "Image", "resourceType": "Image gallery"},
        "creators": [{"name": author(release), "nameType": "Organizational"}],
        "titles": titles,
        "publisher": author(release),
        "publicationYear": release.published_at.year().to_string(),
        "version": release.version.to_string(),
        "language": study.language,
        "dates": dates,
        "descriptions": descriptions,
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    });
    if let Some(doi) = &release.doi {
        record["doi"] = json!(doi);
        record["identifiers"] = json!([{"identifier": doi_url(doi), "identifierType": "DOI"}]);
    }
    if let Some(url) = url {
        record["url"] = json!(url);
    }
    if let Some(funder) = &study.funder {
        let mut reference = json!({"funderName": funder.name});
        if let Some(award) = funder.award.as_deref().filter(|a| !a.is_empty()) {
            reference["awardNumber"] = json!(award);
        }
        record["fundingReferences"] = json!([reference]);
    }
    record["rightsList"] = match single_licence(release) {
        Some(licence @ Licence::Spdx(id)) => json!([{
            "rights": licence.name(),
            "rightsUri": licence.url(),
            "rightsIdentifier": id,
            "rightsIdentifierScheme": "SPDX",
        }]),
        Some(Licence::None) => json!([{"rights": "All rights reserved"}]),
        None => json!([{"rights": "Each image has its own licence, given with it"}]),
    };
    record
}

/// schema.org JSON-LD describing the gallery as a Dataset, for the pages'
/// `<head>`; `url` is the gallery's address, if known.
pub fn schema_org(release: &Release, url: Option<&str>) -> Value {
    let study = &release.study;
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": full_title(release),
        "description": study.summary,
        "version": release.version.to_string(),
        "datePublished": text::iso_date(release.published_at.date()),
        "inLanguage": study.language,
        "creator": {"@type": "Organization", "name": author(release)},
        "isAccessibleForFree": true,
    });
    if let Some(url) = url {
        data["url"] = json!(url);
    }
    if let Some(doi) = &release.doi {
        data["identifier"] = json!(doi_url(doi));
    }
    if let Some(funder) = &study.funder {
        data["funder"] = json!({"@type": "Organization", "name": funder.name});
    }
    if let Some(licence) = single_licence(release).and_then(Licence::url) {
        data["license"] = json!(licence);
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_are_accepted_as_people_paste_them() {
        for raw in [
            "10.5281/zenodo.1234567",
            " doi:10.5281/zenodo.1234567",
            "https://doi.org/10.5281/zenodo.1234567",
            "HTTPS://DOI.ORG/10.5281/zenodo.1234567",
        ] {
            assert_eq!(
                parse_doi(raw).as_deref(),
                Ok("10.5281/zenodo.1234567"),
                "{raw}"
            );
        }
        for raw in [
            "",
            "zenodo.1234567",
            "10.5281",
            "11.1/x",
            "10.5281/a b",
            "10.x/y",
        ] {
            assert!(parse_doi(raw).is_err(), "{raw}");
        }
    }
}
