//! `vitrine serve` and the files it keeps, tested as an operator meets them: a
//! real child process on a real port, driven by plain TCP clients (issue 10,
//! items 10-13): private files whatever the umask, header and body timeouts, a
//! per-address connection cap, and `/metrics` kept off the public listener.
#![cfg(unix)]
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const VITRINE: &str = env!("CARGO_BIN_EXE_vitrine");

/// `vitrine` with `args`, run by `sh` under `umask` (a process-wide setting, so
/// it is set in the child, never in this test process).
fn vitrine_with_umask(umask: &str, data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(VITRINE)
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("VITRINE_DATA")
        .env_remove("VITRINE_CONFIG")
        .env_remove("VITRINE_DATABASE_URL")
        .env_remove("VITRINE_BLOBS_URL")
        .env("VITRINE_LOG", "warn");
    cmd
}

/// A `vitrine serve` process, killed when dropped.
struct Server {
    child: Child,
    /// The public listener, as `host:port`.
    addr: String,
    /// The metrics listener, when one was asked for.
    metrics: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `vitrine serve --no-demo` on a free port with `extra` arguments,
    /// and waits until it says where it listens.
    fn start(data: &Path, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--no-demo", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = vitrine_with_umask("077", data, &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start vitrine serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
        let mut addr = None;
        let mut metrics = None;
        for line in lines.by_ref() {
            let found = line
                .split("http://")
                .nth(1)
                .map(|rest| rest.split('/').next().unwrap_or_default().to_owned());
            if line.contains("metrics") {
                metrics = found;
            } else if found.is_some() {
                addr = found;
                break;
            }
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            addr: addr.expect("vitrine serve reports its address"),
            metrics,
        }
    }

    /// Stops the server and returns what it wrote to stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut err = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut err);
        }
        err
    }
}

/// Every file and folder under `dir`, with its permission bits.
fn modes(dir: &Path, out: &mut Vec<(String, u32)>) {
    let meta = std::fs::metadata(dir).expect("metadata");
    out.push((dir.display().to_string(), meta.permissions().mode() & 0o777));
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            modes(&path, out);
        } else {
            let mode = std::fs::metadata(&path).expect("metadata").permissions().mode();
            out.push((path.display().to_string(), mode & 0o777));
        }
    }
}

#[test]
fn private_files_are_owner_only_whatever_the_umask() {
    let parent = tempfile::tempdir().expect("tempdir");
    let data = parent.path().join("data");
    let study = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-study");
    let out = vitrine_with_umask("000", &data, &["import"])
        .arg(&study)
        .output()
        .expect("run vitrine import");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut found = Vec::new();
    modes(&data, &mut found);
    assert!(
        found.iter().any(|(p, _)| p.ends_with("vitrine.db"))
            && found.iter().any(|(p, _)| p.contains("vault/originals/")),
        "the import wrote the database and originals: {found:#?}"
    );
    let readable: Vec<String> = found
        .iter()
        .filter(|(_, m)| m & 0o077 != 0)
        .map(|(p, m)| format!("{m:o} {p}"))
        .collect();
    assert!(
        readable.is_empty(),
        "with umask 000, nothing in the data folder may be open to others: {readable:#?}"
    );
}

#[test]
fn serve_warns_when_the_data_folder_is_readable_by_others() {
    let parent = tempfile::tempdir().expect("tempdir");
    let open = parent.path().join("open");
    std::fs::DirBuilder::new()
        .mode(0o755)
        .create(&open)
        .expect("mkdir");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let stderr = Server::start(&open, &[]).stop();
    assert!(
        stderr.contains("can be read by other users"),
        "a warning names the problem: {stderr}"
    );
    assert!(stderr.contains("chmod 700"), "and says how to fix it: {stderr}");

    let closed = parent.path().join("closed");
    let stderr = Server::start(&closed, &[]).stop();
    assert!(
        !stderr.contains("can be read by other users"),
        "a folder vitrine made itself is private: {stderr}"
    );
}
