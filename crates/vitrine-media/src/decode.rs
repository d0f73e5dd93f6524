//! Turns accepted bytes into 8-bit pixels. JPEGs take the DCT-scaled fast
//! path in [`crate::jpeg`] when it can read them; PNGs are read row by row
//! at 8 bits ([`crate::png_decode`]); everything else goes to the reference
//! decoder (the `image` crate), whose picture is then reduced by the same
//! whole factor ([`crate::reduce`]) before the resize. Decoders are fenced in twice:
//! the header was already checked by [`crate::probe`], and each decoder
//! refuses data whose size disagrees with that header (the reference one
//! also gets an `image::Limits` sized from it), so a file cannot make a
//! decoder allocate more than its header promised.

use std::io::Cursor;

use image::error::ImageError;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use crate::error::MediaError;
use crate::format::Format;
use crate::orient::swaps_sides;
use crate::pixels::{Pixels, Samples};
use crate::probe::{Probe, find_jpeg_marker};
use crate::reduce::{factor_for, reduce};
use crate::{baseline, jpeg, png_decode};

/// Head-room for decoder bookkeeping (Huffman tables, row buffers, zlib
/// windows) on top of the pixel buffer itself.
const DECODER_SLACK_BYTES: u64 = 64 * 1024 * 1024;

/// Pixels in stored orientation, possibly decoded at a reduced scale, plus
/// what is needed to finish them: the EXIF orientation (applied later, on
/// the smaller resized copy) and the embedded ICC profile, which colour
/// conversion needs and which must never reach the output itself.
pub(crate) struct Decoded {
    pub pixels: Pixels,
    pub orientation: Orientation,
    pub icc_profile: Option<Vec<u8>>,
}

impl Decoded {
    /// Upright size of the photo at full resolution.
    pub fn upright_size(&self, probe: &Probe) -> (u32, u32) {
        if swaps_sides(self.orientation) {
            (probe.height, probe.width)
        } else {
            (probe.width, probe.height)
        }
    }
}

/// Decodes the first frame into 8-bit RGB or RGBA in stored orientation.
///
/// `needed_width` maps the photo's full-resolution upright size to the
/// widest output that will be made from it; a JPEG is decoded at the
/// smallest DCT scale (M/8) whose upright width still reaches it. With
/// `jpeg_only` (every output will be a JPEG), a baseline 4:2:0 JPEG without
/// a colour profile (what phones write) is decoded by [`crate::baseline`]
/// into planar YCbCr, which the JPEG encoder takes as it is.
///
/// The decoders are third-party code fed untrusted bytes. They are fuzzed
/// upstream, but should one still panic on some file, that must cost the
/// researcher one upload with a clear message, not the server a worker.
pub(crate) fn decode(
    bytes: &[u8],
    probe: &Probe,
    needed_width: impl Fn(u32, u32) -> u32,
    jpeg_only: bool,
) -> Result<Decoded, MediaError> {
    if probe.format == Format::Jpeg {
        check_jpeg_complete(bytes)?;
        if let Some(decoded) = decode_jpeg_fast(bytes, probe, &needed_width, jpeg_only) {
            return Ok(decoded);
        }
    }
    // `needed_width` only computes sizes: nothing it holds can be left
    // half-changed by a panic in a decoder.
    let needed_width = std::panic::AssertUnwindSafe(needed_width);
    std::panic::catch_unwind(|| match probe.format {
        Format::Png => png_decode::decode(bytes, probe, &*needed_width),
        _ => decode_reference(bytes, probe).map(|decoded| reduced(decoded, probe, &*needed_width)),
    })
    .unwrap_or_else(|_| {
        Err(MediaError::Corrupt(
            "the decoder could not make sense of the image data".into(),
        ))
    })
}

/// A full-size decoded picture reduced by the largest whole factor whose
/// upright width still reaches the widest output, so the resize that follows
/// (and its premultiplied copy of the source) works on the smaller picture.
fn reduced(decoded: Decoded, probe: &Probe, needed_width: impl Fn(u32, u32) -> u32) -> Decoded {
    let (width, height) = decoded.upright_size(probe);
    let factor = factor_for(width, needed_width(width, height));
    Decoded {
        pixels: reduce(decoded.pixels, factor),
        ..decoded
    }
}

