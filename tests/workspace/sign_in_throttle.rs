//! Sign-in throttling under attack (issue 10): the check-and-count is atomic,
//! so a flood of concurrent guesses gets at most the limit of password checks;
//! failures count per account at an address and per address, with growing
//! delays, so nobody can lock staff out from elsewhere; the client address
//! comes from forwarding headers only behind a trusted proxy; lockouts are
//! audited and `vitrine admin unlock` lifts them; password hashing never
//! blocks the server; and a sign-in form posted from another site is refused.
//!
//! PRV-09 (sessions, lockout). Run on PostgreSQL too with
//! `VITRINE_TEST_DATABASE_URL`.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use common::{TestApp, TestResponse, sign_in_through_form};
use std::net::{IpAddr, SocketAddr};
use vitrine::app::App;

const PASSWORD: &str = "correct horse battery staple";

/// A browser at `ip`: loads the sign-in page (for its pre-session cookie and
/// token), then submits the form with `headers` added.
async fn sign_in_from(
    app: &App,
    ip: &str,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> TestResponse {
    let peer = SocketAddr::new(ip.parse::<IpAddr>().expect("ip"), 40000);
    sign_in_through_form(app, "gallery.test", Some(peer), headers, email, password).await
}

async fn account(test: &TestApp, email: &str) {
    vitrine::app::auth::create_account(
        &test.app,
        email,
        "Pat",
        PASSWORD,
        false,
        vitrine::app::Actor::operator("test"),
    )
    .await
    .expect("account");
}

/// Fires `n` sign-ins at once (each on its own task) and counts the answers
/// by status.
async fn flood(app: &App, n: usize, emails: impl Fn(usize) -> String) -> (usize, usize, Vec<u16>) {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let app = app.clone();
            let email = emails(i);
            tokio::spawn(async move {
                sign_in_from(&app, "203.0.113.9", &email, "not the password", &[])
                    .await
                    .status
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    (checked, refused, statuses)
}

/// Issue 10 item 1: 60 concurrent wrong passwords for one account from one
/// address reach the password check at most 5 times (the rest are told to
/// wait), and 60 concurrent ones for different accounts from one address at
/// most 20 times, on SQLite and PostgreSQL alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passwords_check_at_most_the_limit() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    let (checked, refused, statuses) = flood(&test.app, 60, |_| "pat@example.org".into()).await;
    assert!(
        (1..=5).contains(&checked) && checked + refused == 60,
        "one account: {checked} password checks, {refused} refused: {statuses:?}"
    );

    let other = TestApp::empty().await;
    let (checked, refused, statuses) =
        flood(&other.app, 60, |i| format!("guess{i}@example.org")).await;
    assert!(
        (1..=20).contains(&checked) && checked + refused == 60,
        "one address: {checked} password checks, {refused} refused: {statuses:?}"
    );
}

/// Issue 10 item 1, across instances: the claim is one atomic statement, so
/// 60 concurrent claims on one row through two instances' connection pools
/// are granted exactly the limit, on SQLite and PostgreSQL alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_from_two_instances_grant_exactly_the_limit() {
    let test = TestApp::empty().await;
    let second = App::open(test.app.settings.clone())
        .await
        .expect("second instance");
    let now = vitrine_store::now_ms();
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let store = if i % 2 == 0 {
                test.app.store().clone()
            } else {
                second.store().clone()
            };
            tokio::spawn(async move {
                let key = vitrine_store::ThrottleKey {
                    account: "pat@example.org",
                    address: "203.0.113.9",
                };
                store.claim_sign_in(key, 5, 15 * 60 * 1000, now).await
            })
        })
        .collect();
    let mut granted = 0;
    for task in tasks {
        let claim = task.await.expect("task").expect("claim");
        granted += usize::from(matches!(claim, vitrine_store::Claim::Granted { .. }));
    }
    assert_eq!(granted, 5);
}

/// Issue 10 item 3: twenty wrong passwords from one address (five of them
/// for a member of staff) pause that address, but the right password from an
/// address that has not failed still signs them in at once.
#[tokio::test]
async fn wrong_passwords_from_one_address_do_not_lock_staff_out_elsewhere() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    for i in 0..20 {
        let email = if i < 5 {
            "pat@example.org".to_owned()
        } else {
            format!("guess{i}@example.org")
        };
        let at = vitrine_store::now_ms() + i * 60_000;
        let wrong = vitrine::app::auth::sign_in_at(
            &test.app,
            &email,
            "not the password",
            Some("198.51.100.66".parse().expect("ip")),
            at,
        )
        .await;
        assert!(
            matches!(wrong, Err(vitrine::app::auth::SignInError::Invalid)),
            "failure {i}: {wrong:?}"
        );
    }
    let attacker = sign_in_from(&test.app, "198.51.100.66", "pat@example.org", PASSWORD, &[]).await;
    assert_eq!(attacker.status, 429, "the failing address is paused");
    assert!(attacker.text().contains("from your address"));
    assert!(!attacker.header("retry-after").is_empty());

    let staff = sign_in_from(&test.app, "203.0.113.20", "pat@example.org", PASSWORD, &[]).await;
    assert_eq!(staff.status, 303, "{}", staff.text());
    assert!(staff.header("set-cookie").starts_with("vitrine_session="));
}

