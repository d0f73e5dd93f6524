//! The command line as scripts and researchers use it: exit codes 0/1/2,
//! messages that say what to fix (issue 3 §5).
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use std::process::{Command, Output};

fn vitrine(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("VITRINE_DATA")
        .env_remove("VITRINE_CONFIG")
        .output()
        .expect("run vitrine")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn import_check_publish_report_with_meaningful_exit_codes() {
    let data = tempfile::tempdir().unwrap();
    let out = vitrine(data.path(), &["import", "examples/small-study"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Imported study \"small-study\": 4 entries"));

    let out = vitrine(data.path(), &["check", "small-study"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a blocked entry fails the check"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("e3 “The laundrette”"), "{stdout}");
    assert!(
        stdout.contains("does not cover publishing online"),
        "{stdout}"
    );

    let out = vitrine(data.path(), &["publish", "small-study"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Published Release 1 of \"small-study\" with 3 entries."));
}

#[test]
fn check_names_an_original_photo_that_is_not_signed_off() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    common::copy_dir(std::path::Path::new("examples/small-study"), folder.path());
    let entries = folder.path().join("entries.csv");
    let csv = std::fs::read_to_string(&entries).unwrap();
    let unsigned = csv.replacen(
        ",Research team (example),Second reviewer (example)\n",
        ",,\n",
        1,
    );
    assert_ne!(csv, unsigned, "e1 had a sign-off");
    std::fs::write(&entries, unsigned).unwrap();
    let out = vitrine(data.path(), &["import", folder.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let out = vitrine(data.path(), &["check", "small-study"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2 entries of \"small-study\" can be published"),
        "{stdout}"
    );
    assert!(stdout.contains("e1 “Kettle on”"), "{stdout}");
    assert!(
        stdout.contains("de-identification is not signed off: the checklist has not been started"),
        "{stdout}"
    );
}

#[test]
fn a_broken_folder_lists_problems_and_exits_1() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("study.toml"), "slug = \"Bad Slug\"\n").unwrap();
    let out = vitrine(data.path(), &["import", folder.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("Nothing was imported"), "{stderr}");
    for file in [
        "prompts.csv",
        "participants.csv",
        "consent.csv",
        "entries.csv",
        "study.toml",
    ] {
        assert!(
            stderr.contains(&format!("  - {file}")),
            "{file} not named in {stderr}"
        );
    }
}

#[test]
fn unknown_study_exits_1_and_names_the_known_ones() {
    let data = tempfile::tempdir().unwrap();
    vitrine(data.path(), &["import", "examples/small-study"]);
    let out = vitrine(data.path(), &["publish", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("Known studies: small-study"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_settings_exit_2_naming_each_setting() {
    let data = tempfile::tempdir().unwrap();
    let config = data.path().join("vitrine.toml");
    std::fs::write(&config, "listen = \"nowhere\"\n[images]\nmax_frames = 0\n").unwrap();
    let out = vitrine(
        data.path(),
        &["--config", config.to_str().unwrap(), "check", "x"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("listen:") && stderr.contains("images.max_frames:"),
        "{stderr}"
    );
}

#[test]
fn help_lists_every_subcommand() {
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg("--help")
        .output()
        .unwrap();
    let help = text(&out.stdout);
    for sub in ["serve", "import", "publish", "check"] {
        assert!(help.contains(sub), "{help}");
    }
}
