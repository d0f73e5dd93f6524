//! Where a study folder's files come from: a folder on disk, or the demo study
//! embedded in the binary. The importer only ever asks for a file by its path
//! relative to the folder, so both sources go through the same validation.
//! A file on disk is read only if its real location (after following symbolic
//! links) is inside the study folder, so a link cannot smuggle in a file from
//! elsewhere on the machine.

use std::io;
use std::path::{Component, Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// A study folder's files, by relative path ("entries.csv", "images/a.jpg").
pub trait StudyFiles: Send + Sync {
    /// A name for messages, e.g. the folder path.
    fn describe(&self) -> String;
    /// The file's size, or `None` if there is no such file.
    fn size(&self, rel: &str) -> io::Result<Option<u64>>;
    /// The file's bytes, or `None` if there is no such file.
    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>>;
}

/// Turns a path as a researcher typed it into a safe relative path: `\` becomes
/// `/`, and absolute paths or `..` are refused (they would reach outside the
/// study folder).
pub fn clean_relative(raw: &str) -> Result<String, String> {
    let unified = raw.trim().replace('\\', "/");
    let path = Path::new(&unified);
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => {
                return Err(format!(
                    "\"{raw}\" must be a path inside the study folder, such as images/photo.jpg"
                ));
            }
        }
    }
    if parts.is_empty() {
        return Err("the path is empty".to_owned());
    }
    Ok(parts.join("/"))
}

/// A study folder on disk.
pub struct DiskFolder {
    root: PathBuf,
}

impl DiskFolder {
    /// The folder at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Finds the file and returns its real path, refusing one whose real path
    /// (after symbolic links) leaves the study folder.
    fn locate(&self, rel: &str) -> io::Result<Option<PathBuf>> {
        let Some(found) = self.find(rel)? else {
            return Ok(None);
        };
        let real = found.canonicalize()?;
        if real.starts_with(self.root.canonicalize()?) {
            Ok(Some(real))
        } else {
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "it is a symbolic link to a file outside the study folder; copy the file into \
                 the folder instead",
            ))
        }
    }

    /// Finds the file, tolerating Unicode normalisation differences in names
    /// (macOS stores "é" decomposed; spreadsheets hold it composed).
    fn find(&self, rel: &str) -> io::Result<Option<PathBuf>> {
        let direct = self.root.join(rel);
        if direct.is_file() {
            return Ok(Some(direct));
        }
        let mut dir = self.root.clone();
        for (i, part) in rel.split('/').enumerate() {
            let last = i == rel.split('/').count() - 1;
            let want: String = part.nfc().collect();
            let Ok(listing) = std::fs::read_dir(&dir) else {
                return Ok(None);
            };
            let found = listing
                .filter_map(Result::ok)
                .find(|e| e.file_name().to_string_lossy().nfc().collect::<String>() == want);
            match found {
                Some(e) => dir = e.path(),
                None => return Ok(None),
            }
            if last {
                return Ok(dir.is_file().then_some(dir));
            }
        }
        Ok(None)
    }
}

impl StudyFiles for DiskFolder {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn size(&self, rel: &str) -> io::Result<Option<u64>> {
        self.locate(rel)?
            .map(|p| std::fs::metadata(p).map(|m| m.len()))
            .transpose()
    }

    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        self.locate(rel)?.map(std::fs::read).transpose()
    }
}

/// Files compiled into the binary (the demo study).
pub struct EmbeddedFolder {
    /// Name for messages.
    pub name: &'static str,
    /// (relative path, bytes) pairs.
    pub files: &'static [(&'static str, &'static [u8])],
}

impl StudyFiles for EmbeddedFolder {
    fn describe(&self) -> String {
        self.name.to_owned()
    }

    fn size(&self, rel: &str) -> io::Result<Option<u64>> {
        Ok(self
            .files
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, b)| b.len() as u64))
    }

    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        Ok(self
            .files
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, b)| b.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_kept_inside_the_folder() {
        assert_eq!(
            clean_relative("images\\a b.jpg").as_deref(),
            Ok("images/a b.jpg")
        );
        assert_eq!(
            clean_relative("./images/é.png").as_deref(),
            Ok("images/é.png")
        );
        assert!(clean_relative("../secret.jpg").is_err());
        assert!(clean_relative("/etc/passwd").is_err());
    }

    #[test]
    fn decomposed_file_names_are_found_from_composed_spellings() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("images"))?;
        std::fs::write(dir.path().join("images").join("Cafe\u{301}.png"), b"x")?;
        let folder = DiskFolder::new(dir.path());
        assert_eq!(folder.read("images/Caf\u{e9}.png")?, Some(b"x".to_vec()));
        assert_eq!(folder.read("images/missing.png")?, None);
        Ok(())
    }
}
