//! A Release: the immutable snapshot of what the public may see.
//!
//! This is Vitrine's privacy boundary. Public pages, media and exports are a pure
//! function of a [`Release`], and a Release holds nothing private by construction:
//! no internal ids, no import keys, no file names, no consent records, no drafts,
//! only entries that passed [`crate::publish::blockers`] and the content-addressed
//! keys of their public derivatives. Keeping that boundary in a type means no
//! handler has to remember to filter.

use crate::ids::{EntryId, ImageId, ParticipantId, ThemeId};
use crate::publish::{Blocker, blockers};
use crate::slug::SlugSet;
use crate::study::{Participant, Prompt, Study, StudyInfo, Theme};
use crate::{Consent, Date, Entry, EntryTexts, Licence, Provenance, mentions_full_name, text};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// Slugs that name other pages of a study and so cannot name an entry or prompt.
pub const RESERVED_SLUGS: &[&str] = &["about", "entries", "prompts", "themes", "media", "static"];

/// One published snapshot of a study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// 1 for the first Release of a study, then 2, 3…
    pub version: u32,
    /// When it was published (UTC, RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: time::OffsetDateTime,
    /// The study's public texts.
    pub study: StudyInfo,
    /// Prompts in gallery order, each with its published entries.
    pub prompts: Vec<ReleasePrompt>,
    /// Themes used by published entries.
    pub themes: Vec<ReleaseTheme>,
    /// How many participants the study has, for "n of N participants".
    pub participants_total: u32,
    /// What changed since the previous Release, as counts only (e.g. "2 entries
    /// added"), never titles. Filled by the caller (see [`crate::changelog`]).
    #[serde(default)]
    pub changelog: Vec<String>,
    /// The DOI the team minted for this Release after publishing it
    /// (`10.5281/zenodo.123`), if any ([`crate::citation::parse_doi`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Visitors' reflections the team approved, shown when the study allows
    /// it (`StudyInfo::show_reflections`); gathered at publishing, and gone
    /// with their entry when it is withdrawn ([`Release::keeping`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reflections: Vec<ReleaseReflection>,
}

/// An approved reflection as published: what the visitor chose to say, no
/// address, no time of day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseReflection {
    /// The entry's slug, or `None` for the gallery as a whole.
    pub entry: Option<String>,
    /// How far it reflects their experience, 1 to 5, if answered.
    pub reflects: Option<u8>,
    /// What they said they do.
    pub role: Option<String>,
    /// What they wrote.
    pub body: String,
    /// The day it was sent (`YYYY-MM-DD`).
    pub date: String,
}

/// A prompt and its published entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasePrompt {
    /// URL fragment id, from the title.
    pub slug: String,
    /// Short title.
    pub title: String,
    /// The exact wording participants were given.
    pub text: String,
    /// Optional note.
    pub note: Option<String>,
    /// Questions for discussing the prompt (Markdown subset, [`crate::guide`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
    /// Distinct participants with a published entry here.
    pub participants_answered: u32,
    /// Published entries in order.
    pub entries: Vec<ReleaseEntry>,
}

/// An analytic theme as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseTheme {
    /// URL name.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
}

/// One published entry.
///
/// Stored as JSON with its texts flattened into it, in the order Releases
/// have always been stored in (`content_note` after `licence` and `themes`),
/// so a Release written today has the same bytes as before [`EntryTexts`]
/// existed. [`Serialize`] is written out by hand and reading goes through the
/// flat [`StoredEntry`]: serde's `flatten` would buffer every entry of a
/// large Release before reading it (1.5-1.9× slower).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "StoredEntry")]
pub struct ReleaseEntry {
    /// URL name, from the title (or caption), unique in the study.
    pub slug: String,
    /// Title shown as the heading.
    pub title: String,
    /// O, O-edited, I or R.
    pub provenance: Provenance,
    /// The participant's pseudonym.
    pub pseudonym: String,
    /// The participant's role, if given.
    pub role: Option<String>,
    /// The public image; `None` for R entries.
    pub image: Option<ReleaseImage>,
    /// Its words, as curated (alt text is present whenever `image` is).
    pub texts: EntryTexts,
    /// Licence.
    pub licence: Licence,
    /// Slugs of the entry's themes.
    pub themes: Vec<String>,
}

