//! A minimal big-endian TIFF writer for EXIF blocks: IFD0 with camera
//! strings and orientation, an Exif sub-IFD with the body serial number, a
//! GPS IFD, and IFD1 pointing at an embedded JPEG thumbnail, laid out the
//! way cameras write them.

use super::{be16, be32};

/// One IFD entry: tag, TIFF type, count and the raw value bytes.
pub struct Entry {
    pub tag: u16,
    pub kind: u16,
    pub count: u32,
    pub data: Vec<u8>,
}

pub fn ascii(tag: u16, text: &str) -> Entry {
    let mut data = text.as_bytes().to_vec();
    data.push(0);
    Entry {
        tag,
        kind: 2,
        count: data.len() as u32,
        data,
    }
}

pub fn short(tag: u16, value: u16) -> Entry {
    Entry {
        tag,
        kind: 3,
        count: 1,
        data: be16(value).to_vec(),
    }
}

pub fn long(tag: u16, value: u32) -> Entry {
    Entry {
        tag,
        kind: 4,
        count: 1,
        data: be32(value).to_vec(),
    }
}

pub fn rationals(tag: u16, values: &[(u32, u32)]) -> Entry {
    let data = values
        .iter()
        .flat_map(|&(n, d)| [be32(n), be32(d)].concat())
        .collect();
    Entry {
        tag,
        kind: 5,
        count: values.len() as u32,
        data,
    }
}

pub fn undefined(tag: u16, bytes: &[u8]) -> Entry {
    Entry {
        tag,
        kind: 7,
        count: bytes.len() as u32,
        data: bytes.to_vec(),
    }
}

fn external_len(entry: &Entry) -> usize {
    if entry.data.len() > 4 {
        entry.data.len().next_multiple_of(2)
    } else {
        0
    }
}

/// Bytes an IFD takes including its out-of-line values.
pub fn ifd_len(entries: &[Entry]) -> usize {
    2 + 12 * entries.len() + 4 + entries.iter().map(external_len).sum::<usize>()
}

/// Serialises an IFD that will sit at TIFF offset `at`, values following it.
pub fn write_ifd(entries: &[Entry], at: usize, next: u32) -> Vec<u8> {
    let mut out = be16(entries.len() as u16).to_vec();
    let mut values = Vec::new();
    let values_at = at + 2 + 12 * entries.len() + 4;
    for e in entries {
        out.extend(be16(e.tag));
        out.extend(be16(e.kind));
        out.extend(be32(e.count));
        if e.data.len() <= 4 {
            let mut inline = e.data.clone();
            inline.resize(4, 0);
            out.extend(inline);
        } else {
            out.extend(be32((values_at + values.len()) as u32));
            values.extend(&e.data);
            if values.len() % 2 == 1 {
                values.push(0);
            }
        }
    }
    out.extend(be32(next));
    out.extend(values);
    out
}

/// A TIFF holding only an orientation tag.
pub fn orientation_only(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0*".to_vec();
    tiff.extend(be32(8));
    tiff.extend(write_ifd(&[short(0x0112, orientation)], 8, 0));
    tiff
}

/// A camera-like TIFF: identifying strings, GPS position, serial number and
/// an embedded `thumbnail` JPEG in IFD1.
pub fn camera_exif(orientation: u16, thumbnail: &[u8]) -> Vec<u8> {
    let exif_ifd = [ascii(0xA431, "SECRET-SERIAL-0042")];
    let gps_ifd = [
        ascii(0x0001, "N"),
        rationals(0x0002, &[(51, 1), (45, 1), (72, 10)]),
        ascii(0x0003, "W"),
        rationals(0x0004, &[(1, 1), (15, 1), (36, 10)]),
        ascii(0x0012, "SECRET-GPS-51.7520"),
        undefined(0x001C, b"ASCII\0\0\0SECRET-GPS-51.7520 area"),
    ];
    // Lay out IFD0, Exif IFD, GPS IFD, IFD1, thumbnail in that order; the
    // pointer values are fixed-size, so lengths are known before offsets.
    let ifd0_len = ifd_len(&ifd0_entries(orientation, 0, 0));
    let exif_at = 8 + ifd0_len;
    let gps_at = exif_at + ifd_len(&exif_ifd);
    let ifd1_at = gps_at + ifd_len(&gps_ifd);
    let ifd1 = |thumb_at: usize| {
        [
            long(0x0201, thumb_at as u32),
            long(0x0202, thumbnail.len() as u32),
        ]
    };
    let thumb_at = ifd1_at + ifd_len(&ifd1(0));

    let mut tiff = b"MM\0*".to_vec();
    tiff.extend(be32(8));
    tiff.extend(write_ifd(
        &ifd0_entries(orientation, exif_at, gps_at),
        8,
        ifd1_at as u32,
    ));
    tiff.extend(write_ifd(&exif_ifd, exif_at, 0));
    tiff.extend(write_ifd(&gps_ifd, gps_at, 0));
    tiff.extend(write_ifd(&ifd1(thumb_at), ifd1_at, 0));
    assert_eq!(tiff.len(), thumb_at);
    tiff.extend(thumbnail);
    tiff
}

fn ifd0_entries(orientation: u16, exif_at: usize, gps_at: usize) -> Vec<Entry> {
    vec![
        ascii(0x010F, "SECRET-MAKE Camera Co"),
        ascii(0x0110, "SECRET-MODEL X100"),
        short(0x0112, orientation),
        ascii(0x0131, "Editor 1.0"),
        long(0x8769, exif_at as u32),
        long(0x8825, gps_at as u32),
    ]
}
