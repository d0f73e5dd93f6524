//! Converts pixels described by an embedded ICC profile to sRGB, the colour
//! space browsers assume for untagged images. Output files carry no profile
//! (a profile is metadata, and its description text can identify the
//! device), so the colours have to be converted rather than labelled.

use std::panic::AssertUnwindSafe;

use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

use crate::pixels::{Pixels, Samples};

/// Rewrites `pixels` in place from the colour space of `icc_profile` to sRGB.
///
/// Profiles that cannot be parsed or transformed, and profiles that are not
/// RGB (a grey or CMYK profile no longer describes pixels that were already
/// converted to RGB), are ignored: the pixels are then treated as sRGB, the
/// same fallback browsers use, rather than refusing a viewable photo.
///
/// The profile parser sees untrusted bytes; should it panic, the pixels are
/// kept as they are (possibly part-converted) instead of failing the upload.
pub(crate) fn convert_to_srgb(pixels: &mut Pixels, icc_profile: Option<&[u8]>) {
    let guarded = AssertUnwindSafe(|| convert_unguarded(pixels, icc_profile));
    let _ = std::panic::catch_unwind(guarded);
}

fn convert_unguarded(pixels: &mut Pixels, icc_profile: Option<&[u8]>) {
    let Some(source) = icc_profile.and_then(|icc| ColorProfile::new_from_slice(icc).ok()) else {
        return;
    };
    if source.color_space != DataColorSpace::Rgb {
        return;
    }
    if pixels.samples == Samples::Ycbcr420 {
        // Profiles describe RGB; the pipeline keeps YCbCr only for JPEGs
        // without one, so this is a safety net, not a path taken.
        let ycbcr = std::mem::take(&mut pixels.data);
        *pixels = Pixels {
            data: ycbcr,
            ..pixels.clone()
        }
        .into_rgb();
    }
    let layout = if pixels.has_alpha() {
        Layout::Rgba
    } else {
        Layout::Rgb
    };
    let srgb = ColorProfile::new_srgb();
    let Ok(transform) =
        source.create_transform_8bit(layout, &srgb, layout, TransformOptions::default())
    else {
        return;
    };
    // Row by row through one scratch row, so the conversion never needs a
    // second full-size buffer.
    let row_len = pixels.width as usize * pixels.channels();
    let mut scratch = vec![0u8; row_len];
    for row in pixels.data.chunks_exact_mut(row_len) {
        if transform.transform(row, &mut scratch).is_err() {
            return;
        }
        row.copy_from_slice(&scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_pixel(rgb: [u8; 3]) -> Pixels {
        Pixels {
            width: 1,
            height: 1,
            samples: Samples::Rgb,
            data: rgb.to_vec(),
        }
    }

    #[test]
    fn display_p3_red_becomes_a_more_saturated_srgb_red() {
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let mut px = one_pixel([200, 60, 60]);
        convert_to_srgb(&mut px, Some(&p3));
        let [r, g, b] = [px.data[0], px.data[1], px.data[2]];
        assert!(r > 210 && g < 55 && b < 55, "got {r},{g},{b}");
    }

    #[test]
    fn srgb_profile_and_garbage_profiles_leave_pixels_alone() {
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        let mut px = one_pixel([200, 60, 60]);
        convert_to_srgb(&mut px, Some(&srgb));
        for (got, want) in px.data.iter().zip([200u8, 60, 60]) {
            assert!(got.abs_diff(want) <= 1, "{:?}", px.data);
        }
        let mut px = one_pixel([1, 2, 3]);
        convert_to_srgb(&mut px, Some(b"not a profile"));
        assert_eq!(px.data, [1, 2, 3]);
    }
}
