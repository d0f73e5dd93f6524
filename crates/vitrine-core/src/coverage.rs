//! Who answered which prompt (PRE-02): the sentence telling visitors that not
//! every participant answered every prompt, with the counts.
//!
//! A gallery whose study gives no participation note of its own shows this one
//! ([`crate::build_release`] fills it in from the published entries), so the
//! gaps in a gallery are always explained.

/// One prompt's line in the note: its title and how many participants answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromptCount<'a> {
    /// The prompt's short title.
    pub title: &'a str,
    /// Distinct participants who answered it.
    pub answered: u32,
}

/// The note for prompts (in gallery order) answered by these many of `total`
/// participants, e.g. "Not every participant answered every prompt: 5 of 6
/// answered prompt 1 (Getting to work), 6 of 6 answered prompt 2 (Breaks)."
///
/// `None` when there is nothing to explain: no participants, no prompts, or
/// every participant answered every prompt.
pub fn participation_note(prompts: &[PromptCount<'_>], total: u32) -> Option<String> {
    if total == 0 || prompts.is_empty() || prompts.iter().all(|p| p.answered >= total) {
        return None;
    }
    let counts: Vec<String> = prompts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let title = p.title.trim();
            let number = i + 1;
            if title.is_empty() {
                format!("{} of {total} answered prompt {number}", p.answered)
            } else {
                format!(
                    "{} of {total} answered prompt {number} ({title})",
                    p.answered
                )
            }
        })
        .collect();
    Some(format!(
        "Not every participant answered every prompt: {}.",
        counts.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(title: &str, answered: u32) -> PromptCount<'_> {
        PromptCount { title, answered }
    }

    #[test]
    fn the_note_gives_every_prompts_count_in_order() {
        assert_eq!(
            participation_note(&[count("Getting to work", 5), count("Breaks", 6)], 6).as_deref(),
            Some(
                "Not every participant answered every prompt: 5 of 6 answered prompt 1 \
                 (Getting to work), 6 of 6 answered prompt 2 (Breaks)."
            )
        );
    }

    #[test]
    fn nothing_is_said_when_everyone_answered_everything() {
        assert_eq!(participation_note(&[count("A", 3), count("B", 3)], 3), None);
        assert_eq!(participation_note(&[], 3), None);
        assert_eq!(participation_note(&[count("A", 0)], 0), None);
    }

    #[test]
    fn a_prompt_nobody_answered_is_counted_and_untitled_prompts_are_numbered() {
        assert_eq!(
            participation_note(&[count("  ", 0), count("B", 2)], 2).as_deref(),
            Some(
                "Not every participant answered every prompt: 0 of 2 answered prompt 1, \
                 2 of 2 answered prompt 2 (B)."
            )
        );
    }

    mod release {
        use crate::ids::{EntryId, ParticipantId, PromptId, StudyId};
        use crate::{
            Consent, ConsentScope, Contact, Entry, EntryTexts, Licence, Participant, Prompt,
            Provenance, ReleaseInput, SignOffState, Study, StudyInfo, build_release,
        };
        use std::collections::HashMap;
        use time::macros::{date, datetime};

        fn study(note: Option<&str>) -> Study {
            Study {
                id: StudyId(1),
                info: StudyInfo {
                    slug: "s".into(),
                    title: "T".into(),
                    subtitle: None,
                    language: "en".into(),
                    summary: String::new(),
                    method: None,
                    institution: None,
                    fieldwork_start: None,
                    fieldwork_end: None,
                    contact: Contact {
                        name: "N".into(),
                        role: None,
                        email: "n@example.org".into(),
                    },
                    funder: None,
                    ethics_reference: None,
                    funder_disclaimer: None,
                    participation_note: note.map(str::to_owned),
                    suggested_use: None,
                    discussion_guide: None,
                    reflection_consent: None,
                    show_reflections: false,
                    notice: None,
                    allow_search_engines: false,
                },
            }
        }

        fn prompt(id: i64, title: &str) -> Prompt {
            Prompt {
                id: PromptId(id),
                order: id,
                title: title.into(),
                text: format!("{title}?"),
                note: None,
                guide: None,
            }
        }

        fn described(id: i64, prompt: i64, participant: i64) -> Entry {
            Entry {
                id: EntryId(id),
                prompt: PromptId(prompt),
                order: id,
                participant: ParticipantId(participant),
                title: Some(format!("Entry {id}")),
                provenance: Provenance::Described,
                image: None,
                texts: EntryTexts {
                    caption: "A caption".into(),
                    description: Some("A described photo".into()),
                    ..EntryTexts::default()
                },
                licence: Some(Licence::None),
                themes: vec![],
                withdrawn: false,
                sign_off: SignOffState::NotStarted,
            }
        }

        /// PRE-02: a Release of a study without its own note states the counts;
        /// one with a note keeps it; taking entries down updates a generated note.
        #[test]
        fn the_generated_note_is_the_public_default() {
            let prompts = [prompt(1, "Work"), prompt(2, "Home")];
            let participants: Vec<Participant> = (1..=2)
                .map(|i| Participant {
                    id: ParticipantId(i),
                    pseudonym: format!("P{i}"),
                    role: None,
                })
                .collect();
            let consent = Consent {
                scopes: [ConsentScope::Web].into(),
                given_on: date!(2024 - 01 - 01),
                form_version: "v1".into(),
                expires_on: None,
                withdrawn_on: None,
            };
            let consents: HashMap<_, _> = participants
                .iter()
                .map(|p| (p.id, consent.clone()))
                .collect();
            let entries = [described(1, 1, 1), described(2, 1, 2), described(3, 2, 1)];
            let images = HashMap::new();
            let at = datetime!(2025-06-01 12:00 UTC);
            let plain = study(None);
            let input = ReleaseInput {
                study: &plain,
                prompts: &prompts,
                themes: &[],
                participants: &participants,
                consents: &consents,
                entries: &entries,
                images: &images,
                real_names: &[],
            };
            let (release, _) = build_release(&input, 1, at);
            assert_eq!(
                release.study.participation_note.as_deref(),
                Some(
                    "Not every participant answered every prompt: 2 of 2 answered prompt 1 \
                     (Work), 1 of 2 answered prompt 2 (Home)."
                )
            );
            let fewer = release.keeping(|e| e.title != "Entry 2", 2, at);
            assert_eq!(
                fewer.study.participation_note.as_deref(),
                Some(
                    "Not every participant answered every prompt: 1 of 2 answered prompt 1 \
                     (Work), 1 of 2 answered prompt 2 (Home)."
                )
            );

            let own = study(Some("Our own words."));
            let input = ReleaseInput {
                study: &own,
                ..input
            };
            let (release, _) = build_release(&input, 1, at);
            assert_eq!(
                release.study.participation_note.as_deref(),
                Some("Our own words.")
            );
            let fewer = release.keeping(|e| e.title != "Entry 2", 2, at);
            assert_eq!(
                fewer.study.participation_note.as_deref(),
                Some("Our own words.")
            );
        }
    }
}
