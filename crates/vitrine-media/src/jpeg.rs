//! The fast path for JPEG, the format nearly every upload is in. libjpeg's
//! scaled inverse DCT (through the `mozjpeg` crate, compiled from C by `cc`
//! with no assembler) decodes straight to M/8 of the stored size, so a
//! 12-megapixel photo published at 1600 px is decoded at 2000 px: a quarter
//! of the pixels to reconstruct, colour-convert and resize. Entropy decoding,
//! which cannot be scaled, is what remains.
//!
//! Only what this path understands is sent down it (8-bit Huffman-coded
//! YCbCr, greyscale or RGB); everything else, and anything it fails on, goes
//! to the reference decoder in [`crate::decode`], whose errors are the ones
//! a researcher sees.

use image::metadata::Orientation;
use mozjpeg::{ColorSpace, DctMethod, Decompress};
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::options::DecoderOptions;

use crate::pixels::{Pixels, Samples};

/// What the JPEG's metadata says about its pixels. Read once, used only to
/// turn and colour the pixels, never copied to an output.
pub(crate) struct JpegMetadata {
    pub orientation: Orientation,
    pub icc_profile: Option<Vec<u8>>,
}

/// Reads the EXIF orientation and the ICC profile without decoding pixels.
/// Unreadable metadata counts as absent, as in the reference decoder:
/// the photo is then shown as stored, in sRGB, as browsers do.
pub(crate) fn metadata(bytes: &[u8]) -> JpegMetadata {
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    if decoder.decode_headers().is_err() {
        return JpegMetadata {
            orientation: Orientation::NoTransforms,
            icc_profile: None,
        };
    }
    JpegMetadata {
        orientation: decoder
            .exif()
            .and_then(|exif| Orientation::from_exif_chunk(exif))
            .unwrap_or(Orientation::NoTransforms),
        icc_profile: decoder.icc_profile(),
    }
}

/// The smallest numerator M (of M/8, libjpeg's scale steps) whose output is
/// still at least `needed` pixels along a side `stored` pixels long.
pub(crate) fn scale_for(stored: u32, needed: u32) -> u8 {
    (1..8u8)
        .find(|&m| u64::from(stored) * u64::from(m) >= u64::from(needed) * 8)
        .unwrap_or(8)
}

/// Decodes at `numerator`/8 of the stored size to 8-bit RGB, in stored
/// orientation. `None` means "use the reference decoder": an unusual colour
/// space, a size that disagrees with the probed header, or any libjpeg
/// error. libjpeg reports fatal errors by unwinding; the caller's
/// `catch_unwind` turns those into the same `None`.
pub(crate) fn decode_scaled(bytes: &[u8], size: (u32, u32), numerator: u8) -> Option<Pixels> {
    let mut decompress = Decompress::new_mem(bytes).ok()?;
    let (width, height) = decompress.size();
    if (u32::try_from(width).ok()?, u32::try_from(height).ok()?) != size {
        return None;
    }
    if !matches!(
        decompress.color_space(),
        ColorSpace::JCS_YCbCr | ColorSpace::JCS_GRAYSCALE | ColorSpace::JCS_RGB
    ) {
        return None;
    }
    decompress.scale(numerator);
    // The fast integer IDCT: its error (well under one level in 8 bits) is
    // far below what the resize and the q80 re-encode that follow change,
    // and it halves the cost of the 8×8 chroma blocks at a 1/2 scale.
    decompress.dct_method(DctMethod::IntegerFast);
    let mut started = decompress.rgb().ok()?;
    let (width, height) = (started.width(), started.height());
    let data: Vec<u8> = started.read_scanlines().ok()?;
    started.finish().ok()?;
    if data.len() != width * height * 3 {
        return None;
    }
    Some(Pixels {
        width: u32::try_from(width).ok()?,
        height: u32::try_from(height).ok()?,
        samples: Samples::Rgb,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_is_the_smallest_eighth_that_still_covers_the_need() {
        assert_eq!(scale_for(4000, 1600), 4);
        assert_eq!(scale_for(4000, 2400), 5);
        assert_eq!(scale_for(4000, 500), 1);
        assert_eq!(scale_for(4000, 501), 2);
        assert_eq!(scale_for(1000, 1000), 8);
        assert_eq!(scale_for(1000, 5000), 8);
    }
}
