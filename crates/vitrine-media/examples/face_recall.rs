//! Measures face suggestions on a folder of photos with known face boxes,
//! for docs/benchmarks.md: `cargo run --release -p vitrine-media --example
//! face_recall -- DIR`, where `DIR/boxes.csv` has the columns
//! `file,x,y,width,height,note` (a row of zeros: a photo with no face; a
//! note containing "ignore": a face that counts neither way). A suggestion
//! finds a face when their boxes overlap by at least 0.3 (IoU), as in the
//! test `tests/media/faces.rs`.

use std::collections::BTreeMap;
use std::time::Instant;
use vitrine_core::redaction::Rect;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: face_recall DIR")?;
    let csv = std::fs::read_to_string(format!("{dir}/boxes.csv"))?;
    let mut photos: BTreeMap<String, (Vec<Rect>, Vec<Rect>)> = BTreeMap::new();
    for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.splitn(6, ',').collect();
        let [file, x, y, w, h] = [f[0], f[1], f[2], f[3], f[4]];
        let r = Rect {
            x: x.parse()?,
            y: y.parse()?,
            width: w.parse()?,
            height: h.parse()?,
        };
        let entry = photos.entry(file.to_owned()).or_default();
        if r.width == 0 {
            continue;
        } else if f.get(5).is_some_and(|n| n.contains("ignore")) {
            entry.1.push(r);
        } else {
            entry.0.push(r);
        }
    }
    let limits = vitrine_media::Limits::default();
    let (mut faces, mut found, mut strays, mut total_ms) = (0, 0, 0, 0.0);
    println!("| photo | faces | found | stray | ms |");
    println!("|---|---:|---:|---:|---:|");
    for (file, (known, ignored)) in &photos {
        let bytes = std::fs::read(format!("{dir}/{file}"))?;
        let started = Instant::now();
        let suggested = vitrine_media::suggest_faces(&bytes, &limits)?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let hits = known
            .iter()
            .filter(|k| suggested.iter().any(|s| k.iou(*s) >= 0.3))
            .count();
        let stray = suggested
            .iter()
            .filter(|s| !known.iter().chain(ignored).any(|k| k.iou(**s) >= 0.3))
            .count();
        println!("| {file} | {} | {hits} | {stray} | {ms:.0} |", known.len());
        faces += known.len();
        found += hits;
        strays += stray;
        total_ms += ms;
    }
    println!(
        "\n{} photos, {faces} faces: {found} found ({:.1} %), {strays} stray, {:.0} ms a photo",
        photos.len(),
        100.0 * found as f64 / faces.max(1) as f64,
        total_ms / photos.len().max(1) as f64
    );
    Ok(())
}
