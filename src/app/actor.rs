//! Who does something, as every use case that changes state is told: the
//! account of a signed-in member of staff, or the operator at the command
//! line or a background job (no account), and the name the audit log records.

use vitrine_core::UserId;
use vitrine_store::User;

/// Who is making a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    /// Their account: `Some` for a signed-in member of staff, `None` for the
    /// operator at the command line and for background jobs.
    pub user: Option<UserId>,
    /// What the audit log calls them: the e-mail of a member of staff, or a
    /// fixed name such as "command line" for the operator.
    pub name: &'a str,
}

impl<'a> Actor<'a> {
    /// A signed-in member of staff, recorded by their e-mail.
    pub fn staff(user: &'a User) -> Self {
        Self {
            user: Some(user.id),
            name: &user.email,
        }
    }

    /// The operator at the command line, or a background job, recorded as
    /// `name`; they act without an account.
    pub fn operator(name: &'a str) -> Self {
        Self { user: None, name }
    }

    /// The account a change is stamped with (an entry's last editor, a
    /// checklist's checker or approver). Refuses an actor without one rather
    /// than store a change nobody can be held to, which the four-eyes
    /// sign-off rule relies on.
    pub fn account(self) -> anyhow::Result<UserId> {
        self.user.ok_or_else(|| {
            anyhow::anyhow!(
                "{} acts without a staff account, and this change records the account that made it; \
                 sign in to the workspace to make it",
                self.name
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_staff_have_an_account() {
        assert!(Actor::operator("command line").account().is_err());
        assert_eq!(
            Actor {
                user: Some(UserId(7)),
                name: "a@example.org"
            }
            .account()
            .ok(),
            Some(UserId(7))
        );
    }
}
