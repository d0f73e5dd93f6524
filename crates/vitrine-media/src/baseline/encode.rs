//! The write side of the planar path: a baseline JPEG straight from the
//! planes the decoder and the resizer keep (8-bit YCbCr, chroma at half
//! size in one interleaved CbCr plane), with Huffman tables fitted to the
//! picture, in one interleaved scan.
//!
//! `jpeg-encoder` (still used for RGB input) takes every component at full
//! size, so planes had to be doubled up for it and subsampled again inside,
//! and it writes the standard tables, so [`super::refit`] read the whole scan
//! back to fit them. Here each 8×8 block goes through a floating-point DCT
//! (the exact transform of ITU T.81 A.3.3, an 8-point basis applied to rows,
//! then columns), is quantised with the tables `jpeg-encoder` uses at the
//! same quality (ITU T.81 Annex K.1, scaled as libjpeg scales them) and
//! becomes tokens; the tokens are counted, the tables fitted and the scan
//! written once ([`super::refit::write_fitted`]).

use super::ZIGZAG;
use super::refit::{Token, token, write_fitted};
use crate::pixels::chroma_size;

/// ITU T.81 Annex K.1, table K.1: luminance quantisation, natural order.
const LUMA_QUANT: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// ITU T.81 Annex K.1, table K.2: chrominance quantisation, natural order.
const CHROMA_QUANT: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// Token keys as [`super::refit`] numbers tables: DC tables 0 and 1, AC
/// tables 4 and 5; luma uses table 0, chroma table 1.
const LUMA_KEYS: (u32, u32) = (0, 4);
const CHROMA_KEYS: (u32, u32) = (1, 5);

/// One component's quantisation: the table as the DQT states it (natural
/// order) and the factor that divides by it.
struct Quant {
    table: [u8; 64],
    inverse: [f32; 64],
}

impl Quant {
    /// `base` scaled to `quality` (1-100) as libjpeg and `jpeg-encoder` do.
    fn new(base: &[u16; 64], quality: u8) -> Quant {
        let quality = u32::from(quality.clamp(1, 100));
        let scale = if quality < 50 {
            5000 / quality
        } else {
            200 - quality * 2
        };
        let table = base.map(|v| ((u32::from(v) * scale + 50) / 100).clamp(1, 255) as u8);
        Quant {
            inverse: table.map(|q| 1.0 / f32::from(q)),
            table,
        }
    }
}

