//! The consent register: scopes gate publishing (ETH-01), renewals add a
//! record (ETH-03), bad input and oversized forms are refused, expiry is
//! listed (ETH-07).

use super::{SLUG, blockers_of, member, page, participant, post_multipart, small_study, today};
use axum::http::StatusCode;
use vitrine_core::ConsentScope;

/// ETH-01: recording a consent that includes "publish online" (with a signed
/// form) makes Zoë's blocked entry publishable; the form stays private.
#[tokio::test]
async fn recording_web_consent_makes_a_blocked_entry_publishable() {
    let test = small_study().await;
    let owner = member(&test, "owner@example.org", "owner").await;
    let zoe = participant(&test, "Zoë").await;
    assert!(
        !blockers_of(&test, "The laundrette").await.is_empty(),
        "Zoë has no web consent yet"
    );
    let gallery = test.get(&format!("/{SLUG}/")).await.text();
    assert!(!gallery.contains("The laundrette"));

    let given = today().to_string();
    let form = b"%PDF-1.4 signed consent form of Zoe Hartley".as_slice();
    let response = post_multipart(
        &test,
        &owner,
        &format!("{}/consent", page(zoe)),
        &[
            ("scope", "web"),
            ("scope", "print"),
            ("scope", "teaching"),
            ("given_on", &given),
            ("form_version", "v2.0"),
            ("expires_on", ""),
            ("method", "written"),
            ("taken_by", "Dana (fieldworker)"),
            ("note", "Renewed at the second workshop."),
        ],
        Some(form),
    )
    .await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    assert!(response.header("location").ends_with("done=consent"));

    assert_eq!(blockers_of(&test, "The laundrette").await, vec![]);
    vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, SLUG).await)
        .await
        .expect("publish");
    let gallery = test.get(&format!("/{SLUG}/")).await.text();
    assert!(gallery.contains("The laundrette"), "now published");

    let history = test
        .app
        .store()
        .consent_history(zoe)
        .await
        .expect("history");
    let current = &history[0];
    assert!(current.scopes.contains(&ConsentScope::Web));
    assert_eq!(current.method.as_deref(), Some("written"));
    assert_eq!(current.recorded_by.as_deref(), Some("owner@example.org"));
    let key = current.form_key.clone().expect("form kept");
    assert!(key.ends_with(".pdf") && !key.contains("zoe"), "{key}");
    let stored = test
        .app
        .blobs()
        .get(&vitrine_store::BlobKey::ConsentForm(key.clone()))
        .await
        .expect("read blob")
        .expect("form stored in the vault");
    assert_eq!(stored.as_ref(), form);
    let sha = key.trim_end_matches(".pdf");
    for path in [format!("/media/{key}"), format!("/media/{sha}")] {
        assert_eq!(
            test.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for (path, response) in test.crawl().await {
        assert!(
            !String::from_utf8_lossy(&response.body).contains(sha),
            "{path} names the form"
        );
    }

    let page = test.get_as(&owner, &page(zoe)).await.text();
    assert!(page.contains("publish online, exhibit or print, use in teaching"));
    assert!(page.contains("PDF on file"));
    let audit = test.app.store().audit_text_raw().await.expect("audit");
    let record = audit
        .iter()
        .find(|r| r.contains("\"form_version\":\"v2.0\""))
        .expect("consent audited");
    assert!(
        record.contains("\"web\"") && record.contains(&given),
        "{record}"
    );
    assert!(!record.contains("PDF-1.4") && !record.contains("second workshop"));
}

/// ETH-03: a renewal adds a record and leaves the earlier ones as they were;
/// the page lists them all, newest first.
#[tokio::test]
async fn a_renewal_adds_a_record_and_leaves_the_old_one() {
    let test = small_study().await;
    let curator = member(&test, "curator@example.org", "curator").await;
    let sam = participant(&test, "Sam").await;
    let before = test
        .app
        .store()
        .consent_history(sam)
        .await
        .expect("history");
    assert_eq!(before.len(), 1, "imported record");

    let given = today().to_string();
    let response = post_multipart(
        &test,
        &curator,
        &format!("{}/consent", page(sam)),
        &[
            ("scope", "web"),
            ("given_on", &given),
            ("form_version", "v3.1"),
            ("method", "verbal"),
        ],
        None,
    )
    .await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );

    let after = test
        .app
        .store()
        .consent_history(sam)
        .await
        .expect("history");
    assert_eq!(after.len(), 2);
    assert_eq!(after[1], before[0], "the old record is unchanged");
    assert_eq!(after[0].form_version, "v3.1");
    assert!(after[0].id > before[0].id);
    assert_eq!(after[0].scopes, [ConsentScope::Web].into());

    let html = test.get_as(&curator, &page(sam)).await.text();
    let new_at = html.find("v3.1").expect("new record listed");
    let old_at = html.find("v1.0").expect("old record listed");
    assert!(new_at < old_at, "newest first");
    assert!(
        !html.contains("id=\"identity\""),
        "curators see no identity"
    );
}

