//! Accounts, study teams and the audit log (PRV-09, PRV-11).
//!
//! The team page lets an owner give people roles and take them away, without
//! saying which addresses have accounts, and an instance administrator invite
//! someone new; the accounts page (instance administrators) creates accounts; the audit page
//! shows a study's log and whether the whole chain still verifies.

mod accounts;
mod audit;

pub use accounts::{create_account, show_accounts};
pub use audit::show_audit;

use super::access::{Staff, StudyAccess};
use super::dashboard::DoneQuery;
use super::views::{AdminError, AdminLayout, done, render_form};
use crate::app::App;
use crate::app::auth::AccountError;
use crate::app::team::Added;
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::response::Response;
use serde::Deserialize;
use vitrine_core::{Permission, Role};

/// One person on the team.
struct MemberRow {
    name: String,
    email: String,
    role: String,
    is_you: bool,
    /// False for the study's only owner, who cannot be removed.
    removable: bool,
}

/// One line of the table of what each role may do.
struct PermissionRow {
    label: &'static str,
    allowed: Vec<bool>,
}

#[derive(Template)]
#[template(path = "admin/team.html", whitespace = "minimize")]
struct TeamPage {
    layout: AdminLayout,
    members: Vec<MemberRow>,
    roles: Vec<(&'static str, &'static str)>,
    matrix: Vec<PermissionRow>,
    csrf: String,
    email: String,
    role: String,
    problem: Option<String>,
}

/// The rows of the permission table, in [`Permission::ALL`] order, one
/// column per [`Role::ALL`].
fn matrix() -> Vec<PermissionRow> {
    Permission::ALL
        .into_iter()
        .map(|p| PermissionRow {
            label: p.label(),
            allowed: Role::ALL.into_iter().map(|r| r.allows(p)).collect(),
        })
        .collect()
}

async fn team_page(
    app: &App,
    staff: &Staff,
    access: &StudyAccess,
    done_code: Option<&str>,
    form: (&str, &str),
    problem: Option<String>,
) -> Result<Response, AdminError> {
    let team = crate::app::team::members(app, &access.study).await?;
    let owners = team.iter().filter(|(_, r)| *r == Role::Owner).count();
    let members = team
        .into_iter()
        .map(|(user, role)| MemberRow {
            is_you: user.id == staff.user.id,
            removable: role != Role::Owner || owners > 1,
            name: user.name,
            email: user.email,
            role: role.label().to_owned(),
        })
        .collect();
    let failed = problem.is_some();
    render_form(
        &TeamPage {
            layout: AdminLayout::study("Team", staff, access, "/team").with_notice(done_code),
            members,
            roles: Role::ALL
                .into_iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
            matrix: matrix(),
            csrf: staff.csrf.clone(),
            email: form.0.to_owned(),
            role: form.1.to_owned(),
            problem,
        },
        failed,
    )
}

/// `GET /admin/studies/{study}/team`: the team and a form to change it.
pub async fn show_team(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    team_page(
        &app,
        &staff,
        &access,
        query.done.as_deref(),
        ("", "curator"),
        None,
    )
    .await
}

/// The team form: `action` is `grant` (add someone or change their role) or
/// `remove`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    action: String,
    email: String,
    role: String,
}

/// `POST /admin/studies/{study}/team`.
pub async fn save_member(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
    Form(form): Form<MemberForm>,
) -> Result<Response, AdminError> {
    let email = form.email.trim();
    let result = if email.is_empty() {
        Err(AccountError::Invalid(
            "give the e-mail address of the person's account".into(),
        ))
    } else {
        match form.action.as_str() {
            "grant" => crate::app::team::add_member(
                &app,
                email,
                &access.study,
                &form.role,
                staff.actor(),
                staff.user.is_admin,
            )
            .await
            .map(|added| match added {
                Added::Saved => "added",
                Added::Invited(_) => "invited",
            }),
            "remove" => crate::app::team::remove(&app, email, &access.study, staff.actor())
                .await
                .map(|_| "member"),
            _ => Err(AccountError::Invalid(
                "choose whether to add someone or to remove them".into(),
            )),
        }
    };
    match result {
        Ok(code) => Ok(done(&access.href("/team"), code)),
        Err(AccountError::Failed(e)) => Err(e.into()),
        Err(e) => {
            let problem = Some(capitalise(&format!("{e}.")));
            let role = if Role::parse(&form.role).is_some() {
                form.role.as_str()
            } else {
                "curator"
            };
            team_page(&app, &staff, &access, None, (email, role), problem).await
        }
    }
}

/// The sentence with its first letter in capitals.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_as_sentences() {
        assert_eq!(capitalise("there is no study."), "There is no study.");
        assert_eq!(capitalise(""), "");
    }

    #[test]
    fn the_matrix_follows_the_roles() {
        let rows = matrix();
        assert_eq!(rows.len(), Permission::ALL.len());
        for (row, p) in rows.iter().zip(Permission::ALL) {
            for (allowed, r) in row.allowed.iter().zip(Role::ALL) {
                assert_eq!(*allowed, r.allows(p));
            }
        }
    }
}
