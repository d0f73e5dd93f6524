//! The bundled demo study as tests read it, and staff signed in to it.

use super::{DEMO, TestApp, TestResponse};
use vitrine::app::withdraw::{Reason, WithdrawReport, withdraw_entry};
use vitrine_core::{Entry, EntryId};

/// A signed-in staff member, as a browser would hold them.
pub struct StaffLogin {
    /// Their e-mail.
    pub email: String,
    /// The `Cookie` header value.
    pub cookie: String,
    /// The session's form token.
    pub csrf: String,
}

impl TestApp {
    /// The demo study.
    pub async fn demo_study(&self) -> vitrine_core::Study {
        self.app
            .store()
            .find_study_by_slug(DEMO)
            .await
            .expect("read the study")
            .expect("the demo study")
    }

    /// The demo study's working content.
    pub async fn demo_content(&self) -> vitrine_store::StudyContent {
        self.app
            .store()
            .load_study_content(self.demo_study().await)
            .await
            .expect("read the study's content")
    }

    /// The demo entry with import key `key` (e01 … e09).
    pub async fn demo_entry(&self, key: &str) -> vitrine_core::EntryId {
        let content = self.demo_content().await;
        content
            .entry_keys
            .iter()
            .find(|(_, k)| *k == key)
            .map(|(id, _)| *id)
            .expect("a demo entry with that key")
    }

    /// A staff account `email` (an instance admin if `admin`), with `role` on
    /// the demo study if given, signed in.
    pub async fn staff(&self, email: &str, role: Option<&str>, admin: bool) -> StaffLogin {
        let password = "correct horse battery staple";
        vitrine::app::auth::create_account(
            &self.app,
            email,
            email,
            password,
            admin,
            vitrine::app::Actor::operator("test"),
        )
        .await
        .expect("create account");
        if let Some(role) = role {
            vitrine::app::team::grant(
                &self.app,
                email,
                &crate::common::study(&self.app, DEMO).await,
                role,
                vitrine::app::Actor::operator("test"),
            )
            .await
            .expect("grant role");
        }
        let (token, session) = vitrine::app::auth::sign_in(&self.app, email, password, None)
            .await
            .expect("sign in");
        StaffLogin {
            email: email.to_owned(),
            cookie: format!("vitrine_session={token}"),
            csrf: session.csrf,
        }
    }

    /// Saves `edit` to demo entry `id` as the account `email` would from the
    /// workspace (stamped as its last editor, audited as `entry.edit`).
    pub async fn edit_demo_entry(&self, email: &str, id: EntryId, edit: &vitrine_store::EntryEdit) {
        let study = self.demo_study().await;
        let user = self
            .app
            .store()
            .find_user_by_email(email)
            .await
            .expect("read")
            .expect("user")
            .0;
        let event = vitrine_store::AuditEvent {
            actor: email.to_owned(),
            study: Some(study.id),
            action: "entry.edit".into(),
            subject: "entry".into(),
            entry: Some(id),
            ..Default::default()
        };
        assert!(
            self.app
                .store()
                .update_entry(study.id, id, edit, user.id, &event)
                .await
                .expect("edit"),
            "the entry was not saved"
        );
    }

    /// The demo entry `id` as the workspace holds it (words, sign-off).
    pub async fn demo_entry_record(&self, id: EntryId) -> Entry {
        self.demo_content()
            .await
            .entries
            .into_iter()
            .find(|e| e.id == id)
            .expect("a demo entry with that id")
    }

    /// A curator of the demo study, curator@example.org, signed in.
    pub async fn curator(&self) -> StaffLogin {
        self.staff("curator@example.org", Some("curator"), false)
            .await
    }

    /// A reviewer of the demo study, reviewer@example.org, signed in.
    pub async fn reviewer(&self) -> StaffLogin {
        self.staff("reviewer@example.org", Some("reviewer"), false)
            .await
    }

    /// Withdraws demo entry `id` as the app does when its participant asks
    /// (actor "test"), and says what was done.
    pub async fn withdraw_demo_entry(&self, id: EntryId) -> WithdrawReport {
        let study = self.demo_study().await;
        withdraw_entry(
            &self.app,
            &study,
            id,
            vitrine::app::Actor::operator("test"),
            Reason::ParticipantAsked,
        )
        .await
        .expect("withdraw")
        .expect("the entry exists")
    }

    /// Confirms the withdrawal of demo entry `id` on its workspace page as
    /// `staff`, because the participant asked.
    pub async fn withdraw_as(&self, staff: &StaffLogin, id: EntryId) -> TestResponse {
        let path = format!("/admin/studies/{DEMO}/entries/{}/withdraw", id.0);
        let form = [("reason", "participant_asked"), ("confirm", "yes")];
        self.post_as(staff, &path, &form).await
    }
}
