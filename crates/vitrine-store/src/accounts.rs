//! Staff accounts, study memberships and server-side sessions (sign-in
//! throttling is in `throttle`). Everything here lives in the database so any instance can serve
//! any request and a restart keeps everyone signed in (sessions can be revoked
//! by deleting their rows).
//!
//! Passwords arrive already hashed (argon2id, in the application layer); session
//! tokens arrive already hashed (SHA-256), so nothing here can be replayed.

use crate::{Result, Store, StoreError};
use sqlx::Row;
use vitrine_core::{Role, StudyId, UserId};

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Internal id.
    pub id: UserId,
    /// Sign-in e-mail address, lower-cased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Instance administrator: creates studies and accounts.
    pub is_admin: bool,
}

/// A user's membership of one study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The study.
    pub study: StudyId,
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// The user's role there.
    pub role: Role,
}

/// A live session: who it is and the form token that proves a request came
/// from our own pages.
#[derive(Debug, Clone)]
pub struct Session {
    /// The signed-in user.
    pub user: User,
    /// The anti-forgery token forms must echo.
    pub csrf: String,
    /// When the session ends (Unix ms).
    pub expires_at: i64,
}

fn user(r: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: UserId(r.try_get("id")?),
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        is_admin: r.try_get::<i64, _>("is_admin")? != 0,
    })
}

fn role(text: &str) -> Result<Role> {
    Role::parse(text).ok_or_else(|| StoreError::Corrupt(format!("role {text:?}")))
}

impl Store {
    /// Creates an account; [`StoreError::Conflict`] when the e-mail is taken.
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        password_hash: &str,
        is_admin: bool,
        event: &crate::AuditEvent,
    ) -> Result<UserId> {
        let mut tx = self.begin_audited().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, is_admin, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING RETURNING id",
        )
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .bind(i64::from(is_admin))
        .bind(crate::now_ms())
        .fetch_optional(&mut *tx.tx)
        .await?;
        let id = id.map(UserId).ok_or(StoreError::Conflict)?;
        tx.record(event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces a user's password hash and ends all their sessions. `false`
    /// when there is no such account.
    pub async fn set_password(
        &self,
        email: &str,
        password_hash: &str,
        event: &crate::AuditEvent,
    ) -> Result<bool> {
        let mut audited = self.begin_audited().await?;
        let tx = &mut audited.tx;
        let id: Option<i64> =
            sqlx::query_scalar("UPDATE users SET password_hash = $1 WHERE email = $2 RETURNING id")
                .bind(password_hash)
                .bind(email)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some(id) = id {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
            sqlx::query("DELETE FROM sign_in_throttle WHERE account = $1")
                .bind(email)
                .execute(&mut **tx)
                .await?;
            audited.record(event).await?;
        }
        audited.commit().await?;
        Ok(id.is_some())
    }

    /// The account with this e-mail and its password hash.
    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT id, email, name, is_admin, password_hash FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((user(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    /// Every account, by e-mail.
    pub async fn list_users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT id, email, name, is_admin FROM users ORDER BY email")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(user).collect::<Result<_, _>>()?)
    }

    /// Gives `user` a role in `study`, replacing any role they had there.
    pub async fn set_membership(
        &self,
        user: UserId,
        study: StudyId,
        role: Role,
        event: &crate::AuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_audited().await?;
        sqlx::query(
            "INSERT INTO memberships (user_id, study_id, role) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, study_id) DO UPDATE SET role = excluded.role",
        )
        .bind(user.0)
        .bind(study.0)
        .bind(role.as_str())
        .execute(&mut *tx.tx)
        .await?;
        tx.record(event).await?;
        tx.commit().await
    }

    /// Removes `user` from `study`'s team.
    pub async fn remove_membership(
        &self,
        user: UserId,
        study: StudyId,
        event: &crate::AuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_audited().await?;
        sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND study_id = $2")
            .bind(user.0)
            .bind(study.0)
            .execute(&mut *tx.tx)
            .await?;
        tx.record(event).await?;
        tx.commit().await
    }

    /// The studies `user` belongs to, by title.
    pub async fn memberships(&self, user: UserId) -> Result<Vec<Membership>> {
        let rows = sqlx::query(
            "SELECT s.id, s.slug, s.info, m.role FROM memberships m JOIN studies s ON s.id = m.study_id
             WHERE m.user_id = $1 ORDER BY s.slug",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let info: String = r.try_get("info")?;
                let info: vitrine_core::StudyInfo = serde_json::from_str(&info)
                    .map_err(|e| StoreError::Corrupt(format!("study info: {e}")))?;
                Ok(Membership {
                    study: StudyId(r.try_get("id")?),
                    slug: r.try_get("slug")?,
                    title: info.title,
                    role: role(&r.try_get::<String, _>("role")?)?,
                })
            })
            .collect()
    }

    /// `user`'s role in `study`, if any.
    pub async fn role_in(&self, user: UserId, study: StudyId) -> Result<Option<Role>> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1 AND study_id = $2")
                .bind(user.0)
                .bind(study.0)
                .fetch_optional(&self.pool)
                .await?;
        text.map(|t| role(&t)).transpose()
    }

    /// A study's team, by name.
    pub async fn members(&self, study: StudyId) -> Result<Vec<(User, Role)>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.name, u.is_admin, m.role FROM memberships m
             JOIN users u ON u.id = m.user_id WHERE m.study_id = $1 ORDER BY u.name, u.email",
        )
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((user(r)?, role(&r.try_get::<String, _>("role")?)?)))
            .collect()
    }

    /// Stores a new session.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        expires_at: i64,
    ) -> Result<()> {
        let now = crate::now_ms();
        // Sweep this user's expired sessions while we are here.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
            .bind(user.0)
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session whose token hashes to `token_hash`.
    pub async fn find_session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.is_admin, s.csrf, s.expires_at FROM sessions s
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(crate::now_ms())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Session {
                user: user(&r)?,
                csrf: r.try_get("csrf")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
