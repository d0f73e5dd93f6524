//! The in-memory picture passed between pipeline stages: 8-bit sRGB as
//! interleaved RGB or RGBA, or as JPEG's own planar YCbCr, rows top to
//! bottom. One plain type keeps each stage (orient, colour, resize, encode)
//! independently swappable.

use std::borrow::Cow;

/// What each pixel's bytes mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Samples {
    /// Red, green, blue.
    Rgb,
    /// Red, green, blue, alpha (straight, not premultiplied).
    Rgba,
    /// JFIF YCbCr (BT.601, full range) of sRGB colours with chroma at half
    /// resolution both ways, as two planes (the layout video calls NV12): Y
    /// (`width` × `height`), then Cb and Cr interleaved ([`chroma_size`]
    /// pairs). This is what nearly every photo
    /// stores, and what every JPEG Vitrine writes stores: a photo headed
    /// only for JPEG stays in it from decoder to encoder, so no pixel is
    /// converted to RGB and back, and chroma is never upsampled just to be
    /// subsampled again. Resizing and turning work plane by plane (the
    /// colour conversion is affine, so a weighted average commutes with it).
    Ycbcr420,
}

/// Size of each chroma plane of a `width` × `height` [`Samples::Ycbcr420`]
/// picture.
pub(crate) fn chroma_size(width: u32, height: u32) -> (u32, u32) {
    (width.div_ceil(2), height.div_ceil(2))
}

/// Decoded 8-bit pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pixels {
    pub width: u32,
    pub height: u32,
    /// Opaque images stay three bytes a pixel to save a quarter of the
    /// memory on the largest buffer in the pipeline.
    pub samples: Samples,
    pub data: Vec<u8>,
}

impl Pixels {
    /// Bytes per pixel of an interleaved picture.
    pub fn channels(&self) -> usize {
        if self.has_alpha() { 4 } else { 3 }
    }

    /// Whether the fourth byte of each pixel is alpha.
    pub fn has_alpha(&self) -> bool {
        self.samples == Samples::Rgba
    }

    /// RGB samples with any transparency composited onto white, the page
    /// background visitors see. JPEG has no alpha channel, and leaving the
    /// colour under transparent pixels would expose whatever the editing
    /// tool left there (often black, sometimes erased content).
    pub fn flattened_rgb(&self) -> Cow<'_, [u8]> {
        match self.samples {
            Samples::Rgb => return Cow::Borrowed(&self.data),
            Samples::Ycbcr420 => return Cow::Owned(self.ycbcr420_to_rgb()),
            Samples::Rgba => {}
        }
        let mut rgb = Vec::with_capacity(self.data.len() / 4 * 3);
        for px in self.data.chunks_exact(4) {
            let a = u32::from(px[3]);
            for &c in &px[..3] {
                let blended = (u32::from(c) * a + 255 * (255 - a) + 127) / 255;
                rgb.push(u8::try_from(blended).unwrap_or(u8::MAX));
            }
        }
        Cow::Owned(rgb)
    }

    /// RGBA samples, adding an opaque alpha channel when there is none.
    pub fn to_rgba(&self) -> Cow<'_, [u8]> {
        let rgb = match self.samples {
            Samples::Rgba => return Cow::Borrowed(&self.data),
            Samples::Rgb => Cow::Borrowed(&self.data[..]),
            Samples::Ycbcr420 => Cow::Owned(self.ycbcr420_to_rgb()),
        };
        let mut rgba = Vec::with_capacity(rgb.len() / 3 * 4);
        for px in rgb.chunks_exact(3) {
            rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
        }
        Cow::Owned(rgba)
    }

    /// The same picture as RGB or RGBA, for the stages that need RGB (colour
    /// profiles, WebP).
    pub fn into_rgb(self) -> Pixels {
        if self.samples != Samples::Ycbcr420 {
            return self;
        }
        Pixels {
            data: self.ycbcr420_to_rgb(),
            samples: Samples::Rgb,
            ..self
        }
    }

    /// The Y plane and the interleaved CbCr plane of a
    /// [`Samples::Ycbcr420`] picture.
    pub fn planes(&self) -> (&[u8], &[u8]) {
        let luma = self.width as usize * self.height as usize;
        self.data.split_at(luma.min(self.data.len()))
    }

    /// Interleaved RGB from planar YCbCr, each chroma sample serving its
    /// 2×2 pixels. Only small pictures and fallbacks take this path.
    fn ycbcr420_to_rgb(&self) -> Vec<u8> {
        let (y, chroma) = self.planes();
        let (w, cw) = (
            self.width as usize,
            chroma_size(self.width, self.height).0 as usize,
        );
        let mut rgb = Vec::with_capacity(y.len() * 3);
        for (row, luma) in y.chunks_exact(w.max(1)).enumerate() {
            let pairs = chroma.get(row / 2 * cw * 2..).unwrap_or_default();
            for (x, &l) in luma.iter().enumerate() {
                let pair = pairs.get(x / 2 * 2..x / 2 * 2 + 2).unwrap_or(&[128, 128]);
                rgb.extend_from_slice(&ycbcr_to_rgb([l, pair[0], pair[1]]));
            }
        }
        rgb
    }
}

