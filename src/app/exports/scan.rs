//! The privacy scan every export passes before it is moved into place: it
//! reads back what was written, file by file, so it checks the bytes that
//! would leave, not what the code meant to write.
//!
//! A file is a finding when
//! - it is, byte for byte, one of the study's originals;
//! - it is an image that holds anything but pixels (EXIF, GPS, XMP, IPTC,
//!   ICC, comments, thumbnails, trailing bytes:
//!   [`vitrine_media::public_image_problem`]), or whose name is not the hash
//!   of its bytes (so no upload file name can ride along);
//! - it is text that names a participant's real name in full, or holds an
//!   import key as a whole word that the Release's own public text does not
//!   (a key in a template or a URL is an internal id leaking);
//! - it is of a kind the export should not hold at all.

use super::Source;
use crate::app::App;
use aho_corasick::AhoCorasick;
use anyhow::Context;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use vitrine_core::lint::{contains_word, mentions_full_name};

/// What the files of one study's export must not hold.
#[derive(Debug, Default)]
pub struct Forbidden {
    /// The sha256 (hex) of each original.
    originals: HashSet<String>,
    /// Participants' real names.
    real_names: Vec<String>,
    /// Import keys that the Release's public text does not use, and a
    /// matcher that finds all of them in one pass over a file.
    keys: Vec<String>,
    matcher: Option<AhoCorasick>,
    /// Whether `images/` holds originals on purpose (a study folder), so
    /// they are not checked as public images.
    originals_folder: bool,
}

/// The file kinds an export may hold, by extension: text, and the two image
/// formats Vitrine writes.
const TEXT: [&str; 11] = [
    "html", "css", "js", "svg", "json", "txt", "md", "cff", "xml", "csv", "toml",
];
const IMAGES: [&str; 2] = ["jpg", "webp"];

impl Forbidden {
    /// What an export of `source` must not hold. Fails when the real names
    /// cannot be read (a missing identity key): the scan never runs blind.
    pub async fn for_export(app: &App, source: &Source) -> anyhow::Result<Self> {
        let guards = app
            .store
            .export_guards(source.study.id)
            .await
            .context("cannot read what the export must not hold")?;
        let real_names = crate::app::identity::real_names(app, &source.study)
            .await
            .context("cannot read participants' real names for the export's privacy scan")?;
        let public = serde_json::to_string(&source.release).context("cannot read the Release")?;
        let keys = guards
            .keys
            .into_iter()
            .filter(|key| !contains_word(&public, key))
            .collect();
        Ok(Self::new(guards.originals, real_names, keys))
    }

    /// A guard from explicit lists (for tests and other callers that know them).
    pub fn new(originals: Vec<String>, real_names: Vec<String>, keys: Vec<String>) -> Self {
        let keys: Vec<String> = keys.into_iter().filter(|k| !k.trim().is_empty()).collect();
        Self {
            originals: originals.into_iter().collect(),
            real_names,
            matcher: (!keys.is_empty())
                .then(|| AhoCorasick::new(&keys).ok())
                .flatten(),
            keys,
            originals_folder: false,
        }
    }

    /// For a study folder: its `images/` are the originals, and its texts
    /// must still never hold a participant's real name.
    pub fn study_folder(real_names: Vec<String>) -> Self {
        Self {
            originals_folder: true,
            ..Self::new(Vec::new(), real_names, Vec::new())
        }
    }

    /// The keys that occur in `text` as whole words (no letter or digit
    /// either side), sorted.
    fn keys_in(&self, text: &str) -> Vec<&str> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let found: BTreeSet<&str> = matcher
            .find_overlapping_iter(text)
            .filter(|m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
            .map(|m| self.keys[m.pattern().as_usize()].as_str())
            .collect();
        found.into_iter().collect()
    }
}

