//! A decoder for the JPEGs phones and cameras write: baseline Huffman, 8-bit,
//! YCbCr with 4:2:0 chroma, one interleaved scan. It decodes straight to
//! N/8 of the stored size (N = 1..=8) by transforming only the N×N lowest
//! frequencies of each block ([`idct`]), and keeps chroma at its own half
//! resolution as planes ([`Samples::Ycbcr420`]): nothing is converted to RGB
//! or upsampled, because the JPEGs Vitrine writes store the same planes.
//!
//! libjpeg does the same scaled decode, but built without its assembly (the
//! default build has no nasm) its reduced and chroma IDCTs, upsampling and
//! colour conversion cost about as much again as reading the Huffman codes;
//! here they cost a fraction of it (docs/benchmarks.md). Anything else
//! (progressive, other subsampling, CMYK, 12-bit, arithmetic coding, a
//! missing table, a damaged stream) answers `None`, and libjpeg decodes the
//! file instead; errors a researcher sees come from there.
//!
//! Safe Rust throughout: a damaged file can at worst give `None`.

mod encode;
mod header;
mod huffman;
mod idct;
mod refit;

use header::{Header, ScanComponent, read_header, read_scan};
use huffman::{Bits, END_OF_BLOCK};
use idct::{Basis, STRIDE, dc_only, idct};

use crate::pixels::{Pixels, Samples, chroma_size};

pub(crate) use encode::encode;
pub(crate) use refit::refit;

/// Decodes `bytes` at `numerator`/8 of `size` into planar YCbCr, or `None`
/// for anything this decoder does not take (see the module docs).
pub(crate) fn decode(bytes: &[u8], size: (u32, u32), numerator: u8) -> Option<Pixels> {
    let (header, scan_start) = read_header(bytes)?;
    if header.size != Some(size) {
        return None;
    }
    let (scan, data) = read_scan(&header, bytes.get(scan_start..)?)?;
    match numerator {
        1 => decode_scan::<1>(&header, &scan, data, size),
        2 => decode_scan::<2>(&header, &scan, data, size),
        3 => decode_scan::<3>(&header, &scan, data, size),
        4 => decode_scan::<4>(&header, &scan, data, size),
        5 => decode_scan::<5>(&header, &scan, data, size),
        6 => decode_scan::<6>(&header, &scan, data, size),
        7 => decode_scan::<7>(&header, &scan, data, size),
        8 => decode_scan::<8>(&header, &scan, data, size),
        _ => None,
    }
}

