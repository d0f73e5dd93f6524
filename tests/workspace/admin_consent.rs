//! The consent register and the identity store, through the real router, on
//! the example study (where Zoë has no consent to publish online).
//!
//! ETH-01 (itemised scopes gate publishing), ETH-03 (records are immutable;
//! a renewal adds one), ETH-07 (expiry reminders), ETH-20 (pseudonyms that
//! match real names are flagged), PRV-01 (identities encrypted apart, shown
//! to owners only, never public), PRV-11 (consent and identity changes are
//! audited, without the real name).

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use axum::http::StatusCode;
use common::{Part, StaffLogin, TestApp, TestResponse};
use std::path::Path;
use vitrine_core::{ConsentScope, ParticipantId, StudyId};

const SLUG: &str = "small-study";
const REAL_NAME: &str = "Zoë Hartley";
const CONTACT: &str = "07700 900456, 12 Quarry Lane";

async fn small_study() -> TestApp {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-study");
    TestApp::with_study(&folder).await
}

/// A signed-in account with `role` on the example study.
async fn member(test: &TestApp, email: &str, role: &str) -> StaffLogin {
    let login = test.staff(email, None, false).await;
    vitrine::app::team::grant(&test.app, email, SLUG, role, "test")
        .await
        .expect("grant role");
    login
}

async fn study_id(test: &TestApp) -> StudyId {
    test.app
        .store()
        .find_study_by_slug(SLUG)
        .await
        .expect("read study")
        .expect("study exists")
        .id
}

async fn participant(test: &TestApp, pseudonym: &str) -> ParticipantId {
    test.app
        .store()
        .participants(study_id(test).await)
        .await
        .expect("participants")
        .into_iter()
        .find(|p| p.pseudonym == pseudonym)
        .expect("participant exists")
        .id
}

fn page(id: ParticipantId) -> String {
    format!("/admin/studies/{SLUG}/participants/{id}")
}

