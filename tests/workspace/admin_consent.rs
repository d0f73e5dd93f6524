//! The consent register and the identity store, through the real router, on
//! the example study (where Zoë has no consent to publish online).
//!
//! ETH-01 (itemised scopes gate publishing), ETH-03 (records are immutable;
//! a renewal adds one), ETH-07 (expiry reminders), ETH-20 (pseudonyms that
//! match real names are flagged), PRV-01 (identities encrypted apart, shown
//! to owners only, never public), PRV-11 (consent and identity changes are
//! audited, without the real name).
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

mod consent;
mod identities;

use crate::common;
use common::{Part, StaffLogin, TestApp, TestResponse};
use std::path::Path;
use vitrine_core::{ParticipantId, StudyId};

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
    vitrine::app::team::grant(
        &test.app,
        email,
        &crate::common::study(&test.app, SLUG).await,
        role,
        vitrine::app::Actor::operator("test"),
    )
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
