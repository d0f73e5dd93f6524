//! Check: list what blocks each entry of a study from being published, without
//! publishing anything.

use crate::app::App;
use crate::app::publish::{PublishError, entry_label, load, real_names};
use vitrine_core::{Blocker, ReleaseInput, Study, build_release};

/// The outcome of a check.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Entries that would be published.
    pub publishable: usize,
    /// Entries that would not, each with every reason.
    pub blocked: Vec<(String, Vec<Blocker>)>,
}

/// Checks `study` as a publish today would.
pub async fn check(app: &App, study: &Study) -> Result<CheckReport, PublishError> {
    let content = load(app, study).await?;
    let real_names = real_names(app, &content).await?;
    let input = ReleaseInput {
        real_names: &real_names,
        ..content.release_input()
    };
    let (release, left_out) = build_release(&input, 0, time::OffsetDateTime::now_utc());
    Ok(CheckReport {
        publishable: release.entry_count(),
        blocked: left_out
            .into_iter()
            .map(|(id, reasons)| (entry_label(&content, id), reasons))
            .collect(),
    })
}
