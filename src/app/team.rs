//! Study teams: who has which role (role changes are audited, PRV-11).
//!
//! A study always keeps at least one owner: neither removing a member nor
//! changing a role may take away the last one, so someone can always manage the
//! team and see identities.
//!
//! The team page must not tell an owner which e-mail addresses have accounts
//! ([`add_member`] answers the same either way); an instance administrator,
//! who can see every account anyway, invites someone new by creating their
//! account there.

use crate::app::auth::{AccountError, normalise_email};
use crate::app::{Actor, App};
use anyhow::Context;
use vitrine_core::{Role, Study};
use vitrine_store::User;

async fn account(app: &App, email: &str) -> Result<User, AccountError> {
    Ok(app
        .store
        .find_user_by_email(email)
        .await
        .context("cannot read accounts")?
        .ok_or_else(|| AccountError::Unknown(email.to_owned()))?
        .0)
}

/// Refuses when `user` is the study's only owner (so the change would leave
/// it without one).
async fn keep_an_owner(
    app: &App,
    study: &Study,
    user: &User,
    doing: &str,
) -> Result<(), AccountError> {
    let members = app
        .store
        .members(study.id)
        .await
        .context("cannot read the team")?;
    let owners = members.iter().filter(|(_, r)| *r == Role::Owner).count();
    let is_owner = members
        .iter()
        .any(|(u, r)| u.id == user.id && *r == Role::Owner);
    if is_owner && owners <= 1 {
        return Err(AccountError::Invalid(format!(
            "{} is the only owner of {}, so you cannot {doing}; make someone else an owner first",
            user.email, study.info.slug
        )));
    }
    Ok(())
}

/// Gives the account `email` the role `role` in `study`; returns a
/// confirmation sentence. Refuses to demote the study's only owner.
pub async fn grant(
    app: &App,
    email: &str,
    study: &Study,
    role: &str,
    actor: Actor<'_>,
) -> Result<String, AccountError> {
    let email = normalise_email(email);
    let role = Role::parse(role.trim()).ok_or_else(|| {
        AccountError::Invalid(format!(
            "\"{role}\" is not a role; use owner, curator, reviewer or facilitator"
        ))
    })?;
    let slug = &study.info.slug;
    let user = account(app, &email).await?;
    let before = app
        .store
        .role_in(user.id, study.id)
        .await
        .context("cannot read the team")?;
    if before == Some(Role::Owner) && role != Role::Owner {
        keep_an_owner(app, study, &user, "change their role").await?;
    }
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: "team.grant".into(),
        subject: format!("account {email}"),
        before: before.map(|r| serde_json::json!({ "role": r.as_str() })),
        after: Some(serde_json::json!({ "role": role.as_str() })),
        ..Default::default()
    };
    app.store
        .set_membership(user.id, study.id, role, &event)
        .await
        .context("cannot change the team")?;
    Ok(format!(
        "{email} is now {} on {slug}.",
        role.label().to_lowercase()
    ))
}

/// What [`add_member`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Whatever happened, the answer for someone who may not create accounts:
    /// the address's account now has the role if there is one, and nothing
    /// changed if there is none; which of the two is not said.
    Saved,
    /// An instance administrator invited an address without an account: the
    /// account now exists, with the role, but with a random password nobody
    /// knows, so it cannot be used until one is set on the server
    /// (`vitrine admin reset-password`).
    Invited(String),
}

/// The team page's "add someone": [`grant`] for an existing account. For an
/// address without one, an instance administrator (`may_invite`) creates the
/// account first; anyone else gets [`Added::Saved`], the same answer as for
/// an existing account, so the form cannot be used to find out who has one.
pub async fn add_member(
    app: &App,
    email: &str,
    study: &Study,
    role: &str,
    actor: Actor<'_>,
    may_invite: bool,
) -> Result<Added, AccountError> {
    let email = normalise_email(email);
    match grant(app, &email, study, role, actor).await {
        Ok(_) => Ok(Added::Saved),
        Err(AccountError::Unknown(_)) if may_invite => {
            // A random password nobody is told: the account is usable only
            // once its password is set with `vitrine admin reset-password`.
            let unusable = crate::app::auth::random_token()?;
            crate::app::auth::create_account(app, &email, &email, &unusable, false, actor).await?;
            grant(app, &email, study, role, actor).await?;
            Ok(Added::Invited(email))
        }
        Err(AccountError::Unknown(_)) => Ok(Added::Saved),
        Err(e) => Err(e),
    }
}

/// Takes the account `email` off `study`'s team; returns a
/// confirmation sentence. Refuses to remove the study's only owner.
pub async fn remove(
    app: &App,
    email: &str,
    study: &Study,
    actor: Actor<'_>,
) -> Result<String, AccountError> {
    let email = normalise_email(email);
    let slug = &study.info.slug;
    let not_on_team = || AccountError::Invalid(format!("{email} is not on the team of {slug}"));
    // An address without an account answers like one not on the team, so
    // this cannot be used to find out who has an account either.
    let user = match account(app, &email).await {
        Err(AccountError::Unknown(_)) => return Err(not_on_team()),
        other => other?,
    };
    let Some(role) = app
        .store
        .role_in(user.id, study.id)
        .await
        .context("cannot read the team")?
    else {
        return Err(not_on_team());
    };
    keep_an_owner(app, study, &user, "remove them").await?;
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
        study: Some(study.id),
        action: "team.remove".into(),
        subject: format!("account {email}"),
        before: Some(serde_json::json!({ "role": role.as_str() })),
        ..Default::default()
    };
    app.store
        .remove_membership(user.id, study.id, &event)
        .await
        .context("cannot change the team")?;
    Ok(format!("{email} is no longer on the team of {slug}."))
}

/// A study's team, by name, with each member's role.
pub async fn members(app: &App, study: &Study) -> vitrine_store::Result<Vec<(User, Role)>> {
    app.store.members(study.id).await
}

/// One account on the administrator's list, with the studies it works on.
#[derive(Debug, Clone)]
pub struct Account {
    /// The account.
    pub user: User,
    /// Its memberships, by study slug.
    pub studies: Vec<vitrine_store::Membership>,
}

/// Every account on the instance, with its memberships.
pub async fn accounts(app: &App) -> vitrine_store::Result<Vec<Account>> {
    let mut accounts = Vec::new();
    for user in app.store.list_users().await? {
        let studies = app.store.memberships(user.id).await?;
        accounts.push(Account { user, studies });
    }
    Ok(accounts)
}
