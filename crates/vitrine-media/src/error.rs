//! The one error type of this crate. Every message is written for the
//! researcher who uploaded the file: it says what is wrong with *their* file
//! and, where it helps, what the limit or the supported set is, so that they
//! can fix the file instead of filing a bug.

use std::fmt;

/// Which side of an image broke the per-side limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The horizontal size.
    Width,
    /// The vertical size.
    Height,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Width => "wide",
            Side::Height => "tall",
        })
    }
}

/// Everything that can go wrong while checking or processing an upload.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaError {
    /// The upload has no bytes at all.
    #[error("the file is empty")]
    Empty,
    /// The upload is bigger than [`crate::Limits::max_bytes`].
    #[error("file too large: {}, the limit is {}", bytes(*size), bytes(*limit))]
    FileTooLarge {
        /// Size of the upload in bytes.
        size: u64,
        /// The configured limit in bytes.
        limit: u64,
    },
    /// The bytes are not JPEG, PNG or WebP. `found` completes the sentence
    /// "the file …", e.g. "starts like a PDF document".
    #[error("not a supported image: the file {found}; supported types are JPEG, PNG and WebP")]
    Unsupported {
        /// What the file looks like instead.
        found: String,
    },
    /// The image is a supported type but uses a variant of it the decoder
    /// cannot read (e.g. arithmetic-coded or 12-bit JPEG).
    #[error("the image uses a feature that is not supported: {0}")]
    UnsupportedFeature(String),
    /// Width × height is above [`crate::Limits::max_pixels`].
    #[error("image too large: {}, the limit is {}", pixels(*count), pixels(*limit))]
    TooManyPixels {
        /// Pixels the header claims.
        count: u64,
        /// The configured limit.
        limit: u64,
    },
    /// One side is above [`crate::Limits::max_side`].
    #[error("image too {side}: {size} pixels, the limit is {limit} per side")]
    SideTooLong {
        /// Which side.
        side: Side,
        /// Its length in pixels.
        size: u32,
        /// The configured limit.
        limit: u32,
    },
    /// More animation frames than [`crate::Limits::max_frames`].
    #[error("animated image with {frames} frames, the limit is {limit}")]
    TooManyFrames {
        /// Frames the header claims.
        frames: u32,
        /// The configured limit.
        limit: u32,
    },
    /// The data ends early or contradicts itself.
    #[error("the image is truncated or corrupt: {0}")]
    Corrupt(String),
    /// The caller asked for no usable output width (a programming error in
    /// the caller, reported instead of silently producing nothing).
    #[error("no output widths were requested: give at least one width above 0")]
    NoWidths,
    /// A redaction's regions or crop do not fit the photo (each problem
    /// names its region and the photo's size).
    #[error("the redaction does not fit the photo: {0}")]
    Edit(String),
    /// An encoder refused the pixels. Not the uploader's fault; the message
    /// names the variant so the operator can reproduce it.
    #[error("could not encode the {format} version {width} pixels wide: {reason}")]
    Encode {
        /// "JPEG" or "WebP".
        format: &'static str,
        /// Width of the variant being encoded.
        width: u32,
        /// The encoder's own reason.
        reason: String,
    },
    /// A processing step failed in a way the upload cannot have caused.
    #[error("internal error while processing the image: {0}")]
    Internal(String),
}

/// Formats a count with one decimal, dropping a trailing ".0" so that round
/// limits read naturally ("50 MB", not "50.0 MB").
fn one_decimal(value: f64) -> String {
    let text = format!("{value:.1}");
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

/// Human size in SI units, as file managers show it.
pub(crate) fn bytes(n: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "display only")]
    let v = n as f64;
    if n >= 1_000_000_000 {
        format!("{} GB", one_decimal(v / 1e9))
    } else if n >= 1_000_000 {
        format!("{} MB", one_decimal(v / 1e6))
    } else if n >= 1_000 {
        format!("{} kB", one_decimal(v / 1e3))
    } else {
        format!("{n} bytes")
    }
}

/// Human pixel count in megapixels or gigapixels, as cameras advertise.
pub(crate) fn pixels(n: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "display only")]
    let v = n as f64;
    if n >= 1_000_000_000 {
        format!("{} gigapixels", one_decimal(v / 1e9))
    } else if n >= 100_000 {
        format!("{} megapixels", one_decimal(v / 1e6))
    } else {
        format!("{n} pixels")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_like_the_examples() {
        let e = MediaError::TooManyPixels {
            count: 65_500 * 65_500,
            limit: 100_000_000,
        };
        assert_eq!(
            e.to_string(),
            "image too large: 4.3 gigapixels, the limit is 100 megapixels"
        );
        let e = MediaError::SideTooLong {
            side: Side::Width,
            size: 65_500,
            limit: 30_000,
        };
        assert_eq!(
            e.to_string(),
            "image too wide: 65500 pixels, the limit is 30000 per side"
        );
        let e = MediaError::FileTooLarge {
            size: 61_200_000,
            limit: 50_000_000,
        };
        assert_eq!(e.to_string(), "file too large: 61.2 MB, the limit is 50 MB");
        let e = MediaError::TooManyFrames {
            frames: 300,
            limit: 100,
        };
        assert_eq!(
            e.to_string(),
            "animated image with 300 frames, the limit is 100"
        );
        let e = MediaError::Unsupported {
            found: "starts like a PDF document".into(),
        };
        assert_eq!(
            e.to_string(),
            "not a supported image: the file starts like a PDF document; \
             supported types are JPEG, PNG and WebP"
        );
    }

    #[test]
    fn small_sizes_use_small_units() {
        assert_eq!(bytes(999), "999 bytes");
        assert_eq!(bytes(1_500), "1.5 kB");
        assert_eq!(pixels(1_000), "1000 pixels");
        assert_eq!(pixels(12_345_678), "12.3 megapixels");
    }
}
