//! De-identification sign-off (REQUIREMENTS ETH-08, ETH-09).
//!
//! Before an O or O-edited entry may be published, one person works through a
//! checklist of what could identify someone in the image and its words, and a
//! different person approves it (four eyes). The sign-off records a
//! [`fingerprint`] of the image, caption and alt text as checked: when any of
//! them changes afterwards the sign-off is void, because what was checked is no
//! longer what would be published.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt;

/// One thing that could identify someone, which the curator confirms is not
/// shown (or was removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckItem {
    /// Faces and bodies.
    Faces,
    /// Names, badges and uniforms.
    NamesBadges,
    /// House numbers, street signs and number plates.
    AddressesPlates,
    /// Screens and documents.
    ScreensDocuments,
    /// Distinctive places and landmarks.
    DistinctivePlaces,
    /// Tattoos and distinctive clothing.
    Tattoos,
    /// Other people who did not consent.
    ThirdParties,
    /// Risk of finding the original by reverse image search.
    ReverseSearch,
}

impl CheckItem {
    /// Every item, in the order the checklist lists them.
    pub const ALL: [Self; 8] = [
        Self::Faces,
        Self::NamesBadges,
        Self::AddressesPlates,
        Self::ScreensDocuments,
        Self::DistinctivePlaces,
        Self::Tattoos,
        Self::ThirdParties,
        Self::ReverseSearch,
    ];

    /// The stable id used in storage and forms, e.g. `names_badges`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Faces => "faces",
            Self::NamesBadges => "names_badges",
            Self::AddressesPlates => "addresses_plates",
            Self::ScreensDocuments => "screens_documents",
            Self::DistinctivePlaces => "distinctive_places",
            Self::Tattoos => "tattoos",
            Self::ThirdParties => "third_parties",
            Self::ReverseSearch => "reverse_search",
        }
    }

    /// Parses a stable id (as [`CheckItem::as_str`] gives it).
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|item| item.as_str() == id.trim())
    }

    /// The short heading of the item.
    pub fn label(self) -> &'static str {
        match self {
            Self::Faces => "Faces and bodies",
            Self::NamesBadges => "Names, badges and uniforms",
            Self::AddressesPlates => "House numbers, street signs and number plates",
            Self::ScreensDocuments => "Screens and documents",
            Self::DistinctivePlaces => "Distinctive places and landmarks",
            Self::Tattoos => "Tattoos and distinctive clothing",
            Self::ThirdParties => "Other people who did not consent",
            Self::ReverseSearch => "Risk of finding the original by reverse image search",
        }
    }

    /// The sentence the curator confirms by clearing the item.
    pub fn question(self) -> &'static str {
        match self {
            Self::Faces => "No face or body in the image can be recognised.",
            Self::NamesBadges => {
                "No name, name badge, lanyard or uniform in the image, caption or alt text \
                 identifies a person or their workplace."
            }
            Self::AddressesPlates => {
                "No house number, street sign, postcode or number plate can be read or recognised."
            }
            Self::ScreensDocuments => {
                "No screen, letter, form or other document shows readable personal details."
            }
            Self::DistinctivePlaces => {
                "No distinctive building, view or landmark reveals where a participant lives or works."
            }
            Self::Tattoos => {
                "No tattoo, birthmark or distinctive clothing or jewellery is visible."
            }
            Self::ThirdParties => "Nobody who did not consent can be seen or is named.",
            Self::ReverseSearch => {
                "The published image is unlikely to lead to the original (for example one posted \
                 online) through a reverse image search."
            }
        }
    }
}

impl fmt::Display for CheckItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The de-identification checklist of one entry: the items cleared so far and
/// an optional note (what was redacted, why an item does not apply).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    /// The items the curator confirmed.
    #[serde(default)]
    pub cleared: BTreeSet<CheckItem>,
    /// A note on how the items were checked.
    #[serde(default)]
    pub note: Option<String>,
}

