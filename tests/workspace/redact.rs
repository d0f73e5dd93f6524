//! The de-identification studio (issue 13), as a curator and a reviewer
//! use it: regions typed into the form (the keyboard's and no-JavaScript
//! way), a full-size preview, applying with a provenance note, a second
//! person's approval, and a Release whose public files, in every width,
//! JPEG and WebP, and in the static export, keep nothing of the hidden
//! regions, while the original in the vault is unchanged byte for byte.
//!
//! "Keep nothing" is [`vitrine_media::hidden_detail`] with the thresholds
//! of the media tests: |correlation| of fine detail with the original
//! below 0.1 in every hidden region, and a solid fill's brightness spread
//! below 4 levels.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

mod illustrations;
mod regions;
mod warnings;

use crate::common::{self, DEMO, StaffLogin, TestApp};
use axum::http::StatusCode;
use vitrine_core::redaction::{Method, Region, Shape};
use vitrine_core::{EntryId, Provenance};

/// A busy 800 × 500 photo: 4 × 4 blocks of random colours on a gradient,
/// so every region has detail at every public width.
fn busy_png() -> Vec<u8> {
    let (w, h) = (800u32, 500u32);
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let blocks: Vec<u8> = (0..(w / 4) * (h / 4))
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let n = blocks[((y / 4) * (w / 4) + x / 4) as usize];
            let g = (x * 200 / w) as u8;
            data.extend_from_slice(&[n, n.wrapping_add(g) / 2 + 40, 255 - n / 2]);
        }
    }
    common::rgb_png(w, h, &data)
}

const fn region(shape: Shape, method: Method, x: u32, y: u32, w: u32, h: u32) -> Region {
    Region::new(shape, method, x, y, w, h)
}

/// Two faces and a name badge.
fn regions() -> [Region; 3] {
    [
        region(Shape::Ellipse, Method::Fill, 100, 75, 150, 190),
        region(Shape::Ellipse, Method::Blur, 450, 60, 140, 180),
        region(Shape::Rectangle, Method::Pixelate, 280, 350, 180, 60),
    ]
}

/// The studio's form for `regions`, as typed, with two rows left blank.
fn form(regions: &[Region], note: &str, action: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let blank = region(Shape::Rectangle, Method::Fill, 0, 0, 0, 0);
    for (i, r) in regions.iter().chain([&blank, &blank]).enumerate() {
        let typed = i < regions.len();
        let number = |n: u32| if typed { n.to_string() } else { String::new() };
        fields.extend([
            ("shape".to_owned(), r.shape.code().to_owned()),
            ("method".to_owned(), r.method.code().to_owned()),
            ("left".to_owned(), number(r.rect.x)),
            ("top".to_owned(), number(r.rect.y)),
            ("width".to_owned(), number(r.rect.width)),
            ("height".to_owned(), number(r.rect.height)),
        ]);
    }
    for name in ["crop_left", "crop_top", "crop_width", "crop_height"] {
        fields.push((name.to_owned(), String::new()));
    }
    fields.push(("turn".to_owned(), "0".to_owned()));
    fields.push(("note".to_owned(), note.to_owned()));
    fields.push(("action".to_owned(), action.to_owned()));
    fields
}

async fn post(
    test: &TestApp,
    who: &StaffLogin,
    path: &str,
    fields: &[(String, String)],
) -> common::TestResponse {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    test.post_as(who, path, &pairs).await
}

/// Replaces entry `id`'s image through the workspace's form.
async fn replace_image(
    test: &TestApp,
    curator: &StaffLogin,
    id: EntryId,
    bytes: Vec<u8>,
    (name, kind): (&str, &str),
) {
    let replaced = common::post_multipart(
        &test.app,
        curator,
        &format!("/admin/studies/{DEMO}/entries/{}/image", id.0),
        &[("image", Some((name, kind)), bytes)],
    )
    .await;
    assert_eq!(
        replaced.status,
        StatusCode::SEE_OTHER,
        "{}",
        replaced.text()
    );
}

/// A published participant's photo of the demo, its image replaced by
/// [`busy_png`] through the workspace; returns its id and the original.
async fn photo_entry(test: &TestApp, curator: &StaffLogin) -> (EntryId, Vec<u8>) {
    let content = test.demo_content().await;
    let id = content
        .entries
        .iter()
        .find(|e| e.provenance == Provenance::Original && e.image.is_some() && !e.withdrawn)
        .expect("an O entry")
        .id;
    let original = busy_png();
    replace_image(
        test,
        curator,
        id,
        original.clone(),
        ("photo.png", "image/png"),
    )
    .await;
    (id, original)
}
