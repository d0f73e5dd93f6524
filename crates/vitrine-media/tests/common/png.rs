//! PNG fixtures: pixels encoded by the `image` crate, then metadata chunks
//! (tEXt, iTXt, zTXt, eXIf, iCCP, acTL) spliced in by hand right after IHDR,
//! with correct CRCs (`crc32fast`, the one the `png` crate uses). They are
//! made by hand because some are hostile on purpose (a header with no image
//! data, an animation control over no frames). Compressed chunks use zlib
//! *stored* blocks so that marker strings stay visible as plain bytes: if one
//! were copied to an output, a byte search would find it.

use image::ImageEncoder;
use image::codecs::png::PngEncoder;

use super::{Picture, be32};

/// Encodes `picture` as a plain PNG.
pub fn encode(picture: &Picture) -> Vec<u8> {
    let mut out = Vec::new();
    let colour = if picture.alpha {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    PngEncoder::new(&mut out)
        .write_image(&picture.data, picture.width, picture.height, colour)
        .unwrap();
    out
}

/// Adler-32, the zlib trailer checksum.
fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// A valid zlib stream holding `data` uncompressed (stored blocks).
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(65_535).collect()
    };
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(*block);
    }
    out.extend(be32(adler32(data)));
    out
}

/// A chunk: length, type, data, CRC over type and data.
pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = be32(data.len() as u32).to_vec();
    out.extend(kind);
    out.extend(data);
    out.extend(be32(crc32fast::hash(&[kind.as_slice(), data].concat())));
    out
}

/// Inserts `chunks` directly after IHDR, where ancillary chunks that must
/// precede the image data (iCCP, eXIf, acTL) belong.
pub fn with_chunks(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    assert_eq!(&png[12..16], b"IHDR");
    let after_ihdr = 8 + 8 + 13 + 4;
    let mut out = png[..after_ihdr].to_vec();
    for c in chunks {
        out.extend(c);
    }
    out.extend(&png[after_ihdr..]);
    out
}

pub fn text(keyword: &str, value: &str) -> Vec<u8> {
    chunk(b"tEXt", format!("{keyword}\0{value}").as_bytes())
}

/// Uncompressed international text: keyword, flag, method, language,
/// translated keyword, text.
pub fn itxt(keyword: &str, value: &str) -> Vec<u8> {
    chunk(
        b"iTXt",
        format!("{keyword}\0\0\0en\0{keyword}\0{value}").as_bytes(),
    )
}

pub fn ztxt(keyword: &str, value: &str) -> Vec<u8> {
    let mut data = format!("{keyword}\0\0").into_bytes();
    data.extend(zlib_stored(value.as_bytes()));
    chunk(b"zTXt", &data)
}

pub fn exif(tiff: &[u8]) -> Vec<u8> {
    chunk(b"eXIf", tiff)
}

pub fn iccp(name: &str, profile: &[u8]) -> Vec<u8> {
    let mut data = format!("{name}\0\0").into_bytes();
    data.extend(zlib_stored(profile));
    chunk(b"iCCP", &data)
}

/// APNG animation control claiming `frames` frames.
pub fn actl(frames: u32) -> Vec<u8> {
    chunk(b"acTL", &[be32(frames), be32(0)].concat())
}

/// A bare PNG signature and IHDR claiming `width` × `height`, nothing else:
/// the shape of a decompression bomb's header.
pub fn header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = [be32(width), be32(height)].concat();
    ihdr.extend([8, 2, 0, 0, 0]);
    [b"\x89PNG\r\n\x1a\n".as_slice(), &chunk(b"IHDR", &ihdr)].concat()
}
