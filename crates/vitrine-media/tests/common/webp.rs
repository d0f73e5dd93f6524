//! WebP fixtures: a lossy bitstream from libwebp, re-wrapped by hand in an
//! extended (VP8X) container carrying ICCP, EXIF and XMP chunks, as phone
//! galleries and editors write them.

use super::Picture;

/// A lossy WebP file with only a `VP8 ` chunk.
pub fn encode(picture: &Picture) -> Vec<u8> {
    let encoder = if picture.alpha {
        webp::Encoder::from_rgba(&picture.data, picture.width, picture.height)
    } else {
        webp::Encoder::from_rgb(&picture.data, picture.width, picture.height)
    };
    encoder.encode_simple(false, 95.0).unwrap().to_vec()
}

/// A RIFF chunk, padded to even length.
pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_vec();
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// Wraps chunks in `RIFF….WEBP` with the right size field.
pub fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut out = b"RIFF".to_vec();
    out.extend(((body.len() + 4) as u32).to_le_bytes());
    out.extend(b"WEBP");
    out.extend(body);
    out
}

/// The VP8X header chunk with the given flags and canvas size.
pub fn vp8x(flags: u8, width: u32, height: u32) -> Vec<u8> {
    let mut data = vec![flags, 0, 0, 0];
    data.extend(&(width - 1).to_le_bytes()[..3]);
    data.extend(&(height - 1).to_le_bytes()[..3]);
    chunk(b"VP8X", &data)
}

/// `picture` as an extended WebP with ICC, EXIF and XMP metadata.
pub fn with_metadata(picture: &Picture, icc: &[u8], exif_tiff: &[u8], xmp: &str) -> Vec<u8> {
    let simple = encode(picture);
    // The simple file is RIFF header (12 bytes) + one `VP8 ` chunk.
    let bitstream = simple[12..].to_vec();
    riff(&[
        vp8x(0x20 | 0x08 | 0x04, picture.width, picture.height),
        chunk(b"ICCP", icc),
        bitstream,
        chunk(b"EXIF", exif_tiff),
        chunk(b"XMP ", xmp.as_bytes()),
    ])
}

/// An animated-WebP header claiming `frames` empty frames; enough for probe.
pub fn animated_header(frames: usize) -> Vec<u8> {
    let mut chunks = vec![vp8x(0x02, 64, 64), chunk(b"ANIM", &[0; 6])];
    chunks.extend((0..frames).map(|_| chunk(b"ANMF", &[0; 16])));
    riff(&chunks)
}