impl Checklist {
    /// A checklist with every item cleared, e.g. one completed outside Vitrine.
    pub fn all_cleared(note: Option<String>) -> Self {
        Self {
            cleared: CheckItem::ALL.into_iter().collect(),
            note,
        }
    }

    /// Whether every item is cleared.
    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }

    /// The items not cleared yet, in checklist order.
    pub fn missing(&self) -> Vec<CheckItem> {
        CheckItem::ALL
            .into_iter()
            .filter(|item| !self.cleared.contains(item))
            .collect()
    }
}

/// A stored sign-off: the checklist, who completed it, what it covered, and the
/// approval if given. People are named as text (sign-offs recorded at import
/// have no account) and, when they used the workspace, by user id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    /// The checklist as saved.
    pub checklist: Checklist,
    /// Who completed the checklist.
    pub checked_by: String,
    /// Their user id, when they used the workspace.
    pub checked_by_user: Option<i64>,
    /// The [`fingerprint`] of the image, caption and alt text checked.
    pub fingerprint: String,
    /// Who approved it, if anyone has.
    pub approved_by: Option<String>,
    /// Their user id, when they used the workspace.
    pub approved_by_user: Option<i64>,
}

/// A hex SHA-256 over the image (by its original's hash), caption and alt text,
/// each length-prefixed so no two different inputs share an encoding.
pub fn fingerprint(image_sha256: Option<&str>, caption: &str, alt: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"vitrine-sign-off-v1");
    for field in [image_sha256, Some(caption), alt] {
        match field {
            None => hasher.update([0u8]),
            Some(text) => {
                hasher.update([1u8]);
                hasher.update(u64::try_from(text.len()).unwrap_or(u64::MAX).to_be_bytes());
                hasher.update(text.as_bytes());
            }
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Where an entry's sign-off stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOffState {
    /// No checklist saved.
    #[default]
    NotStarted,
    /// A checklist is saved but some items are not cleared.
    Incomplete,
    /// The checklist is complete; nobody has approved it yet.
    AwaitingApproval,
    /// Complete and approved by a second person.
    Approved,
    /// The image, caption or alt text changed after the checklist was saved.
    Voided,
}

impl SignOffState {
    /// Whether the entry is signed off for publishing.
    pub fn is_approved(self) -> bool {
        self == Self::Approved
    }
}

impl fmt::Display for SignOffState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotStarted => "the checklist has not been started",
            Self::Incomplete => "the checklist is not complete",
            Self::AwaitingApproval => "awaiting a reviewer's approval",
            Self::Approved => "approved by a reviewer",
            Self::Voided => {
                "the image, caption or alt text changed after the checklist was completed, \
                 so it must be checked again"
            }
        })
    }
}

/// The state of `sign_off` for an entry whose image, caption and alt text now
/// have `current_fingerprint`. An approval counts only when it was given by
/// someone other than the person who completed the checklist.
pub fn sign_off_state(sign_off: Option<&SignOff>, current_fingerprint: &str) -> SignOffState {
    let Some(s) = sign_off else {
        return SignOffState::NotStarted;
    };
    if s.fingerprint != current_fingerprint {
        SignOffState::Voided
    } else if !s.checklist.is_complete() {
        SignOffState::Incomplete
    } else if s.approved_by.is_none() || approver_is_checker(s) {
        SignOffState::AwaitingApproval
    } else {
        SignOffState::Approved
    }
}

/// Whether the recorded approver is the person who completed the checklist: by
/// user id when both have one, otherwise by name.
fn approver_is_checker(s: &SignOff) -> bool {
    match (s.approved_by_user, s.checked_by_user) {
        (Some(a), Some(c)) => a == c,
        (Some(_), None) | (None, Some(_)) => false,
        (None, None) => s
            .approved_by
            .as_deref()
            .is_some_and(|a| same_name(a, &s.checked_by)),
    }
}

