//! The planar decoder against libjpeg on JPEGs made here, at every scale,
//! plus the files it must hand back and damage it must survive.

use super::*;
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

/// A photo-like test picture: gradients, a sharp-edged disc and noise.
fn picture(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 0x1234_5678u32;
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = (seed >> 28) as i32 - 8;
            let (dx, dy) = (x as i32 - width as i32 / 2, y as i32 - height as i32 / 3);
            let disc = if dx * dx + dy * dy < (width * width / 16) as i32 {
                90
            } else {
                0
            };
            let r = (x * 255 / width.max(1)) as i32 + noise;
            let g = (y * 255 / height.max(1)) as i32 + disc - noise;
            let b = 200 - disc + noise;
            data.extend([r, g, b].map(|c| c.clamp(0, 255) as u8));
        }
    }
    data
}

fn encode(width: u32, height: u32, configure: impl Fn(&mut Encoder<&mut Vec<u8>>)) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 90);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    configure(&mut encoder);
    let rgb = picture(width, height);
    encoder
        .encode(&rgb, width as u16, height as u16, ColorType::Rgb)
        .unwrap();
    out
}

/// libjpeg's YCbCr at `n`/8 as planes, chroma averaged over 2×2 pixels
/// (libjpeg gives it at full resolution).
fn libjpeg_planes(bytes: &[u8], n: u8) -> [Vec<u8>; 3] {
    let mut decompress = mozjpeg::Decompress::new_mem(bytes).unwrap();
    decompress.scale(n);
    let mut started = decompress
        .to_colorspace(mozjpeg::ColorSpace::JCS_YCbCr)
        .unwrap();
    let (w, h) = (started.width(), started.height());
    let ycbcr: Vec<u8> = started.read_scanlines().unwrap();
    let luma = ycbcr.chunks_exact(3).map(|px| px[0]).collect();
    let chroma = |c: usize| {
        let mut plane = Vec::new();
        for cy in 0..h.div_ceil(2) {
            for cx in 0..w.div_ceil(2) {
                let (mut sum, mut count) = (0u32, 0u32);
                for (x, y) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let (x, y) = (cx * 2 + x, cy * 2 + y);
                    if x < w && y < h {
                        sum += u32::from(ycbcr[(y * w + x) * 3 + c]);
                        count += 1;
                    }
                }
                plane.push(((sum + count / 2) / count) as u8);
            }
        }
        plane
    };
    [luma, chroma(1), chroma(2)]
}

/// Peak signal-to-noise ratio of two equal-sized RGB buffers, in dB.
fn psnr(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let mse = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        / a.len() as f64;
    10.0 * (255.0 * 255.0 / mse.max(1e-9)).log10()
}

#[test]
fn every_scale_matches_libjpeg_in_size_and_picture() {
    for (width, height) in [(128, 96), (101, 67), (16, 16), (1, 1), (33, 200)] {
        let jpeg = encode(width, height, |_| {});
        for n in 1..=8 {
            let ours = decode(&jpeg, (width, height), n).expect("a baseline 4:2:0 file");
            let reference = libjpeg_planes(&jpeg, n);
            let (y, chroma) = ours.planes();
            let (cw, ch) = chroma_size(ours.width, ours.height);
            assert_eq!(chroma.len(), (cw * ch * 2) as usize);
            let cb: Vec<u8> = chroma.iter().step_by(2).copied().collect();
            let cr: Vec<u8> = chroma.iter().skip(1).step_by(2).copied().collect();
            assert_eq!(y.len(), (ours.width * ours.height) as usize);
            // Scaled IDCTs differ a little between decoders, and libjpeg's
            // chroma went through its upsampling; a wrong block, plane or
            // offset would cost far more.
            for (plane, (ours, theirs)) in ["Y", "Cb", "Cr"]
                .iter()
                .zip([y, &cb[..], &cr[..]].iter().zip(&reference))
            {
                let db = psnr(ours, theirs);
                assert!(db > 30.0, "{width}x{height} at {n}/8, {plane}: {db:.1} dB");
            }
        }
    }
}

