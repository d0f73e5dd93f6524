//! The identity store (PRV-01): participants' real names and contacts, kept
//! apart from the content they are linked to.
//!
//! Each identity is encrypted with XChaCha20-Poly1305 under a 32-byte key that
//! lives in a file outside the database (`identity_key_file`, by default
//! `identity.key` in the data folder), with a random nonce and the
//! participant's id as associated data (so a sealed identity cannot be moved
//! to another participant's row). The database holds only
//! `v1:` + hex(nonce ‖ ciphertext). A copy of the database alone reveals no
//! name; the public build reads neither the column nor the key.
//!
//! Real names and contacts never reach an audit payload, a log line, an
//! export or a public page: the audit log records that an identity changed or
//! was looked at, never its values, and [`Identity`]'s `Debug` prints nothing.

mod key;
pub mod names;

pub use key::{IdentityKey, load_key};

use crate::app::{Actor, App};
use anyhow::{Context, bail};
use chacha20poly1305::XNonce;
use chacha20poly1305::aead::{Aead, Payload};
use serde::{Deserialize, Serialize};
use vitrine_core::{ParticipantId, Study};

/// What a sealed identity starts with: the format's version.
const PREFIX: &str = "v1:";
/// Nonce length of XChaCha20-Poly1305.
const NONCE_LEN: usize = 24;
/// The longest real name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest contact accepted, in characters.
pub const MAX_CONTACT_CHARS: usize = 500;

/// A participant's real name and contact details. Its `Debug` prints
/// nothing, so it cannot slip into a log line.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Identity {
    /// The participant's real name.
    pub real_name: String,
    /// How to reach them (address, phone, e-mail), free text.
    pub contact: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity { .. }")
    }
}

/// The associated data binding a sealed identity to its participant.
fn aad(participant: ParticipantId) -> String {
    format!("vitrine identity v1 participant {}", participant.0)
}

/// Encrypts `identity` for `participant`'s row: `v1:` + hex(nonce ‖ ciphertext).
pub fn encrypt(
    key: &IdentityKey,
    participant: ParticipantId,
    identity: &Identity,
) -> anyhow::Result<String> {
    let plain = serde_json::to_vec(identity).context("cannot encode the identity")?;
    let mut nonce = [0_u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let aad = aad(participant);
    let sealed = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| anyhow::anyhow!("cannot encrypt the identity"))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(format!("{PREFIX}{}", hex::encode(out)))
}

/// Decrypts what [`encrypt`] made for `participant`. Fails, saying so without
/// any of the contents, when the key is not the one it was sealed with, the
/// text was changed, or it belongs to another participant.
pub fn decrypt(
    key: &IdentityKey,
    participant: ParticipantId,
    sealed: &str,
) -> anyhow::Result<Identity> {
    let bytes = sealed
        .strip_prefix(PREFIX)
        .and_then(|h| hex::decode(h).ok())
        .filter(|b| b.len() > NONCE_LEN)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the stored identity of participant {participant} is not in a format Vitrine knows"
            )
        })?;
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let aad = aad(participant);
    let plain = key
        .cipher()
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| {
            anyhow::anyhow!(
                "cannot decrypt the identity of participant {participant}: the identity key file \
                 is not the key it was encrypted with (or the stored value was changed)"
            )
        })?;
    serde_json::from_slice(&plain).context("the decrypted identity is not valid")
}

/// The key for this app. A missing key file is only a first use when the
/// database holds no identity yet; otherwise the key was lost or misplaced,
/// and making a new one would leave every stored identity unreadable.
async fn key(app: &App) -> anyhow::Result<IdentityKey> {
    let path = app.settings.identity_key_path();
    if !path.exists() && app.store.holds_identities().await? {
        bail!(
            "the identity key file {} is missing, but the database holds encrypted identities: \
             restore the key file from your backup (or set identity_key_file to where it is)",
            path.display()
        );
    }
    load_key(&app.settings)
}

/// The real names held for a study's participants, for the name check
/// (ETH-20). Reads no key file when none are held.
pub async fn real_names(app: &App, study: &Study) -> anyhow::Result<Vec<String>> {
    let sealed = app.store.sealed_identities(study.id).await?;
    if sealed.is_empty() {
        return Ok(Vec::new());
    }
    let key = key(app).await?;
    let mut names = Vec::new();
    for (participant, text) in sealed {
        let identity = decrypt(&key, participant, &text)?;
        if !identity.real_name.trim().is_empty() {
            names.push(identity.real_name);
        }
    }
    Ok(names)
}

/// A participant's identity for someone allowed to see it; the look is
/// recorded in the audit log (PRV-11), without the values.
pub async fn reveal(
    app: &App,
    study: &Study,
    participant: ParticipantId,
    actor: Actor<'_>,
) -> anyhow::Result<Option<Identity>> {
    let Some(sealed) = app
        .store
        .sealed_identities(study.id)
        .await?
        .into_iter()
        .find(|(p, _)| *p == participant)
        .map(|(_, s)| s)
    else {
        return Ok(None);
    };
    let identity = decrypt(&key(app).await?, participant, &sealed)?;
    app.store
        .audit(&vitrine_store::AuditEvent {
            actor: actor.name.to_owned(),
            study: Some(study.id),
            action: "participant.identity.view".into(),
            subject: format!("participant {participant}"),
            ..Default::default()
        })
        .await?;
    Ok(Some(identity))
}

