//! The in-memory picture passed between pipeline stages: 8-bit sRGB, RGB or
//! RGBA, rows top to bottom, already upright. One plain type keeps each stage
//! (orient, colour, resize, encode) independently swappable.

use std::borrow::Cow;

/// Decoded, 8-bit, interleaved pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pixels {
    pub width: u32,
    pub height: u32,
    /// True for RGBA, false for RGB. Opaque images stay RGB to save a
    /// quarter of the memory on the largest buffer in the pipeline.
    pub alpha: bool,
    pub data: Vec<u8>,
}

impl Pixels {
    /// Bytes per pixel.
    pub fn channels(&self) -> usize {
        if self.alpha { 4 } else { 3 }
    }

    /// RGB samples with any transparency composited onto white, the page
    /// background visitors see. JPEG has no alpha channel, and leaving the
    /// colour under transparent pixels would expose whatever the editing
    /// tool left there (often black, sometimes erased content).
    pub fn flattened_rgb(&self) -> Cow<'_, [u8]> {
        if !self.alpha {
            return Cow::Borrowed(&self.data);
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
        if self.alpha {
            return Cow::Borrowed(&self.data);
        }
        let mut rgba = Vec::with_capacity(self.data.len() / 3 * 4);
        for px in self.data.chunks_exact(3) {
            rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
        }
        Cow::Owned(rgba)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparency_is_flattened_onto_white() {
        let p = Pixels {
            width: 3,
            height: 1,
            alpha: true,
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
            alpha: false,
            data: vec![1, 2, 3],
        };
        assert_eq!(&*p.to_rgba(), &[1, 2, 3, 255]);
        assert_eq!(&*p.flattened_rgb(), &[1, 2, 3]);
    }
}
