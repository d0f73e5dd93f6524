//! Test images, written by the `png` crate: plain pixels, and a PNG written
//! again with metadata (EXIF, text chunks) a camera or an editor would add.
//! Hostile, malformed bytes are made where a test needs them, not here.

use std::borrow::Cow;
use std::io::Cursor;

/// An 8-bit RGB PNG, `width` × `height`, of `rgb` (three bytes a pixel, row
/// by row).
pub fn rgb_png(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("PNG header");
    writer.write_image_data(rgb).expect("PNG data");
    writer.finish().expect("PNG end");
    out
}

/// `original`'s pixels written again, with `add` setting metadata in its
/// header (text chunks, EXIF) first.
pub fn with_metadata(original: &[u8], add: impl FnOnce(&mut png::Info<'static>)) -> Vec<u8> {
    let mut reader = png::Decoder::new(Cursor::new(original))
        .read_info()
        .expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a PNG's size")];
    reader.next_frame(&mut pixels).expect("PNG pixels");
    let mut info = reader.info().clone();
    add(&mut info);
    let mut out = Vec::new();
    let encoder = png::Encoder::with_info(&mut out, info).expect("PNG info");
    let mut writer = encoder.write_header().expect("PNG header");
    writer.write_image_data(&pixels).expect("PNG data");
    writer.finish().expect("PNG end");
    out
}

/// `png` with an `eXIf` chunk whose GPS IFD holds a latitude, as a phone
/// writes it.
pub fn with_gps(png: &[u8]) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    // IFD0: the GPS pointer to offset 26; then the GPS IFD: a latitude.
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x8825u16.to_le_bytes());
    tiff.extend([4, 0, 1, 0, 0, 0]);
    tiff.extend(26u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x0002u16.to_le_bytes());
    tiff.extend([5, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
    with_metadata(png, |info| info.exif_metadata = Some(Cow::Owned(tiff)))
}

/// `png` with uncompressed text chunks: `latin1` as tEXt, `utf8` as iTXt,
/// each a (keyword, text) pair.
pub fn with_text(png: &[u8], latin1: &[(&str, &str)], utf8: &[(&str, &str)]) -> Vec<u8> {
    with_metadata(png, |info| {
        for (keyword, text) in latin1 {
            let chunk = png::text_metadata::TEXtChunk::new(*keyword, *text);
            info.uncompressed_latin1_text.push(chunk);
        }
        for (keyword, text) in utf8 {
            let chunk = png::text_metadata::ITXtChunk::new(*keyword, *text);
            info.utf8_text.push(chunk);
        }
    })
}
