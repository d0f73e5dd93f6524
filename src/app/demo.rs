//! The bundled demo: the link-worker study from the seed gallery, with stand-in
//! illustrations drawn by the project (`demo/draw_stand_ins.py`). Compiled into
//! the binary so `vitrine serve` shows a gallery with no setup at all.

use crate::app::App;
use crate::app::import::files::EmbeddedFolder;
use crate::app::import::{ImportError, import_folder};
use crate::app::progress::NoProgress;
use crate::app::publish::{PublishError, publish};
use anyhow::Context;

/// The demo study's slug.
pub const DEMO_SLUG: &str = "link-worker-retention";

macro_rules! demo_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../../demo/link-worker-retention/", $path)) as &[u8])),*]
    };
}

/// The demo study folder.
pub const DEMO: EmbeddedFolder = EmbeddedFolder {
    name: "the bundled demo study",
    files: demo_files!(
        "study.toml",
        "prompts.csv",
        "participants.csv",
        "consent.csv",
        "themes.csv",
        "entries.csv",
        "images/christmas-bags.png",
        "images/desk.png",
        "images/feedback-form.png",
        "images/financial-support.png",
        "images/flowers.png",
        "images/hoarding.png",
        "images/hygiene-products.png",
        "images/nature-walk-peacock.png",
        "images/training-certificate.png",
    ),
};

/// Imports and publishes the demo when the data folder holds no study yet.
/// Returns whether it did.
pub async fn ensure_demo(app: &App) -> anyhow::Result<bool> {
    if !app
        .store
        .list_study_slugs()
        .await
        .context("cannot list studies")?
        .is_empty()
    {
        return Ok(false);
    }
    tracing::info!("empty data folder: importing and publishing the demo study");
    match import_folder(app, &DEMO, &NoProgress).await {
        Ok(_) => {}
        Err(ImportError::Invalid(problems)) => {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            anyhow::bail!(
                "the bundled demo study is invalid (a bug): {}",
                list.join("; ")
            );
        }
        Err(ImportError::Failed(e)) => return Err(e.context("cannot import the demo study")),
    }
    // The demo is shown at once, so its WebP versions are made now rather
    // than by the background job a real import leaves them to.
    crate::app::jobs::encode_pending_webp(app, i64::MAX)
        .await
        .context("cannot make the demo's WebP versions")?;
    let study = crate::app::studies::find(app, DEMO_SLUG)
        .await
        .context("cannot read the demo study")?;
    match publish(app, &study).await {
        // Another instance starting at the same time published it first.
        Ok(_) | Err(PublishError::Conflict(_)) => {}
        Err(e) => return Err(anyhow::Error::new(e).context("cannot publish the demo study")),
    }
    Ok(true)
}
