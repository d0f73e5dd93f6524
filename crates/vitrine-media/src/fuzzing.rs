//! Internal entry points for the fuzz targets in `fuzz/` and for the corpus
//! replay test (`tests/ops/fuzz_corpus.rs`), compiled only with the `fuzzing`
//! feature. Each `check_*` function is one target's whole body: it runs the
//! code on arbitrary bytes and panics if a property fails, so libFuzzer and the
//! replay test judge an input by the same rules.
//!
//! The planar decoder is private (the pipeline picks it), so it is reached here
//! the way the pipeline reaches it: the header is probed against the limits
//! first, then the decoder gets the probed size.

use crate::limits::Limits;
use crate::pipeline::{Request, process_request};
use crate::probe::probe;

/// Probes `bytes` against `limits` and, if it is an accepted JPEG, decodes
/// it with the planar decoder at `numerator`/8 (1..=8). Returns the decoded
/// size, or `None` for anything the probe or the decoder refuses.
pub fn planar_decode(bytes: &[u8], limits: &Limits, numerator: u8) -> Option<(u32, u32)> {
    let header = probe(bytes, limits).ok()?;
    let pixels = crate::baseline::decode(bytes, (header.width, header.height), numerator)?;
    Some((pixels.width, pixels.height))
}

/// The `planar_decode` target. The scale (1..=8 eighths) follows the input's
/// length, so every one of the eight monomorphised decoders is reached. Small
/// limits keep each run fast; the decoder's own checks are the same.
pub fn check_planar_decode(bytes: &[u8]) {
    const LIMITS: Limits = Limits {
        max_bytes: 1 << 20,
        max_pixels: 1 << 20,
        max_side: 4096,
        max_frames: 1,
    };
    let numerator = u8::try_from(bytes.len() % 8).unwrap_or(0) + 1;
    if let Some((width, height)) = planar_decode(bytes, &LIMITS, numerator) {
        assert!(width > 0 && height > 0);
    }
}

/// The `probe` target: the header probe must refuse any input with a readable
/// error, never a panic, and anything it accepts must be within the limits.
pub fn check_probe(bytes: &[u8]) {
    let limits = Limits::default();
    match probe(bytes, &limits) {
        Ok(found) => {
            assert!(found.width > 0 && found.height > 0);
            assert!(found.width <= limits.max_side && found.height <= limits.max_side);
            assert!(u64::from(found.width) * u64::from(found.height) <= limits.max_pixels);
            assert!(found.frames <= limits.max_frames);
        }
        // Every refusal must be something a researcher can read.
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}

/// The `process` target: the whole upload pipeline with small limits. An even
/// length asks for JPEGs only (which sends phone JPEGs through the planar
/// decoder), an odd one for JPEG and WebP.
pub fn check_process(bytes: &[u8]) {
    const LIMITS: Limits = Limits {
        max_bytes: 1 << 20,
        max_pixels: 1 << 18,
        max_side: 2048,
        max_frames: 4,
    };
    const WIDTHS: [u32; 2] = [16, 48];
    let request = if bytes.len().is_multiple_of(2) {
        Request::jpeg_widths(&WIDTHS)
    } else {
        Request::widths(&WIDTHS)
    };
    if let Ok(processed) = process_request(bytes, &LIMITS, &request) {
        assert!(!processed.variants.is_empty());
        for variant in &processed.variants {
            assert!(variant.width > 0 && variant.height > 0);
            assert!(variant.width <= 48);
        }
    }
}
