//! A publish killed at random moments loses nothing: the old Release or a
//! whole new one.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;
use common::{DEMO, TestApp};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// A small pseudo-random sequence, seeded from the clock.
fn delays(n: usize, max: Duration) -> Vec<Duration> {
    let mut x = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            max.mul_f64((x % 1000) as f64 / 1000.0)
        })
        .collect()
}

/// Every stored Release parses, lists exactly the media its body shows, and
/// versions run 1, 2, 3… with no gap.
async fn assert_releases_whole(test: &TestApp) -> usize {
    let study = test.demo_study().await;
    let bodies = test
        .app
        .store()
        .release_bodies(study.id)
        .await
        .expect("bodies");
    for (n, (body, keys)) in bodies.iter().enumerate() {
        let release: vitrine_core::Release = serde_json::from_str(body).expect("body parses");
        assert_eq!(release.version as usize, n + 1);
        let shown: BTreeSet<String> = release.media_keys().map(str::to_owned).collect();
        assert_eq!(shown.into_iter().collect::<Vec<_>>(), *keys);
    }
    let verified = test.app.store().verify_audit().await.expect("verify");
    assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    bodies.len()
}

#[tokio::test]
async fn a_publish_killed_at_any_moment_leaves_the_old_release_or_a_whole_new_one() {
    let test = TestApp::own_demo().await;
    let settings = &test.app.settings;
    let run = || {
        let mut cmd = common::vitrine_command(settings, &["publish", DEMO]);
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd
    };
    let started = Instant::now();
    assert!(run().status().expect("publish").success());
    let whole = started.elapsed();
    let mut count = assert_releases_whole(&test).await;
    assert_eq!(count, 2);
    let mut killed_running = 0;
    for delay in delays(12, whole) {
        let mut child = run().spawn().expect("start publish");
        std::thread::sleep(delay);
        if child.try_wait().expect("poll").is_none() {
            killed_running += 1;
        }
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        let now = assert_releases_whole(&test).await;
        assert!(now == count || now == count + 1, "{count} then {now}");
        count = now;
    }
    assert!(killed_running > 0, "some publish was killed part-way");
    eprintln!(
        "{killed_running} of 12 killed while running; {} Releases written",
        count - 2
    );
    assert!(run().status().expect("publish").success());
    assert_eq!(assert_releases_whole(&test).await, count + 1);
}