/// The orthonormal 8-point DCT basis, transposed: `BASIS[x][u]` is
/// C(u)/2 · cos((2x + 1)uπ/16), so a row's coefficients are Σₓ pixel · BASIS[x].
fn basis() -> [[f32; 8]; 8] {
    let mut basis = [[0f32; 8]; 8];
    for (x, row) in basis.iter_mut().enumerate() {
        for (u, b) in row.iter_mut().enumerate() {
            let scale = if u == 0 {
                std::f64::consts::FRAC_1_SQRT_2 / 2.0
            } else {
                0.5
            };
            let angle = (2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0;
            *b = (scale * angle.cos()) as f32;
        }
    }
    basis
}

/// Encodes a `width` × `height` picture given as its luma plane and its
/// interleaved half-size CbCr plane; `None` when the planes are shorter than
/// the size says or a side is 0 or over 65 535.
pub(crate) fn encode(
    luma: &[u8],
    chroma: &[u8],
    (width, height): (u32, u32),
    quality: u8,
) -> Option<Vec<u8>> {
    let (w16, h16) = (u16::try_from(width).ok()?, u16::try_from(height).ok()?);
    if width == 0 || height == 0 {
        return None;
    }
    let (cw, ch) = chroma_size(width, height);
    let luma = Plane::new(luma, width, height, 1)?;
    let chroma = Plane::new(chroma, cw, ch, 2)?;
    let (luma_quant, chroma_quant) = (
        Quant::new(&LUMA_QUANT, quality),
        Quant::new(&CHROMA_QUANT, quality),
    );
    let basis = basis();

    let (mcus_x, mcus_y) = (width.div_ceil(16) as usize, height.div_ceil(16) as usize);
    // About one token per nonzero coefficient: a tenth of the samples at q80.
    let mut tokens = Vec::with_capacity(luma.data.len() / 4);
    let mut predictions = [0i32; 3];
    let mut block = [[0f32; 8]; 8];
    for mcu_y in 0..mcus_y {
        for mcu_x in 0..mcus_x {
            for (by, bx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                luma.load(&mut block, mcu_x * 16 + bx * 8, mcu_y * 16 + by * 8, 0);
                let coefficients = transform(&block, &basis, &luma_quant);
                tokenize(&coefficients, LUMA_KEYS, &mut predictions[0], &mut tokens);
            }
            for (offset, prediction) in predictions[1..].iter_mut().enumerate() {
                chroma.load(&mut block, mcu_x * 8, mcu_y * 8, offset);
                let coefficients = transform(&block, &basis, &chroma_quant);
                tokenize(&coefficients, CHROMA_KEYS, prediction, &mut tokens);
            }
        }
    }

    let mut out = Vec::with_capacity(tokens.len() + 1024);
    out.extend_from_slice(&[0xFF, 0xD8]);
    // JFIF 1.02, no density (aspect ratio 1:1), no thumbnail: as `jpeg-encoder`.
    out.extend_from_slice(&[0xFF, 0xE0, 0, 16]);
    out.extend_from_slice(b"JFIF\0");
    out.extend_from_slice(&[1, 2, 0, 0, 1, 0, 1, 0, 0]);
    for (id, quant) in [(0u8, &luma_quant), (1, &chroma_quant)] {
        out.extend_from_slice(&[0xFF, 0xDB, 0, 67, id]);
        out.extend(
            ZIGZAG
                .iter()
                .map(|&natural| quant.table[usize::from(natural)]),
        );
    }
    // Baseline frame: Y sampled 2×2 with table 0, Cb and Cr 1×1 with table 1.
    out.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8]);
    out.extend_from_slice(&h16.to_be_bytes());
    out.extend_from_slice(&w16.to_be_bytes());
    out.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    // The scan: all three components, DC/AC tables 0/0 for Y and 1/1 for chroma.
    let sos = [0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0];
    write_fitted(&tokens, &sos, &mut out)?;
    Some(out)
}

/// One plane of `step` interleaved components.
struct Plane<'a> {
    data: &'a [u8],
    width: usize,
    height: usize,
    step: usize,
}

impl<'a> Plane<'a> {
    fn new(data: &'a [u8], width: u32, height: u32, step: usize) -> Option<Self> {
        let (width, height) = (width as usize, height as usize);
        let data = data.get(..width.checked_mul(height)?.checked_mul(step)?)?;
        Some(Plane {
            data,
            width,
            height,
            step,
        })
    }

    /// The 8×8 block at (`x`, `y`) of component `offset`, level-shifted to
    /// -128..=127; past the right and bottom edges the last column and row
    /// repeat (blocks of the padding MCUs are all edge).
    #[inline]
    fn load(&self, block: &mut [[f32; 8]; 8], x: usize, y: usize, offset: usize) {
        // Two monomorphic copies, so the step is a constant in each.
        if self.step == 1 {
            self.load_stepped::<1>(block, x, y, 0);
        } else {
            self.load_stepped::<2>(block, x, y, offset);
        }
    }

    #[inline]
    fn load_stepped<const STEP: usize>(
        &self,
        block: &mut [[f32; 8]; 8],
        x: usize,
        y: usize,
        offset: usize,
    ) {
        if x + 8 <= self.width && y + 8 <= self.height {
            for (row, out) in block.iter_mut().enumerate() {
                let start = ((y + row) * self.width + x) * STEP;
                let Some(pixels) = self.data.get(start..start + 8 * STEP) else {
                    continue;
                };
                for (out, pixel) in out.iter_mut().zip(pixels.chunks_exact(STEP)) {
                    *out = f32::from(pixel[offset]) - 128.0;
                }
            }
            return;
        }
        for (row, out) in block.iter_mut().enumerate() {
            let sy = (y + row).min(self.height - 1);
            for (col, out) in out.iter_mut().enumerate() {
                let sx = (x + col).min(self.width - 1);
                let pixel = self.data[(sy * self.width + sx) * STEP + offset];
                *out = f32::from(pixel) - 128.0;
            }
        }
    }
}

