//! The public URL scheme, written once: the links every public page prints, the
//! files of a static export, and the addresses a CDN purge names all come from
//! here, so a new public page cannot be linked one way and purged another.
//!
//! | page          | served by `vitrine serve`    | file in a static export |
//! |---------------|------------------------------|-------------------------|
//! | gallery       | `/{study}/`                  | `index.html`            |
//! | about         | `/{study}/about`             | `about.html`            |
//! | Releases      | `/{study}/releases`          | `releases.html`         |
//! | entry         | `/{study}/entries/{entry}`   | `entries/{entry}.html`  |
//! | presenter slide of an entry | `/{study}/present/{entry}` | `present/{entry}.html` |
//! | facilitator's notes for it | `/{study}/present/{entry}/notes` | `present/{entry}-notes.html` |
//! | where visitors send reflections (POST) | `/{study}/reflections` | not exported |
//! | slide `n` of a workshop session shared by link | `/{study}/shared/{token}/{n}` (and `/notes`) | not exported |
//! | citation file | `/{study}/CITATION.cff`      | `CITATION.cff`          |
//! | DataCite record | `/{study}/datacite.json`   | `datacite.json`         |
//! | IIIF Collection | `/{study}/iiif/collection.json` | `iiif/collection.json` |
//! | IIIF Manifest of a prompt | `/{study}/iiif/{prompt}.json` | `iiif/{prompt}.json` |
//! | image         | `/media/{key}`               | `media/{key}`           |
//! | stylesheet, script, icon | `/static/{name}`  | `static/{name}`         |
//!
//! A static export holds one study, so its paths name no study; its links are
//! relative (`../media/…` from an entry page) and name files, never folders,
//! so they work from any static host and from disk (`file://`).

/// How public links are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Absolute paths on a running `vitrine serve`.
    Served,
    /// Relative links between the files of a static export, from a page
    /// `depth` folders below the export's root (0 for `index.html`, 1 for
    /// `entries/…`).
    Static {
        /// Folders between the export's root and the page.
        depth: usize,
    },
}

impl Links {
    /// Links in a static export from the page at file `path` (as returned by
    /// these functions with `Static { depth: 0 }`).
    pub fn from_file(path: &str) -> Self {
        Links::Static {
            depth: path.matches('/').count(),
        }
    }

    fn up(&self) -> String {
        match self {
            Links::Served => String::new(),
            Links::Static { depth } => "../".repeat(*depth),
        }
    }

    /// A study's gallery.
    pub fn gallery(&self, study: &str) -> String {
        match self {
            Links::Served => format!("/{study}/"),
            Links::Static { .. } => format!("{}index.html", self.up()),
        }
    }

    /// A study's about page.
    pub fn about(&self, study: &str) -> String {
        match self {
            Links::Served => format!("/{study}/about"),
            Links::Static { .. } => format!("{}about.html", self.up()),
        }
    }

    /// A study's list of Releases.
    pub fn releases(&self, study: &str) -> String {
        match self {
            Links::Served => format!("/{study}/releases"),
            Links::Static { .. } => format!("{}releases.html", self.up()),
        }
    }

    /// The Release's citation file (Citation File Format).
    pub fn citation_cff(&self, study: &str) -> String {
        match self {
            Links::Served => format!("/{study}/CITATION.cff"),
            Links::Static { .. } => format!("{}CITATION.cff", self.up()),
        }
    }

    /// The Release's DataCite metadata record.
    pub fn datacite(&self, study: &str) -> String {
        match self {
            Links::Served => format!("/{study}/datacite.json"),
            Links::Static { .. } => format!("{}datacite.json", self.up()),
        }
    }

    /// The study's IIIF Collection.
    pub fn iiif_collection(&self, study: &str) -> String {
        match self {
            Links::Served => format!("/{study}/iiif/collection.json"),
            Links::Static { .. } => format!("{}iiif/collection.json", self.up()),
        }
    }

    /// The IIIF Manifest of one prompt.
    pub fn iiif_manifest(&self, study: &str, prompt: &str) -> String {
        match self {
            Links::Served => format!("/{study}/iiif/{prompt}.json"),
            Links::Static { .. } => format!("{}iiif/{prompt}.json", self.up()),
        }
    }

    /// An entry's page.
    pub fn entry(&self, study: &str, entry: &str) -> String {
        match self {
            Links::Served => format!("/{study}/entries/{entry}"),
            Links::Static { .. } => format!("{}entries/{entry}.html", self.up()),
        }
    }

    /// An entry's slide in presenter mode (issue 14).
    pub fn present(&self, study: &str, entry: &str) -> String {
        match self {
            Links::Served => format!("/{study}/present/{entry}"),
            Links::Static { .. } => format!("{}present/{entry}.html", self.up()),
        }
    }

