//! Issue 10 item 2: password hashing never blocks the async runtime. A test
//! binary of its own, because it watches the process-wide count of running
//! hashes and must not see other tests' sign-ins.

use crate::common;

use common::TestApp;
use vitrine::app::auth::{self, HASHING_AT_ONCE, HASHING_NICENESS, SignInError};

/// On a runtime with one thread, `/healthz` is answered while password checks
/// are running: were argon2 run inside the handler, nothing else could run
/// until each hash finished, so no answer could ever see one running. And
/// never more than `HASHING_AT_ONCE` run at once, however many sign-ins come.
#[test]
fn password_hashing_does_not_block_the_async_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let test = TestApp::empty().await;
        let sign_ins: Vec<_> = (0..12)
            .map(|i| {
                let app = test.app.clone();
                tokio::spawn(async move {
                    let from = Some(format!("203.0.113.{i}").parse().expect("ip"));
                    auth::sign_in(&app, "pat@example.org", "not the password", from).await
                })
            })
            .collect();
        let (mut answered_while_hashing, mut most) = (0, 0);
        while sign_ins.iter().any(|t| !t.is_finished()) {
            let before = auth::password_hashes_running();
            let health = test.get("/healthz").await;
            assert_eq!(health.status, 200);
            let after = auth::password_hashes_running();
            if before > 0 && after > 0 {
                answered_while_hashing += 1;
            }
            most = most.max(before).max(after);
            tokio::task::yield_now().await;
        }
        for task in sign_ins {
            let result = task.await.expect("task");
            assert!(matches!(result, Err(SignInError::Invalid)), "{result:?}");
        }
        assert!(
            answered_while_hashing > 0,
            "/healthz was never answered while a password was being hashed"
        );
        assert!(most <= HASHING_AT_ONCE, "{most} hashes ran at once");
    });
}

/// Issue 10 item 2, the flood's tail: password hashes run below the rest of
/// the server's priority, so while sign-ins are hashed the CPU goes first to
/// the threads answering pages (docs/benchmarks.md, sign-in flood).
#[cfg(target_os = "linux")]
#[tokio::test]
async fn password_hashing_runs_below_the_servers_priority() {
    let (server, hashing) = auth::hashing_niceness().await.expect("a hashing thread");
    assert_eq!(
        hashing,
        (server + HASHING_NICENESS).min(19),
        "a hashing thread runs at nice {hashing}, the server at {server}"
    );
}
