//! The identity store and participants: who sees what (PRV-01), encryption
//! and no leaks, unique pseudonyms, and a lost key reported.

use super::{CONTACT, REAL_NAME, SLUG, member, page, participant, small_study, study_id};
use axum::http::StatusCode;

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

    let names =
        vitrine::app::identity::real_names(&test.app, &crate::common::study(&test.app, SLUG).await)
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

    vitrine::app::publish::publish(&test.app, &crate::common::study(&test.app, SLUG).await)
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

    let err =
        vitrine::app::identity::real_names(&test.app, &crate::common::study(&test.app, SLUG).await)
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
