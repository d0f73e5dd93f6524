//! The scaled inverse DCT: an 8×8 block of coefficients to N×N pixels.
//!
//! Reducing in the DCT is what makes a scaled decode cheap: only the N×N
//! lowest frequencies are transformed, with an N-point inverse DCT, which
//! gives the block band-limited and sampled at N points per side (the
//! approach of libjpeg 7's scaled IDCTs). It is written as two small matrix
//! products in `f32` over fixed-size rows, which the compiler unrolls for
//! each N and vectorises across a row; float also means no overflow, whatever
//! a damaged file's coefficients are.

/// Row stride of coefficient blocks: natural (row-major) order, as in 8×8.
pub(super) const STRIDE: usize = 8;

/// The N-point inverse DCT basis, with JPEG's scaling.
pub(super) struct Basis<const N: usize> {
    /// `t[u][x]` = C(u)/2 · cos((2x+1)uπ / 2N), C(0) = 1/√2, else 1: the
    /// weight of frequency `u` at output sample `x`.
    t: [[f32; N]; N],
}

impl<const N: usize> Basis<N> {
    pub(super) fn new() -> Self {
        let mut t = [[0f32; N]; N];
        for (u, row) in t.iter_mut().enumerate() {
            let c = if u == 0 {
                std::f64::consts::FRAC_1_SQRT_2
            } else {
                1.0
            };
            for (x, weight) in row.iter_mut().enumerate() {
                let angle = (2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / (2 * N) as f64;
                *weight = (c / 2.0 * angle.cos()) as f32;
            }
        }
        Basis { t }
    }
}

/// Transforms the top-left N×N of `coef` (dequantised, natural order) into
/// `out[y][x]`, level-shifted, rounded and clamped to 0..=255.
#[inline]
pub(super) fn idct<const N: usize>(coef: &[f32; 64], basis: &Basis<N>, out: &mut [[u8; 8]; 8]) {
    // Rows: tmp[u][x] = Σ_v coef[u][v] · t[v][x]. Fixed-size arrays, so
    // every loop below unrolls and each row is one vector operation.
    let mut tmp = [[0f32; N]; N];
    for (u, tmp_row) in tmp.iter_mut().enumerate() {
        for (v, basis_row) in basis.t.iter().enumerate() {
            let c = coef[u * STRIDE + v];
            for (acc, &w) in tmp_row.iter_mut().zip(basis_row) {
                *acc += c * w;
            }
        }
    }
    // Columns: out[y][x] = 128 + Σ_u t[u][y] · tmp[u][x].
    for (y, out_row) in out.iter_mut().enumerate().take(N) {
        let mut acc = [128f32; N];
        for (basis_row, tmp_row) in basis.t.iter().zip(&tmp) {
            let w = basis_row[y];
            for (a, &t) in acc.iter_mut().zip(tmp_row) {
                *a += w * t;
            }
        }
        for (pixel, a) in out_row.iter_mut().zip(acc) {
            *pixel = round_to_u8(a);
        }
    }
}

/// The pixel value of a block with no AC coefficients (a flat block).
#[inline]
pub(super) fn dc_only(dc: f32) -> u8 {
    round_to_u8(dc / 8.0 + 128.0)
}

/// `x` clamped to 0..=255 and rounded to the nearest integer (ties to even).
/// Adding 1.5 × 2²³ leaves the rounded integer in the low mantissa bits, a
/// bit cast the compiler can do for a whole row at once, where a float to
/// integer `as` (which must saturate) is done one value at a time.
#[inline]
fn round_to_u8(x: f32) -> u8 {
    const MAGIC: f32 = 12_582_912.0;
    ((x.clamp(0.0, 255.0) + MAGIC).to_bits() & 0xFF) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<const N: usize>(coef: &[f32; 64]) -> [[u8; 8]; 8] {
        let mut out = [[0u8; 8]; 8];
        idct::<N>(coef, &Basis::<N>::new(), &mut out);
        out
    }

    #[test]
    fn a_flat_block_is_its_dc_at_every_scale() {
        let mut coef = [0f32; 64];
        coef[0] = 8.0 * 50.0; // mean 50 above mid-grey
        for out in [run::<1>(&coef), run::<2>(&coef), run::<4>(&coef)] {
            assert_eq!(out[0][0], 178);
        }
        let out = run::<8>(&coef);
        assert!(out.iter().all(|row| row.iter().all(|&p| p == 178)));
        assert_eq!(dc_only(coef[0]), 178);
    }

    #[test]
    fn the_full_size_transform_inverts_a_forward_dct() {
        // A horizontal ramp through the forward 8×8 DCT, then back.
        let pixel = |x: usize, y: usize| (x * 20 + y * 3) as f64 - 80.0;
        let mut coef = [0f32; 64];
        for u in 0..8 {
            for v in 0..8 {
                let cu = if u == 0 {
                    std::f64::consts::FRAC_1_SQRT_2
                } else {
                    1.0
                };
                let cv = if v == 0 {
                    std::f64::consts::FRAC_1_SQRT_2
                } else {
                    1.0
                };
                let mut sum = 0.0;
                for y in 0..8 {
                    for x in 0..8 {
                        let pi = std::f64::consts::PI;
                        sum += pixel(x, y)
                            * (((2 * y + 1) * u) as f64 * pi / 16.0).cos()
                            * (((2 * x + 1) * v) as f64 * pi / 16.0).cos();
                    }
                }
                coef[u * 8 + v] = (cu * cv / 4.0 * sum) as f32;
            }
        }
        let out = run::<8>(&coef);
        for (y, row) in out.iter().enumerate() {
            for (x, &value) in row.iter().enumerate() {
                assert_eq!(f64::from(value), pixel(x, y) + 128.0, "({x}, {y})");
            }
        }
        // Half size: the ramp keeps its direction and its mean.
        let half = run::<4>(&coef);
        assert!(half[0][0] < half[0][3] && half[0][0] < half[3][0]);
        let mean: f64 = half
            .iter()
            .take(4)
            .flat_map(|r| r[..4].iter())
            .map(|&p| f64::from(p))
            .sum::<f64>()
            / 16.0;
        assert!(
            (mean - 128.0 - (3.5 * 20.0 + 3.5 * 3.0 - 80.0)).abs() < 1.0,
            "{mean}"
        );
    }
}