/// The JPEG fast path; `None` hands the file to the reference decoder.
fn decode_jpeg_fast(
    bytes: &[u8],
    probe: &Probe,
    needed_width: impl Fn(u32, u32) -> u32,
    jpeg_only: bool,
) -> Option<Decoded> {
    let meta = jpeg::metadata(bytes);
    let (upright_width, upright_height) = if swaps_sides(meta.orientation) {
        (probe.height, probe.width)
    } else {
        (probe.width, probe.height)
    };
    let numerator = jpeg::scale_for(upright_width, needed_width(upright_width, upright_height));
    let size = (probe.width, probe.height);
    // A profile's colours are converted in RGB, so only a photo without one
    // may stay in YCbCr.
    let planar = || {
        (jpeg_only && meta.icc_profile.is_none())
            .then(|| baseline::decode(bytes, size, numerator))
            .flatten()
    };
    let pixels = std::panic::catch_unwind(|| {
        planar().or_else(|| jpeg::decode_scaled(bytes, size, numerator))
    })
    .ok()
    .flatten()?;
    Some(Decoded {
        pixels,
        orientation: meta.orientation,
        icc_profile: meta.icc_profile,
    })
}

/// Decodes any supported file at full size with the `image` crate.
fn decode_reference(bytes: &[u8], probe: &Probe) -> Result<Decoded, MediaError> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(match probe.format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Webp => ImageFormat::WebP,
    });
    reader.limits(decoder_limits(probe));
    let mut decoder = reader.into_decoder().map_err(from_image_error)?;
    if decoder.dimensions() != (probe.width, probe.height) {
        return Err(MediaError::Corrupt(
            "the image data does not match the size in its header".into(),
        ));
    }
    // Broken metadata must not block an otherwise good photo: without a
    // readable orientation or profile the image is shown as stored, in sRGB,
    // which is what browsers do too.
    let icc_profile = decoder.icc_profile().ok().flatten();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(from_image_error)?;
    Ok(Decoded {
        pixels: to_8bit(image),
        orientation,
        icc_profile,
    })
}

fn decoder_limits(probe: &Probe) -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(probe.width);
    limits.max_image_height = Some(probe.height);
    // Eight bytes per pixel covers the widest layout the decoders produce
    // (16-bit RGBA).
    let pixels = u64::from(probe.width) * u64::from(probe.height);
    limits.max_alloc = Some(pixels.saturating_mul(8).saturating_add(DECODER_SLACK_BYTES));
    limits
}

/// Reduces any decoded layout to 8-bit RGB, or RGBA when there is alpha.
fn to_8bit(image: DynamicImage) -> Pixels {
    let (width, height) = (image.width(), image.height());
    let alpha = image.color().has_alpha();
    let data = if alpha {
        image.into_rgba8().into_raw()
    } else {
        image.into_rgb8().into_raw()
    };
    Pixels {
        width,
        height,
        samples: if alpha { Samples::Rgba } else { Samples::Rgb },
        data,
    }
}

/// The JPEG decoder fills missing scan data with grey instead of failing,
/// which would publish a half-grey photo. An end-of-image marker after the
/// first scan proves the data is complete: inside entropy-coded data every
/// 0xFF byte is stuffed with 0x00, so 0xFF 0xD9 there can only be the marker.
/// The scan is found by walking segments, because an EXIF thumbnail is a
/// complete JPEG, end marker included, inside a metadata segment.
fn check_jpeg_complete(bytes: &[u8]) -> Result<(), MediaError> {
    let (_, scan) = find_jpeg_marker(bytes, |m| m == 0xDA)?;
    let rest = bytes.get(scan..).unwrap_or_default();
    // Searched from the end, where the marker nearly always is.
    if rest.windows(2).rev().any(|w| w == [0xFF, 0xD9]) {
        Ok(())
    } else {
        Err(MediaError::Corrupt(
            "the JPEG data stops before the end of the image".into(),
        ))
    }
}

/// Maps decoder errors to messages about the file, keeping the decoder's
/// own short reason for the record.
fn from_image_error(err: ImageError) -> MediaError {
    match err {
        ImageError::Unsupported(e) => MediaError::UnsupportedFeature(e.to_string()),
        ImageError::Limits(_) => {
            MediaError::Corrupt("decoding needed more memory than the image's size allows".into())
        }
        ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            MediaError::Corrupt("the file ends before the image data does".into())
        }
        other => MediaError::Corrupt(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_completeness_needs_an_end_marker_after_the_scan() {
        assert!(check_jpeg_complete(&[0xFF, 0xD8, 0xFF, 0xDA, 1, 2, 0xFF, 0xD9]).is_ok());
        assert!(check_jpeg_complete(&[0xFF, 0xD8, 0xFF, 0xDA, 1, 2, 3]).is_err());
        // A thumbnail's end marker inside APP1 does not count for the main image.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 6, 0xFF, 0xDA, 0xFF, 0xD9];
        b.extend([0xFF, 0xDA, 0, 2, 1, 2, 3]);
        assert!(check_jpeg_complete(&b).is_err());
    }
}