/// The quantised DCT coefficients of `block`, natural order. Rows, then
/// columns, each an 8-wide multiply-add the compiler vectorises; quantised
/// by rounding to the nearest integer.
#[inline]
fn transform(block: &[[f32; 8]; 8], basis: &[[f32; 8]; 8], quant: &Quant) -> [i32; 64] {
    // Rows: rows[y][u] = Σₓ block[y][x] · basis[x][u].
    let mut rows = [[0f32; 8]; 8];
    for (row, pixels) in rows.iter_mut().zip(block) {
        for (&pixel, weights) in pixels.iter().zip(basis) {
            for (acc, &w) in row.iter_mut().zip(weights) {
                *acc += pixel * w;
            }
        }
    }
    // Columns: F[v][u] = Σ_y basis[y][v] · rows[y][u], then quantised.
    let mut out = [0i32; 64];
    for (v, out_row) in out.chunks_exact_mut(8).enumerate() {
        let mut acc = [0f32; 8];
        for (weights, row) in basis.iter().zip(&rows) {
            let w = weights[v];
            for (a, &r) in acc.iter_mut().zip(row) {
                *a += w * r;
            }
        }
        let inverse = &quant.inverse[v * 8..v * 8 + 8];
        for ((out, a), &inv) in out_row.iter_mut().zip(acc).zip(inverse) {
            *out = round(a * inv);
        }
    }
    out
}

/// `x` rounded to the nearest integer (ties to even), for |x| < 2²²: adding
/// 1.5 × 2²³ leaves the integer in the low mantissa bits, a bit cast the
/// compiler does for a whole row at once, where `as i32` (which must
/// saturate) is done one value at a time. Coefficients are at most 2048.
#[inline]
fn round(x: f32) -> i32 {
    const MAGIC: f32 = 12_582_912.0;
    (x.clamp(-4096.0, 4096.0) + MAGIC).to_bits() as i32 - MAGIC.to_bits() as i32
}

/// The size category of `value` and its value bits (ones' complement for
/// negative values), as ITU T.81 F.1.2 codes differences and coefficients.
#[inline]
fn category(value: i32) -> (u32, u32) {
    let size = 32 - value.unsigned_abs().leading_zeros();
    let bits = if value < 0 { value - 1 } else { value } as u32;
    (size, bits & ((1u32 << size) - 1))
}

