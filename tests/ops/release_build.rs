//! The binary operators run carries no test-only helpers (issue 11 §5, PRV-11):
//! `vitrine_store::testing` can rewrite and delete audit rows behind the hash
//! chain's back, and `app::testing` creates databases on a server. Both compile
//! only with the `test-support` feature, which the package's dev-dependency on
//! itself turns on for test builds. These tests ask cargo's own resolver (no
//! compiling) which features each kind of build gets.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use std::process::Command;

/// `cargo tree` for the vitrine package over the dependency `edges` given,
/// one line per package or feature, each package with its enabled features.
fn resolved(edges: &str) -> String {
    let out = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--frozen",
            "--package",
            "vitrine",
            "--prefix",
            "none",
        ])
        .args(["--edges", edges, "--format", "{p} [{f}]"])
        .output()
        .expect("run cargo tree");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The features `package` is built with in a `resolved` listing.
fn features_of<'a>(listing: &'a str, package: &str) -> Vec<&'a str> {
    let prefix = format!("{package} v");
    listing
        .lines()
        .filter(|line| line.starts_with(&prefix))
        .filter_map(|line| line.rsplit_once('[').map(|(_, f)| f))
        .flat_map(|f| f.split(']').next().unwrap_or("").split(','))
        .filter(|f| !f.is_empty())
        .collect()
}

#[test]
fn release_build_leaves_out_test_only_helpers() {
    // A build of the binary (`cargo build --release`, `cargo run -- serve`):
    // normal and build dependencies only.
    let release = resolved("normal,build,features");
    assert!(
        !release.contains("test-support"),
        "a build of the binary turns on test-support:\n{release}"
    );
    // `cargo test`, with no flag: dev-dependencies too, so the helpers the
    // tests call are compiled, and only there.
    let tests = resolved("normal,build,dev,features");
    for package in ["vitrine", "vitrine-store"] {
        assert!(
            features_of(&tests, package).contains(&"test-support"),
            "`cargo test` does not give {package} its test-support feature:\n{tests}"
        );
    }
}
