//! The public side as visitors and caches meet it: pages, their budget and headers, a custom study, no metadata in any image, operations endpoints and `vitrine serve` itself.
//!
//! One test binary (each file a module), so a clean build links it once
//! instead of once per file.

#[path = "../common/mod.rs"]
mod common;

mod page_budget;
mod present;
mod serve;
mod web_custom_study;
mod web_no_metadata;
mod web_ops;
mod web_pages;
mod web_security;
