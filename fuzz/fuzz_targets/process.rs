//! The whole upload pipeline (`process_request`: probe, decode, colour,
//! resize, orient, encode) on arbitrary bytes with small limits. An even
//! length asks for JPEGs only (which sends phone JPEGs through the planar
//! decoder), an odd one for JPEG and WebP (libjpeg, `image`, libwebp).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vitrine_media::{Limits, Request, process_request};

const LIMITS: Limits = Limits {
    max_bytes: 1 << 20,
    max_pixels: 1 << 18,
    max_side: 2048,
    max_frames: 4,
};

const WIDTHS: [u32; 2] = [16, 48];

fuzz_target!(|bytes: &[u8]| {
    let request = if bytes.len() % 2 == 0 {
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
});