/// What is wrong with an identity as typed; empty when nothing is.
pub fn problems(real_name: &str, contact: &str) -> Vec<String> {
    let mut found = Vec::new();
    if real_name.trim().chars().count() > MAX_NAME_CHARS {
        found.push(format!(
            "Real name: keep it under {MAX_NAME_CHARS} characters."
        ));
    }
    if contact.trim().chars().count() > MAX_CONTACT_CHARS {
        found.push(format!(
            "Contact: keep it under {MAX_CONTACT_CHARS} characters."
        ));
    }
    found
}

/// Stores a participant's real name and contact, encrypted; both empty
/// removes them. The audit log says the identity changed, never what to.
pub async fn set_identity(
    app: &App,
    study: &Study,
    participant: ParticipantId,
    real_name: &str,
    contact: &str,
    actor: Actor<'_>,
) -> anyhow::Result<()> {
    let problems = problems(real_name, contact);
    if !problems.is_empty() {
        bail!("{}", problems.join(" "));
    }
    let Some(found) = app.store.participant(study.id, participant).await? else {
        bail!("participant {participant} is not in this study");
    };
    let identity = Identity {
        real_name: real_name.trim().to_owned(),
        contact: contact.trim().to_owned(),
    };
    let removed = identity.real_name.is_empty() && identity.contact.is_empty();
    let sealed = if removed {
        None
    } else {
        Some(encrypt(&key(app).await?, participant, &identity)?)
    };
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
        action: "participant.identity".into(),
        subject: format!("participant {participant}"),
        before: Some(
            serde_json::json!({ "identity": if found.has_identity { "held" } else { "none" } }),
        ),
        after: Some(serde_json::json!({ "identity": if removed { "removed" } else { "changed" } })),
        ..Default::default()
    };
    app.store
        .set_sealed_identity(study.id, participant, sealed.as_deref(), &event)
        .await?;
    Ok(())
}

/// The pseudonyms that equal or contain a real name held in the identity
/// store (ETH-20), each once, in the order given. Whose name it is, is not
/// said, so the warning can be shown to anyone on the team.
pub fn pseudonyms_matching<'a>(pseudonyms: &[&'a str], real_names: &[String]) -> Vec<&'a str> {
    let names: Vec<&str> = real_names.iter().map(String::as_str).collect();
    pseudonyms
        .iter()
        .copied()
        .filter(|p| !vitrine_core::lint::name_mentions(&[("pseudonym", p)], &names).is_empty())
        .fold(Vec::new(), |mut out, p| {
            if !out.contains(&p) {
                out.push(p);
            }
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann() -> Identity {
        Identity {
            real_name: "Ann Smith".into(),
            contact: "07700 900123, 1 High Street".into(),
        }
    }

    #[test]
    fn identities_round_trip() {
        let key = IdentityKey::generate().unwrap();
        let sealed = encrypt(&key, ParticipantId(7), &ann()).unwrap();
        assert!(sealed.starts_with("v1:"));
        assert_eq!(decrypt(&key, ParticipantId(7), &sealed).unwrap(), ann());
        let again = encrypt(&key, ParticipantId(7), &ann()).unwrap();
        assert_ne!(sealed, again, "each encryption has its own nonce");
    }

    #[test]
    fn the_wrong_key_or_row_fails_cleanly_without_the_contents() {
        let key = IdentityKey::generate().unwrap();
        let other = IdentityKey::generate().unwrap();
        let sealed = encrypt(&key, ParticipantId(7), &ann()).unwrap();
        let err = format!(
            "{:#}",
            decrypt(&other, ParticipantId(7), &sealed).unwrap_err()
        );
        assert!(err.contains("not the key"), "{err}");
        assert!(!err.contains("Ann"), "{err}");
        assert!(decrypt(&key, ParticipantId(8), &sealed).is_err());
        assert!(decrypt(&key, ParticipantId(7), "v1:zz").is_err());
        assert!(decrypt(&key, ParticipantId(7), "Ann Smith").is_err());
    }

    #[test]
    fn ciphertext_holds_no_plaintext() {
        let key = IdentityKey::generate().unwrap();
        let sealed = encrypt(&key, ParticipantId(1), &ann()).unwrap();
        let lower = sealed.to_lowercase();
        for word in ["ann", "smith", "07700", "high", "real_name", "contact"] {
            assert!(!lower.contains(word), "{word} in {sealed}");
        }
        let hex_of = |s: &str| hex::encode(s.as_bytes());
        assert!(!sealed.contains(&hex_of("Smith")));
        assert_eq!(format!("{:?}", ann()), "Identity { .. }");
        assert_eq!(format!("{key:?}"), "IdentityKey(***)");
    }

    #[test]
    fn pseudonyms_that_are_real_names_are_found() {
        let names = vec!["Zoë Hart".to_owned(), "Sam".to_owned()];
        let found = pseudonyms_matching(&["Zoe", "zoë", "Robin", "Samuel", "Sam"], &names);
        assert_eq!(found, vec!["Zoe", "zoë", "Sam"]);
        assert!(pseudonyms_matching(&["Robin"], &[]).is_empty());
    }
}
