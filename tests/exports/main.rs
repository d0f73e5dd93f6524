//! Everything that takes a Release (or the study) out of Vitrine, and what
//! is served for citing, viewing and reading it (issue 12), in one test
//! binary so CI links it once: the static site, the archive for deposit,
//! the study folder, citation and DOIs, IIIF and the JSON API.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod archive;
mod citation;
mod iiif;
mod site;
mod study;
mod workspace;
