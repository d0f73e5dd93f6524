//! Use cases shared by the command line and the web: everything that changes
//! state goes through here, so every entry point applies the same rules.

use crate::settings::Settings;
use vitrine_store::{Blobs, Store};

/// Open handles on everything a use case needs.
#[derive(Clone, Debug)]
pub struct App {
    /// The relational store.
    pub store: Store,
    /// The blob store.
    pub blobs: Blobs,
    /// Validated settings.
    pub settings: Settings,
}

pub mod check;
pub mod demo;
pub mod import;
pub mod ingest;
pub mod publish;

impl App {
    /// Opens the store and blob store the settings name, creating the data
    /// folder and migrating the database as needed.
    pub async fn open(settings: Settings) -> anyhow::Result<Self> {
        use anyhow::Context;
        std::fs::create_dir_all(&settings.data).with_context(|| {
            format!("cannot create the data folder {}", settings.data.display())
        })?;
        let store = Store::open(&settings.database_url())
            .await
            .with_context(|| format!("cannot open the database in {}", settings.data.display()))?;
        let blobs = Blobs::local(&settings.blob_dir()).with_context(|| {
            format!(
                "cannot open the blob folder {}",
                settings.blob_dir().display()
            )
        })?;
        Ok(Self {
            store,
            blobs,
            settings,
        })
    }
}
