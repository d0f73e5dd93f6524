//! JPEG fixtures: pixels are encoded with `jpeg-encoder`, then the encoder's
//! own header is replaced by hand-built segments: APP1 EXIF (GPS, serial,
//! thumbnail), APP1 XMP, APP2 ICC, APP2 MPF, APP13 IPTC, COM, plus data
//! after the end-of-image marker, as phones and editors produce.

use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

use super::{Picture, be16, be32, tiff};

/// Encodes `picture` as a plain baseline JPEG at high quality with full
/// chroma resolution, so colour checks are not blurred by the fixture.
pub fn encode(picture: &Picture) -> Vec<u8> {
    encode_sampled(picture, SamplingFactor::F_1_1)
}

/// Encodes `picture` as phones do: baseline, chroma at half resolution
/// (4:2:0), the kind Vitrine's own planar decoder reads.
pub fn encode_phone(picture: &Picture) -> Vec<u8> {
    encode_sampled(picture, SamplingFactor::R_4_2_0)
}

fn encode_sampled(picture: &Picture, sampling: SamplingFactor) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 95);
    encoder.set_sampling_factor(sampling);
    let colour = if picture.alpha {
        ColorType::Rgba
    } else {
        ColorType::Rgb
    };
    encoder
        .encode(
            &picture.data,
            picture.width as u16,
            picture.height as u16,
            colour,
        )
        .unwrap();
    out
}

/// A marker segment: 0xFF, code, big-endian length (including itself), body.
pub fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend(be16(
        u16::try_from(body.len() + 2).expect("segment body too long"),
    ));
    out.extend(body);
    out
}

/// Replaces everything between SOI and the first non-APP0 segment of
/// `jpeg` with `segments`.
pub fn with_segments(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    assert_eq!(
        &jpeg[..4],
        &[0xFF, 0xD8, 0xFF, 0xE0],
        "expected encoder output with APP0"
    );
    let app0_len = usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    let rest = &jpeg[4 + app0_len..];
    let mut out = vec![0xFF, 0xD8];
    for s in segments {
        out.extend(s);
    }
    out.extend(rest);
    out
}

pub fn app1_exif(tiff: &[u8]) -> Vec<u8> {
    segment(0xE1, &[b"Exif\0\0".as_slice(), tiff].concat())
}

pub fn app1_xmp(secret: &str) -> Vec<u8> {
    let packet = format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
         <rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\" dc:creator=\"{secret}\"/>\
         </rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
    );
    segment(
        0xE1,
        &[
            b"http://ns.adobe.com/xap/1.0/\0".as_slice(),
            packet.as_bytes(),
        ]
        .concat(),
    )
}

/// APP13 Photoshop resource block holding an IPTC caption (dataset 2:120).
pub fn app13_iptc(secret: &str) -> Vec<u8> {
    let mut iptc = vec![0x1C, 0x02, 0x78];
    iptc.extend(be16(secret.len() as u16));
    iptc.extend(secret.as_bytes());
    let mut body = b"Photoshop 3.0\0".to_vec();
    body.extend(b"8BIM");
    body.extend(be16(0x0404));
    body.extend([0, 0]); // empty Pascal name, padded to even
    body.extend(be32(iptc.len() as u32));
    body.extend(&iptc);
    if iptc.len() % 2 == 1 {
        body.push(0);
    }
    segment(0xED, &body)
}

/// APP2 ICC_PROFILE chunk 1 of 1.
pub fn app2_icc(profile: &[u8]) -> Vec<u8> {
    segment(
        0xE2,
        &[b"ICC_PROFILE\0\x01\x01".as_slice(), profile].concat(),
    )
}

/// APP2 Multi-Picture Format index pointing at a second image after EOI.
pub fn app2_mpf(second_image_len: u32) -> Vec<u8> {
    let entries = [tiff::long(0xB001, 2), tiff::undefined(0xB002, &[0u8; 32])];
    let mut body = b"MPF\0MM\0*".to_vec();
    body.extend(be32(8));
    body.extend(tiff::write_ifd(&entries, 8, 0));
    // Second MP entry: size of the trailing image (offsets are not checked
    // by anything here; the bytes only need to look like the real thing).
    let size_at = body.len() - 32 + 16 + 4;
    body[size_at..size_at + 4].copy_from_slice(&be32(second_image_len));
    segment(0xE2, &body)
}

pub fn comment(text: &str) -> Vec<u8> {
    segment(0xFE, text.as_bytes())
}

/// A JPEG carrying only an EXIF orientation tag.
pub fn oriented(picture: &Picture, orientation: u16) -> Vec<u8> {
    with_segments(
        &encode(picture),
        &[app1_exif(&tiff::orientation_only(orientation))],
    )
}

/// A phone's 4:2:0 JPEG carrying only an EXIF orientation tag.
pub fn phone_oriented(picture: &Picture, orientation: u16) -> Vec<u8> {
    with_segments(
        &encode_phone(picture),
        &[app1_exif(&tiff::orientation_only(orientation))],
    )
}

/// A JPEG loaded with every kind of metadata a camera, phone or editor
/// writes, each holding a `SECRET-…` marker, plus trailing data.
/// Without a profile (`icc_profile` empty) and with `phone` set, it is the
/// 4:2:0 kind Vitrine's planar decoder reads.
pub fn camera(picture: &Picture, orientation: u16, icc_profile: &[u8]) -> Vec<u8> {
    camera_as(picture, orientation, icc_profile, false)
}

/// [`camera`], choosing 4:2:0 (`phone`) or full-resolution chroma.
pub fn camera_as(picture: &Picture, orientation: u16, icc_profile: &[u8], phone: bool) -> Vec<u8> {
    let thumb_picture = Picture::gradient(16, 12);
    let thumbnail = with_segments(&encode(&thumb_picture), &[comment("SECRET-THUMBNAIL")]);
    let second = with_segments(&encode(&thumb_picture), &[comment("SECRET-MPF-IMAGE")]);
    let mut segments = vec![
        app1_exif(&tiff::camera_exif(orientation, &thumbnail)),
        app1_xmp("SECRET-XMP"),
        app2_mpf(second.len() as u32),
        app13_iptc("SECRET-IPTC caption"),
        comment("SECRET-COMMENT"),
    ];
    if !icc_profile.is_empty() {
        segments.insert(2, app2_icc(icc_profile));
    }
    let pixels = if phone {
        encode_phone(picture)
    } else {
        encode(picture)
    };
    let mut out = with_segments(&pixels, &segments);
    out.extend(second);
    out.extend(b"SECRET-TRAILER garbage after the end of the image");
    out
}
