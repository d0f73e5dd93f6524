//! Vitrine: publish privacy-safe, accessible galleries from photo-elicitation and
//! photovoice research.
//!
//! The binary is layered like a house: [`cmd`] (one file per subcommand) and
//! [`web`] (the public site) sit on top and call the use cases in [`app`] (import,
//! publish, check, export, demo), which sit on the store and media crates, with the
//! pure domain (`vitrine-core`) at the bottom. [`site`] renders the public pages
//! from a Release for both the web and the static export.

pub mod app;
pub mod cmd;
pub mod settings;
pub mod site;
pub mod web;
