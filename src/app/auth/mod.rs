//! Staff sign-in: argon2id password hashes, server-side sessions and sign-in
//! throttling per account at an address and per address.
//!
//! A session is a random 256-bit token in an HttpOnly cookie; the database keeps
//! only its SHA-256, with the session's anti-forgery (CSRF) token and expiry.
//! Failed sign-ins are counted in the database too, so the limits hold across
//! instances and restarts (`throttle`); passwords are hashed off the async
//! runtime, a few at a time (`hashing`).

mod hashing;
pub mod throttle;

use crate::app::{Actor, App};
use anyhow::Context;
use std::net::IpAddr;
use std::time::Duration;
use vitrine_store::{Session, StoreError, User};

#[cfg(all(target_os = "linux", feature = "test-support"))]
pub use hashing::niceness as hashing_niceness;
pub use hashing::{
    AT_ONCE as HASHING_AT_ONCE, NICENESS as HASHING_NICENESS, SIGN_INS_AT_ONCE,
    WAITING as SIGN_INS_WAITING, hash_password,
};
pub use throttle::{
    PER_ACCOUNT_AT_ADDRESS, PER_ADDRESS, Rule, WINDOW as THROTTLE_WINDOW, address_key,
};

/// How long a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// The shortest password accepted. Length is what counts (NIST SP 800-63B);
/// there are no composition rules, and paste and password managers work.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Why a sign-in did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong e-mail or password (deliberately not saying which).
    #[error("the e-mail address or password is not right")]
    Invalid,
    /// Too many failures recently, from this address or to this account from it.
    #[error(
        "too many failed sign-ins {why}; try again {when}, or ask an administrator to lift \
         the pause with `vitrine admin unlock`"
    )]
    LockedOut {
        /// "from your address", or "to this account from your address".
        why: &'static str,
        /// "in 8 seconds", or "after 14:05 (UTC)".
        when: String,
        /// How long until trying again can work.
        retry_after: Duration,
    },
    /// Too many sign-ins are being checked at once; nothing was counted.
    #[error("too many sign-ins are being checked right now; try again in a few seconds")]
    Busy,
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// How many password hashes are running now (at most [`HASHING_AT_ONCE`]).
pub fn password_hashes_running() -> usize {
    hashing::running()
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

fn clock(ms_since_epoch: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms_since_epoch / 1000)
        .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
        .unwrap_or_else(|_| "a few minutes".into())
}

/// Signs in from `address` (`None` when the server cannot tell): claims an
/// attempt against the throttle, then checks the password; on success returns
/// the new session's cookie token and the session.
pub async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    address: Option<IpAddr>,
) -> Result<(String, Session), SignInError> {
    sign_in_at(app, email, password, address, vitrine_store::now_ms()).await
}

/// [`sign_in`] at a given time (Unix ms), so tests can let time pass.
pub async fn sign_in_at(
    app: &App,
    email: &str,
    password: &str,
    address: Option<IpAddr>,
    now: i64,
) -> Result<(String, Session), SignInError> {
    let email = normalise_email(email);
    let Ok(_turn) = hashing::admit().await else {
        tracing::warn!("sign-in refused: too many sign-ins waiting");
        return Err(SignInError::Busy);
    };
    let attempt = throttle::Attempt::new(&email, address);
    let claims = attempt.claim(app, now).await?;
    let found = match app.store.find_user_by_email(&email).await {
        Ok(found) => found,
        Err(e) => {
            attempt.give_back(app, true).await?;
            return Err(anyhow::Error::new(e).context("cannot read accounts").into());
        }
    };
    let (user, hash) = found.map_or((None, None), |(user, hash)| (Some(user), Some(hash)));
    let Ok(right) = hashing::verify_password(password, hash).await else {
        attempt.give_back(app, true).await?;
        tracing::warn!("sign-in refused: the password check could not run");
        return Err(SignInError::Busy);
    };
    let Some(user) = user.filter(|_| right) else {
        attempt.failed(app, claims, now).await?;
        return Err(SignInError::Invalid);
    };
    attempt.succeeded(app, now).await?;
    let token = random_token()?;
    let csrf = random_token()?;
    let expires_at = now + throttle::ms(SESSION_LIFETIME);
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
    actor: Actor<'_>,
) -> Result<User, AccountError> {
    let email = normalise_email(email);
    if !vitrine_core::text::is_email_address(&email) {
        return Err(AccountError::BadEmail(email));
    }
    check_new_password(password).map_err(AccountError::WeakPassword)?;
    let hash = hash_password(password).await?;
    let name = if name.trim().is_empty() {
        email.clone()
    } else {
        name.trim().to_owned()
    };
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
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
    actor: Actor<'_>,
) -> Result<(), AccountError> {
    let email = normalise_email(email);
    check_new_password(password).map_err(AccountError::WeakPassword)?;
    let hash = hash_password(password).await?;
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
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

/// Lifts sign-in pauses and lockouts: those of the account `email` at every
/// address, and everything counted at `address` (the address's own and its
/// accounts'); audited. Returns how many were lifted.
pub async fn unlock(
    app: &App,
    email: Option<&str>,
    address: Option<&str>,
    actor: Actor<'_>,
) -> Result<u64, AccountError> {
    let email = email.map(normalise_email);
    let address = match address.map(str::trim) {
        Some(text) => Some(address_key(Some(text.parse::<IpAddr>().map_err(|_| {
            AccountError::Invalid(format!(
                "\"{text}\" is not an IP address; give one such as 203.0.113.7 or 2001:db8::7"
            ))
        })?))),
        None => None,
    };
    if email.is_none() && address.is_none() {
        return Err(AccountError::Invalid(
            "name an account (--email) or a client address (--address) to unlock".into(),
        ));
    }
    let subject = match (&email, &address) {
        (Some(e), Some(a)) => format!("sign-in to {e} and from {a}"),
        (Some(e), None) => format!("sign-in to {e}"),
        (None, Some(a)) => format!("sign-in from {a}"),
        (None, None) => String::new(),
    };
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
        action: "sign_in.unlock".into(),
        subject,
        ..Default::default()
    };
    Ok(app
        .store
        .lift_sign_in_limits(email.as_deref(), address.as_deref(), &event)
        .await
        .context("cannot lift sign-in limits")?)
}
