//! Vitrine's media pipeline: turns a researcher's uploaded photo into the
//! files a study's visitors may download, and guarantees that none of those
//! files carries anything but pixels. Uploads are identified by content,
//! checked against size limits from their header alone, decoded, turned
//! upright, converted to sRGB, resized and *re-encoded*; no byte of the
//! upload is ever copied to the output, so EXIF (GPS, camera serials),
//! XMP, IPTC, comments, ICC profiles, embedded thumbnails and trailing data
//! cannot leak.
//!
//! Entry points: [`probe()`] to vet an upload cheaply, [`peak_memory()`] to
//! know from the header how much memory processing it will take,
//! [`process()`] to make the variants ([`process_request()`] to choose sizes
//! and formats), [`redact()`] to hide regions of a photo in a new master,
//! [`sha256_hex`] to name content.

mod audit;
mod baseline;
mod colour;
mod cost;
mod decode;
mod encode;
mod error;
mod faces;
mod format;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod jpeg;
mod limits;
mod location;
mod orient;
mod pipeline;
mod pixels;
mod placeholder;
mod png_decode;
mod probe;
mod redact;
mod reduce;
mod resize;
mod sniff;

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

pub use audit::public_image_problem;
pub use cost::peak_memory;
pub use encode::{JPEG_QUALITY, WEBP_MAX_SIDE, WEBP_QUALITY};
pub use error::{MediaError, Side};
pub use faces::{faces_peak_memory, suggest_faces};
pub use format::{Format, OutputFormat};
pub use limits::Limits;
pub use location::records_location;
pub use pipeline::{
    DEFAULT_WIDTHS, MAX_HEIGHT_PER_SIZE, Measure, Processed, Request, Variant, process,
    process_request,
};
pub use placeholder::Placeholder;
pub use probe::{Probe, probe};
pub use redact::{
    Detail, FILL, MASTER_QUALITY, MIN_CELL, RedactOutput, Redacted, hidden_detail, redact,
    redaction_peak_memory,
};

/// Lower-case hexadecimal SHA-256 of `bytes`, e.g. for content-addressed
/// file names and duplicate detection.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_published_test_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
