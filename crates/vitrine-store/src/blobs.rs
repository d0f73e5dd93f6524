//! The blob store: private originals in `vault/`, public derivatives in `public/`.
//!
//! Built on the `object_store` crate so a local folder (`file://…`) and an
//! S3-compatible bucket (`s3://bucket/prefix`) are the same code. Keys are typed ([`BlobKey`]) so nothing can put an original
//! under the public prefix by a typo. Derivative names are content hashes, so a
//! write of an existing key writes the same bytes and is safe to repeat.
//!
//! A local folder is private whatever the umask: the folder and its prefixes
//! are created 0700 and every blob is made 0600 once written (`object_store`
//! creates files with the process umask, and its temporary file is renamed into
//! place, so the mode is set after the write, inside a folder others cannot
//! enter).

use crate::Result;
use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use std::sync::Arc;

/// Where a blob lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BlobKey {
    /// An original upload, by the sha256 of its bytes. Never served.
    Original(String),
    /// A public derivative, by its content-addressed file name.
    Public(String),
    /// A signed consent form (the identity store's, PRV-01), by its
    /// `form_key`. Private forever, never served, never swept.
    ConsentForm(String),
    /// A ZIP made in the workspace for a team member to download, by its
    /// random name. Private: only the download route reads it.
    Export(String),
}

/// Where private originals live.
const VAULT: &str = "vault/originals";
/// Where public derivatives live.
const PUBLIC: &str = "public";
/// Where signed consent forms live: private, apart from the originals.
const CONSENT_FORMS: &str = "vault/consent-forms";
/// Where the workspace's ZIP downloads live: private, apart from the rest.
const EXPORTS: &str = "vault/exports";

impl BlobKey {
    pub(crate) fn path(&self) -> Path {
        match self {
            Self::Original(sha) => Path::from(format!("{VAULT}/{sha}")),
            Self::Public(name) => Path::from(format!("{PUBLIC}/{name}")),
            Self::ConsentForm(key) => Path::from(format!("{CONSENT_FORMS}/{key}")),
            Self::Export(name) => Path::from(format!("{EXPORTS}/{name}")),
        }
    }
}

/// A handle on the blob store. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Blobs {
    inner: Arc<dyn ObjectStore>,
    /// The folder of a local store, whose files get owner-only modes.
    local_root: Option<Arc<std::path::PathBuf>>,
}

/// Settings for an S3-compatible store. Unset values come from the usual AWS
/// variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
/// `AWS_ENDPOINT_URL`).
#[derive(Clone, Debug, Default)]
pub struct S3Options {
    /// Endpoint URL for non-AWS servers (MinIO, Garage, moto…).
    pub endpoint: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key.
    pub secret_access_key: Option<String>,
}

impl Blobs {
    /// Opens the blob store a URL names: `file:///abs/dir` or
    /// `s3://bucket[/prefix]`. Any other scheme is an error.
    pub fn open(url: &str, s3: &S3Options) -> Result<Self> {
        if let Some(path) = url.strip_prefix("file://") {
            return Self::local(std::path::Path::new(path));
        }
        let Some(rest) = url.strip_prefix("s3://") else {
            return Err(crate::StoreError::UnsupportedBlobUrl(url.to_owned()));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(crate::StoreError::UnsupportedBlobUrl(url.to_owned()));
        }
        let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(endpoint) = &s3.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let endpoint = s3
            .endpoint
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
        if endpoint.is_some_and(|e| e.starts_with("http://")) {
            builder = builder.with_allow_http(true);
        }
        if let Some(region) = &s3.region {
            builder = builder.with_region(region);
        }
        if let Some(key) = &s3.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &s3.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store: Arc<dyn ObjectStore> = Arc::new(builder.build()?);
        let prefix = prefix.trim_matches('/');
        let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
            store
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(Self {
            inner,
            local_root: None,
        })
    }

