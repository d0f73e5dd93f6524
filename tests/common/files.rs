//! Files and processes: copying data and study folders, listing what a
//! folder holds, and the `vitrine` command on an app's data.

use std::path::Path;
use vitrine::settings::Settings;

/// Copies a data folder (database, WAL and blobs), leaving out SQLite's shared
/// memory index, which is rebuilt on open.
///
/// Also used to make writable copies of study folders for breaking on purpose.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else if !entry.file_name().to_string_lossy().ends_with("-shm") {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A `vitrine` command on the same data folder, database and blob store as
/// `settings`, as a second process (another instance, a CLI run) would be.
pub fn vitrine_command(settings: &Settings, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vitrine"));
    cmd.arg("--data").arg(&settings.data);
    if let Some(db) = &settings.database {
        cmd.arg("--database").arg(db);
    }
    if let Some(blobs) = &settings.blobs {
        cmd.arg("--blobs").arg(blobs);
    }
    cmd.args(args)
        .env_remove("VITRINE_DATA")
        .env_remove("VITRINE_CONFIG")
        .env("VITRINE_LOG", "warn");
    cmd
}

/// Every file under `root`, by `/`-separated path relative to it.
pub fn files_under(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path
                    .strip_prefix(root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(name, std::fs::read(&path).expect("read a file"));
            }
        }
    }
    files
}
