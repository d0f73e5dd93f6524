//! `kill -9` during an import loses nothing and, after the sweep, leaves no
//! orphan blob (issue 4): rows are written in one transaction after the blobs,
//! so a killed import stores no rows, and `vitrine gc` removes its blobs.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use common::TestApp;
use std::time::{Duration, Instant};

#[tokio::test]
async fn an_import_killed_part_way_stores_nothing_and_its_blobs_are_swept() {
    let test = TestApp::empty().await;
    let settings = &test.app.settings;
    let mut cmd = common::vitrine_command(settings, &["import", "demo/link-worker-retention"]);
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().expect("start import");

    // Wait for the first blob, then kill the import without warning.
    let started = Instant::now();
    while test.app.blobs().list_all().await.expect("list").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import wrote no blob"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        child.try_wait().expect("wait"),
        None,
        "the import was still running when killed"
    );
    child.kill().expect("kill -9");
    child.wait().expect("reap");

    assert!(
        test.app
            .store()
            .list_study_slugs()
            .await
            .expect("studies")
            .is_empty(),
        "no half study"
    );
    assert!(
        !test.app.blobs().list_all().await.expect("list").is_empty(),
        "the killed import left blobs"
    );
    let swept = vitrine::app::gc::sweep(&test.app, Duration::ZERO)
        .await
        .expect("sweep");
    assert!(swept.originals + swept.public > 0);
    assert!(
        test.app.blobs().list_all().await.expect("list").is_empty(),
        "no orphan left"
    );

    // The same import then completes, and the sweep leaves its blobs alone.
    let status = cmd.status().expect("import again");
    assert!(status.success());
    let kept = test.app.blobs().list_all().await.expect("list").len();
    let swept = vitrine::app::gc::sweep(&test.app, Duration::ZERO)
        .await
        .expect("sweep");
    assert_eq!((swept.originals, swept.public), (0, 0));
    assert_eq!(test.app.blobs().list_all().await.expect("list").len(), kept);
}

#[tokio::test]
async fn the_sweep_spares_young_orphans_an_import_elsewhere_may_still_need() {
    let test = TestApp::empty().await;
    let stray = vitrine_store::BlobKey::Public("00112233445566778899aabbccddeeff.jpg".to_owned());
    test.app
        .blobs()
        .put(&stray, b"half an import".to_vec())
        .await
        .expect("put");
    let swept = vitrine::app::gc::sweep(&test.app, Duration::from_secs(3600))
        .await
        .expect("sweep");
    assert_eq!(swept.public, 0);
    assert!(test.app.blobs().exists(&stray).await.expect("exists"));
}

/// A `vitrine serve` process started with `args`, its address once it listens.
fn serve(
    settings: &vitrine::settings::Settings,
    args: &[&str],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let mut all = vec!["serve", "--no-demo", "--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    let mut child = common::vitrine_command(settings, &all)
        .env("VITRINE_JOB_LEASE_SECS", "2")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start vitrine serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

/// A job claimed by an instance that is then killed with SIGKILL is finished by
/// another instance once the claim's lease runs out (issue 4), with two real
/// `vitrine serve` processes on one store.
#[tokio::test]
async fn a_job_whose_instance_is_killed_is_finished_by_another() {
    use std::io::{Read, Write};
    let test = TestApp::empty().await;
    let settings = &test.app.settings;

    // Instance A's purge webhook accepts the connection and never answers, so
    // A is caught in the middle of the job when it is killed.
    let stuck = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let stuck_url = format!("http://{}/purge", stuck.local_addr().expect("addr"));
    let (accepted_tx, accepted_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in stuck.incoming().map_while(Result::ok) {
            let _ = accepted_tx.send(());
            held.push(stream);
        }
    });
    // Instance B's webhook answers 200 and hands over what it was sent.
    let ok = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let ok_url = format!("http://{}/purge", ok.local_addr().expect("addr"));
    let (body_tx, body_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for mut stream in ok.incoming().map_while(Result::ok) {
            let mut buf = vec![0_u8; 64 * 1024];
            let mut got = Vec::new();
            stream
                .set_read_timeout(Some(Duration::from_millis(500)))
                .expect("timeout");
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                if String::from_utf8_lossy(&got).contains("\"reason\"") {
                    break;
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            let _ = body_tx.send(String::from_utf8_lossy(&got).into_owned());
        }
    });

    let payload = r#"{"paths":["/demo/entries/gone"],"reason":"test"}"#;
    assert!(
        test.app
            .store()
            .enqueue_job(
                vitrine::app::jobs::CDN_PURGE,
                payload,
                None,
                vitrine_store::now_ms()
            )
            .await
            .expect("enqueue")
    );
    let purge = |jobs: Vec<vitrine_store::JobStatus>| {
        jobs.into_iter()
            .find(|j| j.kind == vitrine::app::jobs::CDN_PURGE)
            .expect("the purge job")
    };

    let (mut a, _a_out) = serve(settings, &["--purge-webhook", &stuck_url]);
    accepted_rx
        .recv_timeout(Duration::from_secs(120))
        .expect("instance A claimed the job and called its webhook");
    let mine = purge(test.app.store().list_jobs(10).await.expect("jobs"));
    assert_eq!(mine.state, "running", "A holds the job when it dies");
    a.kill().expect("kill -9");
    a.wait().expect("reap");

    let (mut b, _b_out) = serve(settings, &["--purge-webhook", &ok_url]);
    let body = body_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("instance B ran the job after A's lease ran out");
    assert!(body.contains("/demo/entries/gone"), "{body}");
    let started = Instant::now();
    loop {
        let state = purge(test.app.store().list_jobs(10).await.expect("jobs")).state;
        if state == "done" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "job state {state}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.kill().expect("stop B");
    b.wait().expect("reap");
}