/// A [`ReleaseEntry`] as stored: every field at the top level.
#[derive(Deserialize)]
struct StoredEntry {
    slug: String,
    title: String,
    provenance: Provenance,
    pseudonym: String,
    role: Option<String>,
    image: Option<ReleaseImage>,
    caption: String,
    quote: Option<String>,
    alt: Option<String>,
    long_description: Option<String>,
    description: Option<String>,
    provenance_note: Option<String>,
    creator: Option<String>,
    licence: Licence,
    themes: Vec<String>,
    content_note: Option<String>,
}

impl From<StoredEntry> for ReleaseEntry {
    fn from(e: StoredEntry) -> Self {
        Self {
            slug: e.slug,
            title: e.title,
            provenance: e.provenance,
            pseudonym: e.pseudonym,
            role: e.role,
            image: e.image,
            texts: EntryTexts {
                caption: e.caption,
                quote: e.quote,
                alt: e.alt,
                long_description: e.long_description,
                description: e.description,
                provenance_note: e.provenance_note,
                creator: e.creator,
                content_note: e.content_note,
            },
            licence: e.licence,
            themes: e.themes,
        }
    }
}

impl Serialize for ReleaseEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let EntryTexts {
            caption,
            quote,
            alt,
            long_description,
            description,
            provenance_note,
            creator,
            content_note,
        } = &self.texts;
        let mut out = serializer.serialize_struct("ReleaseEntry", 16)?;
        out.serialize_field("slug", &self.slug)?;
        out.serialize_field("title", &self.title)?;
        out.serialize_field("provenance", &self.provenance)?;
        out.serialize_field("pseudonym", &self.pseudonym)?;
        out.serialize_field("role", &self.role)?;
        out.serialize_field("image", &self.image)?;
        out.serialize_field("caption", caption)?;
        out.serialize_field("quote", quote)?;
        out.serialize_field("alt", alt)?;
        out.serialize_field("long_description", long_description)?;
        out.serialize_field("description", description)?;
        out.serialize_field("provenance_note", provenance_note)?;
        out.serialize_field("creator", creator)?;
        out.serialize_field("licence", &self.licence)?;
        out.serialize_field("themes", &self.themes)?;
        out.serialize_field("content_note", content_note)?;
        out.end()
    }
}

/// The public form of an image: sizes and content-addressed derivative keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseImage {
    /// Upright width of the largest size.
    pub width: u32,
    /// Upright height of the largest size.
    pub height: u32,
    /// Average colour, "#rrggbb", painted while the image loads.
    pub color: String,
    /// Derivatives, by ascending width.
    pub variants: Vec<MediaVariant>,
}

/// One public derivative file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaVariant {
    /// Content-addressed file name, e.g. `3f…9a.jpg`; the URL is `/media/{key}`.
    pub key: String,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// MIME type, e.g. `image/jpeg`.
    pub media_type: String,
}

/// Everything [`build_release`] needs, gathered by the caller from the store.
pub struct ReleaseInput<'a> {
    /// The study.
    pub study: &'a Study,
    /// All its prompts.
    pub prompts: &'a [Prompt],
    /// All its themes.
    pub themes: &'a [Theme],
    /// All its participants.
    pub participants: &'a [Participant],
    /// Consent records by participant.
    pub consents: &'a HashMap<ParticipantId, Consent>,
    /// All its entries, drafts included.
    pub entries: &'a [Entry],
    /// Public derivatives by image.
    pub images: &'a HashMap<ImageId, ReleaseImage>,
    /// The participants' real names, so that an entry whose public texts
    /// hold one whole is left out ([`Blocker::RealNameInTexts`]). Empty when
    /// the caller has none to give (previews that publish nothing).
    pub real_names: &'a [String],
}

/// Builds the snapshot of everything publishable on `today`, and lists every
/// entry left out with its reasons.
pub fn build_release(
    input: &ReleaseInput<'_>,
    version: u32,
    published_at: time::OffsetDateTime,
) -> (Release, Vec<(EntryId, Vec<Blocker>)>) {
    let built = build_release_mapped(input, version, published_at);
    (built.release, built.left_out)
}

/// What [`build_release_mapped`] built.
pub struct BuiltRelease {
    /// The snapshot.
    pub release: Release,
    /// Every entry left out, with its reasons.
    pub left_out: Vec<(EntryId, Vec<Blocker>)>,
    /// Which entry each published slug is, in gallery order. Staff-side only
    /// (stored beside the Release, never in it), so a withdrawal can find
    /// every Release that showed an entry.
    pub slugs: Vec<(EntryId, String)>,
}

