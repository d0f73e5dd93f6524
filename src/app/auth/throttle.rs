//! Who may try a password now, following OWASP's authentication guidance:
//! failures count per account *at a client address* and per client address,
//! each with its own limit, and the address's count adds growing delays. So
//! guessing from one place slows down and then stops, while nobody can lock
//! a member of staff out from anywhere else: the right password from an
//! address that has not failed always gets checked.
//!
//! Every sign-in claims an attempt on both rows before its password is
//! checked (one atomic statement each, `Store::claim_sign_in`), and gives it
//! back if the password was right or was never checked. Lockouts are recorded
//! in the audit log; `vitrine admin unlock` lifts them.

use super::SignInError;
use crate::app::App;
use anyhow::Context;
use std::net::IpAddr;
use std::time::Duration;
use vitrine_store::{AuditEvent, Claim, ThrottleKey};

/// The window in which failed sign-ins are counted.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// How many failures a row allows, and the delays it adds.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Failures in the window before the row is locked until the window ends.
    pub limit: i64,
    /// Failures allowed before delays start.
    pub free: i64,
    /// The first delay; each failure after it doubles the delay.
    pub first_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
}

/// One account at one address: five tries, then locked there (only there).
pub const PER_ACCOUNT_AT_ADDRESS: Rule = Rule {
    limit: 5,
    free: 5,
    first_delay: Duration::ZERO,
    max_delay: Duration::ZERO,
};

/// One address, whatever accounts it tries: ten free failures (an office
/// behind one address mistypes too), then 1, 2, 4 … up to 60 seconds between
/// tries, and locked after 20.
pub const PER_ADDRESS: Rule = Rule {
    limit: 20,
    free: 10,
    first_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(60),
};

pub(super) fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Rule {
    /// After failure number `attempts` of a window that started at
    /// `window_start`: when the next try may come, and whether the row is
    /// now locked until the window ends.
    fn next_try(&self, attempts: i64, window_start: i64, now: i64) -> (i64, bool) {
        if attempts >= self.limit {
            return (window_start.saturating_add(ms(WINDOW)), true);
        }
        if attempts <= self.free {
            return (now, false);
        }
        let doublings = u32::try_from(attempts - self.free - 1)
            .unwrap_or(u32::MAX)
            .min(20);
        let delay = self
            .first_delay
            .saturating_mul(1_u32 << doublings)
            .min(self.max_delay);
        (now.saturating_add(ms(delay)), false)
    }
}

/// The key a client address is counted under: IPv4 as is (an IPv4 address in
/// IPv6 form too), IPv6 by its /64 network (what one household or server
/// gets), and "unknown" when the server does not know it.
pub fn address_key(address: Option<IpAddr>) -> String {
    match address.map(|a| a.to_canonical()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
        None => "unknown".to_owned(),
    }
}

/// The two rows one sign-in attempt counts against.
pub(super) struct Attempt {
    account: String,
    address: String,
}

impl Attempt {
    pub(super) fn new(account: &str, address: Option<IpAddr>) -> Self {
        Self {
            account: account.to_owned(),
            address: address_key(address),
        }
    }

