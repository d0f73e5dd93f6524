//! Checks on output files: structural walks of JPEG markers and WebP chunks
//! that prove no metadata container is present, byte searches for planted
//! secrets, and pixel sampling after an independent decode.

use vitrine_media::{OutputFormat, Processed};

use super::{METADATA_SIGNATURES, SECRETS};

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Panics if any planted marker or metadata signature occurs in `bytes`.
pub fn assert_no_secrets(bytes: &[u8], what: &str) {
    for secret in SECRETS {
        assert_eq!(
            find(bytes, secret.as_bytes()),
            None,
            "{what} contains {secret}"
        );
        // Also UTF-16 (ICC 'mluc' text, XMP in UTF-16).
        let utf16: Vec<u8> = secret.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(find(bytes, &utf16), None, "{what} contains UTF-16 {secret}");
    }
    for signature in METADATA_SIGNATURES {
        assert_eq!(
            find(bytes, signature),
            None,
            "{what} contains {:?}",
            String::from_utf8_lossy(signature)
        );
    }
}

/// Every marker of a JPEG in file order, walking segments by their length
/// and entropy-coded data by its stuffing rule. Panics unless the file ends
/// exactly at its first end-of-image marker.
pub fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "no SOI");
    let mut markers = vec![0xD8];
    let mut pos = 2;
    loop {
        assert_eq!(bytes[pos], 0xFF, "expected a marker at {pos}");
        let marker = bytes[pos + 1];
        markers.push(marker);
        pos += 2;
        if marker == 0xD9 {
            assert_eq!(
                pos,
                bytes.len(),
                "{} bytes after the end-of-image marker",
                bytes.len() - pos
            );
            return markers;
        }
        let len = usize::from(u16::from_be_bytes([bytes[pos], bytes[pos + 1]]));
        pos += len;
        if marker == 0xDA {
            // Skip entropy-coded data: 0xFF 0x00 is a stuffed byte and
            // 0xFF 0xD0..D7 are restart markers; anything else ends it.
            while !(bytes[pos] == 0xFF
                && bytes[pos + 1] != 0
                && !(0xD0..=0xD7).contains(&bytes[pos + 1]))
            {
                pos += 1;
            }
        }
    }
}

/// Panics unless the JPEG has no APPn other than one APP0 JFIF, no COM,
/// a single SOI, and nothing after EOI.
pub fn assert_clean_jpeg(bytes: &[u8], what: &str) {
    let markers = jpeg_markers(bytes);
    for (i, &m) in markers.iter().enumerate() {
        assert!(
            !(0xE1..=0xEF).contains(&m),
            "{what} has APP{} segment",
            m - 0xE0
        );
        assert_ne!(m, 0xFE, "{what} has a COM segment");
        assert!(m != 0xD8 || i == 0, "{what} has a second SOI");
    }
    assert!(
        markers.iter().filter(|&&m| m == 0xE0).count() <= 1,
        "{what} has several APP0"
    );
    if markers.contains(&0xE0) {
        assert_eq!(&bytes[6..11], b"JFIF\0", "{what} APP0 is not JFIF");
    }
    assert_eq!(
        find(&bytes[2..], &[0xFF, 0xD8, 0xFF]),
        None,
        "{what} embeds another JPEG"
    );
    assert_no_secrets(bytes, what);
}

/// The chunk types of a WebP file, in order.
pub fn webp_chunks(bytes: &[u8]) -> Vec<[u8; 4]> {
    assert_eq!((&bytes[..4], &bytes[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
    let riff_len = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    assert_eq!(
        riff_len + 8,
        bytes.len(),
        "RIFF size does not match the file: trailing bytes?"
    );
    let mut chunks = Vec::new();
    let mut pos = 12;
    while pos < bytes.len() {
        let kind: [u8; 4] = bytes[pos..pos + 4].try_into().unwrap();
        let len = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().unwrap()) as usize;
        chunks.push(kind);
        pos += 8 + len + len % 2;
    }
    assert_eq!(pos, bytes.len(), "chunk walk overran the file");
    chunks
}

/// Panics unless the WebP holds only bitstream chunks (and alpha), with no
/// VP8X flag announcing ICC, EXIF, XMP or animation.
pub fn assert_clean_webp(bytes: &[u8], what: &str) {
    for kind in webp_chunks(bytes) {
        assert!(
            matches!(&kind, b"VP8 " | b"VP8L" | b"VP8X" | b"ALPH"),
            "{what} has a {:?} chunk",
            String::from_utf8_lossy(&kind)
        );
    }
    if &bytes[12..16] == b"VP8X" {
        assert_eq!(
            bytes[20] & (0x20 | 0x08 | 0x04 | 0x02),
            0,
            "{what} VP8X flags announce metadata"
        );
    }
    assert_no_secrets(bytes, what);
}

/// Checks every variant of a result with the format's structural check.
pub fn assert_all_clean(processed: &Processed, what: &str) {
    assert!(!processed.variants.is_empty(), "{what}: no variants");
    for v in &processed.variants {
        let label = format!("{what} {}px {}", v.width, v.format.name());
        match v.format {
            OutputFormat::Jpeg => assert_clean_jpeg(&v.bytes, &label),
            OutputFormat::Webp => assert_clean_webp(&v.bytes, &label),
        }
    }
}

/// Decodes an output file with the `image` crate, independently of the
/// pipeline's own code paths.
pub fn decode_rgba(bytes: &[u8]) -> image::RgbaImage {
    image::load_from_memory(bytes).unwrap().to_rgba8()
}

/// Panics unless `actual` is within `tolerance` of `expected` per channel.
pub fn assert_near(actual: [u8; 3], expected: [u8; 3], tolerance: u8, what: &str) {
    let close = actual
        .iter()
        .zip(expected)
        .all(|(&a, e)| a.abs_diff(e) <= tolerance);
    assert!(
        close,
        "{what}: got {actual:?}, expected {expected:?} ± {tolerance}"
    );
}

/// The RGB at a fractional position of an image, e.g. (0.25, 0.75).
pub fn sample(image: &image::RgbaImage, fx: f32, fy: f32) -> [u8; 3] {
    let x = ((image.width() as f32 * fx) as u32).min(image.width() - 1);
    let y = ((image.height() as f32 * fy) as u32).min(image.height() - 1);
    let p = image.get_pixel(x, y).0;
    [p[0], p[1], p[2]]
}
