//! Curating: entries, images and uploads, the study's texts, prompts and
//! themes, and the coverage matrix. Handlers parse forms and call the use
//! cases in [`crate::app::curate`]; they never re-check permissions (the gate
//! did), only use them to decide what to show.

mod coverage;
mod entry;
mod entry_form;
mod guides;
mod listing;
mod media;
mod print;
mod redact;
mod reflections;
mod sessions;
mod study;

pub use coverage::show_coverage;
pub use entry::{save_entry, show_entry};
pub use guides::{save_guides_form, show_guides};
pub use listing::{save_listing, show_listing};
pub use media::{replace_image, show_image, show_upload, upload};
pub use print::{print_pdf, show_print};
pub use redact::{save_studio, show_original, show_studio, show_studio_image, substitute};
pub use reflections::{moderate_reflection, reflections_csv, reflections_json, show_reflections};
pub use sessions::{
    change_session, create_session, present_session, present_session_notes, show_session,
    show_sessions,
};
pub use study::{add_prompt, add_theme, move_prompt, save_settings, show_settings};

use crate::app::App;
use crate::app::curate::FieldProblem;
use crate::app::curate::ImageError;
use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use vitrine_media::Limits;

/// The most files one upload may hold.
pub const MAX_UPLOAD_FILES: usize = 50;

/// Room for a multipart body's form fields and boundaries beside its files.
const FORM_OVERHEAD: u64 = 1_000_000;

/// The largest body `POST …/upload` accepts: [`MAX_UPLOAD_FILES`] files of
/// the largest accepted size.
pub fn upload_body_limit(limits: &Limits) -> usize {
    let bytes = limits
        .max_bytes
        .saturating_mul(MAX_UPLOAD_FILES as u64)
        .saturating_add(FORM_OVERHEAD);
    usize::try_from(bytes).unwrap_or(usize::MAX)
}

/// The largest body `POST …/entries/{entry}/image` accepts: one file.
pub fn image_body_limit(limits: &Limits) -> usize {
    usize::try_from(limits.max_bytes.saturating_add(FORM_OVERHEAD)).unwrap_or(usize::MAX)
}

/// A numeric id from a path segment; anything else is "not found".
fn parse_id(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|id| *id > 0)
}

/// The message for `field` among `problems`, if any.
fn problem_for<'a>(problems: &'a [FieldProblem], field: &str) -> Option<&'a str> {
    problems
        .iter()
        .find(|p| p.field == field)
        .map(|p| p.message.as_str())
}

/// A form's fields as sent, repeated names kept (checkbox groups).
struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, or "".
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name`.
    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether a checkbox `name` was ticked.
    fn ticked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

/// One part of a multipart body, read with a size limit.
enum Part {
    /// The bytes, within the limit.
    Bytes(Vec<u8>),
    /// Over the limit: the part's whole size, read and dropped.
    TooLarge(u64),
}

/// Reads one multipart field, keeping at most `limit` bytes; a larger field
/// is read to its end (so the next one can be reached) and dropped.
async fn read_part(field: &mut Field<'_>, limit: u64) -> Result<Part, MultipartError> {
    let mut bytes = Vec::new();
    let mut size: u64 = 0;
    while let Some(chunk) = field.chunk().await? {
        size = size.saturating_add(chunk.len() as u64);
        if size > limit {
            bytes = Vec::new();
        } else {
            bytes.extend_from_slice(&chunk);
        }
    }
    Ok(if size > limit {
        Part::TooLarge(size)
    } else {
        Part::Bytes(bytes)
    })
}

/// A multipart text field (at most 64 kB), as text.
async fn read_text(field: &mut Field<'_>) -> Result<String, MultipartError> {
    Ok(match read_part(field, 64 * 1024).await? {
        Part::Bytes(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Part::TooLarge(_) => String::new(),
    })
}

/// A form with one image file (field `image`) and short text fields, read
/// from a multipart body: the file up to the image size limit, the texts
/// by name.
struct ImageForm {
    /// The file's bytes, or what was wrong with it ("choose a file" when
    /// none was sent).
    file: Result<Vec<u8>, ImageError>,
    /// The other fields.
    texts: Fields,
}

impl ImageForm {
    async fn read(app: &App, multipart: &mut Multipart) -> Self {
        let limit = app.settings.limits.max_bytes;
        let none = || Err(ImageError::File("choose an image file to upload".into()));
        let cut = |e: MultipartError| ImageError::File(format!("the upload was cut short ({e})"));
        let mut file = None;
        let mut texts = Vec::new();
        loop {
            let mut field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) => {
                    file = Some(Err(cut(e)));
                    break;
                }
            };
            let name = field.name().unwrap_or_default().to_owned();
            if name != "image" {
                if let Ok(text) = read_text(&mut field).await {
                    texts.push((name, text));
                }
                continue;
            }
            if file.is_some() {
                continue;
            }
            file = Some(match read_part(&mut field, limit).await {
                Ok(Part::Bytes(bytes)) if bytes.is_empty() => none(),
                Ok(Part::Bytes(bytes)) => Ok(bytes),
                Ok(Part::TooLarge(size)) => Err(ImageError::too_large(app, size)),
                Err(e) => Err(cut(e)),
            });
        }
        ImageForm {
            file: file.unwrap_or_else(none),
            texts: Fields(texts),
        }
    }
}

/// The last path component of an uploaded file's name (some browsers send a
/// whole path), for the uploader's results only: never stored.
fn base_name(name: Option<&str>) -> String {
    let name = name.unwrap_or_default();
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    if base.is_empty() {
        "(a file without a name)".to_owned()
    } else {
        base.chars().take(200).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_folders() {
        assert_eq!(base_name(Some("C:\\Users\\a\\IMG_1.jpg")), "IMG_1.jpg");
        assert_eq!(base_name(Some("photos/IMG_2.png")), "IMG_2.png");
        assert_eq!(base_name(None), "(a file without a name)");
    }

    #[test]
    fn upload_limits_allow_many_files_of_the_largest_size() {
        let limits = Limits::default();
        assert!(upload_body_limit(&limits) > image_body_limit(&limits));
        assert!(image_body_limit(&limits) as u64 > limits.max_bytes);
    }
}
