//! The study-folder parser (study.toml and the five CSV tables, with their
//! cross-references) on arbitrary text, through `check_texts`, the pure first
//! step of an import. The input is the folder's files joined by NUL bytes in
//! a fixed order; a missing part is a missing file.
#![no_main]

use std::io;

use libfuzzer_sys::fuzz_target;
use vitrine::app::import::check_texts;
use vitrine::app::import::files::StudyFiles;

const NAMES: [&str; 6] = [
    "study.toml",
    "prompts.csv",
    "participants.csv",
    "consent.csv",
    "themes.csv",
    "entries.csv",
];

/// A folder held in memory, made from the fuzzer's input.
struct Folder<'a> {
    files: Vec<(&'static str, &'a [u8])>,
}

impl StudyFiles for Folder<'_> {
    fn describe(&self) -> String {
        "fuzz input".to_owned()
    }

    fn size(&self, rel: &str) -> io::Result<Option<u64>> {
        Ok(self.find(rel).map(|b| b.len() as u64))
    }

    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        Ok(self.find(rel).map(<[u8]>::to_vec))
    }
}

impl Folder<'_> {
    fn find(&self, rel: &str) -> Option<&[u8]> {
        self.files.iter().find(|(n, _)| *n == rel).map(|(_, b)| *b)
    }
}

fuzz_target!(|bytes: &[u8]| {
    let folder = Folder {
        files: NAMES.into_iter().zip(bytes.split(|&b| b == 0)).collect(),
    };
    for problem in check_texts(&folder) {
        // Every problem names its file and says something.
        assert!(NAMES.contains(&problem.file.as_str()), "{problem}");
        assert!(!problem.message.is_empty(), "{problem}");
        let _ = problem.to_string();
    }
});
