//! Builds the tiny stand-in a page shows while a photo loads: an average
//! colour for the simplest CSS background, and a ThumbHash
//! (<https://evanw.github.io/thumbhash/>, about 25 bytes) for a blurred
//! preview that keeps the rough layout of light and colour. Both are too
//! coarse to reveal a face or text, so they are safe to inline in HTML.

use crate::error::MediaError;
use crate::pixels::Pixels;
use crate::resize::{fit_within, resize};

/// ThumbHash is defined on images of at most this many pixels per side.
const THUMBHASH_MAX_SIDE: u32 = 100;

/// A placeholder for an image that is still loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Average colour as CSS "#rrggbb", with transparency composited onto
    /// white as the page shows it.
    pub color: String,
    /// Raw ThumbHash bytes (not base64); decode with any ThumbHash library,
    /// e.g. `thumbhash::thumb_hash_to_rgba`. It encodes the aspect ratio too.
    pub thumbhash: Vec<u8>,
}

/// Computes the placeholder from upright sRGB pixels. Any size works; pass
/// the smallest variant to keep it cheap.
pub(crate) fn placeholder(pixels: &Pixels) -> Result<Placeholder, MediaError> {
    let (w, h) = fit_within(pixels.width, pixels.height, THUMBHASH_MAX_SIDE);
    let small = if (w, h) == (pixels.width, pixels.height) {
        std::borrow::Cow::Borrowed(pixels)
    } else {
        std::borrow::Cow::Owned(resize(pixels, w, h)?)
    };
    let rgba = small.to_rgba();
    let thumbhash = thumbhash::rgba_to_thumb_hash(w as usize, h as usize, &rgba);
    Ok(Placeholder {
        color: average_colour(&small),
        thumbhash,
    })
}

/// Mean of the flattened pixels, as "#rrggbb".
fn average_colour(pixels: &Pixels) -> String {
    let rgb = pixels.flattened_rgb();
    let mut sums = [0u64; 3];
    for px in rgb.chunks_exact(3) {
        for (sum, &c) in sums.iter_mut().zip(px) {
            *sum += u64::from(c);
        }
    }
    let count = (rgb.len() as u64 / 3).max(1);
    let [r, g, b] = sums.map(|s| (s + count / 2) / count);
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pixels::Samples;

    #[test]
    fn average_colour_of_half_red_half_blue_is_purple() {
        let mut data = [255u8, 0, 0].repeat(2);
        data.extend([0u8, 0, 255].repeat(2));
        let p = Pixels {
            width: 2,
            height: 2,
            samples: Samples::Rgb,
            data,
        };
        assert_eq!(average_colour(&p), "#800080");
    }

    #[test]
    fn thumbhash_of_a_large_image_keeps_its_colour_and_shape() {
        let p = Pixels {
            width: 400,
            height: 200,
            samples: Samples::Rgb,
            data: [20u8, 120, 220].repeat(400 * 200),
        };
        let ph = placeholder(&p).unwrap();
        assert_eq!(ph.color, "#1478dc");
        let ratio = thumbhash::thumb_hash_to_approximate_aspect_ratio(&ph.thumbhash).unwrap();
        // ThumbHash stores the ratio coarsely; landscape 2:1 must still read as clearly wide.
        assert!((1.5..2.5).contains(&ratio), "ratio {ratio}");
        let (r, g, b, _) = thumbhash::thumb_hash_to_average_rgba(&ph.thumbhash).unwrap();
        assert!(
            (r - 20.0 / 255.0).abs() < 0.05
                && (g - 120.0 / 255.0).abs() < 0.05
                && (b - 220.0 / 255.0).abs() < 0.05
        );
    }
}