/// Fixed-point fraction bits of the conversion below.
const SHIFT: u32 = 16;
const HALF: i32 = 1 << (SHIFT - 1);

/// `x` × 2^SHIFT, rounded: a conversion constant.
const fn fixed(x: f64) -> i32 {
    (x * (1u32 << SHIFT) as f64 + 0.5) as i32
}

/// JFIF YCbCr to RGB (ITU-T T.871), rounded and clamped as libjpeg does.
fn ycbcr_to_rgb([y, cb, cr]: [u8; 3]) -> [u8; 3] {
    let y = i32::from(y) << SHIFT;
    let cb = i32::from(cb) - 128;
    let cr = i32::from(cr) - 128;
    let channel = |v: i32| u8::try_from(((v + HALF) >> SHIFT).clamp(0, 255)).unwrap_or(0);
    [
        channel(y + fixed(1.402) * cr),
        channel(y - fixed(0.344_136) * cb - fixed(0.714_136) * cr),
        channel(y + fixed(1.772) * cb),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparency_is_flattened_onto_white() {
        let p = Pixels {
            width: 3,
            height: 1,
            samples: Samples::Rgba,
            data: vec![0, 0, 0, 0, 0, 0, 0, 255, 200, 0, 0, 128],
        };
        assert_eq!(
            &*p.flattened_rgb(),
            &[255, 255, 255, 0, 0, 0, 227, 127, 127]
        );
    }

    #[test]
    fn opaque_pixels_gain_an_opaque_alpha() {
        let p = Pixels {
            width: 1,
            height: 1,
            samples: Samples::Rgb,
            data: vec![1, 2, 3],
        };
        assert_eq!(&*p.to_rgba(), &[1, 2, 3, 255]);
        assert_eq!(&*p.flattened_rgb(), &[1, 2, 3]);
    }

    #[test]
    fn ycbcr_converts_by_t871() {
        // (Y, Cb, Cr) → (R, G, B) by T.871's formulas, rounded and clamped.
        let cases: [([u8; 3], [u8; 3]); 5] = [
            ([0, 128, 128], [0, 0, 0]),
            ([255, 128, 128], [255, 255, 255]),
            ([76, 85, 255], [254, 0, 0]),
            ([150, 44, 21], [0, 255, 1]),
            ([29, 255, 107], [0, 0, 254]),
        ];
        for (ycbcr, rgb) in cases {
            assert_eq!(ycbcr_to_rgb(ycbcr), rgb, "{ycbcr:?}");
        }
    }

    #[test]
    fn each_chroma_sample_colours_its_two_by_two_pixels() {
        // 3×3 luma, 2×2 chroma: red on the left two columns, blue on the
        // right, the last row and column sharing the edge samples.
        let p = Pixels {
            width: 3,
            height: 3,
            samples: Samples::Ycbcr420,
            data: [vec![76; 9], vec![85, 255, 255, 107, 85, 255, 255, 107]].concat(),
        };
        let rgb = p.flattened_rgb();
        let red = [254u8, 0, 0];
        let blue = ycbcr_to_rgb([76, 255, 107]);
        for row in rgb.chunks_exact(9) {
            assert_eq!(&row[..3], &red);
            assert_eq!(&row[3..6], &red);
            assert_eq!(&row[6..], &blue);
        }
        let rgba = p.to_rgba();
        assert_eq!(&rgba[..4], &[254, 0, 0, 255]);
        assert_eq!(p.clone().into_rgb().data, rgb.to_vec());
        assert_eq!((p.planes().0.len(), p.planes().1.len()), (9, 8));
    }
}
