//! Helpers for the `admin_curate` tests: finding demo entries, filling in
//! the entry form as the page would, multipart uploads and test images.
#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers fail loudly"
)]

use crate::common::{DEMO, Part, StaffLogin, TestApp, TestResponse};
use vitrine::app::curate::EntryInput;
use vitrine_core::Entry;
use vitrine_store::StudyContent;

/// The entry imported as `key`, e.g. "e01".
pub fn entry<'a>(content: &'a StudyContent, key: &str) -> &'a Entry {
    let id = content
        .entry_keys
        .iter()
        .find(|(_, k)| k.as_str() == key)
        .map(|(id, _)| *id)
        .expect("entry key");
    content.entries.iter().find(|e| e.id == id).unwrap()
}

/// The workspace URL of an entry.
pub fn entry_path(entry: &Entry) -> String {
    format!("/admin/studies/{DEMO}/entries/{}", entry.id.0)
}

/// The entry form as the page fills it in, with `changes` applied.
pub fn form(entry: &Entry, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let input = EntryInput::from_entry(entry);
    let mut fields: Vec<(String, String)> = [
        ("title", input.title),
        ("provenance", input.provenance),
        ("caption", input.texts.caption.clone()),
        ("licence", input.licence),
    ]
    .into_iter()
    .chain(
        input
            .texts
            .optional()
            .map(|(name, text)| (name, text.clone())),
    )
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    fields.extend(input.themes.into_iter().map(|t| ("themes".to_owned(), t)));
    for (name, value) in changes {
        fields.retain(|(k, _)| k != name);
        fields.push(((*name).to_owned(), (*value).to_owned()));
    }
    fields
}

/// POSTs a form (pairs, repeated names kept) as `staff`, with the token.
pub async fn post_form(
    test: &TestApp,
    staff: &StaffLogin,
    path: &str,
    fields: &[(String, String)],
) -> TestResponse {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    test.post_as(staff, path, &pairs).await
}

/// POSTs a multipart body (the token in the query string, as the upload
/// forms do). Each part: field name, file name (for files), bytes.
pub async fn post_multipart(
    test: &TestApp,
    staff: &StaffLogin,
    path: &str,
    parts: &[(&str, Option<&str>, Vec<u8>)],
) -> TestResponse {
    let parts: Vec<Part<'_>> = parts
        .iter()
        .map(|(name, file, bytes)| {
            (
                *name,
                file.map(|f| (f, "application/octet-stream")),
                bytes.clone(),
            )
        })
        .collect();
    crate::common::post_multipart(&test.app, staff, path, &parts).await
}

/// A 64 × 48 PNG of one colour, so each colour gives new derivatives.
pub fn solid_png(rgb: [u8; 3]) -> Vec<u8> {
    crate::common::rgb_png(64, 48, &rgb.repeat(64 * 48))
}

/// Every original and public blob, sorted.
pub async fn blob_listing(test: &TestApp) -> (Vec<String>, Vec<String>) {
    let mut originals = test.app.blobs().list_originals().await.unwrap();
    let mut public = test.app.blobs().list_public().await.unwrap();
    originals.sort();
    public.sort();
    (originals, public)
}

/// Keys in `after` that are not in `before`.
pub fn added(before: &[String], after: &[String]) -> Vec<String> {
    after
        .iter()
        .filter(|k| !before.contains(k))
        .cloned()
        .collect()
}
