//! Settings in layers: defaults < TOML file < `VITRINE_*` environment < flags.
//!
//! Flags and environment variables are parsed by clap (see [`crate::cmd`]) into a
//! [`RawSettings`], the optional TOML file into another, and [`Settings::resolve`]
//! merges them and validates once, listing every problem by its setting name.
//! Unknown keys in the file are rejected so a typo never silently does nothing.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use vitrine_media::Limits;

pub mod server;
pub use server::{RawServer, ServerSettings};

/// The default data folder, relative to the working directory.
pub const DEFAULT_DATA: &str = "./vitrine-data";
/// The default listen address: local only, so a demo is never exposed by accident.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The default memory budget for image work, in MiB: with the server's own
/// few tens of MB and the uploads being received, a default server stays
/// under 1 GB.
pub const DEFAULT_IMAGE_MEMORY_MB: u32 = 512;
/// The smallest memory budget accepted, in MiB.
pub const MIN_IMAGE_MEMORY_MB: u32 = 64;

/// Settings as given by one layer; `None` means "not set here".
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    /// Data folder: database, blobs.
    pub data: Option<PathBuf>,
    /// Address for `vitrine serve`.
    pub listen: Option<String>,
    /// Database URL (`sqlite://…`, `postgres://…`).
    pub database: Option<String>,
    /// Blob store URL (`file:///…`, `s3://bucket/prefix`).
    pub blobs: Option<String>,
    /// URL that is sent a POST listing the public paths to purge from a CDN
    /// when content is taken down.
    pub purge_webhook: Option<String>,
    /// The file holding the key that encrypts participants' real names and
    /// contacts (kept outside the database, PRV-01).
    pub identity_key_file: Option<PathBuf>,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` /
    /// `Forwarded` headers name the client a sign-in is counted against.
    pub trusted_proxies: Option<Vec<String>>,
    /// Image limits.
    #[serde(default)]
    pub images: RawImageLimits,
    /// S3 connection settings.
    #[serde(default)]
    pub s3: RawS3,
    /// HTTP server limits and the metrics listener.
    #[serde(default)]
    pub server: RawServer,
}

/// S3 settings as given by one layer; unset values fall back to the usual
/// AWS environment variables.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawS3 {
    /// Endpoint URL of an S3-compatible server.
    pub endpoint: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key (never printed).
    pub secret_access_key: Option<String>,
}

/// Image limits as given by one layer.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImageLimits {
    /// Largest accepted file, in megabytes.
    pub max_file_mb: Option<f64>,
    /// Largest accepted image, in megapixels.
    pub max_megapixels: Option<f64>,
    /// Longest accepted side, in pixels.
    pub max_side: Option<u32>,
    /// Most frames accepted in an animated image.
    pub max_frames: Option<u32>,
    /// Memory budget for all image work at once, in MiB.
    pub memory_mb: Option<u32>,
}

impl RawSettings {
    /// Reads a TOML settings file. Errors name the file and the problem.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read settings file {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("settings file {}: {e}", path.display()))
    }

    /// Parses TOML settings.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// This layer with `over`'s values on top.
    fn overlay(self, over: Self) -> Self {
        Self {
            data: over.data.or(self.data),
            listen: over.listen.or(self.listen),
            database: over.database.or(self.database),
            blobs: over.blobs.or(self.blobs),
            purge_webhook: over.purge_webhook.or(self.purge_webhook),
            identity_key_file: over.identity_key_file.or(self.identity_key_file),
            trusted_proxies: over.trusted_proxies.or(self.trusted_proxies),
            s3: RawS3 {
                endpoint: over.s3.endpoint.or(self.s3.endpoint),
                region: over.s3.region.or(self.s3.region),
                access_key_id: over.s3.access_key_id.or(self.s3.access_key_id),
                secret_access_key: over.s3.secret_access_key.or(self.s3.secret_access_key),
            },
            images: RawImageLimits {
                max_file_mb: over.images.max_file_mb.or(self.images.max_file_mb),
                max_megapixels: over.images.max_megapixels.or(self.images.max_megapixels),
                max_side: over.images.max_side.or(self.images.max_side),
                max_frames: over.images.max_frames.or(self.images.max_frames),
                memory_mb: over.images.memory_mb.or(self.images.memory_mb),
            },
            server: self.server.overlay(over.server),
        }
    }
}

/// Validated settings.
#[derive(Clone)]
pub struct Settings {
    /// Data folder.
    pub data: PathBuf,
    /// Listen address.
    pub listen: SocketAddr,
    /// Database URL; `None` means SQLite in the data folder.
    pub database: Option<String>,
    /// Blob store URL; `None` means a folder in the data folder.
    pub blobs: Option<String>,
    /// CDN purge webhook, if any.
    pub purge_webhook: Option<String>,
    /// Identity key file; `None` means `identity.key` in the data folder.
    pub identity_key_file: Option<PathBuf>,
    /// Proxies trusted to name the client (empty: the TCP peer is the client).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// S3 connection settings.
    pub s3: vitrine_store::S3Options,
    /// Image limits.
    pub limits: Limits,
    /// HTTP server limits and the metrics listener.
    pub server: ServerSettings,
    /// Memory budget for all image work at once, in MiB (`images.memory_mb`).
    pub image_memory_mb: u32,
}

/// Settings are logged at start-up; the secret key and database password never are.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("data", &self.data)
            .field("listen", &self.listen)
            .field("database", &vitrine_store::redact(&self.database_url()))
            .field("blobs", &self.blobs_url())
            .field("purge_webhook", &self.purge_webhook)
            .field("identity_key_file", &self.identity_key_path())
            .field("trusted_proxies", &self.trusted_proxies)
            .field("s3.endpoint", &self.s3.endpoint)
            .field("s3.region", &self.s3.region)
            .field("s3.access_key_id", &self.s3.access_key_id)
            .field(
                "s3.secret_access_key",
                &self.s3.secret_access_key.as_ref().map(|_| "***"),
            )
            .field("limits", &self.limits)
            .field("server", &self.server)
            .field("image_memory_mb", &self.image_memory_mb)
            .finish()
    }
}

impl Settings {
    /// Merges the file layer under the flag/environment layer and validates.
    /// Every problem is listed, each naming its setting.
    pub fn resolve(file: RawSettings, flags: RawSettings) -> Result<Self, Vec<String>> {
        let raw = file.overlay(flags);
        let mut problems = Vec::new();
        let listen_text = raw.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen = listen_text.parse().unwrap_or_else(|_| {
            problems.push(format!(
                "listen: \"{listen_text}\" is not an address and port such as 127.0.0.1:8080"
            ));
            SocketAddr::from(([127, 0, 0, 1], 8080))
        });
        let server = ServerSettings::resolve(raw.server, listen, &mut problems);
        let defaults = Limits::default();
        let limits = Limits {
            max_bytes: positive(raw.images.max_file_mb, "images.max_file_mb", &mut problems)
                .map_or(defaults.max_bytes, |mb| (mb * 1_000_000.0) as u64),
            max_pixels: positive(
                raw.images.max_megapixels,
                "images.max_megapixels",
                &mut problems,
            )
            .map_or(defaults.max_pixels, |mp| (mp * 1_000_000.0) as u64),
            max_side: nonzero(raw.images.max_side, "images.max_side", &mut problems)
                .unwrap_or(defaults.max_side),
            max_frames: nonzero(raw.images.max_frames, "images.max_frames", &mut problems)
                .unwrap_or(defaults.max_frames),
        };
        let image_memory_mb = match raw.images.memory_mb {
            Some(mb) if mb < MIN_IMAGE_MEMORY_MB => {
                problems.push(format!(
                    "images.memory_mb: must be at least {MIN_IMAGE_MEMORY_MB} (MiB), got {mb}"
                ));
                DEFAULT_IMAGE_MEMORY_MB
            }
            other => other.unwrap_or(DEFAULT_IMAGE_MEMORY_MB),
        };
        let data = raw.data.unwrap_or_else(|| PathBuf::from(DEFAULT_DATA));
        if data.as_os_str().is_empty() {
            problems.push("data: the data folder must not be empty".to_owned());
        }
        if let Some(url) = &raw.database
            && let Err(e) = vitrine_store::Backend::from_url(url)
        {
            problems.push(format!("database: {e}"));
        }
        if let Some(url) = &raw.blobs
            && !(url.starts_with("file:///") || url.starts_with("s3://") && url.len() > 5)
        {
            problems.push(format!(
                "blobs: \"{url}\" is not a blob store URL; use file:///ABSOLUTE/DIR or s3://BUCKET/PREFIX"
            ));
        }
        if raw
            .identity_key_file
            .as_ref()
            .is_some_and(|p| p.as_os_str().is_empty())
        {
            problems.push("identity_key_file: the key file's path must not be empty".to_owned());
        }
        if let Some(url) = &raw.purge_webhook
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            problems.push(format!(
                "purge_webhook: \"{url}\" must be an http:// or https:// URL"
            ));
        }
        let trusted_proxies = trusted_proxies(raw.trusted_proxies.as_deref(), &mut problems);
        let s3 = vitrine_store::S3Options {
            endpoint: raw.s3.endpoint,
            region: raw.s3.region,
            access_key_id: raw.s3.access_key_id,
            secret_access_key: raw.s3.secret_access_key,
        };
        if problems.is_empty() {
            Ok(Self {
                data,
                listen,
                database: raw.database,
                blobs: raw.blobs,
                purge_webhook: raw.purge_webhook,
                identity_key_file: raw.identity_key_file,
                trusted_proxies,
                s3,
                limits,
                server,
                image_memory_mb,
            })
        } else {
            Err(problems)
        }
    }

    /// Default settings with data in `dir` (tests, tools).
    pub fn for_data_dir(dir: &Path) -> Self {
        Self {
            data: dir.to_path_buf(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: None,
            blobs: None,
            purge_webhook: None,
            identity_key_file: None,
            trusted_proxies: Vec::new(),
            s3: vitrine_store::S3Options::default(),
            limits: Limits::default(),
            server: ServerSettings::default(),
            image_memory_mb: DEFAULT_IMAGE_MEMORY_MB,
        }
    }

    /// The database URL: the setting, or SQLite inside the data folder.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("vitrine.db").display()))
    }

    /// The identity key file: the setting, or `identity.key` in the data
    /// folder.
    pub fn identity_key_path(&self) -> PathBuf {
        self.identity_key_file
            .clone()
            .unwrap_or_else(|| self.data.join("identity.key"))
    }

    /// The blob store URL: the setting, or a folder inside the data folder.
    pub fn blobs_url(&self) -> String {
        self.blobs.clone().unwrap_or_else(|| {
            let dir = self.data.join("blobs");
            let dir = std::path::absolute(&dir).unwrap_or(dir);
            format!("file://{}", dir.display())
        })
    }
}

/// Parses `trusted_proxies`: addresses (`127.0.0.1`, `::1`) or networks
/// (`10.0.0.0/8`).
fn trusted_proxies(values: Option<&[String]>, problems: &mut Vec<String>) -> Vec<ipnet::IpNet> {
    let mut nets = Vec::new();
    for text in values.unwrap_or_default() {
        let text = text.trim();
        match text.parse::<ipnet::IpNet>() {
            Ok(net) => nets.push(net),
            Err(_) => match text.parse::<std::net::IpAddr>() {
                Ok(ip) => nets.push(ipnet::IpNet::from(ip)),
                Err(_) => problems.push(format!(
                    "trusted_proxies: \"{text}\" is not an IP address or network such as \
                     127.0.0.1, ::1 or 10.0.0.0/8"
                )),
            },
        }
    }
    nets
}

fn positive(value: Option<f64>, name: &str, problems: &mut Vec<String>) -> Option<f64> {
    match value {
        Some(v) if !(v.is_finite() && v > 0.0) => {
            problems.push(format!("{name}: must be a number above 0, got {v}"));
            None
        }
        other => other,
    }
}

fn nonzero(value: Option<u32>, name: &str, problems: &mut Vec<String>) -> Option<u32> {
    match value {
        Some(0) => {
            problems.push(format!("{name}: must be at least 1"));
            None
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_listen_locally_with_a_local_data_folder() {
        let s = Settings::resolve(RawSettings::default(), RawSettings::default()).unwrap();
        assert_eq!(s.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(s.data, PathBuf::from(DEFAULT_DATA));
        assert_eq!(s.limits.max_pixels, 100_000_000);
    }

    #[test]
    fn flags_override_the_file() {
        let file = RawSettings::parse("listen = \"0.0.0.0:9000\"\ndata = \"/srv/a\"").unwrap();
        let flags = RawSettings {
            data: Some("/srv/b".into()),
            ..Default::default()
        };
        let s = Settings::resolve(file, flags).unwrap();
        assert_eq!(s.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(s.data, PathBuf::from("/srv/b"));
    }

    #[test]
    fn unknown_keys_in_the_file_are_rejected_by_name() {
        let err = RawSettings::parse("lisen = \"x\"").unwrap_err();
        assert!(err.contains("lisen"), "{err}");
        let err = RawSettings::parse("[images]\nmax_mb = 3").unwrap_err();
        assert!(err.contains("max_mb"), "{err}");
    }

    #[test]
    fn backends_default_to_the_data_folder_and_unknown_schemes_are_refused() {
        let s = Settings::resolve(RawSettings::default(), RawSettings::default()).unwrap();
        assert!(
            s.database_url().starts_with("sqlite://") && s.database_url().ends_with("vitrine.db")
        );
        assert!(s.blobs_url().starts_with("file:///") && s.blobs_url().ends_with("blobs"));
        let file = RawSettings::parse("database = \"mysql://x\"\nblobs = \"ftp://y\"").unwrap();
        let problems = Settings::resolve(file, RawSettings::default()).unwrap_err();
        assert!(
            problems[0].starts_with("database:") && problems[1].starts_with("blobs:"),
            "{problems:?}"
        );
    }

    #[test]
    fn the_identity_key_lives_in_the_data_folder_unless_set() {
        let file = RawSettings::parse("data = \"/srv/v\"").unwrap();
        let s = Settings::resolve(file, RawSettings::default()).unwrap();
        assert_eq!(s.identity_key_path(), PathBuf::from("/srv/v/identity.key"));
        let file = RawSettings::parse("identity_key_file = \"/etc/vitrine/identity.key\"").unwrap();
        let s = Settings::resolve(file, RawSettings::default()).unwrap();
        assert_eq!(
            s.identity_key_path(),
            PathBuf::from("/etc/vitrine/identity.key")
        );
    }

    #[test]
    fn secrets_are_never_printed() {
        let file = RawSettings::parse(
            "database = \"postgres://app:pw1@db/v\"\n[s3]\nsecret_access_key = \"pw2\"",
        )
        .unwrap();
        let printed = format!(
            "{:?}",
            Settings::resolve(file, RawSettings::default()).unwrap()
        );
        assert!(
            !printed.contains("pw1") && !printed.contains("pw2"),
            "{printed}"
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks_and_nothing_else() {
        let file = RawSettings::parse("trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"]")
            .unwrap();
        let s = Settings::resolve(file, RawSettings::default()).unwrap();
        let shown: Vec<String> = s.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        let none = Settings::resolve(RawSettings::default(), RawSettings::default()).unwrap();
        assert!(none.trusted_proxies.is_empty());
        let flags = RawSettings {
            trusted_proxies: Some(vec!["nginx".into(), "10.0.0.0/33".into()]),
            ..Default::default()
        };
        let problems = Settings::resolve(RawSettings::default(), flags).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.starts_with("trusted_proxies:")));
    }

    #[test]
    fn the_image_memory_budget_defaults_under_a_gigabyte_and_refuses_too_little() {
        let s = Settings::resolve(RawSettings::default(), RawSettings::default()).unwrap();
        assert_eq!(s.image_memory_mb, DEFAULT_IMAGE_MEMORY_MB);
        assert!(u64::from(s.image_memory_mb) * 1024 * 1024 < 1_000_000_000);
        let file = RawSettings::parse("[images]\nmemory_mb = 2048").unwrap();
        assert_eq!(
            Settings::resolve(file, RawSettings::default())
                .unwrap()
                .image_memory_mb,
            2048
        );
        let file = RawSettings::parse("[images]\nmemory_mb = 8").unwrap();
        let problems = Settings::resolve(file, RawSettings::default()).unwrap_err();
        assert_eq!(
            problems,
            ["images.memory_mb: must be at least 64 (MiB), got 8"]
        );
    }

    #[test]
    fn every_problem_is_listed_by_setting_name() {
        let file = RawSettings::parse(
            "listen = \"nowhere\"\n[images]\nmax_megapixels = -1\nmax_frames = 0",
        )
        .unwrap();
        let problems = Settings::resolve(file, RawSettings::default()).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("listen:"));
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("images.max_megapixels:"))
        );
        assert!(problems.iter().any(|p| p.starts_with("images.max_frames:")));
    }
}
