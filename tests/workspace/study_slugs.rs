//! One study-slug rule (`vitrine_core::slug::check_study_slug`) for import,
//! the workspace's new-study form and the public router (issue 10 item 8): a
//! slug that names one of the server's own paths, or that import would refuse,
//! is refused by the form and never served.

use crate::common;

use common::TestApp;

/// `/{slug}/` with the slug percent-encoded, as a browser sends it.
fn gallery_path(slug: &str) -> String {
    let encoded: String = slug
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("/{encoded}/")
}

/// The form accepted `admin`, `metrics` and `healthz` (which the router's own
/// routes always win, so the gallery could never be served) and any script
/// (which import refuses).
#[tokio::test]
async fn the_new_study_form_refuses_slugs_that_can_never_be_served() {
    let app = TestApp::own_demo().await;
    let admin = app.staff("admin@example.org", None, true).await;
    let count = || async { app.app.store().list_studies().await.expect("studies").len() };
    let before = count().await;
    for (title, slug) in [
        ("Admin", ""),
        ("A study", "metrics"),
        ("A study", "healthz"),
        ("A study", "static"),
        ("Прогулка", ""),
    ] {
        let answer = app
            .post_as(
                &admin,
                "/admin/studies",
                &[
                    ("title", title),
                    ("slug", slug),
                    ("contact_name", "Team"),
                    ("contact_email", "team@example.org"),
                ],
            )
            .await;
        assert_eq!(answer.status, 422, "{title} / {slug}: {}", answer.text());
        assert!(
            answer.text().contains("Web address name"),
            "{title} / {slug}: the problem is named: {}",
            answer.text()
        );
    }
    assert_eq!(count().await, before, "a refused form created a study");
    let answer = app
        .post_as(
            &admin,
            "/admin/studies",
            &[
                ("title", "Walks"),
                ("slug", ""),
                ("contact_name", "Team"),
                ("contact_email", "team@example.org"),
            ],
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.text());
    assert_eq!(count().await, before + 1);
}

/// A study whose slug the rule refuses (made before the rule, or written to
/// the database by hand) is not served, even when it has a Release; one that
/// follows the rule is.
#[tokio::test]
async fn the_public_router_serves_no_study_slug_the_rule_refuses() {
    let app = TestApp::own_demo().await;
    let store = &app.app.store();
    app.staff("owner@example.org", None, true).await;
    let (owner, _) = store
        .find_user_by_email("owner@example.org")
        .await
        .expect("read")
        .expect("owner");
    let demo = app.demo_study().await.info;
    for (slug, served) in [("прогулка", false), ("Walks", false), ("walks", true)] {
        let mut info = demo.clone();
        info.slug = slug.to_owned();
        let event = vitrine_store::AuditEvent {
            actor: "test".into(),
            action: "study.create".into(),
            subject: format!("study {slug}"),
            ..Default::default()
        };
        store
            .create_study(&info, owner.id, &event)
            .await
            .expect("create study");
        vitrine::app::publish::publish(&app.app, &crate::common::study(&app.app, slug).await)
            .await
            .expect("publish");
        let answer = app.get(&gallery_path(slug)).await;
        let want = if served { 200 } else { 404 };
        assert_eq!(answer.status, want, "{slug}: {}", answer.text());
        let home = app.get("/").await.text();
        assert_eq!(
            home.contains(&format!("href=\"{}\"", gallery_path(slug)))
                || home.contains(&format!("href=\"/{slug}/\"")),
            served,
            "{slug} on the home page"
        );
    }
}
