//! The public pages of a study, rendered from a Release and nothing else.
//!
//! `vitrine serve` ([`crate::web`]) and the static export
//! ([`crate::app::exports`]) print the same page types through the same
//! askama templates; only the links differ ([`vitrine_core::paths::Links`]:
//! absolute paths when served, relative file names in an export). This layer
//! sits under both: it knows a Release, the URL scheme and the embedded
//! assets (and the store's plain list of Releases), and does no IO: no
//! store, request or file system.

pub mod about;
pub mod assets;
pub mod entry;
pub mod gallery;
pub mod present;
pub mod releases;
pub mod views;

/// Where a page's absolute links ("how to cite", "gallery address") point.
#[derive(Clone, Copy, Debug)]
pub enum Origin<'a> {
    /// A served site at this scheme and host (`https://gallery.example.org`),
    /// or `""` when the request named no usable host (the path alone is given).
    Served(&'a str),
    /// A static export that will be published at this base URL (ending in
    /// `/`), or `None` when that is not known: the pages then give no address.
    Static(Option<&'a str>),
}

impl Origin<'_> {
    /// The absolute URL of a page, given its served path (`/study/about`) and
    /// its file in a static export (`about.html`).
    pub fn url(&self, served: &str, file: &str) -> Option<String> {
        match self {
            Origin::Served(origin) => Some(format!("{origin}{served}")),
            Origin::Static(base) => base.map(|b| format!("{b}{file}")),
        }
    }

    /// How this origin's pages link to each other, from the page at `file`.
    pub fn links(&self, file: &str) -> vitrine_core::paths::Links {
        match self {
            Origin::Served(_) => vitrine_core::paths::Links::Served,
            Origin::Static(_) => vitrine_core::paths::Links::from_file(file),
        }
    }
}
