//! Use cases shared by the command line and the web: everything that changes
//! state goes through here, so every entry point applies the same rules.

use crate::settings::Settings;
pub use actor::Actor;
use vitrine_store::{Blobs, Store};

/// Open handles on everything a use case needs.
#[derive(Clone, Debug)]
pub struct App {
    /// The relational store: only the use cases of this module reach it.
    store: Store,
    /// The blob store: only the use cases of this module reach it.
    blobs: Blobs,
    /// Validated settings.
    pub settings: Settings,
    /// Parsed Releases the public side has read, by id and revision.
    pub releases: cache::ReleaseCache,
    /// Public pages rendered from those Releases, by Release id and revision.
    pub pages: cache::PageCache,
    /// The memory budget every decode is admitted against (one per process).
    pub image_budget: image_budget::ImageBudget,
}

pub mod actor;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod check;
pub mod consent;
pub mod curate;
pub mod demo;
pub mod exports;
pub mod faces;
pub mod facilitate;
pub mod gc;
pub mod identity;
pub mod image_budget;
pub mod import;
pub mod ingest;
pub mod jobs;
pub mod progress;
pub mod publish;
pub mod published;
pub mod signoff;
pub mod studies;
pub mod team;
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod testing;
pub mod withdraw;

impl App {
    /// The relational store, for tests that set up or inspect what a use case
    /// cannot (tampering with the audit log, counting rows). Production code
    /// reaches the store only through the use cases of this module.
    #[cfg(any(test, feature = "test-support"))]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The parts that do not answer, of the database and the blob store
    /// (empty when both do), for readiness checks; details go to the log.
    pub async fn unready_parts(&self) -> Vec<&'static str> {
        let mut failed = Vec::new();
        if let Err(e) = self.store.ping().await {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            failed.push("database");
        }
        // Asking for a key that never exists is a cheap round trip on any backend.
        if let Err(e) = self
            .blobs
            .exists(&vitrine_store::BlobKey::Public("readyz-probe".to_owned()))
            .await
        {
            tracing::warn!(error = %e, "readiness: the blob store does not answer");
            failed.push("blob store");
        }
        failed
    }

    /// The blob store, for tests that check what was written or deleted.
    #[cfg(any(test, feature = "test-support"))]
    pub fn blobs(&self) -> &Blobs {
        &self.blobs
    }

    /// Opens the store and blob store the settings name, creating the data
    /// folder and migrating the database as needed.
    pub async fn open(settings: Settings) -> anyhow::Result<Self> {
        use anyhow::Context;
        create_private_dir(&settings.data).with_context(|| {
            format!("cannot create the data folder {}", settings.data.display())
        })?;
        let database = settings.database_url();
        let store = Store::open(&database).await.with_context(|| {
            format!(
                "cannot open the database {}",
                vitrine_store::redact(&database)
            )
        })?;
        let blobs = Blobs::open(&settings.blobs_url(), &settings.s3)
            .with_context(|| format!("cannot open the blob store {}", settings.blobs_url()))?;
        let image_budget = image_budget::ImageBudget::for_this_machine(settings.image_memory_mb);
        Ok(Self {
            store,
            blobs,
            image_budget,
            settings,
            releases: cache::ReleaseCache::default(),
            pages: cache::PageCache::default(),
        })
    }
}

/// Creates `dir` (and missing parents) readable by this user only, whatever
/// the umask: it holds the database, the identity key and participants'
/// originals. A folder that already exists keeps its mode (`vitrine serve`
/// warns when others can read it).
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
