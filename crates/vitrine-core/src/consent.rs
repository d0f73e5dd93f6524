//! Consent as itemised scopes per participant (REQUIREMENTS ETH-01, ETH-03).
//!
//! Taking part in a study is not consent to publish. Each record lists what the
//! participant agreed to (web, print, archive, teaching, reuse by others), when,
//! on which form version, until when, and whether it was withdrawn.

use crate::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One use a participant can consent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentScope {
    /// Publish online, in the public gallery.
    Web,
    /// Print, exhibit or hand out.
    Print,
    /// Deposit in an archive.
    Archive,
    /// Use in teaching.
    Teaching,
    /// Share for reuse by other researchers.
    Reuse,
}

impl ConsentScope {
    /// Every scope, for listing in errors and forms.
    pub const ALL: [Self; 5] = [
        Self::Web,
        Self::Print,
        Self::Archive,
        Self::Teaching,
        Self::Reuse,
    ];

    /// Parses a scope as written in consent.csv (case-insensitive).
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(raw.trim()))
    }

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Print => "print",
            Self::Archive => "archive",
            Self::Teaching => "teaching",
            Self::Reuse => "reuse",
        }
    }
}

/// A participant's consent record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// What the participant agreed to.
    pub scopes: BTreeSet<ConsentScope>,
    /// When consent was given.
    pub given_on: Date,
    /// The consent form or information sheet version.
    pub form_version: String,
    /// After this day the consent no longer covers new publication.
    pub expires_on: Option<Date>,
    /// Set when the participant withdrew.
    pub withdrawn_on: Option<Date>,
}

/// Why a consent record does not cover a use on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentGap {
    /// No consent record at all.
    Missing,
    /// The record does not include the scope.
    ScopeNotGiven(ConsentScope),
    /// The record expired on this day.
    Expired(Date),
    /// The participant withdrew on this day.
    Withdrawn(Date),
    /// Consent is dated in the future.
    NotYetGiven(Date),
}

impl Consent {
    /// Checks that this record covers `scope` on `today`.
    pub fn covers(&self, scope: ConsentScope, today: Date) -> Result<(), ConsentGap> {
        if let Some(day) = self.withdrawn_on {
            return Err(ConsentGap::Withdrawn(day));
        }
        if !self.scopes.contains(&scope) {
            return Err(ConsentGap::ScopeNotGiven(scope));
        }
        if self.given_on > today {
            return Err(ConsentGap::NotYetGiven(self.given_on));
        }
        match self.expires_on {
            Some(day) if day < today => Err(ConsentGap::Expired(day)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn web_consent() -> Consent {
        Consent {
            scopes: [ConsentScope::Web].into(),
            given_on: date!(2024 - 01 - 10),
            form_version: "v1".into(),
            expires_on: Some(date!(2025 - 01 - 10)),
            withdrawn_on: None,
        }
    }

    #[test]
    fn covers_scope_until_expiry_day_inclusive() {
        let c = web_consent();
        assert_eq!(c.covers(ConsentScope::Web, date!(2025 - 01 - 10)), Ok(()));
        assert_eq!(
            c.covers(ConsentScope::Web, date!(2025 - 01 - 11)),
            Err(ConsentGap::Expired(date!(2025 - 01 - 10)))
        );
    }

    #[test]
    fn other_scopes_are_not_covered() {
        assert_eq!(
            web_consent().covers(ConsentScope::Print, date!(2024 - 06 - 01)),
            Err(ConsentGap::ScopeNotGiven(ConsentScope::Print))
        );
    }

    #[test]
    fn withdrawal_overrides_everything() {
        let mut c = web_consent();
        c.withdrawn_on = Some(date!(2024 - 03 - 01));
        assert!(matches!(
            c.covers(ConsentScope::Web, date!(2024 - 06 - 01)),
            Err(ConsentGap::Withdrawn(_))
        ));
    }

    #[test]
    fn scopes_parse_case_insensitively() {
        assert_eq!(ConsentScope::parse(" WEB "), Some(ConsentScope::Web));
        assert_eq!(ConsentScope::parse("online"), None);
    }
}
