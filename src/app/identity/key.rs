//! The identity key file (PRV-01): 32 random bytes, as 64 hexadecimal
//! digits, in a file outside the database that only its owner may read.
//!
//! Made on first use when absent (the path is logged, with a reminder to back
//! it up apart from the database); a file that exists but is not a key is an
//! error naming it, never silently replaced.

use crate::settings::Settings;
use anyhow::Context;
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::KeyInit;
use std::io::Write;
use std::path::Path;

/// The key identities are encrypted with. Its `Debug` prints nothing.
#[derive(Clone)]
pub struct IdentityKey([u8; 32]);

impl std::fmt::Debug for IdentityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityKey(***)")
    }
}

impl IdentityKey {
    /// A new random key.
    pub fn generate() -> anyhow::Result<Self> {
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        Ok(Self(bytes))
    }

    /// A key from its 64 hexadecimal digits (surrounding white space ignored).
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    pub(super) fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.0.into())
    }
}

/// Reads the key file; `Ok(None)` when it does not exist, an error naming the
/// file when it exists but is not a key.
fn read_key(path: &Path) -> anyhow::Result<Option<IdentityKey>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read the identity key file {}", path.display()));
        }
    };
    let key = IdentityKey::from_hex(&text).ok_or_else(|| {
        anyhow::anyhow!(
            "the identity key file {} is not a Vitrine identity key (it must hold exactly 64 \
             hexadecimal digits); restore it from your backup, or point identity_key_file \
             (VITRINE_IDENTITY_KEY_FILE) at the right file",
            path.display()
        )
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                path = %path.display(),
                "the identity key file can be read by other users; make it readable by its owner only (chmod 600)"
            );
        }
    }
    Ok(Some(key))
}

/// Opens a new file only its owner may read or write.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes a new key to `path`, unless another process just did (then that
/// key is used). The file appears whole or not at all.
fn create_key(path: &Path) -> anyhow::Result<IdentityKey> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let key = IdentityKey::generate()?;
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp_name);
    let written = (|| {
        let mut file = create_private(&tmp)?;
        file.write_all(format!("{}\n", hex::encode(key.0)).as_bytes())?;
        file.sync_all()
    })();
    written.with_context(|| format!("cannot write the identity key file {}", tmp.display()))?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            tracing::warn!(
                path = %path.display(),
                "created a new identity key file; back it up apart from the database: without it \
                 participants' real names cannot be read"
            );
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_key(path)?
            .ok_or_else(|| anyhow::anyhow!("the identity key file {} vanished", path.display())),
        Err(e) => Err(e)
            .with_context(|| format!("cannot create the identity key file {}", path.display())),
    }
}

/// The identity key named by the settings, created (readable by its owner
/// only) when the file does not exist yet.
pub fn load_key(settings: &Settings) -> anyhow::Result<IdentityKey> {
    let path = settings.identity_key_path();
    match read_key(&path)? {
        Some(key) => Ok(key),
        None => create_key(&path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_made_private_once_and_a_bad_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::for_data_dir(dir.path());
        let path = settings.identity_key_path();
        assert_eq!(path, dir.path().join("identity.key"));
        let first = load_key(&settings).unwrap();
        let second = load_key(&settings).unwrap();
        assert_eq!(first.0, second.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key").unwrap();
        let err = format!("{:#}", load_key(&settings).unwrap_err());
        assert!(
            err.contains("64 hexadecimal digits") && err.contains("identity.key"),
            "{err}"
        );
    }
}
