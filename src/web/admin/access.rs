//! Who is asking and their standing in the study: what the gate hands every
//! workspace handler. A leaf, so the pages (`views`) and the gate can both use
//! it without importing each other.

use crate::app::Actor;
use vitrine_core::{Permission, Role, Study};
use vitrine_store::User;

/// The signed-in person, for handlers.
#[derive(Clone, Debug)]
pub struct Staff {
    /// Their account.
    pub user: User,
    /// The token every form must echo.
    pub csrf: String,
}

impl Staff {
    /// Who they are to the use cases: their account, recorded in the audit
    /// log by their e-mail.
    pub fn actor(&self) -> Actor<'_> {
        Actor::staff(&self.user)
    }
}

/// The study a route is about and the person's standing in it.
#[derive(Clone, Debug)]
pub struct StudyAccess {
    /// The study.
    pub study: Study,
    /// Their role, or `None` for an instance admin who is not on the team.
    pub role: Option<Role>,
    /// Whether they are an instance admin.
    pub admin: bool,
}

impl StudyAccess {
    /// Whether they may do `permission` here, as `vitrine_core::access::RULES`
    /// says for their role (or for an instance admin who is not on the team).
    pub fn can(&self, permission: Permission) -> bool {
        match self.role {
            Some(role) => role.allows(permission),
            None => self.admin && permission.allows_admin_off_team(),
        }
    }

    /// The study's slug.
    pub fn slug(&self) -> &str {
        &self.study.info.slug
    }

    /// The workspace URL of the study, plus `rest`.
    pub fn href(&self, rest: &str) -> String {
        format!("/admin/studies/{}{rest}", self.study.info.slug)
    }
}
