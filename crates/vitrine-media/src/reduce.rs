//! Reduction by a whole factor while decoding: each output pixel is the
//! average of a `factor` × `factor` block of decoded ones (partial blocks at
//! the right and bottom edges average what they have). Rows are pushed one
//! at a time and only one row of sums is kept, so a decoder that hands out
//! rows (PNG) never holds the full-size picture, only the reduced one.
//!
//! This is the box filter that JPEG's M/8 DCT scaling approximates, used the
//! same way: the factor is the largest that still leaves the widest output
//! covered, and the Lanczos resize that follows does the rest. Transparent
//! pixels are averaged with their colour weighted by alpha, so colour hidden
//! under transparency does not bleed into visible edges. An RGBA picture
//! that turns out fully opaque (common in PNGs) comes out as RGB: a quarter
//! less memory, and the resize then needs no premultiplied copy of it.

use crate::pixels::{Pixels, Samples};

/// The largest whole factor that keeps a side `stored` pixels long at
/// `needed` pixels or more; 1 when no reduction is possible.
pub(crate) fn factor_for(stored: u32, needed: u32) -> u32 {
    (stored / needed.max(1)).max(1)
}

/// A side of `len` pixels after reduction by `factor` (partial blocks count).
pub(crate) fn reduced_len(len: u32, factor: u32) -> u32 {
    len.div_ceil(factor.max(1))
}

/// Accumulates interleaved 8-bit RGB or RGBA rows into the reduced picture.
pub(crate) struct BoxReducer {
    factor: usize,
    samples: Samples,
    in_width: usize,
    out_width: usize,
    out_height: u32,
    /// Per output pixel and channel: the sum of the block so far (colour
    /// weighted by alpha for RGBA).
    sums: Vec<u64>,
    rows: usize,
    out: Vec<u8>,
    /// No pixel seen so far had alpha below 255.
    opaque: bool,
}

impl BoxReducer {
    /// A reducer for a `width` × `height` picture of `samples` (RGB or RGBA).
    pub fn new(width: u32, height: u32, samples: Samples, factor: u32) -> Self {
        let factor = factor.max(1);
        let channels = channels(samples);
        let (out_width, out_height) = (reduced_len(width, factor), reduced_len(height, factor));
        BoxReducer {
            factor: factor as usize,
            samples,
            in_width: width as usize,
            out_width: out_width as usize,
            out_height,
            sums: vec![0; out_width as usize * channels],
            rows: 0,
            out: Vec::with_capacity(out_width as usize * out_height as usize * channels),
            opaque: true,
        }
    }

    /// Adds one decoded row (`width` pixels; a shorter row is padded with
    /// nothing, a longer one cut).
    pub fn push_row(&mut self, row: &[u8]) {
        let channels = channels(self.samples);
        if channels == 4 && self.opaque {
            self.opaque = row.chunks_exact(4).all(|px| px[3] == u8::MAX);
        }
        if self.factor == 1 {
            let len = self.in_width * channels;
            self.out.extend_from_slice(&row[..len.min(row.len())]);
            self.out
                .resize(self.out.len() + len.saturating_sub(row.len()), 0);
            return;
        }
        for (x, px) in row.chunks_exact(channels).take(self.in_width).enumerate() {
            let at = x / self.factor * channels;
            let sums = &mut self.sums[at..at + channels];
            if channels == 4 {
                let alpha = u64::from(px[3]);
                for c in 0..3 {
                    sums[c] += u64::from(px[c]) * alpha;
                }
                sums[3] += alpha;
            } else {
                for c in 0..3 {
                    sums[c] += u64::from(px[c]);
                }
            }
        }
        self.rows += 1;
        if self.rows == self.factor {
            self.emit();
        }
    }

    /// Writes out the current band of rows as one output row.
    fn emit(&mut self) {
        let channels = channels(self.samples);
        let rows = self.rows as u64;
        for (ox, sums) in self.sums.chunks_exact_mut(channels).enumerate() {
            let columns = self.factor.min(self.in_width - ox * self.factor) as u64;
            let count = (columns * rows).max(1);
            let average = |sum: u64, count: u64| {
                u8::try_from((sum + count / 2) / count.max(1)).unwrap_or(u8::MAX)
            };
            if channels == 4 {
                let alpha = sums[3];
                for &sum in &sums[..3] {
                    self.out
                        .push(if alpha == 0 { 0 } else { average(sum, alpha) });
                }
                self.out.push(average(alpha, count));
            } else {
                for &sum in &sums[..3] {
                    self.out.push(average(sum, count));
                }
            }
            sums.fill(0);
        }
        self.rows = 0;
    }

