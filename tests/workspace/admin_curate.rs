//! Curating in the workspace, through the real router with staff sessions:
//! editing an entry's words (ACC-02 alt text, ETH-17 quote changes), roles
//! (PRV-09), uploads through the import's ingest (no orphan blobs, file names
//! never stored), the coverage matrix and prompt order (PRE-02).

mod entry_edits;
mod real_names;
mod study_settings;
pub(crate) mod support;
mod uploads;
