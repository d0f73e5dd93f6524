//! Replays the committed fuzz corpus (`fuzz/corpus/`) on the stable toolchain,
//! as part of `cargo test`: every input the long fuzzing runs kept, and every
//! input that once crashed, goes through the same checks as the fuzz targets
//! (`vitrine_media::fuzzing::check_*`, and the study-folder parser below). So a
//! regression on any of them fails the ordinary test suite, without building
//! the instrumented fuzz crate (docs/security.md).
#![expect(clippy::expect_used, reason = "test set-up fails loudly")]

use std::io;
use std::path::{Path, PathBuf};
use vitrine::app::import::check_texts;
use vitrine::app::import::files::StudyFiles;

/// Every file in one target's corpus folder.
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("corpus entry").path();
            let bytes = std::fs::read(&path).expect("corpus file");
            (path, bytes)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    files
}

/// Runs `check` on every input of `target`'s corpus, naming the input that
/// fails.
fn replay(target: &str, check: impl Fn(&[u8]) + std::panic::RefUnwindSafe) {
    for (path, bytes) in corpus(target) {
        if std::panic::catch_unwind(|| check(&bytes)).is_err() {
            panic!(
                "the fuzz input {} fails its target's checks",
                path.display()
            );
        }
    }
}

#[test]
fn the_planar_decoder_survives_its_fuzz_corpus() {
    replay("planar_decode", vitrine_media::fuzzing::check_planar_decode);
}

#[test]
fn the_header_probe_survives_its_fuzz_corpus() {
    replay("probe", vitrine_media::fuzzing::check_probe);
}

#[test]
fn the_media_pipeline_survives_its_fuzz_corpus() {
    replay("process", vitrine_media::fuzzing::check_process);
}

/// The study folder's files in the order the `study_folder` fuzz target
/// splits its input (NUL-separated; a missing part is a missing file).
const NAMES: [&str; 6] = [
    "study.toml",
    "prompts.csv",
    "participants.csv",
    "consent.csv",
    "themes.csv",
    "entries.csv",
];

/// A study folder held in memory.
struct Folder<'a> {
    files: Vec<(&'static str, &'a [u8])>,
}

impl Folder<'_> {
    fn find(&self, rel: &str) -> Option<&[u8]> {
        self.files.iter().find(|(n, _)| *n == rel).map(|(_, b)| *b)
    }
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

#[test]
fn the_study_folder_parser_survives_its_fuzz_corpus() {
    replay("study_folder", |bytes| {
        let folder = Folder {
            files: NAMES.into_iter().zip(bytes.split(|&b| b == 0)).collect(),
        };
        for problem in check_texts(&folder) {
            // Every problem names its file and says something.
            assert!(NAMES.contains(&problem.file.as_str()), "{problem}");
            assert!(!problem.message.is_empty(), "{problem}");
        }
    });
}
