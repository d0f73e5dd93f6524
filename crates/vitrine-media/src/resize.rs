//! Chooses the published widths and scales pixels to them.
//!
//! Width rule: every requested width smaller than the upright source width is
//! produced as asked; all requested widths at or above the source width
//! collapse into one variant at the source width. So a 1000 px photo with
//! the default widths yields 320, 640 and 1000; a 200 px photo yields only
//! 200. Nothing is ever upscaled, and a large screen still gets the full
//! resolution the researcher uploaded. Before this rule applies, the
//! pipeline narrows every width whose variant would be taller than
//! [`crate::MAX_HEIGHT_PER_SIZE`] times the largest requested size.

use std::cell::RefCell;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use crate::error::MediaError;
use crate::pixels::{Pixels, Samples, chroma_size};

thread_local! {
    /// One resizer per thread keeps its scratch buffers between calls.
    static RESIZER: RefCell<Resizer> = RefCell::new(Resizer::new());
}

/// Applies the width rule above. Widths of 0 are ignored; the result is
/// sorted ascending without duplicates.
pub(crate) fn plan_widths(source_width: u32, requested: &[u32]) -> Result<Vec<u32>, MediaError> {
    let mut widths: Vec<u32> = requested
        .iter()
        .filter(|&&w| w > 0)
        .map(|&w| w.min(source_width))
        .collect();
    if widths.is_empty() {
        return Err(MediaError::NoWidths);
    }
    widths.sort_unstable();
    widths.dedup();
    Ok(widths)
}

/// Height that keeps the aspect ratio at `width`, rounded, at least 1.
pub(crate) fn height_for(source_width: u32, source_height: u32, width: u32) -> u32 {
    let scaled = (u64::from(source_height) * u64::from(width) * 2 + u64::from(source_width))
        / (2 * u64::from(source_width.max(1)));
    u32::try_from(scaled.max(1)).unwrap_or(u32::MAX)
}

/// Scales `src` to exactly `width` × `height` with a Lanczos3 filter.
/// Transparent images are resized with premultiplied alpha so that colour
/// hidden under transparent pixels does not bleed into visible edges.
/// Planar YCbCr is resized plane by plane, chroma to the chroma size of the
/// new picture with a triangle (bilinear) filter: Lanczos keeps colour
/// detail sharper than half resolution can show, and it costs bytes in every
/// JPEG. libjpeg's pipeline (sharp's) softens chroma the same way with its
/// 2×2 average; docs/benchmarks.md (Quality) has the sizes.
pub(crate) fn resize(src: &Pixels, width: u32, height: u32) -> Result<Pixels, MediaError> {
    let (from, to) = ((src.width, src.height), (width, height));
    let data = match src.samples {
        Samples::Rgb => scale(&src.data, from, to, PixelType::U8x3, FilterType::Lanczos3)?,
        Samples::Rgba => scale(&src.data, from, to, PixelType::U8x4, FilterType::Lanczos3)?,
        Samples::Ycbcr420 => {
            let (luma, chroma) = src.planes();
            let mut data = scale(luma, from, to, PixelType::U8, FilterType::Lanczos3)?;
            let (from, to) = (chroma_size(from.0, from.1), chroma_size(width, height));
            data.extend(scale(
                chroma,
                from,
                to,
                PixelType::U8x2,
                FilterType::Bilinear,
            )?);
            data
        }
    };
    Ok(Pixels {
        width,
        height,
        samples: src.samples,
        data,
    })
}

/// One interleaved picture or plane from `from` to `to` pixels.
fn scale(
    data: &[u8],
    from: (u32, u32),
    (width, height): (u32, u32),
    pixel_type: PixelType,
    filter: FilterType,
) -> Result<Vec<u8>, MediaError> {
    let internal =
        |reason: String| MediaError::Internal(format!("resizing to {width}×{height}: {reason}"));
    let source =
        ImageRef::new(from.0, from.1, data, pixel_type).map_err(|e| internal(e.to_string()))?;
    let mut target = Image::new(width, height, pixel_type);
    // Only RGBA has alpha: the resizer would otherwise take the second byte
    // of a two-byte pixel (here Cr of a CbCr pair) for alpha and weight the
    // first by it.
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(filter))
        .use_alpha(pixel_type == PixelType::U8x4);
    RESIZER
        .with_borrow_mut(|resizer| resizer.resize(&source, &mut target, &options))
        .map_err(|e| internal(e.to_string()))?;
    Ok(target.into_vec())
}

/// Size that fits inside a `max` × `max` box, keeping the aspect ratio.
pub(crate) fn fit_within(width: u32, height: u32, max: u32) -> (u32, u32) {
    if width <= max && height <= max {
        return (width, height);
    }
    if width >= height {
        (max, height_for(width, height, max).min(max))
    } else {
        (height_for(height, width, max).min(max), max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_WIDTHS;

    #[test]
    fn widths_never_exceed_the_source() {
        assert_eq!(plan_widths(1000, &DEFAULT_WIDTHS), Ok(vec![320, 640, 1000]));
        assert_eq!(plan_widths(200, &DEFAULT_WIDTHS), Ok(vec![200]));
        assert_eq!(plan_widths(1024, &DEFAULT_WIDTHS), Ok(vec![320, 640, 1024]));
        assert_eq!(
            plan_widths(5000, &DEFAULT_WIDTHS),
            Ok(DEFAULT_WIDTHS.to_vec())
        );
        assert_eq!(plan_widths(5000, &[640, 0, 320, 640]), Ok(vec![320, 640]));
        assert_eq!(plan_widths(5000, &[0]), Err(MediaError::NoWidths));
    }

    #[test]
    fn heights_keep_the_aspect_ratio() {
        assert_eq!(height_for(4000, 3000, 320), 240);
        assert_eq!(height_for(3000, 1, 320), 1);
        assert_eq!(height_for(999, 500, 320), 160);
        assert_eq!(fit_within(4000, 3000, 100), (100, 75));
        assert_eq!(fit_within(10, 3000, 100), (1, 100));
        assert_eq!(fit_within(50, 40, 100), (50, 40));
    }

    #[test]
    fn planar_chroma_is_resized_as_two_colours_not_colour_and_alpha() {
        // Cr of 2 would be near-transparent alpha to a resizer that took
        // the second byte of each pair for alpha: Cb would go astray.
        let mut data = vec![90u8; 40 * 30];
        for i in 0..20 * 15 {
            data.extend([if i % 20 < 10 { 30 } else { 220 }, 2]);
        }
        let src = Pixels {
            width: 40,
            height: 30,
            samples: Samples::Ycbcr420,
            data,
        };
        let out = resize(&src, 20, 15).unwrap();
        let (luma, chroma) = out.planes();
        assert!(luma.iter().all(|&y| y == 90));
        let row: Vec<_> = chroma[..20].chunks_exact(2).map(|p| (p[0], p[1])).collect();
        assert_eq!(row[0], (30, 2));
        assert_eq!(row[9], (220, 2));
        assert!(chroma.chunks_exact(2).all(|p| p[1] == 2));
    }

    #[test]
    fn resizing_a_flat_colour_keeps_it() {
        let src = Pixels {
            width: 8,
            height: 4,
            samples: Samples::Rgb,
            data: [10u8, 200, 30].repeat(32),
        };
        let out = resize(&src, 4, 2).unwrap();
        assert_eq!(out.data, [10u8, 200, 30].repeat(8));
    }
}