#[test]
fn the_full_size_luma_is_libjpegs_within_rounding() {
    let jpeg = encode(64, 48, |_| {});
    let ours = decode(&jpeg, (64, 48), 8).unwrap();
    let mut reference = mozjpeg::Decompress::new_mem(&jpeg).unwrap();
    reference.dct_method(mozjpeg::DctMethod::Float);
    let mut started = reference
        .to_colorspace(mozjpeg::ColorSpace::JCS_YCbCr)
        .unwrap();
    let ycbcr: Vec<u8> = started.read_scanlines().unwrap();
    let worst = ours
        .planes()
        .0
        .iter()
        .zip(ycbcr.chunks_exact(3))
        .map(|(&a, px)| a.abs_diff(px[0]))
        .max();
    assert!(worst <= Some(1), "largest luma difference {worst:?}");
}

#[test]
fn restart_markers_change_nothing() {
    let plain = encode(100, 60, |_| {});
    let restarts = encode(100, 60, |e| e.set_restart_interval(2));
    assert_ne!(plain, restarts);
    for n in [2, 4, 8] {
        assert_eq!(
            decode(&plain, (100, 60), n),
            decode(&restarts, (100, 60), n),
            "at {n}/8"
        );
    }
}

#[test]
fn other_kinds_of_jpeg_are_left_to_libjpeg() {
    let full_chroma = encode(32, 32, |e| e.set_sampling_factor(SamplingFactor::R_4_4_4));
    let progressive = encode(32, 32, |e| e.set_progressive(true));
    let mut grey = Vec::new();
    Encoder::new(&mut grey, 90)
        .encode(&[128; 32 * 32], 32, 32, ColorType::Luma)
        .unwrap();
    for (name, file) in [
        ("4:4:4", full_chroma),
        ("progressive", progressive),
        ("grey", grey),
    ] {
        assert!(decode(&file, (32, 32), 4).is_none(), "{name}");
    }
    let fine = encode(32, 32, |_| {});
    assert!(decode(&fine, (32, 32), 4).is_some());
    assert!(
        decode(&fine, (32, 33), 4).is_none(),
        "size other than the probe's"
    );
    // Cut short, the rest reads as zeros, as in libjpeg (import refuses
    // such files before decoding: `decode::check_jpeg_complete`).
    let big = encode(200, 200, |_| {});
    let cut = decode(&big[..big.len() * 3 / 4], (200, 200), 4);
    assert!(cut.is_some_and(|p| (p.width, p.height) == (100, 100)));
}

#[test]
fn damaged_files_never_panic() {
    let jpeg = encode(48, 40, |e| e.set_restart_interval(3));
    let mut seed = 7u32;
    for _ in 0..3000 {
        let mut file = jpeg.clone();
        for _ in 0..1 + seed % 4 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let at = (seed >> 8) as usize % file.len();
            file[at] = (seed >> 20) as u8;
        }
        let _ = decode(&file, (48, 40), 1 + (seed % 8) as u8);
    }
}

#[test]
fn refitted_tables_keep_every_pixel_in_fewer_bytes() {
    for (width, height) in [(640, 480), (101, 67), (16, 16), (1, 1), (33, 200)] {
        let standard = encode(width, height, |_| {});
        let fitted = refit(&standard).expect("a file this crate writes");
        assert!(
            fitted.len() < standard.len() || width < 64,
            "{width}×{height}: {} B fitted, {} B standard",
            fitted.len(),
            standard.len()
        );
        // The same coefficients: every decoder gives the same pixels.
        assert_eq!(
            decode(&fitted, (width, height), 8),
            decode(&standard, (width, height), 8),
            "{width}×{height}, ours"
        );
        assert_eq!(
            libjpeg_planes(&fitted, 8),
            libjpeg_planes(&standard, 8),
            "{width}×{height}, libjpeg"
        );
    }
    // What it does not write is left alone.
    let restarts = encode(64, 64, |e| e.set_restart_interval(2));
    assert!(refit(&restarts).is_none());
    let standard = encode(200, 100, |_| {});
    assert!(
        refit(&standard[..standard.len() / 2]).is_none(),
        "cut short"
    );
}
