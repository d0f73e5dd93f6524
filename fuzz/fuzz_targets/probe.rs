//! The probe and sniff layer on arbitrary bytes: it reads sizes from headers
//! before anything is decoded, so it must refuse any input with an error,
//! never a panic, and anything it accepts must be within the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine_media::{Limits, probe};

fuzz_target!(|bytes: &[u8]| {
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
});
