//! Stylesheet, script and icons, embedded in the binary under fingerprinted
//! names (`site.3f2a1b9c0d.css`), so they can be cached forever: a new build
//! with a changed file gets a new name. `vitrine serve` answers them under
//! `/static/` and a static export writes them to its `static/` folder.
//!
//! The fingerprint is the start of the file's SHA-256, computed once at first use.

use std::sync::LazyLock;
use vitrine_core::paths::Links;

/// One embedded file.
pub struct Asset {
    stem: &'static str,
    ext: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

const FILES: [Asset; 5] = [
    Asset {
        stem: "site",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/site.css"),
    },
    Asset {
        stem: "admin",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/admin.css"),
    },
    Asset {
        stem: "gallery",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/gallery.js"),
    },
    Asset {
        stem: "workspace",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/workspace.js"),
    },
    Asset {
        stem: "favicon",
        ext: "svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/favicon.svg"),
    },
];

/// An embedded file with its fingerprinted name.
pub struct Fingerprinted {
    /// `site.3f2a1b9c0d.css`.
    pub name: String,
    /// The fingerprint alone, for an ETag.
    pub hash: String,
    /// The file.
    pub asset: &'static Asset,
}

static FINGERPRINTED: LazyLock<Vec<Fingerprinted>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|asset| {
            let hash = vitrine_media::sha256_hex(asset.bytes)[..10].to_owned();
            Fingerprinted {
                name: format!("{}.{hash}.{}", asset.stem, asset.ext),
                hash,
                asset,
            }
        })
        .collect()
});

/// Every embedded file.
pub fn all() -> &'static [Fingerprinted] {
    &FINGERPRINTED
}

/// The embedded file with this fingerprinted name.
pub fn find(name: &str) -> Option<&'static Fingerprinted> {
    FINGERPRINTED.iter().find(|f| f.name == name)
}

/// The embedded files the public pages use (not the workspace's stylesheet
/// and script).
pub fn public() -> impl Iterator<Item = &'static Fingerprinted> {
    FINGERPRINTED
        .iter()
        .filter(|f| !matches!(f.asset.stem, "admin" | "workspace"))
}

/// The URLs pages link to.
#[derive(Clone, Debug)]
pub struct AssetUrls {
    /// The stylesheet.
    pub css: String,
    /// The lightbox script.
    pub js: String,
    /// The SVG icon.
    pub icon: String,
    /// The workspace's extra stylesheet (never loaded by public pages).
    pub admin_css: String,
    /// The workspace's script (never loaded by public pages).
    pub workspace_js: String,
}

impl AssetUrls {
    /// The URLs as `links` writes them.
    pub fn new(links: Links) -> Self {
        let url = |stem: &str| {
            FINGERPRINTED
                .iter()
                .find(|f| f.asset.stem == stem)
                .map_or_else(String::new, |f| links.asset(&f.name))
        };
        Self {
            css: url("site"),
            js: url("gallery"),
            icon: url("favicon"),
            admin_css: url("admin"),
            workspace_js: url("workspace"),
        }
    }
}

static SERVED: LazyLock<AssetUrls> = LazyLock::new(|| AssetUrls::new(Links::Served));

/// The URLs of the stylesheet, script and icon on a running server.
pub fn urls() -> &'static AssetUrls {
    &SERVED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names_carry_a_content_hash() {
        let urls = urls();
        assert!(urls.css.starts_with("/static/site.") && urls.css.ends_with(".css"));
        assert_eq!(urls.js.len(), "/static/gallery.0123456789.js".len());
        let exported = AssetUrls::new(Links::Static { depth: 1 });
        assert_eq!(exported.js, format!("..{}", urls.js));
    }
}
