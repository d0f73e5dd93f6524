//! Who answered which prompt (PRE-02): participants by prompts, each cell the
//! participant's entries for that prompt, and the participation note the
//! counts give.

use vitrine_core::{EntryId, ParticipantId, PromptCount, PromptId, participation_note};
use vitrine_store::StudyContent;

/// The coverage of a study's prompts by its participants.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// Prompts in gallery order: id and title.
    pub prompts: Vec<(PromptId, String)>,
    /// One row per participant.
    pub rows: Vec<CoverageRow>,
    /// Per prompt (same order), the participants with an entry not withdrawn.
    pub answered: Vec<u32>,
    /// Participants in the study.
    pub total: u32,
    /// The note these counts give (every entry not withdrawn counted).
    pub note: Option<String>,
    /// The note the next Release would carry when the study gives none of its
    /// own (only entries that can be published counted).
    pub next_release_note: Option<String>,
    /// The study's own participation note, which overrides the generated one.
    pub own_note: Option<String>,
}

/// One participant's row.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    /// The participant.
    pub participant: ParticipantId,
    /// Their pseudonym.
    pub pseudonym: String,
    /// One cell per prompt, in the order of [`Coverage::prompts`].
    pub cells: Vec<CoverageCell>,
}

/// A participant's entries for one prompt.
#[derive(Debug, Clone, Default)]
pub struct CoverageCell {
    /// The entries, in gallery order.
    pub entries: Vec<CellEntry>,
}

/// One entry in a cell.
#[derive(Debug, Clone)]
pub struct CellEntry {
    /// The entry.
    pub id: EntryId,
    /// Staff label (import key and title).
    pub label: String,
    /// Provenance code.
    pub provenance: &'static str,
    /// Whether it was withdrawn.
    pub withdrawn: bool,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Builds the coverage table of `content`.
pub fn coverage(content: &StudyContent) -> Coverage {
    let mut prompts: Vec<&vitrine_core::Prompt> = content.prompts.iter().collect();
    prompts.sort_by_key(|p| (p.order, p.id));
    let rows: Vec<CoverageRow> = content
        .participants
        .iter()
        .map(|participant| CoverageRow {
            participant: participant.id,
            pseudonym: participant.pseudonym.clone(),
            cells: prompts
                .iter()
                .map(|prompt| CoverageCell {
                    entries: content
                        .entries
                        .iter()
                        .filter(|e| e.prompt == prompt.id && e.participant == participant.id)
                        .map(|e| CellEntry {
                            id: e.id,
                            label: crate::app::publish::entry_label(content, e.id),
                            provenance: e.provenance.code(),
                            withdrawn: e.withdrawn,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let answered: Vec<u32> = (0..prompts.len())
        .map(|i| {
            count(
                rows.iter()
                    .filter(|r| r.cells[i].entries.iter().any(|e| !e.withdrawn))
                    .count(),
            )
        })
        .collect();
    let total = count(content.participants.len());
    let counts: Vec<PromptCount<'_>> = prompts
        .iter()
        .zip(&answered)
        .map(|(p, n)| PromptCount {
            title: &p.title,
            answered: *n,
        })
        .collect();
    let note = participation_note(&counts, total);
    let own_note = content.study.info.participation_note.clone();
    let next_release_note = if own_note.is_none() {
        let (release, _) = vitrine_core::build_release(
            &content.release_input(),
            0,
            time::OffsetDateTime::now_utc(),
        );
        release.study.participation_note
    } else {
        None
    };
    Coverage {
        prompts: prompts.iter().map(|p| (p.id, p.title.clone())).collect(),
        rows,
        answered,
        total,
        note,
        next_release_note,
        own_note,
    }
}