/// Issue 10 item 3: behind a proxy every peer is the proxy. With the proxy in
/// `trusted_proxies`, `X-Forwarded-For` names the client, so one client's
/// failures pause only that client; from any other peer the header is
/// ignored, so a forged one does not escape a pause.
#[tokio::test]
async fn the_client_address_comes_from_forwarding_headers_only_behind_a_trusted_proxy() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    let mut app = test.app.clone();
    app.settings.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")];
    let attacker = [("x-forwarded-for", "198.51.100.66")];
    for _ in 0..5 {
        let wrong = sign_in_from(&app, "127.0.0.1", "pat@example.org", "wrong", &attacker).await;
        assert_eq!(wrong.status, 401);
    }
    let paused = sign_in_from(&app, "127.0.0.1", "pat@example.org", PASSWORD, &attacker).await;
    assert_eq!(paused.status, 429);
    let staff = [("x-forwarded-for", "203.0.113.20")];
    let other = sign_in_from(&app, "127.0.0.1", "pat@example.org", PASSWORD, &staff).await;
    assert_eq!(other.status, 303, "another client behind the same proxy");

    // Not through the proxy: a forged header changes nothing.
    for _ in 0..5 {
        let wrong = sign_in_from(&app, "198.51.100.77", "pat@example.org", "wrong", &[]).await;
        assert_eq!(wrong.status, 401);
    }
    let forged = [("x-forwarded-for", "203.0.113.99")];
    let spoof = sign_in_from(&app, "198.51.100.77", "pat@example.org", PASSWORD, &forged).await;
    assert_eq!(spoof.status, 429);
}

/// Issue 10 item 3: past ten failures an address waits 1, 2, 4 … seconds
/// between tries (up to a minute), and after twenty it is paused until the
/// window ends; waiting out a delay lets the next try through.
#[tokio::test]
async fn failed_sign_ins_from_one_address_wait_longer_each_time() {
    use vitrine::app::auth::{SignInError, sign_in_at};
    let test = TestApp::empty().await;
    let from = Some("198.51.100.5".parse().expect("ip"));
    let mut now = vitrine_store::now_ms();
    let mut waits = Vec::new();
    for i in 0..20 {
        let email = format!("guess{i}@example.org");
        let mut waited = 0;
        loop {
            match sign_in_at(&test.app, &email, "wrong", from, now).await {
                Err(SignInError::Invalid) => break,
                Err(SignInError::LockedOut { retry_after, .. }) if waited == 0 => {
                    waited = i64::try_from(retry_after.as_millis()).expect("ms");
                    now += waited;
                }
                other => panic!("failure {i} after waiting {waited} ms: {other:?}"),
            }
        }
        waits.push(waited / 1000);
    }
    assert_eq!(&waits[..11], &[0; 11], "ten free failures: {waits:?}");
    assert_eq!(&waits[11..], &[1, 2, 4, 8, 16, 32, 60, 60, 60], "{waits:?}");
    match sign_in_at(&test.app, "guess@example.org", "wrong", from, now).await {
        Err(e @ SignInError::LockedOut { retry_after, .. }) => {
            assert!(retry_after.as_secs() > 10 * 60, "{retry_after:?}");
            assert!(e.to_string().contains("(UTC)"), "{e}");
        }
        other => panic!("twenty failures lock the address: {other:?}"),
    }
}

/// Issue 10 item 3: a lockout is recorded in the audit log, and `vitrine admin
/// unlock` lifts it (audited too); it says what is wrong with an address that
/// is not one.
#[tokio::test]
async fn lockouts_are_audited_and_vitrine_admin_unlock_lifts_them() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    for _ in 0..5 {
        let wrong = sign_in_from(&test.app, "198.51.100.8", "pat@example.org", "wrong", &[]).await;
        assert_eq!(wrong.status, 401);
    }
    let locked = sign_in_from(&test.app, "198.51.100.8", "pat@example.org", PASSWORD, &[]).await;
    assert_eq!(locked.status, 429);
    let log = test
        .app
        .store()
        .audit_log(None, 20)
        .await
        .expect("audit log");
    assert!(
        log.iter().any(|r| r.action == "sign_in.lockout"
            && r.subject.contains("pat@example.org")
            && r.subject.contains("198.51.100.8")),
        "{log:?}"
    );

    let run = |args: &[&str]| {
        common::vitrine_command(&test.app.settings, args)
            .output()
            .expect("vitrine runs")
    };
    let bad = run(&["admin", "unlock", "--address", "not-an-address"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an IP address"));
    assert_eq!(
        run(&["admin", "unlock"]).status.code(),
        Some(2),
        "names nothing"
    );
    let unlock = run(&["admin", "unlock", "--email", "Pat@example.org"]);
    assert_eq!(
        unlock.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&unlock.stderr)
    );
    assert!(String::from_utf8_lossy(&unlock.stdout).contains("Lifted 1"));
    let after = sign_in_from(&test.app, "198.51.100.8", "pat@example.org", PASSWORD, &[]).await;
    assert_eq!(after.status, 303);
    let log = test
        .app
        .store()
        .audit_log(None, 20)
        .await
        .expect("audit log");
    assert!(
        log.iter()
            .any(|r| r.action == "sign_in.unlock" && r.actor == "command line")
    );
}
