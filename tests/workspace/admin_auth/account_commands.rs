//! The account commands (`vitrine admin …`) and `vitrine audit verify`
//! (PRV-11).

use super::{PASSWORD, account, get, run, sign_in};
use crate::common;
use common::{TestApp, cookie_pair};

/// `vitrine admin reset-password` (password on standard input) ends the
/// account's sessions and lifts its lockout; the old password stops working.
#[tokio::test]
async fn reset_password_ends_sessions_and_lifts_the_lockout() {
    let test = TestApp::empty().await;
    account(&test, "pat@example.org").await;
    let cookie =
        cookie_pair(&sign_in(&test.app, "gallery.test", "pat@example.org", PASSWORD).await);
    assert_eq!(get(&test.app, "/admin", &cookie).await.status, 200);
    for _ in 0..5 {
        sign_in(&test.app, "gallery.test", "pat@example.org", "wrong").await;
    }
    let locked = sign_in(&test.app, "gallery.test", "pat@example.org", PASSWORD).await;
    assert_eq!(locked.status, 429);

    let new = "an entirely new passphrase";
    let out = run(
        &test.app,
        &["admin", "reset-password", "--email", "pat@example.org"],
        &format!("{new}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        get(&test.app, "/admin", &cookie).await.status,
        303,
        "old session ended"
    );
    let old = sign_in(&test.app, "gallery.test", "pat@example.org", PASSWORD).await;
    assert_eq!(old.status, 401, "lockout lifted, old password refused");
    let fresh = sign_in(&test.app, "gallery.test", "pat@example.org", new).await;
    assert_eq!(fresh.status, 303);
}

/// `vitrine admin create` refuses a short password (exit 1, nothing created)
/// and stores a good one only as an argon2id hash.
#[tokio::test]
async fn admin_create_checks_the_password_and_stores_only_a_hash() {
    let test = TestApp::empty().await;
    let args = [
        "admin",
        "create",
        "--email",
        "boss@example.org",
        "--name",
        "Boss",
    ];
    let short = run(&test.app, &args, "short\n");
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
    assert!(
        test.app
            .store()
            .find_user_by_email("boss@example.org")
            .await
            .expect("read")
            .is_none()
    );
    let ok = run(&test.app, &args, &format!("{PASSWORD}\n"));
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let (user, hash) = test
        .app
        .store()
        .find_user_by_email("boss@example.org")
        .await
        .expect("read")
        .expect("created");
    assert!(user.is_admin);
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
    let again = run(&test.app, &args, &format!("{PASSWORD}\n"));
    assert_eq!(
        again.status.code(),
        Some(1),
        "an existing account is not replaced"
    );
}

/// PRV-11: `vitrine audit verify` exits 0 on an intact log, 1 when a record
/// was edited, and 1 when one was deleted.
#[tokio::test]
async fn audit_verify_notices_edited_and_deleted_records() {
    let test = TestApp::empty().await;
    for n in 0..4 {
        account(&test, &format!("person{n}@example.org")).await;
    }
    let intact = run(&test.app, &["audit", "verify"], "");
    assert_eq!(
        intact.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&intact.stderr)
    );
    assert!(String::from_utf8_lossy(&intact.stdout).contains("4 entries"));

    assert!(test.app.store().tamper_audit_row(2).await.expect("tamper"));
    let edited = run(&test.app, &["audit", "verify"], "");
    assert_eq!(edited.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&edited.stderr).contains("row 2 was changed"));

    let other = TestApp::empty().await;
    for n in 0..4 {
        account(&other, &format!("person{n}@example.org")).await;
    }
    assert!(other.app.store().delete_audit_row(3).await.expect("delete"));
    let deleted = run(&other.app, &["audit", "verify"], "");
    assert_eq!(deleted.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&deleted.stderr).contains("row 3 is missing"));

    let report = other.app.store().verify_audit().await.expect("verify");
    assert!(!report.problems.is_empty());
}
