//! Staff sign-in: argon2id password hashes, server-side sessions and sign-in
//! throttling per account and per address.
//!
//! A session is a random 256-bit token in an HttpOnly cookie; the database keeps
//! only its SHA-256, with the session's anti-forgery (CSRF) token and expiry.
//! Failed sign-ins are counted in the database too, so the limit holds across
//! instances and restarts.

use crate::app::App;
use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::net::IpAddr;
use std::time::Duration;
use vitrine_store::{Session, StoreError, User};

/// How long a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// The window in which failed sign-ins are counted.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failed sign-ins to one account, within the window, before it is locked.
pub const MAX_ACCOUNT_FAILURES: i64 = 5;
/// Failed sign-ins from one address, within the window, before it is refused.
pub const MAX_ADDRESS_FAILURES: i64 = 20;
/// The shortest password accepted. Length is what counts (NIST SP 800-63B);
/// there are no composition rules, and paste and password managers work.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Why a sign-in did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong e-mail or password (deliberately not saying which).
    #[error("the e-mail address or password is not right")]
    Invalid,
    /// Too many failures recently.
    #[error(
        "too many failed sign-ins for this {what}; try again after {until} (UTC), or ask an \
         administrator to reset the password with `vitrine admin reset-password`"
    )]
    LockedOut {
        /// "account" or "address".
        what: &'static str,
        /// When the lock ends, "HH:MM".
        until: String,
    },
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0_u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?
        .to_string())
}

/// Whether `password` matches the stored `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of no real password, checked when the account does not exist so a
/// wrong e-mail takes as long to refuse as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        hash_password("decoy password that nobody has").unwrap_or_default()
    });
    &DECOY
}

/// Checks a new password, saying what to change.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password has {chars} characters; use at least {MIN_PASSWORD_CHARS} (a few \
             unrelated words make a good one)"
        ));
    }
    if password.trim().is_empty() {
        return Err("the password is only spaces".into());
    }
    Ok(())
}

/// Lower-cases and trims an e-mail address, the form accounts are stored in.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// 32 random bytes as hex.
pub fn random_token() -> anyhow::Result<String> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(hex::encode(bytes))
}

/// The form a session token is stored in.
pub fn token_hash(token: &str) -> String {
    vitrine_media::sha256_hex(token.as_bytes())
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn clock(ms_since_epoch: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms_since_epoch / 1000)
        .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
        .unwrap_or_else(|_| "a few minutes".into())
}

/// Signs in: checks the throttle, then the password; on success returns the
/// new session's cookie token and the session.
pub async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    address: Option<IpAddr>,
) -> Result<(String, Session), SignInError> {
    let email = normalise_email(email);
    let now = vitrine_store::now_ms();
    let since = now - ms(THROTTLE_WINDOW);
    let account = format!("account:{email}");
    let mut subjects = vec![account.clone()];
    let checks: Vec<(String, &'static str, i64)> = {
        let mut checks = vec![(account.clone(), "account", MAX_ACCOUNT_FAILURES)];
        if let Some(ip) = address {
            let subject = format!("address:{ip}");
            subjects.push(subject.clone());
            checks.push((subject, "address", MAX_ADDRESS_FAILURES));
        }
        checks
    };
    for (subject, what, max) in &checks {
        let (count, first) = app
            .store
            .login_failures(subject, since)
            .await
            .context("cannot read sign-in attempts")?;
        if count >= *max {
            let until = first.unwrap_or(now) + ms(THROTTLE_WINDOW);
            return Err(SignInError::LockedOut {
                what,
                until: clock(until),
            });
        }
    }
    let found = app
        .store
        .find_user_by_email(&email)
        .await
        .context("cannot read accounts")?;
    let user = match found {
        Some((user, hash)) if verify_password(password, &hash) => user,
        Some(_) => {
            app.store
                .record_login_failure(&subjects)
                .await
                .context("cannot record a failed sign-in")?;
            return Err(SignInError::Invalid);
        }
        None => {
            verify_password(password, decoy_hash());
            app.store
                .record_login_failure(&subjects)
                .await
                .context("cannot record a failed sign-in")?;
            return Err(SignInError::Invalid);
        }
    };
    app.store
        .clear_login_failures(&account)
        .await
        .context("cannot clear sign-in attempts")?;
    let token = random_token()?;
    let csrf = random_token()?;
    let expires_at = now + ms(SESSION_LIFETIME);
    app.store
        .create_session(&token_hash(&token), user.id, &csrf, expires_at)
        .await
        .context("cannot store the session")?;
    tracing::info!(user = %user.email, "signed in");
    Ok((
        token,
        Session {
            user,
            csrf,
            expires_at,
        },
    ))
}

/// The session a cookie token belongs to, if it is live.
pub async fn session(app: &App, token: &str) -> anyhow::Result<Option<Session>> {
    Ok(app.store.find_session(&token_hash(token)).await?)
}

/// Ends the session a cookie token belongs to.
pub async fn sign_out(app: &App, token: &str) -> anyhow::Result<()> {
    Ok(app.store.delete_session(&token_hash(token)).await?)
}

/// Why an account could not be created or changed from the command line.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The password is too weak.
    #[error("{0}")]
    WeakPassword(String),
    /// The e-mail does not look like one.
    #[error("\"{0}\" is not an e-mail address")]
    BadEmail(String),
    /// An account with this e-mail exists.
    #[error(
        "there is already an account for {0}; use `vitrine admin reset-password` to change its password"
    )]
    Exists(String),
    /// Something else the person asked for does not work; the text says why.
    #[error("{0}")]
    Invalid(String),
    /// No account with this e-mail.
    #[error("there is no account for {0}; create one with `vitrine admin create`")]
    Unknown(String),
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Creates an account (from `vitrine admin create`, or by an administrator).
pub async fn create_account(
    app: &App,
    email: &str,
    name: &str,
    password: &str,
    is_admin: bool,
    actor: &str,
) -> Result<User, AccountError> {
    let email = normalise_email(email);
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(AccountError::BadEmail(email));
    }
    check_new_password(password).map_err(AccountError::WeakPassword)?;
    let hash = hash_password(password)?;
    let name = if name.trim().is_empty() {
        email.clone()
    } else {
        name.trim().to_owned()
    };
    let event = vitrine_store::AuditEvent {
        actor: actor.to_owned(),
        action: "account.create".into(),
        subject: format!("account {email}"),
        after: Some(serde_json::json!({ "email": email, "admin": is_admin })),
        ..Default::default()
    };
    match app
        .store
        .create_user(&email, &name, &hash, is_admin, &event)
        .await
    {
        Ok(id) => Ok(User {
            id,
            email,
            name,
            is_admin,
        }),
        Err(StoreError::Conflict) => Err(AccountError::Exists(email)),
        Err(e) => Err(anyhow::Error::new(e)
            .context("cannot create the account")
            .into()),
    }
}

/// Sets a new password and ends the account's sessions and lockout.
pub async fn reset_password(
    app: &App,
    email: &str,
    password: &str,
    actor: &str,
) -> Result<(), AccountError> {
    let email = normalise_email(email);
    check_new_password(password).map_err(AccountError::WeakPassword)?;
    let hash = hash_password(password)?;
    let event = vitrine_store::AuditEvent {
        actor: actor.to_owned(),
        action: "account.reset_password".into(),
        subject: format!("account {email}"),
        ..Default::default()
    };
    if !app
        .store
        .set_password(&email, &hash, &event)
        .await
        .context("cannot change the password")?
    {
        return Err(AccountError::Unknown(email));
    }
    Ok(())
}