/// Appends one block's tokens: its DC difference, then each nonzero AC
/// coefficient in zigzag order with the run of zeros before it (sixteen
/// zeros as ZRL), and end-of-block when zeros run to the end.
#[inline]
fn tokenize(
    coefficients: &[i32; 64],
    (dc_key, ac_key): (u32, u32),
    prediction: &mut i32,
    tokens: &mut Vec<Token>,
) {
    let dc = coefficients[0];
    let (size, bits) = category(dc - *prediction);
    *prediction = dc;
    tokens.push(token(dc_key, size, bits));
    // Zigzag order, and a bit for each nonzero AC coefficient: the loop
    // below visits only those (a tenth of them or fewer at q80).
    let zigzag = ZIGZAG.map(|natural| coefficients[usize::from(natural)]);
    let mut nonzero = 0u64;
    for (k, &value) in zigzag.iter().enumerate().skip(1) {
        nonzero |= u64::from(value != 0) << k;
    }
    let mut last = 0;
    while nonzero != 0 {
        let k = nonzero.trailing_zeros();
        nonzero &= nonzero - 1;
        let mut run = k - last - 1;
        while run > 15 {
            tokens.push(token(ac_key, 0xF0, 0));
            run -= 16;
        }
        let (size, bits) = category(zigzag[k as usize]);
        tokens.push(token(ac_key, run << 4 | size, bits));
        last = k;
    }
    if last < 63 {
        tokens.push(token(ac_key, 0x00, 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Smooth planes of `width` × `height`: luma and each chroma component
    /// a different gradient.
    fn gradient(width: u32, height: u32) -> (Vec<u8>, Vec<u8>) {
        let (cw, ch) = chroma_size(width, height);
        let luma = (0..height)
            .flat_map(|y| (0..width).map(move |x| (40 + x * 2 + y * 2) as u8))
            .collect();
        let chroma = (0..ch)
            .flat_map(|y| (0..cw).flat_map(move |x| [(90 + x * 4) as u8, (200 - y * 3) as u8]))
            .collect();
        (luma, chroma)
    }

    #[test]
    fn pictures_of_any_size_decode_back_to_their_planes() {
        // Odd sizes: partial blocks and padding MCUs at both edges.
        for (width, height) in [(1, 1), (37, 23), (48, 32), (50, 41)] {
            let (luma, chroma) = gradient(width, height);
            let jpeg = encode(&luma, &chroma, (width, height), 80).expect("encodes");
            let decoded = super::super::decode(&jpeg, (width, height), 8).expect("decodes");
            let (out_luma, out_chroma) = decoded.planes();
            for (name, a, b) in [("luma", &luma, out_luma), ("chroma", &chroma, out_chroma)] {
                assert_eq!(a.len(), b.len(), "{name} of {width}×{height}");
                let worst = a.iter().zip(b).map(|(&p, &q)| p.abs_diff(q)).max();
                assert!(
                    worst <= Some(6),
                    "{name} of {width}×{height}: off by {worst:?}"
                );
            }
        }
        assert!(
            encode(&[0; 4], &[0; 2], (2, 3), 80).is_none(),
            "planes too short"
        );
        assert!(encode(&[], &[], (0, 0), 80).is_none());
    }

    #[test]
    fn categories_and_value_bits_are_those_of_t81() {
        assert_eq!(category(0), (0, 0));
        assert_eq!(category(1), (1, 0b1));
        assert_eq!(category(-1), (1, 0b0));
        assert_eq!(category(5), (3, 0b101));
        assert_eq!(category(-5), (3, 0b010));
        assert_eq!(category(-1023), (10, 0));
        assert_eq!(category(2047), (11, 0x7FF));
    }

    #[test]
    fn quality_80_scales_the_tables_as_libjpeg() {
        let quant = Quant::new(&LUMA_QUANT, 80);
        // 16 × 40 % = 6.4 → 6; 99 × 0.4 = 39.6 → 40.
        assert_eq!(quant.table[0], 6);
        assert_eq!(quant.table[63], 40);
        assert_eq!(Quant::new(&LUMA_QUANT, 100).table, [1; 64]);
    }

    #[test]
    fn a_flat_block_has_only_its_dc_and_a_ramp_only_its_first_row() {
        let quant = Quant::new(&[1; 64], 50);
        let flat = [[50f32; 8]; 8];
        let out = transform(&flat, &basis(), &quant);
        assert_eq!(out[0], 400, "8 × the mean");
        assert!(out[1..].iter().all(|&c| c == 0), "{out:?}");
        let ramp = [std::array::from_fn(|x| x as f32 * 10.0 - 35.0); 8];
        let out = transform(&ramp, &basis(), &quant);
        assert!(out[1] < 0, "brighter to the right: {}", out[1]);
        assert!(
            out[8..].iter().all(|&c| c == 0),
            "no vertical frequency: {out:?}"
        );
    }

    #[test]
    fn runs_of_zeros_become_zrl_and_the_block_ends_with_eob() {
        let mut coefficients = [0i32; 64];
        coefficients[0] = 3;
        // Zigzag index 20 (natural 33) after nineteen zeros: one ZRL, then run 3.
        coefficients[usize::from(ZIGZAG[20])] = -2;
        let mut tokens = Vec::new();
        let mut prediction = 1;
        tokenize(&coefficients, (0, 4), &mut prediction, &mut tokens);
        assert_eq!(prediction, 3);
        assert_eq!(
            tokens,
            [
                2 << 16 | 0b10,           // DC difference +2: size 2
                4 << 24 | 0xF0 << 16,     // sixteen zeros
                4 << 24 | 0x32 << 16 | 1, // three zeros, then -2: size 2, bits 01
                4 << 24,                  // end of block
            ]
        );
    }
}
