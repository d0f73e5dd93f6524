//! PNG decoding row by row, straight to 8 bits, reduced while it decodes.
//!
//! A PNG compresses well when it is flat, so a file under a megabyte can
//! hold 100 megapixels at 16 bits and four channels: 800 MB as the reference
//! decoder would hold it, before its 8-bit copy. Here the `png` crate strips
//! each row to 8 bits and expands palettes and grey as it goes, and each row
//! goes into a [`BoxReducer`] at the largest factor that still covers the
//! widest output, so only the reduced picture is ever whole in memory. An
//! interlaced PNG cannot be read in final row order, so it is decoded whole,
//! at 8 bits, then reduced.

use std::io::Cursor;

use image::metadata::Orientation;
use png::{BitDepth, ColorType, DecodingError, Transformations};

use crate::decode::Decoded;
use crate::error::MediaError;
use crate::orient::swaps_sides;
use crate::pixels::Samples;
use crate::probe::Probe;
use crate::reduce::{BoxReducer, factor_for};

/// Decodes the first frame of a PNG into 8-bit RGB or RGBA in stored
/// orientation, reduced by the largest whole factor whose upright width
/// still reaches `needed_width(upright width, upright height)`.
pub(crate) fn decode(
    bytes: &[u8],
    probe: &Probe,
    needed_width: impl Fn(u32, u32) -> u32,
) -> Result<Decoded, MediaError> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(from_png_error)?;
    let info = reader.info();
    if (info.width, info.height) != (probe.width, probe.height) {
        return Err(MediaError::Corrupt(
            "the image data does not match the size in its header".into(),
        ));
    }
    // As in the reference decoder: unreadable metadata counts as absent.
    let orientation = info
        .exif_metadata
        .as_deref()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let icc_profile = info.icc_profile.as_deref().map(<[u8]>::to_vec);
    let interlaced = info.interlaced;
    let (upright_width, upright_height) = if swaps_sides(orientation) {
        (probe.height, probe.width)
    } else {
        (probe.width, probe.height)
    };
    let factor = factor_for(upright_width, needed_width(upright_width, upright_height));
    let (colour, depth) = reader.output_color_type();
    if depth != BitDepth::Eight {
        return Err(MediaError::Internal(format!(
            "the PNG decoder gave {depth:?}-bit samples where 8 were asked for"
        )));
    }
    let samples = match colour {
        ColorType::Rgba | ColorType::GrayscaleAlpha => Samples::Rgba,
        _ => Samples::Rgb,
    };
    let mut reducer = BoxReducer::new(probe.width, probe.height, samples, factor);
    let mut row8 = Vec::with_capacity(probe.width as usize * 4);
    let mut push = |row: &[u8]| {
        to_rgb_or_rgba(row, colour, &mut row8);
        reducer.push_row(&row8);
    };
    if interlaced {
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| MediaError::Corrupt("the PNG's size does not fit in memory".into()))?;
        let mut frame = vec![0u8; size];
        let out = reader.next_frame(&mut frame).map_err(from_png_error)?;
        for row in frame
            .chunks_exact(out.line_size.max(1))
            .take(out.height as usize)
        {
            push(row);
        }
    } else {
        let mut rows = 0u32;
        while let Some(row) = reader.next_row().map_err(from_png_error)? {
            push(row.data());
            rows += 1;
        }
        if rows != probe.height {
            return Err(MediaError::Corrupt(
                "the file ends before the image data does".into(),
            ));
        }
    }
    Ok(Decoded {
        pixels: reducer.finish(),
        orientation,
        icc_profile,
    })
}

/// One 8-bit row of any expanded colour type as RGB, or RGBA when it has
/// alpha, into `out`.
fn to_rgb_or_rgba(row: &[u8], colour: ColorType, out: &mut Vec<u8>) {
    out.clear();
    match colour {
        ColorType::Grayscale => {
            for &g in row {
                out.extend_from_slice(&[g, g, g]);
            }
        }
        ColorType::GrayscaleAlpha => {
            for ga in row.chunks_exact(2) {
                out.extend_from_slice(&[ga[0], ga[0], ga[0], ga[1]]);
            }
        }
        // RGB, RGBA, and (never after expansion) indexed: as they are.
        _ => out.extend_from_slice(row),
    }
}

/// Maps the PNG decoder's errors to messages about the file.
fn from_png_error(err: DecodingError) -> MediaError {
    match err {
        DecodingError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            MediaError::Corrupt("the file ends before the image data does".into())
        }
        DecodingError::IoError(e) => MediaError::Corrupt(e.to_string()),
        DecodingError::Format(e) => MediaError::Corrupt(e.to_string()),
        DecodingError::LimitsExceeded => {
            MediaError::Corrupt("decoding needed more memory than the image's size allows".into())
        }
        DecodingError::Parameter(e) => MediaError::Internal(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    /// A `width` × `height` PNG of one 16-bit colour, `channels` 3 or 4.
    fn png16(width: u32, height: u32, colour: &[u16]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(if colour.len() == 4 {
            ColorType::Rgba
        } else {
            ColorType::Rgb
        });
        encoder.set_depth(BitDepth::Sixteen);
        let mut writer = encoder.write_header().unwrap();
        let pixel: Vec<u8> = colour.iter().flat_map(|c| c.to_be_bytes()).collect();
        writer
            .write_image_data(&pixel.repeat((width * height) as usize))
            .unwrap();
        writer.finish().unwrap();
        out
    }

    fn probe(width: u32, height: u32) -> Probe {
        Probe {
            format: Format::Png,
            width,
            height,
            frames: 1,
        }
    }

    #[test]
    fn sixteen_bit_rows_become_8_bit_at_the_reduced_size() {
        let bytes = png16(100, 30, &[0xFFFF, 0x8000, 0x0000, 0x8080]);
        // 24 px wide is needed: reduced by 4 to 25 × 8.
        let decoded = decode(&bytes, &probe(100, 30), |_, _| 24).unwrap();
        let p = decoded.pixels;
        assert_eq!((p.width, p.height, p.samples), (25, 8, Samples::Rgba));
        assert_eq!(&p.data[..4], &[0xFF, 0x80, 0x00, 0x80]);
        assert_eq!(p.data.len(), 25 * 8 * 4);
    }

    #[test]
    fn a_png_whose_rows_stop_early_is_corrupt() {
        let bytes = png16(64, 64, &[1, 2, 3]);
        let cut = &bytes[..bytes.len() / 2];
        assert!(matches!(
            decode(cut, &probe(64, 64), |w, _| w),
            Err(MediaError::Corrupt(_))
        ));
    }
}
