//! The rules that decide whether an entry may be published (ETH-01, ETH-08,
//! ETH-09, ETH-13, ETH-14, ETH-16, ACC image alternatives).
//!
//! [`blockers`] returns *every* reason at once, worded for a researcher, so
//! `vitrine check`, the import report and (later) the workspace can show the whole
//! to-do list rather than one problem at a time. An empty list means publishable.

use crate::consent::{ConsentGap, ConsentScope};
use crate::review::SignOffState;
use crate::{Consent, Date, Entry};
use std::fmt;

/// One reason an entry cannot be published yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// The entry was withdrawn; nothing else matters.
    Withdrawn,
    /// The participant has no consent record.
    NoConsent,
    /// Consent does not include publishing online.
    NoWebConsent,
    /// Consent expired on this day.
    ConsentExpired(Date),
    /// The participant withdrew consent on this day.
    ConsentWithdrawn(Date),
    /// Consent is dated after today.
    ConsentInFuture(Date),
    /// An O, O-edited or I entry has no image.
    MissingImage,
    /// An R entry has an image, which would contradict "described only".
    DescribedHasImage,
    /// An image without alt text.
    MissingAlt,
    /// An O-edited or I entry without a note on how the image was made.
    MissingProvenanceNote,
    /// An R entry without the participant's description.
    MissingDescription,
    /// The caption is blank.
    MissingCaption,
    /// No licence chosen.
    MissingLicence,
    /// An O or O-edited entry whose de-identification is not approved.
    NotSignedOff(SignOffState),
    /// A public text holds a participant's whole real name (ETH-20). Which
    /// name and where is told only to those who may see identities, on the
    /// entry page.
    RealNameInTexts,
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Withdrawn => {
                f.write_str("the entry was withdrawn; it can never be published again")
            }
            Self::NoConsent => f.write_str("the participant has no consent record"),
            Self::NoWebConsent => {
                f.write_str("the participant's consent does not cover publishing online (scope \"web\")")
            }
            Self::ConsentExpired(day) => write!(f, "the participant's consent expired on {day}"),
            Self::ConsentWithdrawn(day) => write!(f, "the participant withdrew consent on {day}"),
            Self::ConsentInFuture(day) => write!(f, "the consent is dated {day}, which is in the future"),
            Self::MissingImage => f.write_str("there is no image; O, O-edited and I entries need one"),
            Self::DescribedHasImage => {
                f.write_str("an R (described only) entry must not have an image; remove it or change the provenance")
            }
            Self::MissingAlt => f.write_str("the image has no alt text"),
            Self::MissingProvenanceNote => f.write_str(
                "there is no provenance note saying how the image was made or edited (needed for O-edited and I)",
            ),
            Self::MissingDescription => {
                f.write_str("there is no description of the image the participant meant (needed for R)")
            }
            Self::MissingCaption => f.write_str("the caption is blank"),
            Self::MissingLicence => f.write_str("no licence is set; choose one or \"none\""),
            Self::NotSignedOff(state) => write!(
                f,
                "de-identification is not signed off: {state}; complete the checklist and ask a \
                 reviewer who did not last edit the entry to approve it"
            ),
            Self::RealNameInTexts => f.write_str(
                "a public text of the entry holds a participant's full real name: an owner of the study \
                 (who may see identities) is told which on the entry page; write the pseudonym \
                 instead",
            ),
        }
    }
}

