//! The planar JPEG decoder (vitrine-media's `baseline/`) on arbitrary bytes,
//! behind the same header probe the pipeline puts in front of it. The scale
//! (1..=8 eighths) follows the input's length, so the fuzzer reaches every
//! one of the eight monomorphised decoders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine_media::Limits;
use vitrine_media::fuzzing::planar_decode;

/// Small limits keep each run fast; the decoder's own checks are the same.
const LIMITS: Limits = Limits {
    max_bytes: 1 << 20,
    max_pixels: 1 << 20,
    max_side: 4096,
    max_frames: 1,
};

fuzz_target!(|bytes: &[u8]| {
    let numerator = (bytes.len() % 8) as u8 + 1;
    if let Some((width, height)) = planar_decode(bytes, &LIMITS, numerator) {
        assert!(width > 0 && height > 0);
    }
});
