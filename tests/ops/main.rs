//! Import, the command line, background jobs, crash and kill safety, two instances on one database, the image memory budget, the fuzz corpus, the schema and the release build.
//!
//! One test binary (each file a module), so a clean build links it once
//! instead of once per file.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod fuzz_corpus;
mod image_memory;
mod import;
mod import_location;
mod jobs;
mod kill;
mod large_publish;
mod layering;
mod release_build;
mod schema;
mod two_instances;
