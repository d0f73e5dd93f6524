//! An export as one ZIP file (`vitrine export … FILE.zip`, and the
//! workspace's downloads): the scanned folder packed under one top-level
//! folder named like the file, as BagIt's serialization asks (RFC 8493 §4.2),
//! so unpacking `bag.zip` gives `bag/`.
//!
//! Deterministic like the folder: files in name order, every time stamp the
//! Release's date, no extra fields, so one Release gives the same bytes.
//! Images (already compressed) are stored; text is deflated.

use anyhow::Context;
use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Whether `path` names a ZIP file rather than a folder.
pub fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Packs every file under `folder` into a new ZIP file at `target`, under
/// the top-level folder `top`; returns the ZIP's size in bytes.
pub fn pack(folder: &Path, top: &str, target: &Path, date: time::Date) -> anyhow::Result<u64> {
    let mut names = Vec::new();
    list(folder, folder, &mut names)?;
    names.sort();
    let stamp = DateTime::from_date_and_time(
        u16::try_from(date.year()).unwrap_or(1980).clamp(1980, 2107),
        u8::from(date.month()),
        date.day(),
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let file = std::fs::File::create(target)
        .with_context(|| format!("cannot create {}", target.display()))?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let base = SimpleFileOptions::default()
        .last_modified_time(stamp)
        .unix_permissions(0o644)
        .large_file(false);
    for name in &names {
        let bytes = std::fs::read(folder.join(name))
            .with_context(|| format!("cannot read {name} back to pack it"))?;
        let method = if is_compressed(name) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = base
            .compression_method(method)
            .large_file(bytes.len() >= u32::MAX as usize);
        zip.start_file(format!("{top}/{name}"), options)
            .with_context(|| format!("cannot add {name} to {}", target.display()))?;
        zip.write_all(&bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    let mut out = zip
        .finish()
        .with_context(|| format!("cannot finish {}", target.display()))?;
    out.flush()
        .with_context(|| format!("cannot write {}", target.display()))?;
    let file = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", target.display()))?;
    file.sync_all()
        .with_context(|| format!("cannot write {}", target.display()))?;
    Ok(file.metadata()?.len())
}

/// Images and ZIPs gain nothing from deflate.
fn is_compressed(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jpg", ".jpeg", ".webp", ".png", ".gif", ".zip"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Every file under `dir`, as `/`-separated paths relative to `root`.
fn list(root: &Path, dir: &Path, out: &mut Vec<String>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            list(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            out.push(
                relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
    Ok(())
}
