//! Encodes pixels into the files visitors download. Encoders are fed raw
//! pixels and configured to write no metadata, so nothing from the upload
//! except its picture can reach a visitor: JPEG output holds only a JFIF
//! APP0 header, WebP output only the bitstream (plus an alpha chunk inside
//! a VP8X container when the picture is transparent).

use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, SamplingFactor};

use crate::baseline;
use crate::error::MediaError;
use crate::format::OutputFormat;
use crate::pixels::{Pixels, Samples};

/// JPEG quality: visually clean for photographs at a third of q95's size.
pub const JPEG_QUALITY: u8 = 80;
/// WebP quality: libwebp at 78 matches JPEG 80 at about 30% fewer bytes.
pub const WEBP_QUALITY: f32 = 78.0;
/// The WebP format cannot store a side longer than this.
pub const WEBP_MAX_SIDE: u32 = 16_383;

fn failed(format: OutputFormat, width: u32, reason: impl ToString) -> MediaError {
    MediaError::Encode {
        format: format.name(),
        width,
        reason: reason.to_string(),
    }
}

/// Encodes a baseline JPEG with Huffman tables fitted to the picture, with
/// transparency flattened onto white, in one interleaved scan.
///
/// Planes (what the planar decoder and the resizer keep) go to
/// [`baseline::encode`], which writes them as they are. RGB goes to
/// `jpeg-encoder`, which writes the standard tables; [`baseline::refit`]
/// then rewrites the scan with fitted ones, the same coefficients in about
/// a sixth fewer bytes (docs/benchmarks.md). (`jpeg-encoder`'s own fitted
/// tables come with one scan per component, which the `image` crate's
/// zune-jpeg misreads; `tests/media/encoding.rs` checks that decoders
/// agree.) Progressive JPEG was measured and set aside: about 30 % *larger*
/// files, so every visitor would pay for the preview.
pub(crate) fn jpeg(pixels: &Pixels) -> Result<Vec<u8>, MediaError> {
    if pixels.samples == Samples::Ycbcr420 {
        let (luma, chroma) = pixels.planes();
        return baseline::encode(luma, chroma, (pixels.width, pixels.height), JPEG_QUALITY)
            .ok_or_else(|| failed(OutputFormat::Jpeg, pixels.width, "larger than JPEG allows"));
    }
    let standard = jpeg_standard(pixels)?;
    Ok(baseline::refit(&standard).unwrap_or(standard))
}

/// `jpeg-encoder`'s file of the picture as RGB, with the standard Huffman
/// tables of ITU T.81 K.3.
fn jpeg_standard(pixels: &Pixels) -> Result<Vec<u8>, MediaError> {
    let fail = |reason: &str| failed(OutputFormat::Jpeg, pixels.width, reason);
    let width = u16::try_from(pixels.width).map_err(|_| fail("wider than JPEG allows"))?;
    let height = u16::try_from(pixels.height).map_err(|_| fail("taller than JPEG allows"))?;
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, JPEG_QUALITY);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    // Each chroma sample the mean of its 2×2 pixels (the encoder's default
    // takes the top-left one, which aliases colour detail).
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder
        .encode(&pixels.flattened_rgb(), width, height, ColorType::Rgb)
        .map_err(|e| fail(&e.to_string()))?;
    Ok(out)
}

/// Encodes a lossy WebP, keeping transparency. Returns `None` when a side is
/// longer than WebP can store (only very tall panoramas at full width): the
/// JPEG of the same width is then the only variant, rather than failing the
/// whole upload.
pub(crate) fn webp(pixels: &Pixels) -> Result<Option<Vec<u8>>, MediaError> {
    if pixels.width > WEBP_MAX_SIDE || pixels.height > WEBP_MAX_SIDE {
        return Ok(None);
    }
    let rgb;
    let pixels = if pixels.samples == Samples::Ycbcr420 {
        rgb = pixels.clone().into_rgb();
        &rgb
    } else {
        pixels
    };
    let encoder = if pixels.has_alpha() {
        webp::Encoder::from_rgba(&pixels.data, pixels.width, pixels.height)
    } else {
        webp::Encoder::from_rgb(&pixels.data, pixels.width, pixels.height)
    };
    let encoded = encoder
        .encode_simple(false, WEBP_QUALITY)
        .map_err(|e| failed(OutputFormat::Webp, pixels.width, format!("{e:?}")))?;
    Ok(Some(encoded.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey(width: u32, height: u32, alpha: bool) -> Pixels {
        let channels = if alpha { 4 } else { 3 };
        Pixels {
            width,
            height,
            samples: if alpha { Samples::Rgba } else { Samples::Rgb },
            data: vec![128; (width * height) as usize * channels],
        }
    }

    #[test]
    fn jpeg_starts_with_jfif_and_is_deterministic() {
        let a = jpeg(&grey(16, 8, false)).unwrap();
        assert_eq!(&a[..4], &[0xFF, 0xD8, 0xFF, 0xE0]);
        assert_eq!(&a[6..11], b"JFIF\0");
        assert_eq!(a, jpeg(&grey(16, 8, false)).unwrap());
    }

    #[test]
    fn fitted_huffman_tables_make_a_photo_smaller() {
        // A picture with texture, where the standard tables fit badly.
        let (width, height) = (256u32, 192u32);
        let mut data = Vec::with_capacity((width * height * 3) as usize);
        let mut seed = 7u32;
        for y in 0..height {
            for x in 0..width {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let noise = (seed >> 24) as u8 / 8;
                data.extend_from_slice(&[(x / 2) as u8 + noise, (y + x / 4) as u8, 200 - noise]);
            }
        }
        let photo = Pixels {
            width,
            height,
            samples: Samples::Rgb,
            data,
        };
        let fitted = jpeg(&photo).unwrap().len();
        let standard = jpeg_standard(&photo).unwrap().len();
        assert!(
            fitted < standard * 95 / 100,
            "{fitted} B fitted, {standard} B standard"
        );
    }

    #[test]
    fn webp_is_a_riff_webp_and_too_tall_is_skipped() {
        let w = webp(&grey(16, 8, true)).unwrap().unwrap();
        assert_eq!((&w[..4], &w[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
        assert_eq!(webp(&grey(1, WEBP_MAX_SIDE + 1, false)).unwrap(), None);
    }

    #[test]
    fn oversized_jpeg_is_an_error_not_a_panic() {
        let wide = Pixels {
            width: 70_000,
            height: 1,
            samples: Samples::Rgb,
            data: vec![0; 210_000],
        };
        assert!(matches!(
            jpeg(&wide),
            Err(MediaError::Encode { format: "JPEG", .. })
        ));
    }
}