/// POSTs a multipart form as the consent page's form does: the token in the
/// action URL, the fields and the optional signed form in the body.
async fn post_multipart(
    test: &TestApp,
    staff: &StaffLogin,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> TestResponse {
    let mut parts: Vec<Part<'_>> = fields
        .iter()
        .map(|(name, value)| (*name, None, value.as_bytes().to_vec()))
        .collect();
    if let Some(bytes) = file {
        parts.push((
            "signed_form",
            Some(("zoe-hartley-consent.pdf", "application/pdf")),
            bytes.to_vec(),
        ));
    }
    common::post_multipart(&test.app, staff, path, &parts).await
}

fn today() -> vitrine_core::Date {
    time::OffsetDateTime::now_utc().date()
}

/// The blockers of the entry titled `title`, as the dashboard and publish
/// read them.
async fn blockers_of(test: &TestApp, title: &str) -> Vec<vitrine_core::Blocker> {
    let study = test
        .app
        .store()
        .find_study_by_slug(SLUG)
        .await
        .expect("read")
        .expect("study");
    let content = test
        .app
        .store()
        .load_study_content(study)
        .await
        .expect("content");
    let entry = content
        .entries
        .iter()
        .find(|e| e.title.as_deref() == Some(title))
        .expect("entry");
    vitrine_core::blockers(entry, content.consents.get(&entry.participant), today())
}

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
    vitrine::app::publish::publish(&test.app, SLUG)
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

/// Facilitators cannot open the participants list or a participant's
/// consent (the permission table: consent is for owners, curators and
/// reviewers); curators cannot touch identities.
#[tokio::test]
async fn roles_decide_who_sees_consent_and_identity() {
    let test = small_study().await;
    let facilitator = member(&test, "facilitator@example.org", "facilitator").await;
    let curator = member(&test, "curator@example.org", "curator").await;
    let zoe = participant(&test, "Zoë").await;

    let list = test
        .get_as(&facilitator, &format!("/admin/studies/{SLUG}/participants"))
        .await;
    assert_eq!(list.status, StatusCode::FORBIDDEN);
    assert!(!list.text().contains("Zoë"));

    assert_eq!(
        test.get_as(&facilitator, &page(zoe)).await.status,
        StatusCode::FORBIDDEN
    );
    let response = test
        .post_as(
            &curator,
            &format!("{}/identity", page(zoe)),
            &[("real_name", REAL_NAME), ("contact", CONTACT)],
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    let raw = test
        .app
        .store()
        .participant_identity_raw(zoe)
        .await
        .expect("read");
    assert_eq!(raw, None);
}

/// PRV-01, PRV-11, ETH-20: the identity is stored encrypted, shown only to
/// owners, audited without its values, never on a public page; and a
/// pseudonym inside a real name is flagged on the participants page, to
/// owners only.
#[tokio::test]
async fn identities_are_encrypted_shown_to_owners_and_never_leak() {
    let test = small_study().await;
    let owner = member(&test, "owner@example.org", "owner").await;
    let curator = member(&test, "curator@example.org", "curator").await;
    let zoe = participant(&test, "Zoë").await;

    let list = test
        .get_as(&owner, &format!("/admin/studies/{SLUG}/participants"))
        .await
        .text();
    assert!(!list.contains("matches a real name"));

    let response = test
        .post_as(
            &owner,
            &format!("{}/identity", page(zoe)),
            &[("real_name", REAL_NAME), ("contact", CONTACT)],
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );

    let raw = test
        .app
        .store()
        .participant_identity_raw(zoe)
        .await
        .expect("read")
        .expect("identity stored");
    assert!(raw.starts_with("v1:"), "{raw}");
    for word in ["Zo", "Hartley", "07700", "Quarry"] {
        assert!(!raw.contains(word), "{word} in the stored identity");
    }
    let key_file = test.app.settings.identity_key_path();
    assert!(key_file.is_file(), "the key lives outside the database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file)
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let owner_page = test.get_as(&owner, &page(zoe)).await.text();
    assert!(owner_page.contains(REAL_NAME) && owner_page.contains("Quarry Lane"));
    let curator_page = test.get_as(&curator, &page(zoe)).await.text();
    assert!(!curator_page.contains("Hartley") && !curator_page.contains("Quarry"));

    let list = test
        .get_as(&owner, &format!("/admin/studies/{SLUG}/participants"))
        .await
        .text();
    assert!(list.contains("A pseudonym matches a real name"), "ETH-20");
    assert!(!list.contains("Hartley"), "the warning does not say whose");
    let list = test
        .get_as(&curator, &format!("/admin/studies/{SLUG}/participants"))
        .await
        .text();
    assert!(
        !list.contains("matches a real name"),
        "only those who may see identities are told (issue 10 item 7)"
    );

    let names = vitrine::app::identity::real_names(&test.app, study_id(&test).await)
        .await
        .expect("names");
    assert_eq!(names, vec![REAL_NAME.to_owned()]);

    let audit = test.app.store().audit_text_raw().await.expect("audit");
    assert!(audit.iter().any(|r| r.contains("participant.identity")));
    for record in &audit {
        assert!(
            !record.contains("Hartley") && !record.contains("Quarry"),
            "{record}"
        );
    }
    let log = test.app.store().audit_log(None, 1000).await.expect("log");
    assert!(log.iter().any(|r| r.action == "participant.identity"));
    assert!(log.iter().any(|r| r.action == "participant.identity.view"));

    vitrine::app::publish::publish(&test.app, SLUG)
        .await
        .expect("publish");
    let pages = test.crawl().await;
    assert!(pages.len() > 3);
    for (path, response) in pages {
        let body = String::from_utf8_lossy(&response.body);
        assert!(
            !body.contains("Hartley") && !body.contains("Quarry"),
            "{path} shows the identity"
        );
    }

    let response = test
        .post_as(
            &owner,
            &format!("{}/identity", page(zoe)),
            &[("real_name", ""), ("contact", "")],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let raw = test
        .app
        .store()
        .participant_identity_raw(zoe)
        .await
        .expect("read");
    assert_eq!(raw, None, "clearing both fields removes the identity");
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

/// Curators add participants with a pseudonym of their own; a pseudonym
/// already used in the study is refused (ETH-20: one pseudonym each).
#[tokio::test]
async fn curators_add_participants_with_unique_pseudonyms() {
    let test = small_study().await;
    let curator = member(&test, "curator@example.org", "curator").await;
    let path = format!("/admin/studies/{SLUG}/participants");
    let response = test
        .post_as(&curator, &path, &[("pseudonym", "Kit"), ("role", "Nurse")])
        .await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let kit = test
        .app
        .store()
        .participant(study_id(&test).await, participant(&test, "Kit").await)
        .await
        .expect("read")
        .expect("added");
    assert!(kit.import_key.starts_with("p-"), "{}", kit.import_key);
    assert_eq!(kit.role.as_deref(), Some("Nurse"));
    let list = test.get_as(&curator, &path).await.text();
    assert!(list.contains("Kit") && list.contains("No consent recorded"));

    let response = test
        .post_as(&curator, &path, &[("pseudonym", " sam "), ("role", "")])
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().contains("is already used in this study"));
    assert_eq!(
        test.app
            .store()
            .participants(study_id(&test).await)
            .await
            .expect("list")
            .len(),
        4
    );
}

/// PRV-01: when the key file is lost, Vitrine says so and does not make a new
/// key (which would leave the stored identities unreadable); the owner's page
/// still opens, saying the identity cannot be read.
#[tokio::test]
async fn a_lost_identity_key_is_reported_not_replaced() {
    let test = small_study().await;
    let owner = member(&test, "owner@example.org", "owner").await;
    let sam = participant(&test, "Sam").await;
    let response = test
        .post_as(
            &owner,
            &format!("{}/identity", page(sam)),
            &[("real_name", "Samira Okafor"), ("contact", "")],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let key_file = test.app.settings.identity_key_path();
    std::fs::remove_file(&key_file).expect("remove key");

    let err = vitrine::app::identity::real_names(&test.app, study_id(&test).await)
        .await
        .expect_err("no key");
    assert!(format!("{err:#}").contains("is missing"), "{err:#}");
    assert!(!key_file.exists(), "no new key was made");

    let owner_page = test.get_as(&owner, &page(sam)).await;
    assert_eq!(owner_page.status, StatusCode::OK);
    assert!(owner_page.text().contains("The identity could not be read"));
    let list = test
        .get_as(&owner, &format!("/admin/studies/{SLUG}/participants"))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.text()
            .contains("could not be checked against real names")
    );
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
