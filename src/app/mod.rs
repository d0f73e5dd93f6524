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