/// Every finding in the folder `root`, as `path: what is wrong` lines
/// (paths relative to `root`); empty when the export may leave.
pub fn scan_folder(root: &Path, forbidden: &Forbidden) -> anyhow::Result<Vec<String>> {
    let mut findings = Vec::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        let mut entries = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("cannot read {}", dir.display()))?;
        entries.sort_by_key(std::fs::DirEntry::path);
        for entry in entries {
            let path = entry.path();
            let kind = entry.file_type()?;
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                findings.extend(
                    scan_file(&name, &bytes, forbidden)
                        .into_iter()
                        .map(|f| format!("{name}: {f}")),
                );
            } else {
                findings.push(format!("{name}: not a plain file or folder"));
            }
        }
    }
    findings.sort();
    Ok(findings)
}

/// What is wrong with the file `name` (relative to the export's root)
/// holding `bytes`.
pub fn scan_file(name: &str, bytes: &[u8], forbidden: &Forbidden) -> Vec<String> {
    let mut found = Vec::new();
    if forbidden.originals_folder && name.starts_with("images/") {
        return found;
    }
    let hash = vitrine_media::sha256_hex(bytes);
    if forbidden.originals.contains(&hash) {
        found.push("is a participant's original image".to_owned());
        return found;
    }
    let (stem, extension) = match name
        .rsplit_once('/')
        .map_or(name, |(_, f)| f)
        .rsplit_once('.')
    {
        Some((stem, ext)) => (stem, ext.to_ascii_lowercase()),
        None => (name, String::new()),
    };
    if IMAGES.contains(&extension.as_str()) {
        if let Some(problem) = vitrine_media::public_image_problem(bytes) {
            found.push(format!("image {problem}"));
        }
        if stem != &hash[..32.min(hash.len())] {
            found.push("image name is not the hash of its bytes".to_owned());
        }
    } else if TEXT.contains(&extension.as_str()) {
        match std::str::from_utf8(bytes) {
            Ok(text) => found.extend(scan_text(text, forbidden)),
            Err(_) => found.push("text file that is not UTF-8".to_owned()),
        }
    } else {
        found.push(format!(
            "a .{extension} file has no place in an export (only text and JPEG/WebP images)"
        ));
    }
    found
}

fn scan_text(text: &str, forbidden: &Forbidden) -> Vec<String> {
    let mut found = Vec::new();
    let plain = unescape(text);
    if mentions_full_name(&[&plain], &forbidden.real_names) {
        found.push("names a participant in full".to_owned());
    }
    let keys = forbidden.keys_in(&plain);
    if !keys.is_empty() {
        found.push(format!("holds internal import key(s) {}", keys.join(", ")));
    }
    found
}

/// The character references askama writes, turned back into characters, so
/// "O&#x27;Brien" is read as "O'Brien".
fn unescape(text: &str) -> String {
    text.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden() -> Forbidden {
        Forbidden::new(
            vec![vitrine_media::sha256_hex(b"original bytes")],
            vec!["Rose O'Brien".to_owned()],
            vec!["p07-kettle".to_owned()],
        )
    }

    #[test]
    fn an_original_a_real_name_and_an_import_key_are_findings() {
        let f = forbidden();
        assert_eq!(
            scan_file("media/abc.jpg", b"original bytes", &f),
            ["is a participant's original image"]
        );
        assert_eq!(
            scan_file("index.html", b"<p>Photo by Rose O&#x27;Brien</p>", &f),
            ["names a participant in full"]
        );
        assert_eq!(
            scan_file("entries/x.html", b"<a data-key=\"p07-kettle\">", &f),
            ["holds internal import key(s) p07-kettle"]
        );
        assert!(scan_file("index.html", b"<p>A rose by the kettle</p>", &f).is_empty());
    }

    #[test]
    fn images_must_hold_only_pixels_and_be_named_by_their_hash() {
        let f = forbidden();
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x04, 0x45, 0x78, 0xFF, 0xD9];
        let found = scan_file("media/0123.jpg", &jpeg, &f);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].contains("not the hash"));
        assert_eq!(
            scan_file("notes.docx", b"x", &f),
            ["a .docx file has no place in an export (only text and JPEG/WebP images)"]
        );
    }
}
