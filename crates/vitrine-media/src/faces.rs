//! Face suggestions for redaction (issue 13): boxes where a detector sees a
//! face, for a curator to accept as regions to hide or to leave out. Never
//! applied on their own. Computed here, on this machine, with the SeetaFace
//! frontal cascade through the `rustface` crate (pure Rust, BSD-2; the model
//! is compiled in, see `models/README.md`); nothing is sent anywhere and
//! nothing but the boxes is kept.
//!
//! Settings, measured on 20 openly licensed photos with 54 hand-labelled
//! faces (docs/benchmarks.md): the photo at most 1600 pixels on its long
//! side, enlarged twice (the cascade finds nothing under about 40 pixels),
//! score threshold 1.0, pyramid scale 0.8, window step 4: 85 % of faces
//! found with 2 false positives, against 69 % and none at the crate's usual
//! threshold of 2.0 without enlarging. For redaction a face missed costs far
//! more than a suggestion dismissed.

use vitrine_core::redaction::Rect;

use crate::decode::{Decoded, decode};
use crate::error::MediaError;
use crate::limits::Limits;
use crate::orient::upright;
use crate::pipeline::Request;
use crate::pixels::Pixels;
use crate::probe::probe;
use crate::resize::{fit_within, resize};

/// The detector's cascade, compiled in.
const MODEL: &[u8] = include_bytes!("../models/seeta_fd_frontal_v1.0.bin");
/// The longest side the photo is looked at, before enlarging.
const LONG_SIDE: u32 = 1600;
/// How much the photo is enlarged for the detector.
const ENLARGE: u32 = 2;
/// The detector's score threshold.
const THRESHOLD: f64 = 1.0;
/// How much of its height a box grows upwards: the cascade's boxes run from
/// brow to chin, and hair and forehead identify too.
const HEADROOM: f64 = 0.25;

/// The memory [`suggest_faces`] may take for `bytes` at its peak.
///
/// # Errors
/// Everything [`probe`](crate::probe()) refuses.
pub fn faces_peak_memory(bytes: &[u8], limits: &Limits) -> Result<u64, MediaError> {
    let decode = crate::peak_memory(bytes, limits, &Request::jpeg_widths(&[LONG_SIDE]))?;
    let enlarged = u64::from(LONG_SIDE * ENLARGE).pow(2);
    // The enlarged grey picture, its RGB on the way, and the detector's
    // image pyramid (about as much again).
    Ok(decode + enlarged * 6)
}

/// Boxes, in the upright original's pixels, where a face may be: each
/// clamped to the photo and grown upwards a little, nested duplicates
/// removed, largest first.
///
/// # Errors
/// Everything [`probe`](crate::probe()) refuses, corrupt pixel data, and a
/// model that fails to load (a broken build).
pub fn suggest_faces(bytes: &[u8], limits: &Limits) -> Result<Vec<Rect>, MediaError> {
    let header = probe(bytes, limits)?;
    let needed = |w: u32, h: u32| fit_within(w, h, LONG_SIDE).0;
    let decoded = decode(bytes, &header, needed, false)?;
    let (width, height) = decoded.upright_size(&header);
    let Decoded {
        pixels,
        orientation,
        ..
    } = decoded;
    let (fw, fh) = fit_within(width, height, LONG_SIDE);
    let (sw, sh) = if crate::orient::swaps_sides(orientation) {
        (fh, fw)
    } else {
        (fw, fh)
    };
    let small = if (pixels.width, pixels.height) == (sw, sh) {
        pixels
    } else {
        resize(&pixels, sw, sh)?
    };
    let small = upright(small, orientation);
    let (ew, eh) = (small.width * ENLARGE, small.height * ENLARGE);
    let enlarged = resize(&small, ew, eh)?;
    drop(small);
    let grey = luma(&enlarged);
    drop(enlarged);

    let model = rustface::read_model(std::io::Cursor::new(MODEL))
        .map_err(|e| MediaError::Internal(format!("the face model does not load: {e}")))?;
    let mut detector = rustface::create_detector_with_model(model);
    detector.set_min_face_size(20);
    detector.set_score_thresh(THRESHOLD);
    detector.set_pyramid_scale_factor(0.8);
    detector.set_slide_window_step(4, 4);
    let found = detector.detect(&rustface::ImageData::new(&grey, ew, eh));

    let (sx, sy) = (
        f64::from(width) / f64::from(ew),
        f64::from(height) / f64::from(eh),
    );
    let mut boxes: Vec<Rect> = found
        .iter()
        .filter_map(|face| {
            let b = face.bbox();
            let h = f64::from(b.height()) * sy;
            let x0 = (f64::from(b.x()) * sx).max(0.0);
            let y0 = (f64::from(b.y()) * sy - h * HEADROOM).max(0.0);
            let x1 = ((f64::from(b.x()) + f64::from(b.width())) * sx).min(f64::from(width));
            let y1 = ((f64::from(b.y()) + f64::from(b.height())) * sy).min(f64::from(height));
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let rect = Rect {
                x: x0.floor() as u32,
                y: y0.floor() as u32,
                width: (x1.ceil() - x0.floor()) as u32,
                height: (y1.ceil() - y0.floor()) as u32,
            };
            rect.fits(width, height).then_some(rect)
        })
        .collect();
    boxes.sort_by_key(|r| std::cmp::Reverse(u64::from(r.width) * u64::from(r.height)));
    let mut kept: Vec<Rect> = Vec::with_capacity(boxes.len());
    for b in boxes {
        if !kept.iter().any(|k| mostly_inside(b, *k)) {
            kept.push(b);
        }
    }
    Ok(kept)
}

/// Whether at least 70 % of `inner` lies inside `outer`.
fn mostly_inside(inner: Rect, outer: Rect) -> bool {
    inner.overlap(outer) * 10 >= inner.area() * 7
}

/// BT.601 brightness of an RGB(A) or YCbCr picture, one byte a pixel.
fn luma(pixels: &Pixels) -> Vec<u8> {
    let rgb = pixels.flattened_rgb();
    rgb.chunks_exact(3)
        .map(|p| {
            let y = 299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]);
            u8::try_from(y / 1000).unwrap_or(u8::MAX)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_boxes_are_one_suggestion() {
        let outer = Rect {
            x: 100,
            y: 100,
            width: 200,
            height: 200,
        };
        let inner = Rect {
            x: 150,
            y: 140,
            width: 80,
            height: 90,
        };
        assert!(mostly_inside(inner, outer));
        let beside = Rect { x: 290, ..inner };
        assert!(!mostly_inside(beside, outer));
    }

    #[test]
    fn the_model_loads() {
        assert!(rustface::read_model(std::io::Cursor::new(MODEL)).is_ok());
    }
}