/// The natural-order index (row × 8 + column) of each zigzag position.
const ZIGZAG: [u8; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Natural-order position, in a block of stride [`STRIDE`], of each zigzag
/// index whose frequencies are both below N; 64 (a slot never read) for the
/// others, which are decoded but not needed at this scale.
fn kept<const N: usize>() -> [u8; 64] {
    ZIGZAG.map(|natural| {
        let (row, col) = (usize::from(natural) / 8, usize::from(natural) % 8);
        if row < N && col < N {
            u8::try_from(row * STRIDE + col).unwrap_or(64)
        } else {
            64
        }
    })
}

/// Decodes every MCU, writing each block's N×N pixels into its plane.
fn decode_scan<const N: usize>(
    header: &Header,
    scan: &[ScanComponent<'_>],
    data: &[u8],
    (width, height): (u32, u32),
) -> Option<Pixels> {
    let scaled = |side: u32| (u64::from(side) * N as u64).div_ceil(8);
    let (w, h) = (
        u32::try_from(scaled(width)).ok()?,
        u32::try_from(scaled(height)).ok()?,
    );
    let (cw, ch) = chroma_size(w, h);
    let (luma_len, chroma_len) = (w as usize * h as usize, cw as usize * ch as usize);
    let mut pixels = vec![0u8; luma_len + 2 * chroma_len];
    let (luma, chroma) = pixels.split_at_mut(luma_len);
    // Cb and Cr share one interleaved plane: Cb at even bytes, Cr at odd.
    let mut planes = [Plane::new(luma, w, h, 1), Plane::new(chroma, cw, ch, 2)];
    let targets = [(0, 0), (1, 0), (1, 1)];

    let (mcus_x, mcus_y) = (width.div_ceil(16) as usize, height.div_ceil(16) as usize);
    let (basis, keep) = (Basis::<N>::new(), kept::<N>());
    let mut bits = Bits::new(data);
    let mut predictions = [0i32; 3];
    let mut coef = [0f32; 65];
    let mut block = [[0u8; 8]; 8];
    let mut until_restart = header.restart_interval;
    for mcu_y in 0..mcus_y {
        for mcu_x in 0..mcus_x {
            if header.restart_interval > 0 {
                if until_restart == 0 {
                    if !bits.restart() {
                        return None;
                    }
                    predictions = [0; 3];
                    until_restart = header.restart_interval;
                }
                until_restart -= 1;
            }
            for ((component, &(plane, offset)), prediction) in
                scan.iter().zip(&targets).zip(&mut predictions)
            {
                let plane = &mut planes[plane];
                for by in 0..component.v {
                    for bx in 0..component.h {
                        let has_ac =
                            read_block(&mut bits, component, prediction, &keep, &mut coef)?;
                        let x = (mcu_x * component.h + bx) * N;
                        let y = (mcu_y * component.v + by) * N;
                        if plane.contains(x, y) {
                            if has_ac {
                                idct::<N>(coef.first_chunk()?, &basis, &mut block);
                            } else {
                                let flat = dc_only(coef[0]);
                                for row in block.iter_mut().take(N) {
                                    row[..N].fill(flat);
                                }
                            }
                            plane.put::<N>(x, y, offset, &block);
                        }
                        for row in coef.chunks_exact_mut(STRIDE).take(N) {
                            row[..N].fill(0.0);
                        }
                    }
                }
            }
        }
    }
    Some(Pixels {
        width: w,
        height: h,
        samples: Samples::Ycbcr420,
        data: pixels,
    })
}

/// Decodes one block's coefficients into `coef` (dequantised, natural order,
/// only those `keep` names); returns whether any kept AC is nonzero.
#[inline]
fn read_block(
    bits: &mut Bits<'_>,
    component: &ScanComponent<'_>,
    prediction: &mut i32,
    keep: &[u8; 64],
    coef: &mut [f32; 65],
) -> Option<bool> {
    // On a local copy, which the compiler keeps in registers; `bits` is
    // written once at the end (and left behind on failure, which ends the
    // decode anyway).
    let mut local = *bits;
    let has_ac = read_block_from(&mut local, component, prediction, keep, coef)?;
    *bits = local;
    Some(has_ac)
}

#[inline(always)]
fn read_block_from(
    bits: &mut Bits<'_>,
    component: &ScanComponent<'_>,
    prediction: &mut i32,
    keep: &[u8; 64],
    coef: &mut [f32; 65],
) -> Option<bool> {
    let size = bits.symbol(component.dc)?;
    if size > 11 {
        return None;
    }
    *prediction = prediction.wrapping_add(bits.value(u32::from(size)));
    coef[0] = *prediction as f32 * component.quant[0];
    let mut has_ac = false;
    let mut k = 1;
    while k < 64 {
        let (run, value) = match bits.fast_ac(component.ac) {
            Some(found) => found,
            None => {
                let symbol = bits.symbol(component.ac)?;
                match (usize::from(symbol >> 4), u32::from(symbol & 15)) {
                    // Sixteen zeros: fifteen skipped, and a zero stored.
                    (15, 0) => (15, 0),
                    (_, 0) => (END_OF_BLOCK, 0),
                    (run, size) => (run, bits.value(size)),
                }
            }
        };
        if run == END_OF_BLOCK {
            break;
        }
        k += run;
        let slot = usize::from(*keep.get(k)?);
        coef[slot] = value as f32 * component.quant[k];
        has_ac |= slot < 64;
        k += 1;
    }
    Some(has_ac)
}

/// One output plane of `step` interleaved components, written a block at a
/// time, clipped at its edges.
struct Plane<'a> {
    data: &'a mut [u8],
    width: usize,
    height: usize,
    step: usize,
}

impl<'a> Plane<'a> {
    fn new(data: &'a mut [u8], width: u32, height: u32, step: usize) -> Self {
        Plane {
            data,
            width: width as usize,
            height: height as usize,
            step,
        }
    }

    /// Whether a block at (`x`, `y`) has any pixel inside the plane (blocks
    /// of the padding MCUs at the right and bottom edges have none).
    fn contains(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height
    }

    /// Writes the N×N `block` with its top-left pixel at (`x`, `y`), into
    /// component `offset` of the plane.
    #[inline]
    fn put<const N: usize>(&mut self, x: usize, y: usize, offset: usize, block: &[[u8; 8]; 8]) {
        // Two monomorphic copies, so the step is a constant in each.
        if self.step == 1 {
            self.put_stepped::<N, 1>(x, y, 0, block);
        } else {
            self.put_stepped::<N, 2>(x, y, offset, block);
        }
    }

    #[inline]
    fn put_stepped<const N: usize, const STEP: usize>(
        &mut self,
        x: usize,
        y: usize,
        offset: usize,
        block: &[[u8; 8]; 8],
    ) {
        let cols = N.min(self.width - x);
        if cols == N {
            // The common case, every block but those at the right edge: rows
            // of a constant length, which the compiler copies with a move or
            // two instead of calling memmove for each (2 % of an ingest).
            for (row, pixels) in block.iter().enumerate().take(N.min(self.height - y)) {
                let start = ((y + row) * self.width + x) * STEP;
                let Some(out) = self.data.get_mut(start..start + N * STEP) else {
                    continue;
                };
                if STEP == 1 {
                    out.copy_from_slice(&pixels[..N]);
                } else {
                    for (out, &pixel) in out.chunks_exact_mut(STEP).zip(&pixels[..N]) {
                        out[offset] = pixel;
                    }
                }
            }
            return;
        }
        for (row, pixels) in block.iter().enumerate().take(N.min(self.height - y)) {
            let start = ((y + row) * self.width + x) * STEP;
            let Some(out) = self.data.get_mut(start..start + cols * STEP) else {
                continue;
            };
            for (out, &pixel) in out.chunks_exact_mut(STEP).zip(&pixels[..cols]) {
                out[offset] = pixel;
            }
        }
    }
}

#[cfg(test)]
mod tests;