    fn address_row(&self) -> ThrottleKey<'_> {
        ThrottleKey {
            account: "",
            address: &self.address,
        }
    }

    fn account_row(&self) -> ThrottleKey<'_> {
        ThrottleKey {
            account: &self.account,
            address: &self.address,
        }
    }

    /// Claims a password check on both rows, the address first; refused with
    /// the message saying until when. Returns the two claims' counts.
    pub(super) async fn claim(&self, app: &App, now: i64) -> Result<[(i64, i64); 2], SignInError> {
        let store = &app.store;
        let window = ms(WINDOW);
        let address = store
            .claim_sign_in(self.address_row(), PER_ADDRESS.limit, window, now)
            .await
            .context("cannot count sign-in attempts")?;
        let address = match address {
            Claim::Granted {
                attempts,
                window_start,
            } => (attempts, window_start),
            Claim::Refused { until } => return Err(paused("from your address", until, now)),
        };
        let account = store
            .claim_sign_in(
                self.account_row(),
                PER_ACCOUNT_AT_ADDRESS.limit,
                window,
                now,
            )
            .await
            .context("cannot count sign-in attempts")?;
        match account {
            Claim::Granted {
                attempts,
                window_start,
            } => Ok([address, (attempts, window_start)]),
            Claim::Refused { until } => {
                self.give_back(app, false).await?;
                Err(paused("to this account from your address", until, now))
            }
        }
    }

    /// Gives back claimed attempts whose password was never checked (both
    /// rows) or was right (`both` false: the address's only).
    pub(super) async fn give_back(&self, app: &App, both: bool) -> anyhow::Result<()> {
        app.store
            .release_sign_in(self.address_row())
            .await
            .context("cannot count sign-in attempts")?;
        if both {
            app.store
                .release_sign_in(self.account_row())
                .await
                .context("cannot count sign-in attempts")?;
        }
        Ok(())
    }

    /// After a right password: this account's failures at this address are
    /// forgotten, the address's claim is given back, and old rows swept.
    pub(super) async fn succeeded(&self, app: &App, now: i64) -> anyhow::Result<()> {
        self.give_back(app, false).await?;
        app.store
            .clear_sign_in(self.account_row())
            .await
            .context("cannot clear sign-in attempts")?;
        app.store
            .sweep_sign_in_throttle(ms(WINDOW), now)
            .await
            .context("cannot sweep sign-in attempts")?;
        Ok(())
    }

    /// After a wrong password: sets each row's delay, and records a lockout
    /// in the audit log when this failure reached a row's limit.
    pub(super) async fn failed(
        &self,
        app: &App,
        claims: [(i64, i64); 2],
        now: i64,
    ) -> anyhow::Result<()> {
        let rows = [
            (self.address_row(), PER_ADDRESS, claims[0]),
            (self.account_row(), PER_ACCOUNT_AT_ADDRESS, claims[1]),
        ];
        for (key, rule, (attempts, window_start)) in rows {
            let (next, locked) = rule.next_try(attempts, window_start, now);
            if next <= now {
                continue;
            }
            let lockout =
                (locked && attempts == rule.limit).then(|| self.lockout(key, attempts, next));
            app.store
                .delay_sign_in(key, next, lockout.as_ref())
                .await
                .context("cannot record a failed sign-in")?;
        }
        Ok(())
    }

    fn lockout(&self, key: ThrottleKey<'_>, failures: i64, until: i64) -> AuditEvent {
        let subject = if key.account.is_empty() {
            format!("sign-in from {}", key.address)
        } else {
            format!("sign-in to {} from {}", key.account, key.address)
        };
        tracing::warn!(%subject, failures, "sign-in locked out");
        AuditEvent {
            actor: format!("address {}", key.address),
            action: "sign_in.lockout".into(),
            subject,
            after: Some(serde_json::json!({
                "failures": failures,
                "until": super::clock(until),
            })),
            ..Default::default()
        }
    }
}

/// The refusal for a row that may be tried again at `until`.
fn paused(why: &'static str, until: i64, now: i64) -> SignInError {
    let wait = until.saturating_sub(now).max(1000);
    let when = if wait <= 120_000 {
        let seconds = (wait + 999) / 1000;
        format!("in {seconds} second{}", if seconds == 1 { "" } else { "s" })
    } else {
        format!("after {} (UTC)", super::clock(until))
    };
    SignInError::LockedOut {
        why,
        when,
        retry_after: Duration::from_millis(u64::try_from(wait).unwrap_or(1000)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_after_the_free_failures_and_end_in_a_lock() {
        let (start, now) = (1_000_000, 2_000_000);
        let wait = |n| PER_ADDRESS.next_try(n, start, now);
        assert_eq!(wait(10), (now, false));
        assert_eq!(wait(11), (now + 1000, false));
        assert_eq!(wait(12), (now + 2000, false));
        assert_eq!(wait(14), (now + 8000, false));
        assert_eq!(wait(17), (now + 60_000, false));
        assert_eq!(wait(19), (now + 60_000, false));
        assert_eq!(wait(20), (start + ms(WINDOW), true));
        assert_eq!(PER_ACCOUNT_AT_ADDRESS.next_try(4, start, now), (now, false));
        assert_eq!(
            PER_ACCOUNT_AT_ADDRESS.next_try(5, start, now),
            (start + ms(WINDOW), true)
        );
    }

    #[test]
    fn addresses_are_counted_by_ipv4_address_or_ipv6_network() {
        let key = |s: &str| address_key(Some(s.parse().unwrap()));
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2::9"), key("2001:db8:1:2:ffff::1"));
        assert_eq!(address_key(None), "unknown");
    }
}