/// Invalid consent is refused field by field with 422, and nothing is written.
#[tokio::test]
async fn invalid_consent_is_refused_with_field_messages() {
    let test = small_study().await;
    let curator = member(&test, "curator@example.org", "curator").await;
    let robin = participant(&test, "Robin").await;
    let response = post_multipart(
        &test,
        &curator,
        &format!("{}/consent", page(robin)),
        &[
            ("scope", "web"),
            ("given_on", "2031-01-01"),
            ("form_version", ""),
            ("expires_on", "2030-12-31"),
            ("method", "written"),
        ],
        Some(b"<html>not a form</html>"),
    )
    .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text();
    for message in [
        "Date given: 2031-01-01 is in the future",
        "Form version: enter the version",
        "Signed form: upload a PDF, JPEG or PNG file.",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(html.contains("class=\"problem\" role=\"alert\""));
    assert!(
        html.contains("value=\"2031-01-01\""),
        "what was typed is kept"
    );
    let history = test
        .app
        .store()
        .consent_history(robin)
        .await
        .expect("history");
    assert_eq!(history.len(), 1, "nothing written");
}

/// ETH-07: a consent that lapses tomorrow is listed on the dashboard and the
/// participants page.
#[tokio::test]
async fn consent_expiring_soon_is_listed() {
    let test = small_study().await;
    let owner = member(&test, "owner@example.org", "owner").await;
    let robin = participant(&test, "Robin").await;
    let given = today().to_string();
    let tomorrow = (today() + time::Duration::days(1)).to_string();
    let response = post_multipart(
        &test,
        &owner,
        &format!("{}/consent", page(robin)),
        &[
            ("scope", "web"),
            ("given_on", &given),
            ("form_version", "v1.0"),
            ("expires_on", &tomorrow),
            ("method", "recorded"),
        ],
        None,
    )
    .await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let dashboard = test
        .get_as(&owner, &format!("/admin/studies/{SLUG}"))
        .await
        .text();
    assert!(
        dashboard.contains("1 consent expires in the next 30 days"),
        "{dashboard}"
    );
    let list = test
        .get_as(&owner, &format!("/admin/studies/{SLUG}/participants"))
        .await
        .text();
    assert!(list.contains("1 consent expires in the next 30 days"));
    assert!(list.contains(&format!("expires {tomorrow}")));
}

/// A signed form over the size limit is refused and nothing is written.
#[tokio::test]
async fn an_oversized_signed_form_is_refused() {
    let test = small_study().await;
    let curator = member(&test, "curator@example.org", "curator").await;
    let robin = participant(&test, "Robin").await;
    let mut big = b"%PDF-1.4 ".to_vec();
    big.resize(vitrine::app::consent::MAX_FORM_BYTES + 1024 * 1024, b'x');
    let given = today().to_string();
    let response = post_multipart(
        &test,
        &curator,
        &format!("{}/consent", page(robin)),
        &[
            ("scope", "web"),
            ("given_on", &given),
            ("form_version", "v1.0"),
            ("method", "written"),
        ],
        Some(&big),
    )
    .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(response.text().contains("larger than 10 MB"));
    let history = test
        .app
        .store()
        .consent_history(robin)
        .await
        .expect("history");
    assert_eq!(history.len(), 1, "nothing written");
}
