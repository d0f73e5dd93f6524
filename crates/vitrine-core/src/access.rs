//! Who may do what in the curator workspace (PRV-09 least privilege).
//!
//! One table, [`Role::allows`], decides every staff permission; the web layer
//! names a [`Permission`] on each route and never re-implements the rule. The
//! same table is written out in `docs/workspace.md` and checked route by route
//! by the authorization test.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A person's role in one study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the study: everything, including real identities and the team.
    Owner,
    /// Edits content, records consent, completes de-identification checklists.
    Curator,
    /// Signs off de-identification and publishes.
    Reviewer,
    /// Sees published and draft entries for workshops; edits nothing.
    Facilitator,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [
        Role::Owner,
        Role::Curator,
        Role::Reviewer,
        Role::Facilitator,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Curator => "curator",
            Role::Reviewer => "reviewer",
            Role::Facilitator => "facilitator",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Curator => "Curator",
            Role::Reviewer => "Reviewer",
            Role::Facilitator => "Facilitator",
        }
    }

    /// Whether this role grants `permission` in its study.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Owner => true,
            Role::Curator => matches!(
                permission,
                P::View | P::Edit | P::Consent | P::Check | P::Withdraw
            ),
            Role::Reviewer => matches!(
                permission,
                P::View | P::Consent | P::Approve | P::Publish | P::Withdraw | P::Audit
            ),
            Role::Facilitator => matches!(permission, P::View),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Something a person may be allowed to do in a study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the study's workspace: entries (drafts included), blockers, coverage.
    View,
    /// Change prompts, themes, participants (pseudonyms), entries and images.
    Edit,
    /// See and record consent.
    Consent,
    /// Complete an entry's de-identification checklist.
    Check,
    /// Approve someone else's checklist.
    Approve,
    /// Write a new Release.
    Publish,
    /// Withdraw an entry or a participant.
    Withdraw,
    /// Read the study's audit log.
    Audit,
    /// See and change participants' real names and contacts.
    Identity,
    /// Add and remove team members, change the study's settings.
    Manage,
}

impl Permission {
    /// Every permission, for tables and tests.
    pub const ALL: [Permission; 10] = [
        Permission::View,
        Permission::Edit,
        Permission::Consent,
        Permission::Check,
        Permission::Approve,
        Permission::Publish,
        Permission::Withdraw,
        Permission::Audit,
        Permission::Identity,
        Permission::Manage,
    ];

    /// A short description for the permission table.
    pub fn label(self) -> &'static str {
        match self {
            Permission::View => "see entries, drafts, blockers and coverage",
            Permission::Edit => "edit prompts, themes, participants and entries; upload images",
            Permission::Consent => "see and record consent",
            Permission::Check => "complete de-identification checklists",
            Permission::Approve => "approve de-identification (not one's own edits)",
            Permission::Publish => "publish a new Release",
            Permission::Withdraw => "withdraw an entry or a participant",
            Permission::Audit => "read the audit log",
            Permission::Identity => "see and edit real names and contacts",
            Permission::Manage => "manage the team and study settings",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn only_owners_see_identities_and_manage_the_team() {
        for role in Role::ALL {
            let owner = role == Role::Owner;
            assert_eq!(role.allows(Permission::Identity), owner, "{role}");
            assert_eq!(role.allows(Permission::Manage), owner, "{role}");
        }
    }

    #[test]
    fn facilitators_only_look() {
        for permission in Permission::ALL {
            assert_eq!(
                Role::Facilitator.allows(permission),
                permission == Permission::View
            );
        }
    }

    #[test]
    fn curators_prepare_and_reviewers_sign_off() {
        assert!(Role::Curator.allows(Permission::Check));
        assert!(!Role::Curator.allows(Permission::Approve));
        assert!(!Role::Curator.allows(Permission::Publish));
        assert!(Role::Reviewer.allows(Permission::Approve));
        assert!(Role::Reviewer.allows(Permission::Publish));
        assert!(!Role::Reviewer.allows(Permission::Edit));
        for role in Role::ALL {
            assert!(role.allows(Permission::View));
        }
    }
}