    /// A blob store in a local folder (created if missing, with its prefixes,
    /// readable by this user only).
    pub fn local(dir: &std::path::Path) -> Result<Self> {
        for sub in ["", VAULT, PUBLIC, CONSENT_FORMS] {
            create_private_dir(&dir.join(sub)).map_err(local_error)?;
        }
        Ok(Self {
            inner: Arc::new(LocalFileSystem::new_with_prefix(dir)?),
            local_root: Some(Arc::new(dir.to_path_buf())),
        })
    }

    /// Stores `bytes` under `key`. The local backend writes to a temporary file and
    /// renames, so readers never see half a file, then makes it owner-only.
    pub async fn put(&self, key: &BlobKey, bytes: Vec<u8>) -> Result<()> {
        let path = key.path();
        self.inner.put(&path, PutPayload::from(bytes)).await?;
        #[cfg(unix)]
        if let Some(root) = &self.local_root {
            use std::os::unix::fs::PermissionsExt;
            let file = root.join(path.as_ref());
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
                .map_err(local_error)?;
        }
        Ok(())
    }

    /// Reads a blob; `Ok(None)` when it does not exist.
    pub async fn get(&self, key: &BlobKey) -> Result<Option<Bytes>> {
        match self.inner.get(&key.path()).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether a blob exists.
    pub async fn exists(&self, key: &BlobKey) -> Result<bool> {
        match self.inner.head(&key.path()).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a blob; deleting a missing blob is not an error.
    pub async fn delete(&self, key: &BlobKey) -> Result<()> {
        match self.inner.delete(&key.path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every key under the public prefix (for checks and clean-up).
    pub async fn list_public(&self) -> Result<Vec<String>> {
        Ok(self
            .list_under(PUBLIC)
            .await?
            .into_iter()
            .map(|(name, _)| name)
            .collect())
    }

    /// Every key under the private vault (for checks and clean-up).
    pub async fn list_originals(&self) -> Result<Vec<String>> {
        Ok(self
            .list_under(VAULT)
            .await?
            .into_iter()
            .map(|(name, _)| name)
            .collect())
    }

    /// Every blob with when it was last written, for sweeping orphans.
    pub async fn list_all(&self) -> Result<Vec<(BlobKey, std::time::SystemTime)>> {
        let originals = self.list_under(VAULT).await?.into_iter();
        let public = self.list_under(PUBLIC).await?.into_iter();
        Ok(originals
            .map(|(name, at)| (BlobKey::Original(name), at))
            .chain(public.map(|(name, at)| (BlobKey::Public(name), at)))
            .collect())
    }

    /// File names under `prefix` with their last-write times.
    async fn list_under(&self, prefix: &str) -> Result<Vec<(String, std::time::SystemTime)>> {
        use futures::TryStreamExt;
        let prefix = Path::from(prefix);
        let metas: Vec<_> = self.inner.list(Some(&prefix)).try_collect().await?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                let name = m.location.filename()?.to_owned();
                Some((name, std::time::SystemTime::from(m.last_modified)))
            })
            .collect())
    }
}

/// Creates `dir` and missing parents, 0700 whatever the umask.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn local_error(e: std::io::Error) -> object_store::Error {
    object_store::Error::Generic {
        store: "local",
        source: Box::new(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn originals_and_public_files_live_apart() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| object_store::Error::Generic {
            store: "t",
            source: Box::new(e),
        })?;
        let blobs = Blobs::local(dir.path())?;
        blobs
            .put(&BlobKey::Original("abc".into()), b"raw".to_vec())
            .await?;
        blobs
            .put(&BlobKey::Public("d1.jpg".into()), b"pub".to_vec())
            .await?;
        assert!(dir.path().join("vault/originals/abc").is_file());
        assert_eq!(blobs.list_public().await?, vec!["d1.jpg".to_owned()]);
        assert_eq!(blobs.get(&BlobKey::Public("abc".into())).await?, None);
        blobs.delete(&BlobKey::Public("d1.jpg".into())).await?;
        blobs.delete(&BlobKey::Public("d1.jpg".into())).await?;
        assert!(!blobs.exists(&BlobKey::Public("d1.jpg".into())).await?);
        Ok(())
    }
}