/// [`build_release`], also saying which entry each published slug is.
pub fn build_release_mapped(
    input: &ReleaseInput<'_>,
    version: u32,
    published_at: time::OffsetDateTime,
) -> BuiltRelease {
    let mut slugs = Vec::new();
    let today: Date = published_at.date();
    let participants: HashMap<ParticipantId, &Participant> =
        input.participants.iter().map(|p| (p.id, p)).collect();
    let mut theme_slugs = SlugSet::default();
    let themes: HashMap<ThemeId, ReleaseTheme> = input
        .themes
        .iter()
        .map(|t| {
            let theme = ReleaseTheme {
                slug: theme_slugs.claim(&t.name, &format!("theme-{}", t.id)),
                name: t.name.clone(),
                description: t.description.clone(),
            };
            (t.id, theme)
        })
        .collect();

    let mut prompts: Vec<&Prompt> = input.prompts.iter().collect();
    prompts.sort_by_key(|p| (p.order, p.id));
    let mut entry_slugs = SlugSet::reserving(RESERVED_SLUGS);
    let mut prompt_slugs = SlugSet::reserving(RESERVED_SLUGS);
    let mut left_out = Vec::new();
    let mut used_themes = BTreeSet::new();
    let mut released_prompts = Vec::new();
    for prompt in prompts {
        let mut entries: Vec<&Entry> = input
            .entries
            .iter()
            .filter(|e| e.prompt == prompt.id)
            .collect();
        entries.sort_by_key(|e| (e.order, e.id));
        let mut published = Vec::new();
        let mut answered = BTreeSet::new();
        for entry in entries {
            let mut reasons = blockers(entry, input.consents.get(&entry.participant), today);
            let image = entry.image.as_ref().and_then(|i| input.images.get(&i.id));
            if entry.provenance.has_image() && entry.image.is_some() && image.is_none() {
                reasons.push(Blocker::MissingImage);
            }
            if !entry.withdrawn && mentions_full_name(&entry.public_texts(), input.real_names) {
                reasons.push(Blocker::RealNameInTexts);
            }
            let Some(participant) = participants.get(&entry.participant) else {
                continue;
            };
            if !reasons.is_empty() {
                left_out.push((entry.id, reasons));
                continue;
            }
            answered.insert(entry.participant);
            used_themes.extend(entry.themes.iter().copied());
            let title = entry
                .title
                .clone()
                .unwrap_or_else(|| text::first_words(&entry.texts.caption, 6));
            let slug = entry_slugs.claim(&title, &format!("entry-{}", published.len() + 1));
            slugs.push((entry.id, slug.clone()));
            published.push(ReleaseEntry {
                slug,
                title,
                provenance: entry.provenance,
                pseudonym: participant.pseudonym.clone(),
                role: participant.role.clone(),
                image: image.filter(|_| entry.provenance.has_image()).cloned(),
                texts: entry.texts.clone(),
                licence: entry.licence.clone().unwrap_or(Licence::None),
                themes: entry
                    .themes
                    .iter()
                    .filter_map(|t| themes.get(t))
                    .map(|t| t.slug.clone())
                    .collect(),
            });
        }
        released_prompts.push(ReleasePrompt {
            slug: prompt_slugs.claim(&prompt.title, &format!("prompt-{}", prompt.order)),
            title: prompt.title.clone(),
            text: prompt.text.clone(),
            note: prompt.note.clone(),
            guide: prompt.guide.clone(),
            participants_answered: count(answered.len()),
            entries: published,
        });
    }
    let mut release_themes: Vec<ReleaseTheme> = input
        .themes
        .iter()
        .filter(|t| used_themes.contains(&t.id))
        .filter_map(|t| themes.get(&t.id).cloned())
        .collect();
    release_themes.sort_by(|a, b| a.name.cmp(&b.name));
    let participants_total = count(input.participants.len());
    let mut study = input.study.info.clone();
    if study.participation_note.is_none() {
        // PRE-02: a study without a note of its own gets the counts, in words.
        study.participation_note = generated_note(&released_prompts, participants_total);
    }
    let release = Release {
        version,
        published_at,
        study,
        prompts: released_prompts,
        themes: release_themes,
        participants_total,
        changelog: Vec::new(),
        doi: None,
        reflections: Vec::new(),
    };
    BuiltRelease {
        release,
        left_out,
        slugs,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The participation note [`crate::coverage::participation_note`] writes for
/// these published prompts.
fn generated_note(prompts: &[ReleasePrompt], total: u32) -> Option<String> {
    let counts: Vec<crate::PromptCount<'_>> = prompts
        .iter()
        .map(|p| crate::PromptCount {
            title: &p.title,
            answered: p.participants_answered,
        })
        .collect();
    crate::participation_note(&counts, total)
}

/// Where an entry sits in its prompt, for previous/next links and "3 of 9".
pub struct EntryPosition<'a> {
    /// The prompt holding the entry.
    pub prompt: &'a ReleasePrompt,
    /// Zero-based index within the prompt.
    pub index: usize,
    /// The entry.
    pub entry: &'a ReleaseEntry,
}

impl Release {
    /// Every published entry, in gallery order.
    pub fn entries(&self) -> impl Iterator<Item = &ReleaseEntry> {
        self.prompts.iter().flat_map(|p| p.entries.iter())
    }

    /// Finds a published entry by slug.
    pub fn find_entry(&self, slug: &str) -> Option<EntryPosition<'_>> {
        self.prompts.iter().find_map(|prompt| {
            prompt
                .entries
                .iter()
                .position(|e| e.slug == slug)
                .map(|index| EntryPosition {
                    prompt,
                    index,
                    entry: &prompt.entries[index],
                })
        })
    }

    /// Keys of every public derivative this Release shows.
    pub fn media_keys(&self) -> impl Iterator<Item = &str> {
        self.entries()
            .filter_map(|e| e.image.as_ref())
            .flat_map(|i| i.variants.iter().map(|v| v.key.as_str()))
    }

    /// The number of published entries.
    pub fn entry_count(&self) -> usize {
        self.prompts.iter().map(|p| p.entries.len()).sum()
    }

    /// The next Release: this one with only the entries `keep` accepts, and
    /// nothing added. Used when consent lapses, so taking something down never
    /// publishes drafts along the way. Counts and themes are recomputed; the
    /// changelog is left empty for the caller to fill.
    pub fn keeping(
        &self,
        keep: impl Fn(&ReleaseEntry) -> bool,
        version: u32,
        published_at: time::OffsetDateTime,
    ) -> Release {
        let generated = self.study.participation_note.is_some()
            && self.study.participation_note
                == generated_note(&self.prompts, self.participants_total);
        let mut next = self.clone();
        next.version = version;
        next.published_at = published_at;
        next.changelog = Vec::new();
        // A DOI names one version; the new one has none until one is minted.
        next.doi = None;
        for prompt in &mut next.prompts {
            prompt.entries.retain(&keep);
            let answered: BTreeSet<&str> = prompt
                .entries
                .iter()
                .map(|e| e.pseudonym.as_str())
                .collect();
            prompt.participants_answered = count(answered.len());
        }
        let used: BTreeSet<String> = next
            .entries()
            .flat_map(|e| e.themes.iter().cloned())
            .collect();
        next.themes.retain(|t| used.contains(&t.slug));
        if generated {
            // The note was written from the counts, so it follows them.
            next.study.participation_note = generated_note(&next.prompts, next.participants_total);
        }
        // A reflection on an entry leaves with it.
        let kept: BTreeSet<String> = next.entries().map(|e| e.slug.clone()).collect();
        next.reflections
            .retain(|r| r.entry.as_ref().is_none_or(|slug| kept.contains(slug)));
        next
    }

    /// The approved reflections on the entry `slug`, or on the gallery as a
    /// whole for `None`.
    pub fn reflections_on(&self, slug: Option<&str>) -> impl Iterator<Item = &ReleaseReflection> {
        self.reflections
            .iter()
            .filter(move |r| r.entry.as_deref() == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A published entry exactly as Releases before [`crate::EntryTexts`]
    /// stored it: `content_note` last, after `licence` and `themes`.
    const STORED_ENTRY: &str = r##"{"slug":"s","title":"T","provenance":"O-edited","pseudonym":"P1","role":"nurse","image":{"width":2,"height":1,"color":"#000000","variants":[{"key":"k.jpg","width":2,"height":1,"media_type":"image/jpeg"}]},"caption":"c","quote":"q","alt":"a","long_description":null,"description":"d","provenance_note":"n","creator":"cr","licence":"none","themes":["t"],"content_note":"cn"}"##;

    #[test]
    fn a_stored_entry_reads_back_and_writes_the_same_bytes() {
        let entry: ReleaseEntry = serde_json::from_str(STORED_ENTRY).unwrap();
        assert_eq!(entry.texts.caption, "c");
        assert_eq!(entry.texts.long_description, None);
        assert_eq!(entry.texts.content_note.as_deref(), Some("cn"));
        assert_eq!(entry.themes, ["t"]);
        assert_eq!(serde_json::to_string(&entry).unwrap(), STORED_ENTRY);
    }
}