    /// The facilitator's notes for an entry's slide, for a second window.
    pub fn present_notes(&self, study: &str, entry: &str) -> String {
        match self {
            Links::Served => format!("/{study}/present/{entry}/notes"),
            Links::Static { .. } => format!("{}present/{entry}-notes.html", self.up()),
        }
    }

    /// A public image file, by its media key.
    pub fn media(&self, key: &str) -> String {
        match self {
            Links::Served => format!("/media/{key}"),
            Links::Static { .. } => format!("{}media/{key}", self.up()),
        }
    }

    /// An embedded stylesheet, script or icon, by its fingerprinted name.
    pub fn asset(&self, name: &str) -> String {
        match self {
            Links::Served => format!("/static/{name}"),
            Links::Static { .. } => format!("{}static/{name}", self.up()),
        }
    }
}

/// Where the visitors' reflection form is sent (served only: a static
/// export has no server to take it).
pub fn reflections(study: &str) -> String {
    format!("/{study}/reflections")
}

/// Slide `n` (from 1) of a workshop session shared under `token`, or its
/// notes: served only, never exported or cached by a CDN (the link expires).
pub fn shared_slide(study: &str, token: &str, n: usize, notes: bool) -> String {
    let notes = if notes { "/notes" } else { "" };
    format!("/{study}/shared/{token}/{n}{notes}")
}

/// The served pages of a study that list its entries or describe it: what
/// changes whenever its Release does (with `/`, the list of studies).
pub fn study_pages(study: &str) -> Vec<String> {
    let served = Links::Served;
    vec![
        "/".to_owned(),
        served.gallery(study),
        served.about(study),
        served.releases(study),
        served.citation_cff(study),
        served.datacite(study),
        served.iiif_collection(study),
    ]
}

/// What a CDN must drop when entries and images leave a study's gallery: the
/// study's pages, the IIIF manifest of each prompt they were in, then each
/// entry's addresses (its page, its slide and the slide's notes) and each
/// image's, in the order given.
pub fn purge_paths<'a>(
    study: &str,
    prompts: impl IntoIterator<Item = &'a str>,
    entries: impl IntoIterator<Item = &'a str>,
    media: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let served = Links::Served;
    let mut paths = study_pages(study);
    paths.extend(prompts.into_iter().map(|p| served.iiif_manifest(study, p)));
    for e in entries {
        paths.extend([
            served.entry(study, e),
            served.present(study, e),
            served.present_notes(study, e),
        ]);
    }
    paths.extend(media.into_iter().map(|k| served.media(k)));
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_links_are_absolute_paths() {
        let s = Links::Served;
        assert_eq!(s.gallery("st"), "/st/");
        assert_eq!(s.about("st"), "/st/about");
        assert_eq!(s.releases("st"), "/st/releases");
        assert_eq!(s.citation_cff("st"), "/st/CITATION.cff");
        assert_eq!(s.datacite("st"), "/st/datacite.json");
        assert_eq!(s.entry("st", "e"), "/st/entries/e");
        assert_eq!(s.present("st", "e"), "/st/present/e");
        assert_eq!(s.present_notes("st", "e"), "/st/present/e/notes");
        assert_eq!(s.media("k.jpg"), "/media/k.jpg");
        assert_eq!(s.asset("site.1.css"), "/static/site.1.css");
    }

    #[test]
    fn static_links_name_files_relative_to_the_page() {
        let root = Links::Static { depth: 0 };
        assert_eq!(root.gallery("st"), "index.html");
        assert_eq!(root.entry("st", "e"), "entries/e.html");
        let entry = Links::from_file(&root.entry("st", "e"));
        assert_eq!(entry, Links::Static { depth: 1 });
        assert_eq!(entry.gallery("st"), "../index.html");
        assert_eq!(entry.media("k.jpg"), "../media/k.jpg");
        assert_eq!(entry.entry("st", "f"), "../entries/f.html");
        assert_eq!(root.present("st", "e"), "present/e.html");
        assert_eq!(entry.present_notes("st", "e"), "../present/e-notes.html");
        assert_eq!(Links::from_file("index.html"), root);
    }

    #[test]
    fn purges_name_the_study_pages_then_entries_then_media() {
        assert_eq!(
            purge_paths("st", ["p"], ["e"], ["k.jpg"]),
            [
                "/",
                "/st/",
                "/st/about",
                "/st/releases",
                "/st/CITATION.cff",
                "/st/datacite.json",
                "/st/iiif/collection.json",
                "/st/iiif/p.json",
                "/st/entries/e",
                "/st/present/e",
                "/st/present/e/notes",
                "/media/k.jpg"
            ]
        );
    }
}
