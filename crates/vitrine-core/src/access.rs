//! Who may do what in the curator workspace (PRV-09 least privilege).
//!
//! One table, [`RULES`], decides every staff permission: [`Role::allows`] and
//! the web gate read it, the web layer names a [`Permission`] on each route and
//! never re-implements the rule, `docs/workspace.md` prints it
//! ([`markdown_table`], checked by a test) and the authorization test takes
//! from it who holds each permission.

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

    /// Whether this role grants `permission` in its study, as [`RULES`] says.
    pub fn allows(self, permission: Permission) -> bool {
        permission.rule().roles.contains(&self)
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
    /// Make exports of published Releases in the workspace and download them.
    Export,
    /// Read the study's audit log.
    Audit,
    /// See and change participants' real names and contacts.
    Identity,
    /// Add and remove team members, change the study's settings.
    Manage,
    /// Write the discussion guides and prepare workshops (issue 14).
    Facilitate,
}

/// One row of the permission table: who may do `permission` in a study.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// What is allowed.
    pub permission: Permission,
    /// The roles on the study's team that may do it.
    pub roles: &'static [Role],
    /// Whether an instance administrator who is not on the team may do it.
    pub admin_off_team: bool,
}

/// The permission table, one row per [`Permission`] in [`Permission::ALL`]
/// order: the only place staff access is written down. [`Role::allows`], the
/// web gate, the team page, `docs/workspace.md` (see [`markdown_table`]) and
/// the authorization test all read it (PRV-09).
pub const RULES: [Rule; 12] = {
    use Permission as P;
    use Role::{Curator as C, Facilitator as F, Owner as O, Reviewer as R};
    const fn rule(permission: Permission, roles: &'static [Role], admin_off_team: bool) -> Rule {
        Rule {
            permission,
            roles,
            admin_off_team,
        }
    }
    [
        rule(P::View, &[O, C, R, F], true),
        rule(P::Edit, &[O, C], false),
        rule(P::Consent, &[O, C, R], false),
        rule(P::Check, &[O, C], false),
        rule(P::Approve, &[O, R], false),
        rule(P::Publish, &[O, R], false),
        rule(P::Withdraw, &[O, C, R], false),
        rule(P::Export, &[O, C, R], false),
        rule(P::Audit, &[O, R], false),
        rule(P::Identity, &[O], false),
        rule(P::Manage, &[O], true),
        rule(P::Facilitate, &[O, C, F], false),
    ]
};

/// The heading of the table's last column.
pub const ADMIN_OFF_TEAM: &str = "Administrator not on the team";

/// [`RULES`] as the Markdown table `docs/workspace.md` prints between its
/// `permission-matrix` markers.
pub fn markdown_table() -> String {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut head = vec!["Permission"];
    head.extend(Role::ALL.iter().map(|r| r.label()));
    head.push(ADMIN_OFF_TEAM);
    let mut out = format!("| {} |\n", head.join(" | "));
    out.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
    for rule in RULES {
        let mut cells = vec![rule.permission.label()];
        cells.extend(Role::ALL.iter().map(|r| yes(rule.roles.contains(r))));
        cells.push(yes(rule.admin_off_team));
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

impl Permission {
    /// Every permission, for tables and tests.
    pub const ALL: [Permission; 12] = [
        Permission::View,
        Permission::Edit,
        Permission::Consent,
        Permission::Check,
        Permission::Approve,
        Permission::Publish,
        Permission::Withdraw,
        Permission::Export,
        Permission::Audit,
        Permission::Identity,
        Permission::Manage,
        Permission::Facilitate,
    ];

    /// This permission's row of [`RULES`].
    pub fn rule(self) -> Rule {
        RULES
            .into_iter()
            .find(|r| r.permission == self)
            .unwrap_or(Rule {
                permission: self,
                roles: &[],
                admin_off_team: false,
            })
    }

    /// Whether an instance administrator who is not on the team may do this.
    pub fn allows_admin_off_team(self) -> bool {
        self.rule().admin_off_team
    }

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
            Permission::Export => "make and download exports (static site, archive) of a Release",
            Permission::Audit => "read the audit log",
            Permission::Identity => "see and edit real names and contacts",
            Permission::Manage => "manage the team and study settings",
            Permission::Facilitate => "write discussion guides and prepare workshops",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_row_per_permission_in_order() {
        let order: Vec<Permission> = RULES.iter().map(|r| r.permission).collect();
        assert_eq!(order, Permission::ALL.to_vec());
    }

    #[test]
    fn administrators_off_the_team_only_look_and_manage() {
        for permission in Permission::ALL {
            assert_eq!(
                permission.allows_admin_off_team(),
                matches!(permission, Permission::View | Permission::Manage),
                "{permission:?}"
            );
        }
    }

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
    fn facilitators_look_and_facilitate() {
        for permission in Permission::ALL {
            assert_eq!(
                Role::Facilitator.allows(permission),
                matches!(permission, Permission::View | Permission::Facilitate),
                "{permission:?}"
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
