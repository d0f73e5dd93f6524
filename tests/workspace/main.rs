//! The curator workspace: sign-in and its throttles, the authorization matrix, consent, curation, redaction, sign-off and publishing, the team, study slugs and withdrawal.
//!
//! One test binary (each file a module), so a clean build links it once
//! instead of once per file.

mod access;
#[path = "../common/mod.rs"]
mod common;

mod admin_access;
mod admin_auth;
mod admin_consent;
mod admin_curate;
mod admin_release;
mod admin_team;
mod face_warnings;
mod guides;
mod print;
mod redact;
mod reflections;
mod sessions;
mod sign_in_hashing;
mod sign_in_throttle;
mod study_slugs;
mod withdraw;
