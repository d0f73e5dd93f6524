//! The JPEGs visitors download read the same in every decoder: browsers use
//! libjpeg-turbo, and the `image` crate (zune-jpeg) reads them back for the
//! redaction check. With fitted Huffman tables `jpeg-encoder` itself writes
//! one scan per component, which zune-jpeg 0.5.15 misreads (every pixel
//! wrong); the tables are fitted afterwards instead, keeping one
//! interleaved scan.

use vitrine_media::{Limits, OutputFormat, process};

use crate::common::{Picture, jpeg};

/// A photo-like picture: gradients with fine texture, so every component's
/// scan carries real AC coefficients.
fn textured(width: u32, height: u32) -> Picture {
    Picture::from_fn(width, height, false, |x, y| {
        let ripple = ((x * 7 + y * 13) % 23) as u8 * 3;
        [
            (x * 180 / width) as u8 + ripple,
            (y * 180 / height) as u8 + ripple / 2,
            255 - (x * 120 / width) as u8 - ripple,
            255,
        ]
    })
}

/// RGB pixels as libjpeg (the decoder in browsers) reads them.
fn libjpeg_rgb(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decompress = mozjpeg::Decompress::new_mem(bytes).unwrap();
    let mut rgb = decompress.rgb().unwrap();
    let (width, height) = (rgb.width() as u32, rgb.height() as u32);
    let pixels: Vec<[u8; 3]> = rgb.read_scanlines().unwrap();
    rgb.finish().unwrap();
    (width, height, pixels.concat())
}

#[test]
fn published_jpegs_read_the_same_in_libjpeg_and_the_image_crate() {
    for input in [
        jpeg::encode_phone(&textured(1203, 805)),
        jpeg::encode(&textured(640, 480)),
    ] {
        let out = process(&input, &Limits::default(), &[320, 1000]).unwrap();
        let jpegs: Vec<_> = out
            .variants
            .iter()
            .filter(|v| v.format == OutputFormat::Jpeg)
            .collect();
        assert!(!jpegs.is_empty());
        for variant in jpegs {
            let (width, height, browser) = libjpeg_rgb(&variant.bytes);
            assert_eq!((width, height), (variant.width, variant.height));
            let image = image::load_from_memory(&variant.bytes)
                .unwrap()
                .to_rgb8()
                .into_raw();
            assert_eq!(image.len(), browser.len());
            // The two decoders upsample chroma and round the IDCT a little
            // differently; a misread scan differs by far more.
            let worst = image
                .iter()
                .zip(&browser)
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap();
            let mean = image
                .iter()
                .zip(&browser)
                .map(|(a, b)| u64::from(a.abs_diff(*b)))
                .sum::<u64>() as f64
                / image.len() as f64;
            assert!(
                worst <= 40 && mean < 1.5,
                "{width} px: the decoders differ by up to {worst} (mean {mean:.2})"
            );
        }
    }
}
