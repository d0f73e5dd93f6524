//! Turns pixels upright according to an EXIF orientation. The pipeline does
//! this after the first resize rather than straight after decoding, so the
//! copy touches the smallest buffer that still needs it (a 1600 px variant
//! rather than a 12-megapixel photo); resizing and turning commute.
//!
//! One generic remap covers all eight orientations: every upright pixel
//! comes from a stored pixel at `origin + x·step_x + y·step_y`. The quarter
//! turns read the source down its columns, so they walk in square tiles
//! that keep both the rows read and the rows written in cache.

use image::metadata::Orientation;

use crate::pixels::{Pixels, Samples, chroma_size};

/// Tile side for the quarter turns: 32 × 32 RGBA pixels read and written
/// stay well inside a 32 KB L1 cache.
const TILE: usize = 32;

/// Whether `orientation` swaps width and height.
pub(crate) fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// The upright copy of `stored`, or `stored` itself when it already is.
pub(crate) fn upright(stored: Pixels, orientation: Orientation) -> Pixels {
    if orientation == Orientation::NoTransforms {
        return stored;
    }
    let (sw, sh) = (stored.width as usize, stored.height as usize);
    let (dw, dh) = if swaps_sides(orientation) {
        (sh, sw)
    } else {
        (sw, sh)
    };
    let data = match stored.samples {
        Samples::Rgba => remap::<4>(&stored.data, sw, sh, dw, dh, orientation),
        Samples::Rgb => remap::<3>(&stored.data, sw, sh, dw, dh, orientation),
        Samples::Ycbcr420 => {
            let (luma, chroma) = stored.planes();
            let (cw, ch) = chroma_size(stored.width, stored.height);
            let (cw, ch) = (cw as usize, ch as usize);
            let (dcw, dch) = if swaps_sides(orientation) {
                (ch, cw)
            } else {
                (cw, ch)
            };
            let mut data = remap::<1>(luma, sw, sh, dw, dh, orientation);
            data.extend(remap::<2>(chroma, cw, ch, dcw, dch, orientation));
            data
        }
    };
    Pixels {
        width: u32::try_from(dw).unwrap_or(u32::MAX),
        height: u32::try_from(dh).unwrap_or(u32::MAX),
        samples: stored.samples,
        data,
    }
}

/// Source pixel index of upright pixel (0, 0), and the index steps for one
/// pixel right and one pixel down in the upright image.
fn steps(orientation: Orientation, sw: usize, sh: usize) -> (usize, isize, isize) {
    let (w, last_col, last_row) = (sw as isize, sw.saturating_sub(1), sh.saturating_sub(1));
    let row = w;
    match orientation {
        Orientation::NoTransforms => (0, 1, row),
        Orientation::FlipHorizontal => (last_col, -1, row),
        Orientation::Rotate180 => (last_row * sw + last_col, -1, -row),
        Orientation::FlipVertical => (last_row * sw, 1, -row),
        // Upright (x, y) is stored (y, x).
        Orientation::Rotate90FlipH => (0, row, 1),
        // Upright (x, y) is stored (y, h-1-x).
        Orientation::Rotate90 => (last_row * sw, -row, 1),
        // Upright (x, y) is stored (w-1-y, h-1-x).
        Orientation::Rotate270FlipH => (last_row * sw + last_col, -row, -1),
        // Upright (x, y) is stored (w-1-y, x).
        Orientation::Rotate270 => (last_col, row, -1),
    }
}

fn remap<const C: usize>(
    src: &[u8],
    sw: usize,
    sh: usize,
    dw: usize,
    dh: usize,
    orientation: Orientation,
) -> Vec<u8> {
    let (origin, step_x, step_y) = steps(orientation, sw, sh);
    let mut dst = vec![0u8; dw * dh * C];
    let tile = if swaps_sides(orientation) {
        TILE
    } else {
        dw.max(1)
    };
    for ty in (0..dh).step_by(tile) {
        for tx in (0..dw).step_by(tile) {
            for y in ty..(ty + tile).min(dh) {
                let row_start = origin.wrapping_add_signed(step_y * y as isize);
                let out_row = &mut dst[(y * dw + tx) * C..(y * dw + (tx + tile).min(dw)) * C];
                for (i, out) in out_row.chunks_exact_mut(C).enumerate() {
                    let at = row_start.wrapping_add_signed(step_x * (tx + i) as isize) * C;
                    out.copy_from_slice(&src[at..at + C]);
                }
            }
        }
    }
    dst
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(width: u32, height: u32, alpha: bool) -> Pixels {
        let channels = if alpha { 4 } else { 3 };
        let data = (0..width * height * channels)
            .map(|i| (i % 251) as u8)
            .collect();
        Pixels {
            width,
            height,
            samples: if alpha { Samples::Rgba } else { Samples::Rgb },
            data,
        }
    }

    /// The image crate's own (slower) implementation is the reference.
    fn reference(p: &Pixels, orientation: Orientation) -> Pixels {
        let mut image = if p.has_alpha() {
            image::DynamicImage::ImageRgba8(
                image::RgbaImage::from_raw(p.width, p.height, p.data.clone()).unwrap(),
            )
        } else {
            image::DynamicImage::ImageRgb8(
                image::RgbImage::from_raw(p.width, p.height, p.data.clone()).unwrap(),
            )
        };
        image.apply_orientation(orientation);
        Pixels {
            width: image.width(),
            height: image.height(),
            samples: p.samples,
            data: image.into_bytes(),
        }
    }

    #[test]
    fn all_eight_orientations_match_the_image_crate() {
        for (w, h) in [(70, 45), (1, 5), (33, 1), (64, 64)] {
            for alpha in [false, true] {
                let stored = numbered(w, h, alpha);
                for exif in 1..=8 {
                    let o = Orientation::from_exif(exif).unwrap();
                    assert_eq!(
                        upright(stored.clone(), o),
                        reference(&stored, o),
                        "{w}x{h} alpha={alpha} orientation {exif}"
                    );
                }
            }
        }
    }
}