/// Every reason `entry` cannot be published on `today`, given its participant's
/// consent. Empty when the entry may be published. A withdrawn entry has the
/// single reason [`Blocker::Withdrawn`], since fixing anything else would not help.
pub fn blockers(entry: &Entry, consent: Option<&Consent>, today: Date) -> Vec<Blocker> {
    if entry.withdrawn {
        return vec![Blocker::Withdrawn];
    }
    let mut found = Vec::new();
    if let Some(blocker) = consent_blocker(consent, today) {
        found.push(blocker);
    }
    let p = entry.provenance;
    if p.has_image() {
        if entry.image.is_none() {
            found.push(Blocker::MissingImage);
        }
        if is_blank(entry.texts.alt.as_deref()) {
            found.push(Blocker::MissingAlt);
        }
    } else {
        if entry.image.is_some() {
            found.push(Blocker::DescribedHasImage);
        }
        if is_blank(entry.texts.description.as_deref()) {
            found.push(Blocker::MissingDescription);
        }
    }
    if p.needs_note() && is_blank(entry.texts.provenance_note.as_deref()) {
        found.push(Blocker::MissingProvenanceNote);
    }
    if entry.texts.caption.trim().is_empty() {
        found.push(Blocker::MissingCaption);
    }
    if entry.licence.is_none() {
        found.push(Blocker::MissingLicence);
    }
    if p.needs_sign_off() && !entry.sign_off.is_approved() {
        found.push(Blocker::NotSignedOff(entry.sign_off));
    }
    found
}

fn consent_blocker(consent: Option<&Consent>, today: Date) -> Option<Blocker> {
    let Some(consent) = consent else {
        return Some(Blocker::NoConsent);
    };
    match consent.covers(ConsentScope::Web, today) {
        Ok(()) => None,
        Err(ConsentGap::Missing) => Some(Blocker::NoConsent),
        Err(ConsentGap::ScopeNotGiven(_)) => Some(Blocker::NoWebConsent),
        Err(ConsentGap::Expired(day)) => Some(Blocker::ConsentExpired(day)),
        Err(ConsentGap::Withdrawn(day)) => Some(Blocker::ConsentWithdrawn(day)),
        Err(ConsentGap::NotYetGiven(day)) => Some(Blocker::ConsentInFuture(day)),
    }
}

