//! De-identification sign-off, publishing and withdrawal: the three steps
//! between curated content and what the public sees, and back.
//!
//! - [`checklist`]: an entry's de-identification checklist and its approval
//!   by a second person (ETH-08, ETH-09).
//! - [`publish`]: a preview of exactly what the next Release will show, what
//!   is left out and why, and what changed; then publishing it.
//! - [`withdraw`]: withdrawing an entry or a participant everywhere at once
//!   (ETH-22, ETH-23, PRV-13), with a report of what is left to do by hand.

mod checklist;
mod publish;
mod withdraw;

pub use checklist::{approve, save_checklist, show_checklist};
pub use publish::{publish, save_doi, show_publish};
pub use withdraw::{
    show_withdraw_entry, show_withdraw_participant, withdraw_entry, withdraw_participant,
};

use super::views::AdminError;

/// Parses a numeric id from a staff URL; anything else is a page that does
/// not exist.
fn id(text: &str) -> Result<i64, AdminError> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AdminError::NotFound)
}
