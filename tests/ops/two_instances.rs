//! Several stateless instances on one database and blob store (issue 4): they
//! start together on an empty store without tripping over each other, and a
//! Release published or withdrawn through one process is served by every
//! instance as soon as that process's command returns.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use vitrine::settings::Settings;

/// A `vitrine serve` process, killed when dropped.
struct Instance {
    child: Child,
    addr: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(settings: &Settings, args: &[&str]) -> Command {
    common::vitrine_command(settings, args)
}

/// Starts an instance on a free port and waits until it says where it listens.
fn start(settings: &Settings) -> Instance {
    let mut child = command(settings, &["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start vitrine serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("http://").nth(1) {
                let _ = tx.send(
                    rest.trim_end_matches(|c| c != '/')
                        .trim_end_matches('/')
                        .to_owned(),
                );
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("instance reports its address");
    Instance { child, addr }
}

/// The status code of `GET path`, over a plain TCP connection.
fn status(addr: &str, path: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    // Bytes, not a String: image bodies are not UTF-8.
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn instances_share_one_store_and_serve_a_new_release_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = vitrine::app::testing::settings(dir.path())
        .await
        .expect("settings");

    // Two instances start together on an empty store: the demo is set up once
    // between them and both serve it.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| start(&settings));
        let b = s.spawn(|| start(&settings));
        (a.join().expect("a"), b.join().expect("b"))
    });
    for instance in [&a, &b] {
        assert_eq!(status(&instance.addr, "/link-worker-retention/"), 200);
        assert_eq!(status(&instance.addr, "/small-study/"), 404);
    }

    let import = command(&settings, &["import", "examples/small-study"])
        .output()
        .expect("import");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    assert_eq!(
        status(&a.addr, "/small-study/"),
        404,
        "imported is not published"
    );

    let publish = command(&settings, &["publish", "small-study"])
        .output()
        .expect("publish");
    assert!(
        publish.status.success(),
        "{}",
        String::from_utf8_lossy(&publish.stderr)
    );
    // The very next request to each instance, with no retry: "at once" is
    // that, not a time limit (a timed check failed under CI's load).
    for instance in [&a, &b] {
        assert_eq!(status(&instance.addr, "/small-study/"), 200);
    }
    for instance in [&a, &b] {
        assert_eq!(status(&instance.addr, "/readyz"), 200);
    }
}

/// ETH-22 across instances: a withdrawal made by a third process (here, the
/// test itself on the same store) is answered by every instance at once:
/// the entry's page and each of its image files are 404 on both at the
/// very next request. Both have just served them, so both hold a lease on
/// "what is current" (`vitrine-store/src/lease.rs`): the withdrawal returns
/// only once those leases have run out.
#[tokio::test]
async fn a_withdrawal_is_served_by_every_instance_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = vitrine::app::testing::settings(dir.path())
        .await
        .expect("settings");
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| start(&settings));
        let b = s.spawn(|| start(&settings));
        (a.join().expect("a"), b.join().expect("b"))
    });
    let app = vitrine::app::App::open(settings.clone())
        .await
        .expect("open the shared store");
    let study = app
        .store()
        .find_study_by_slug("link-worker-retention")
        .await
        .expect("read")
        .expect("demo study");
    let (release_id, release) = app
        .store()
        .latest_release("link-worker-retention")
        .await
        .expect("read")
        .expect("published");
    let (entry, slug) = app
        .store()
        .release_entries(release_id)
        .await
        .expect("mapping")
        .into_iter()
        .next()
        .expect("an entry");
    let shown = release.find_entry(&slug).expect("shown").entry;
    let mut paths = vec![format!("/link-worker-retention/entries/{slug}")];
    paths.extend(
        shown
            .image
            .iter()
            .flat_map(|i| i.variants.iter().map(|v| format!("/media/{}", v.key))),
    );
    for instance in [&a, &b] {
        for path in &paths {
            assert_eq!(status(&instance.addr, path), 200, "{path}");
        }
    }

    vitrine::app::withdraw::withdraw_entry(
        &app,
        &study,
        entry,
        vitrine::app::Actor::operator("test"),
        vitrine::app::withdraw::Reason::ParticipantAsked,
    )
    .await
    .expect("withdraw")
    .expect("entry exists");
    // The very next request for each path on each instance, with no retry.
    for instance in [&a, &b] {
        for path in &paths {
            assert_eq!(status(&instance.addr, path), 404, "{path}");
        }
        assert_eq!(status(&instance.addr, "/link-worker-retention/"), 200);
    }
}
