//! The test harness: a real `App` on a temporary data folder, driven through
//! the real router with `tower::ServiceExt::oneshot`.
//!
//! Each test binary includes this module and uses only part of it: requests
//! and responses (`http`), reading pages (`html`), the demo study and its staff
//! (`demo`), signing in through the form (`sign_in`), test images
//! (`images`), and folders and commands (`files`).
#![allow(dead_code)]
#![expect(clippy::expect_used, reason = "test set-up fails loudly")]

mod demo;
mod files;
mod html;
mod http;
mod images;
mod sign_in;

// Each test binary uses only part of the harness.
#[allow(unused_imports)]
pub use self::{
    demo::StaffLogin,
    files::{copy_dir, files_under, vitrine_command},
    html::{attr, contains_word, escaped, links, rel_link, tags},
    http::{Part, TestResponse, get_on, multipart_body, post_multipart, send, send_on},
    images::{rgb_png, with_gps, with_metadata, with_text},
    sign_in::{cookie_pair, sign_in_through_form},
};

use std::path::Path;
use std::sync::OnceLock;
use tempfile::TempDir;
use vitrine::app::App;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::import_folder;
use vitrine::app::progress::NoProgress;
use vitrine::settings::Settings;

/// A running app on its own data folder, removed when dropped.
pub struct TestApp {
    /// The use-case handles, for setting up and inspecting state.
    pub app: App,
    _data: TempDir,
}

impl TestApp {
    /// An app with nothing imported.
    pub async fn empty() -> TestApp {
        let data = TempDir::new().expect("temp dir");
        let app = vitrine::app::testing::open(data.path())
            .await
            .expect("open app");
        TestApp { app, _data: data }
    }

    /// An app with its own copy of the bundled demo study, imported and
    /// published. The demo is imported once per test binary, because image
    /// processing dominates the test time; each test gets a copy of that
    /// data folder and, on a server backend, of its database (made from it
    /// as a template) and its blobs (`vitrine::app::testing::copy_of`).
    pub async fn demo() -> TestApp {
        let data = TempDir::new().expect("temp dir");
        let (template, settings) = demo_template();
        copy_dir(template, data.path());
        let settings = vitrine::app::testing::copy_of(settings, data.path())
            .await
            .expect("copy the demo");
        let app = App::open(settings).await.expect("open app");
        TestApp { app, _data: data }
    }

    /// An app with the study folder at `folder` imported and published.
    pub async fn with_study(folder: &Path) -> TestApp {
        let test = Self::empty().await;
        let report = import_folder(&test.app, &DiskFolder::new(folder), &NoProgress)
            .await
            .unwrap_or_else(|e| panic!("import {}: {e:?}", folder.display()));
        // What the background worker would do before anyone looks.
        vitrine::app::jobs::encode_pending_webp(&test.app, i64::MAX)
            .await
            .expect("WebP versions");
        vitrine::app::publish::publish(
            &test.app,
            &crate::common::study(&test.app, &report.slug).await,
        )
        .await
        .expect("publish");
        test
    }

    /// An app with its own copy of the demo study, safe to change (withdraw,
    /// edit, publish) on every backend: [`TestApp::demo`], named for tests
    /// that change it.
    pub async fn own_demo() -> TestApp {
        Self::demo().await
    }
}

/// A data folder holding the published demo, made on first use on a thread of
/// its own (so its runtime and connections are gone before anyone copies it).
fn demo_template() -> (&'static Path, &'static Settings) {
    static TEMPLATE: OnceLock<(TempDir, Settings)> = OnceLock::new();
    let (dir, settings) = TEMPLATE.get_or_init(|| {
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let data = TempDir::new().expect("temp dir");
                let settings = vitrine::app::testing::settings(data.path())
                    .await
                    .expect("test settings");
                let app = App::open(settings.clone()).await.expect("open app");
                vitrine::app::demo::ensure_demo(&app)
                    .await
                    .expect("demo imports and publishes");
                // Tests copy this folder: close the pool first, so SQLite is not
                // checkpointing and deleting its WAL file while a copy reads it.
                app.store().close().await;
                (data, settings)
            })
        })
        .join()
        .expect("demo template thread")
    });
    (dir.path(), settings)
}

/// The demo study's slug.
pub const DEMO: &str = "link-worker-retention";

/// The study at `slug`, as the command line resolves it before calling a
/// use case.
pub async fn study(app: &vitrine::app::App, slug: &str) -> vitrine_core::Study {
    vitrine::app::studies::find(app, slug)
        .await
        .unwrap_or_else(|e| panic!("study {slug}: {e}"))
}
