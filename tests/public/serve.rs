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
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    assert!(
        stderr.contains("chmod 700"),
        "and says how to fix it: {stderr}"
    );

    let closed = parent.path().join("closed");
    let stderr = Server::start(&closed, &[]).stop();
    assert!(
        !stderr.contains("can be read by other users"),
        "a folder vitrine made itself is private: {stderr}"
    );
}

/// Reads until the server closes the connection or `within` passes; returns
/// what arrived and whether the server closed it in time.
fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    stream.set_read_timeout(Some(within)).expect("read timeout");
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            // A reset is the server closing too.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (String::from_utf8_lossy(&got).into_owned(), true);
            }
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
        }
        if started.elapsed() > within {
            return (String::from_utf8_lossy(&got).into_owned(), false);
        }
    }
}

/// The status of a complete `GET path` on a new connection, or 0 when the
/// server closed it without answering.
fn get_status(addr: &str, path: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).expect("connect");
    // The server may close at once; a failed write then reads as no answer.
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let (response, _) = read_until_closed(&mut stream, Duration::from_secs(10));
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A connection to `addr` from the local address `from` (any of 127.0.0.0/8
/// is this machine on Linux, but a different client address to the server).
fn connect_from(from: &str, addr: &str) -> TcpStream {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket
            .bind(format!("{from}:0").parse().expect("address"))
            .expect("bind");
        socket
            .connect(addr.parse().expect("address"))
            .await
            .expect("connect")
    });
    let stream = stream.into_std().expect("std stream");
    stream.set_nonblocking(false).expect("blocking");
    stream
}

#[test]
fn a_request_whose_headers_never_finish_is_closed_after_the_header_timeout() {
    let data = tempfile::tempdir().expect("tempdir");
    let server = Server::start(data.path(), &["--header-timeout-secs", "1"]);
    let mut half = TcpStream::connect(&server.addr).expect("connect");
    write!(
        half,
        "GET / HTTP/1.1\r\nHost: gallery.test\r\nUser-Agent: slow"
    )
    .expect("send");
    let mut silent = TcpStream::connect(&server.addr).expect("connect");
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut half, Duration::from_secs(8));
    assert!(closed, "half a header is not kept open for ever");
    let (_, closed) = read_until_closed(&mut silent, Duration::from_secs(8));
    assert!(closed, "a connection that sends nothing is closed too");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "closed after about the 1 s timeout, took {:?}",
        started.elapsed()
    );
    assert_eq!(
        get_status(&server.addr, "/healthz"),
        200,
        "others are served"
    );
}

#[test]
fn a_request_body_that_stalls_is_refused_after_the_body_timeout() {
    let data = tempfile::tempdir().expect("tempdir");
    let server = Server::start(data.path(), &["--body-timeout-secs", "1"]);
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    write!(
        stream,
        "POST /admin/login HTTP/1.1\r\nHost: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a",
        server.addr
    )
    .expect("send");
    let started = Instant::now();
    let (response, closed) = read_until_closed(&mut stream, Duration::from_secs(8));
    let status: u16 = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    assert!(
        closed && (400..500).contains(&status),
        "a stalled body gets a 4xx and the connection ends: {response:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn connections_past_the_per_address_cap_are_refused() {
    let data = tempfile::tempdir().expect("tempdir");
    // Loopback is exempt by default (a reverse proxy connects from there);
    // an empty list caps every address, this test's too.
    let server = Server::start(
        data.path(),
        &[
            "--max-connections-per-address",
            "2",
            "--connection-cap-exempt",
            "",
        ],
    );
    let first = TcpStream::connect(&server.addr).expect("connect");
    let _second = TcpStream::connect(&server.addr).expect("connect");
    assert_eq!(
        get_status(&server.addr, "/healthz"),
        0,
        "a third connection from the same address is closed unanswered"
    );
    let mut other = connect_from("127.0.0.2", &server.addr);
    write!(
        other,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let (response, _) = read_until_closed(&mut other, Duration::from_secs(10));
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "the cap is per address: another address is still served: {response:?}"
    );
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    while get_status(&server.addr, "/healthz") != 200 {
        assert!(
            Instant::now() < deadline,
            "a freed slot is given to the next connection"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_connection_cap_skips_exempt_addresses() {
    let data = tempfile::tempdir().expect("tempdir");
    let server = Server::start(data.path(), &["--max-connections-per-address", "1"]);
    let _held = TcpStream::connect(&server.addr).expect("connect");
    assert_eq!(
        get_status(&server.addr, "/healthz"),
        200,
        "loopback, where a reverse proxy connects from, is not capped by default"
    );
}

#[test]
fn metrics_listen_serves_metrics_apart_from_the_public_site() {
    let data = tempfile::tempdir().expect("tempdir");
    let server = Server::start(data.path(), &["--metrics-listen", "127.0.0.1:0"]);
    let metrics = server
        .metrics
        .clone()
        .expect("serve names the metrics address");
    assert_eq!(get_status(&server.addr, "/healthz"), 200);
    assert_eq!(
        get_status(&server.addr, "/metrics"),
        404,
        "not on the public listener, even from this machine"
    );
    assert_eq!(get_status(&metrics, "/metrics"), 200);
    assert_eq!(
        get_status(&metrics, "/"),
        404,
        "the metrics listener serves nothing else"
    );
}