/// Whether two names written by people are the same (case and spacing ignored).
pub fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    fold(a) == fold(b)
}

/// Why a reviewer may not approve a sign-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalRefused {
    /// Some checklist items are not cleared yet.
    ChecklistIncomplete(Vec<CheckItem>),
    /// The reviewer is the person who last changed the entry.
    LastEditor,
    /// The reviewer completed the checklist themselves.
    CompletedChecklist,
}

impl fmt::Display for ApprovalRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ChecklistIncomplete(missing) => {
                let labels: Vec<&str> = missing.iter().map(|item| item.label()).collect();
                write!(
                    f,
                    "the checklist is not complete; still to clear: {}",
                    labels.join("; ")
                )
            }
            Self::LastEditor => f.write_str(
                "you made the last change to this entry, so another reviewer must approve it \
                 (four-eyes check)",
            ),
            Self::CompletedChecklist => f.write_str(
                "you completed the checklist for this entry, so another reviewer must approve it \
                 (four-eyes check)",
            ),
        }
    }
}

/// Whether user `approver` may approve `sign_off` of an entry last changed by
/// `last_editor`: the checklist must be complete, and the approver must be
/// neither the last editor nor the person who completed the checklist.
pub fn may_approve(
    approver: i64,
    sign_off: &SignOff,
    last_editor: Option<i64>,
) -> Result<(), ApprovalRefused> {
    let missing = sign_off.checklist.missing();
    if !missing.is_empty() {
        return Err(ApprovalRefused::ChecklistIncomplete(missing));
    }
    if last_editor == Some(approver) {
        return Err(ApprovalRefused::LastEditor);
    }
    if sign_off.checked_by_user == Some(approver) {
        return Err(ApprovalRefused::CompletedChecklist);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "ab12";

    fn checked(checker: i64) -> SignOff {
        SignOff {
            checklist: Checklist::all_cleared(None),
            checked_by: "Ann Curator".into(),
            checked_by_user: Some(checker),
            fingerprint: fingerprint(Some(SHA), "A caption", Some("Alt")),
            approved_by: None,
            approved_by_user: None,
        }
    }

    fn current() -> String {
        fingerprint(Some(SHA), "A caption", Some("Alt"))
    }

    #[test]
    fn items_round_trip_through_their_ids_and_serde() {
        for item in CheckItem::ALL {
            assert_eq!(CheckItem::parse(item.as_str()), Some(item));
            assert!(item.question().ends_with('.'), "{item:?}");
        }
        assert_eq!(CheckItem::NamesBadges.as_str(), "names_badges");
        assert_eq!(CheckItem::parse("nope"), None);
        let list = Checklist {
            cleared: [CheckItem::Faces, CheckItem::NamesBadges].into(),
            note: Some("n".into()),
        };
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(json, r#"{"cleared":["faces","names_badges"],"note":"n"}"#);
        assert_eq!(serde_json::from_str::<Checklist>(&json).unwrap(), list);
    }

    #[test]
    fn a_checklist_lists_what_is_missing_in_order() {
        let mut list = Checklist::default();
        assert_eq!(list.missing(), CheckItem::ALL.to_vec());
        list.cleared = CheckItem::ALL.into_iter().skip(1).collect();
        assert_eq!(list.missing(), vec![CheckItem::Faces]);
        assert!(!list.is_complete());
        assert!(Checklist::all_cleared(None).is_complete());
    }

    #[test]
    fn fingerprints_change_with_image_caption_or_alt_and_are_unambiguous() {
        let base = current();
        assert_eq!(base.len(), 64);
        assert_ne!(base, fingerprint(Some("ab13"), "A caption", Some("Alt")));
        assert_ne!(base, fingerprint(None, "A caption", Some("Alt")));
        assert_ne!(base, fingerprint(Some(SHA), "A caption.", Some("Alt")));
        assert_ne!(base, fingerprint(Some(SHA), "A caption", None));
        assert_ne!(base, fingerprint(Some(SHA), "A caption", Some("Alt ")));
        // Moving text between fields gives a different fingerprint.
        assert_ne!(
            fingerprint(None, "ab", Some("c")),
            fingerprint(None, "a", Some("bc"))
        );
        assert_ne!(
            fingerprint(Some(""), "", None),
            fingerprint(None, "", Some(""))
        );
    }

    #[test]
    fn states_move_from_not_started_to_approved() {
        let now = current();
        assert_eq!(sign_off_state(None, &now), SignOffState::NotStarted);
        let mut s = checked(1);
        s.checklist.cleared.remove(&CheckItem::Tattoos);
        assert_eq!(sign_off_state(Some(&s), &now), SignOffState::Incomplete);
        s.checklist.cleared.insert(CheckItem::Tattoos);
        assert_eq!(
            sign_off_state(Some(&s), &now),
            SignOffState::AwaitingApproval
        );
        s.approved_by = Some("Bo Reviewer".into());
        s.approved_by_user = Some(2);
        let state = sign_off_state(Some(&s), &now);
        assert_eq!(state, SignOffState::Approved);
        assert!(state.is_approved());
        assert!(!SignOffState::AwaitingApproval.is_approved());
    }

    #[test]
    fn changing_image_caption_or_alt_voids_even_an_approved_sign_off() {
        let mut s = checked(1);
        s.approved_by = Some("Bo Reviewer".into());
        s.approved_by_user = Some(2);
        for changed in [
            fingerprint(Some("other"), "A caption", Some("Alt")),
            fingerprint(Some(SHA), "A new caption", Some("Alt")),
            fingerprint(Some(SHA), "A caption", Some("New alt")),
        ] {
            assert_eq!(sign_off_state(Some(&s), &changed), SignOffState::Voided);
        }
        assert!(SignOffState::Voided.to_string().contains("checked again"));
    }

    #[test]
    fn an_approval_by_the_checker_does_not_count() {
        let now = current();
        let mut by_user = checked(1);
        by_user.approved_by = Some("Ann again".into());
        by_user.approved_by_user = Some(1);
        assert_eq!(
            sign_off_state(Some(&by_user), &now),
            SignOffState::AwaitingApproval
        );
        let mut by_name = checked(1);
        by_name.checked_by_user = None;
        by_name.approved_by = Some(" ann  CURATOR ".into());
        assert_eq!(
            sign_off_state(Some(&by_name), &now),
            SignOffState::AwaitingApproval
        );
    }

    #[test]
    fn four_eyes_refusals() {
        let s = checked(1);
        assert_eq!(may_approve(2, &s, Some(3)), Ok(()));
        assert_eq!(may_approve(2, &s, None), Ok(()));
        assert_eq!(
            may_approve(1, &s, Some(3)),
            Err(ApprovalRefused::CompletedChecklist)
        );
        assert_eq!(
            may_approve(3, &s, Some(3)),
            Err(ApprovalRefused::LastEditor)
        );
        let mut partial = checked(1);
        partial.checklist.cleared.remove(&CheckItem::Faces);
        partial.checklist.cleared.remove(&CheckItem::ReverseSearch);
        let refused = may_approve(2, &partial, None);
        assert_eq!(
            refused,
            Err(ApprovalRefused::ChecklistIncomplete(vec![
                CheckItem::Faces,
                CheckItem::ReverseSearch
            ]))
        );
        let text = refused.err().map(|r| r.to_string()).unwrap_or_default();
        assert!(text.contains("Faces and bodies"), "{text}");
        assert!(
            ApprovalRefused::LastEditor
                .to_string()
                .contains("another reviewer")
        );
    }

    #[test]
    fn state_wording_is_for_researchers() {
        assert_eq!(
            SignOffState::AwaitingApproval.to_string(),
            "awaiting a reviewer's approval"
        );
        assert!(
            SignOffState::NotStarted
                .to_string()
                .contains("not been started")
        );
    }
}