fn is_blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{EntryId, ImageId, ParticipantId, PromptId};
    use crate::{EntryTexts, ImageRef, Licence, Provenance};
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 01);

    fn consent() -> Consent {
        Consent {
            scopes: [ConsentScope::Web, ConsentScope::Print].into(),
            given_on: date!(2024 - 01 - 01),
            form_version: "v1".into(),
            expires_on: None,
            withdrawn_on: None,
        }
    }

    fn entry(provenance: Provenance) -> Entry {
        Entry {
            id: EntryId(1),
            prompt: PromptId(1),
            order: 1,
            participant: ParticipantId(1),
            title: Some("Bags".into()),
            provenance,
            image: provenance.has_image().then_some(ImageRef {
                id: ImageId(1),
                width: 10,
                height: 10,
            }),
            texts: EntryTexts {
                caption: "A caption".into(),
                alt: Some("Gift bags on a table".into()),
                description: (!provenance.has_image()).then(|| "A described photo".into()),
                provenance_note: provenance.needs_note().then(|| "Drawn by the team".into()),
                ..EntryTexts::default()
            },
            licence: Some(Licence::None),
            themes: vec![],
            withdrawn: false,
            sign_off: SignOffState::Approved,
        }
    }

    #[test]
    fn complete_entries_of_every_provenance_are_publishable() {
        for p in crate::provenance::ALL {
            assert_eq!(blockers(&entry(p), Some(&consent()), TODAY), vec![], "{p}");
        }
    }

    #[test]
    fn missing_consent_blocks() {
        assert_eq!(
            blockers(&entry(Provenance::Original), None, TODAY),
            vec![Blocker::NoConsent]
        );
    }

    #[test]
    fn consent_without_web_scope_blocks() {
        let mut c = consent();
        c.scopes.remove(&ConsentScope::Web);
        assert_eq!(
            blockers(&entry(Provenance::Original), Some(&c), TODAY),
            vec![Blocker::NoWebConsent]
        );
    }

    #[test]
    fn expired_consent_blocks() {
        let mut c = consent();
        c.expires_on = Some(date!(2025 - 05 - 31));
        assert_eq!(
            blockers(&entry(Provenance::Original), Some(&c), TODAY),
            vec![Blocker::ConsentExpired(date!(2025 - 05 - 31))]
        );
    }

    #[test]
    fn withdrawn_consent_blocks() {
        let mut c = consent();
        c.withdrawn_on = Some(date!(2025 - 01 - 01));
        assert_eq!(
            blockers(&entry(Provenance::Original), Some(&c), TODAY),
            vec![Blocker::ConsentWithdrawn(date!(2025 - 01 - 01))]
        );
    }

    #[test]
    fn image_entries_need_an_image_and_alt_text() {
        let mut e = entry(Provenance::Illustration);
        e.image = None;
        e.texts.alt = Some("   ".into());
        assert_eq!(
            blockers(&e, Some(&consent()), TODAY),
            vec![Blocker::MissingImage, Blocker::MissingAlt]
        );
    }

    #[test]
    fn edited_and_illustration_entries_need_a_provenance_note() {
        for p in [Provenance::OriginalEdited, Provenance::Illustration] {
            let mut e = entry(p);
            e.texts.provenance_note = None;
            assert_eq!(
                blockers(&e, Some(&consent()), TODAY),
                vec![Blocker::MissingProvenanceNote]
            );
        }
        let mut plain = entry(Provenance::Original);
        plain.texts.provenance_note = None;
        assert_eq!(blockers(&plain, Some(&consent()), TODAY), vec![]);
    }

    #[test]
    fn described_entries_need_a_description_and_no_image() {
        let mut e = entry(Provenance::Described);
        e.texts.description = None;
        e.image = Some(ImageRef {
            id: ImageId(2),
            width: 1,
            height: 1,
        });
        assert_eq!(
            blockers(&e, Some(&consent()), TODAY),
            vec![Blocker::DescribedHasImage, Blocker::MissingDescription]
        );
    }

    #[test]
    fn blank_caption_and_missing_licence_block() {
        let mut e = entry(Provenance::Original);
        e.texts.caption = " ".into();
        e.licence = None;
        assert_eq!(
            blockers(&e, Some(&consent()), TODAY),
            vec![Blocker::MissingCaption, Blocker::MissingLicence]
        );
    }

    #[test]
    fn every_reason_is_reported_at_once() {
        let mut e = entry(Provenance::Illustration);
        e.texts.alt = None;
        e.texts.provenance_note = None;
        e.texts.caption = String::new();
        assert_eq!(blockers(&e, None, TODAY).len(), 4);
    }

    #[test]
    fn original_photos_need_an_approved_sign_off() {
        for p in [Provenance::Original, Provenance::OriginalEdited] {
            for state in [
                SignOffState::NotStarted,
                SignOffState::Incomplete,
                SignOffState::AwaitingApproval,
                SignOffState::Voided,
            ] {
                let mut e = entry(p);
                e.sign_off = state;
                assert_eq!(
                    blockers(&e, Some(&consent()), TODAY),
                    vec![Blocker::NotSignedOff(state)],
                    "{p} {state:?}"
                );
            }
        }
    }

    #[test]
    fn illustrations_and_described_entries_need_no_sign_off() {
        for p in [Provenance::Illustration, Provenance::Described] {
            let mut e = entry(p);
            e.sign_off = SignOffState::NotStarted;
            assert_eq!(blockers(&e, Some(&consent()), TODAY), vec![], "{p}");
        }
    }

    #[test]
    fn a_withdrawn_entry_has_only_that_reason() {
        let mut e = entry(Provenance::Original);
        e.withdrawn = true;
        e.texts.caption = String::new();
        e.sign_off = SignOffState::NotStarted;
        assert_eq!(blockers(&e, None, TODAY), vec![Blocker::Withdrawn]);
        assert!(
            Blocker::Withdrawn
                .to_string()
                .contains("never be published")
        );
    }

    #[test]
    fn messages_say_what_to_do() {
        let sign_off = Blocker::NotSignedOff(SignOffState::AwaitingApproval).to_string();
        assert_eq!(
            sign_off,
            "de-identification is not signed off: awaiting a reviewer's approval; complete the \
             checklist and ask a reviewer who did not last edit the entry to approve it"
        );
        assert!(Blocker::NoWebConsent.to_string().contains("\"web\""));
        assert!(Blocker::MissingLicence.to_string().contains("choose one"));
    }
}
