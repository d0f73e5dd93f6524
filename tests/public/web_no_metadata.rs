//! No byte a visitor can fetch carries metadata (non-negotiable 1, ETH-10,
//! issue 3 "Done when"): a camera-like JPEG and a PNG full of text chunks go
//! through the real import, publish and router; every served byte is searched
//! for the planted strings. The originals keep them, privately.
#![expect(clippy::unwrap_used, reason = "fixture helpers fail loudly")]

use crate::common;

use common::TestApp;
use std::path::Path;

const SECRETS: [&str; 8] = [
    "SECRET-GPS-51.7520",
    "SECRET-SERIAL-0042",
    "SECRET-XMP-HISTORY",
    "SECRET-IPTC-BYLINE",
    "SECRET-COMMENT",
    "SECRET-TRAILER",
    "SECRET-PNG-TEXT",
    "SECRET-PNG-ITXT",
];

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len() + 2).unwrap();
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// A clean JPEG with camera metadata spliced in after SOI: EXIF (with an
/// embedded thumbnail JPEG), XMP, IPTC, a comment, and bytes after EOI.
fn leaky_jpeg(clean: &[u8]) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(b"SECRET-GPS-51.7520 SECRET-SERIAL-0042 ");
    exif.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xD9]); // an embedded "thumbnail"
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>SECRET-XMP-HISTORY</x:xmpmeta>".to_vec();
    let iptc = b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x12SECRET-IPTC-BYLINE".to_vec();
    let mut out = clean[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xE1, &xmp));
    out.extend(segment(0xED, &iptc));
    out.extend(segment(0xFE, b"SECRET-COMMENT"));
    out.extend_from_slice(&clean[2..]);
    out.extend_from_slice(b"SECRET-TRAILER");
    out
}

/// A clean PNG written again with a tEXt and an iTXt chunk, as an editor
/// leaves them.
fn leaky_png(clean: &[u8]) -> Vec<u8> {
    common::with_text(
        clean,
        &[("Comment", "SECRET-PNG-TEXT")],
        &[("XML:com.adobe.xmp", "SECRET-PNG-ITXT")],
    )
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn no_served_byte_carries_the_originals_metadata() {
    let folder = tempfile::tempdir().unwrap();
    common::copy_dir(Path::new("examples/small-study"), folder.path());
    let bus = folder.path().join("images/bus stop.jpg");
    let jpeg = leaky_jpeg(&std::fs::read(&bus).unwrap());
    std::fs::write(&bus, &jpeg).unwrap();
    let kettle = folder.path().join("images/kettle.png");
    let png = leaky_png(&std::fs::read(&kettle).unwrap());
    std::fs::write(&kettle, &png).unwrap();
    for secret in SECRETS {
        assert!(
            contains(&jpeg, secret) || contains(&png, secret),
            "fixture lacks {secret}"
        );
    }

    let test = TestApp::with_study(folder.path()).await;
    let crawl = test.crawl().await;
    let media: Vec<_> = crawl
        .iter()
        .filter(|(path, _)| path.starts_with("/media/"))
        .collect();
    assert!(
        media.len() >= 8,
        "the crawl reached the images: {}",
        media.len()
    );
    for (path, response) in &crawl {
        for secret in SECRETS {
            assert!(!contains(&response.body, secret), "{path} leaks {secret}");
        }
        if path.ends_with(".jpg") {
            let body = &response.body;
            assert_eq!(
                &body[body.len() - 2..],
                &[0xFF, 0xD9],
                "{path}: nothing after EOI"
            );
            assert_eq!(
                body.windows(2).filter(|w| *w == [0xFF, 0xD8]).count(),
                1,
                "{path}: one image only"
            );
        }
    }

    // The originals are kept as given, privately, and are never served.
    let originals = test.app.blobs().list_originals().await.unwrap();
    let mut kept = Vec::new();
    for sha in &originals {
        let bytes = test
            .app
            .blobs()
            .get(&vitrine_store::BlobKey::Original(sha.clone()))
            .await
            .unwrap()
            .unwrap();
        kept.push(bytes.to_vec());
        assert_eq!(test.get(&format!("/media/{sha}")).await.status, 404);
    }
    assert!(
        kept.contains(&jpeg),
        "the leaky JPEG original is kept byte for byte"
    );
}
