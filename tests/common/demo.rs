//! The bundled demo study as tests read it, and staff signed in to it.

use super::{DEMO, TestApp};

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
        vitrine::app::auth::create_account(&self.app, email, email, password, admin, "test")
            .await
            .expect("create account");
        if let Some(role) = role {
            vitrine::app::team::grant(&self.app, email, DEMO, role, "test")
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
}