    /// The reduced picture. Missing rows (a decoder that stopped early is an
    /// error before this is called) would leave it short, never long.
    pub fn finish(mut self) -> Pixels {
        if self.rows > 0 {
            self.emit();
        }
        if self.samples == Samples::Rgba && self.opaque {
            // In place, front to back: pixel i's three bytes move to 3i, at
            // or before where they were.
            let pixels = self.out.len() / 4;
            for i in 0..pixels {
                self.out.copy_within(i * 4..i * 4 + 3, i * 3);
            }
            self.out.truncate(pixels * 3);
            self.out.shrink_to_fit();
            self.samples = Samples::Rgb;
        }
        Pixels {
            width: u32::try_from(self.out_width).unwrap_or(u32::MAX),
            height: self.out_height,
            samples: self.samples,
            data: self.out,
        }
    }
}

/// `pixels` reduced by `factor` (returned as is when the factor is 1 or the
/// layout is planar, which only the JPEG decoders make, already scaled).
pub(crate) fn reduce(pixels: Pixels, factor: u32) -> Pixels {
    if factor <= 1 || pixels.samples == Samples::Ycbcr420 {
        return pixels;
    }
    let mut reducer = BoxReducer::new(pixels.width, pixels.height, pixels.samples, factor);
    let row_len = pixels.width as usize * pixels.channels();
    for row in pixels.data.chunks_exact(row_len.max(1)) {
        reducer.push_row(row);
    }
    reducer.finish()
}

fn channels(samples: Samples) -> usize {
    if samples == Samples::Rgba { 4 } else { 3 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_factor_is_the_largest_that_still_covers_the_need() {
        assert_eq!(factor_for(10_000, 2_400), 4);
        assert_eq!(factor_for(4_799, 2_400), 1);
        assert_eq!(factor_for(4_800, 2_400), 2);
        assert_eq!(factor_for(100, 0), 100);
        assert_eq!(reduced_len(10_000, 4), 2_500);
        assert_eq!(reduced_len(10_001, 4), 2_501);
    }

    #[test]
    fn blocks_average_and_partial_edge_blocks_average_what_they_have() {
        // 3×3 RGB reduced by 2: one full block, a right column, a bottom row
        // and a corner pixel.
        let data = [
            [0, 0, 0],
            [100, 100, 100],
            [7, 8, 9],
            [100, 100, 100],
            [0, 0, 0],
            [9, 8, 7],
            [50, 60, 70],
            [70, 60, 50],
            [1, 2, 3],
        ]
        .concat();
        let out = reduce(
            Pixels {
                width: 3,
                height: 3,
                samples: Samples::Rgb,
                data,
            },
            2,
        );
        assert_eq!((out.width, out.height), (2, 2));
        assert_eq!(
            out.data,
            [[50, 50, 50], [8, 8, 8], [60, 60, 60], [1, 2, 3]].concat()
        );
    }

    #[test]
    fn opaque_rgba_comes_out_as_rgb() {
        let data = [[10, 20, 30, 255], [50, 60, 70, 255]].concat();
        let rgba = |factor| {
            let mut reducer = BoxReducer::new(2, 1, Samples::Rgba, factor);
            reducer.push_row(&data);
            reducer.finish()
        };
        let kept = rgba(1);
        assert_eq!(
            (kept.samples, kept.data),
            (Samples::Rgb, vec![10, 20, 30, 50, 60, 70])
        );
        let halved = rgba(2);
        assert_eq!(
            (halved.samples, halved.data),
            (Samples::Rgb, vec![30, 40, 50])
        );
    }

    #[test]
    fn colour_under_transparent_pixels_does_not_bleed() {
        // Opaque red beside fully transparent green: the average stays red,
        // half as opaque.
        let data = [[255, 0, 0, 255], [0, 255, 0, 0]].concat();
        let out = reduce(
            Pixels {
                width: 2,
                height: 1,
                samples: Samples::Rgba,
                data,
            },
            2,
        );
        assert_eq!(out.data, [255, 0, 0, 128]);
    }
}
