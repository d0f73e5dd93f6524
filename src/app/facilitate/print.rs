//! Printing (issue 14): photo cards (A6, image on the front, texts and
//! questions on the back) and an A4 handout, of a workshop session or of a
//! prompt, as tagged PDF that conforms to PDF/UA-1 ([`vitrine_print`]).
//!
//! What is printed comes from the study's current Release only: the public
//! texts and the public JPEG derivatives (no metadata), never a draft or an
//! original. Every PDF made is recorded in the export registry with the
//! entries it holds, so a withdrawal lists the printed copies to chase.
//! The PDF is made on the blocking pool within the image budget.

use crate::app::ingest::{IngestError, within_budget};
use crate::app::published::Current;
use crate::app::{Actor, App};
use anyhow::Context;
use vitrine_core::{EntryId, ReleaseEntry, ReleasePrompt, Study};
use vitrine_print::{Document, Item, Picture, Question};
use vitrine_store::{AuditEvent, BlobKey, ExportRecord, Held, NewExport};

/// Cards or a handout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A6 photo cards, front and back.
    Cards,
    /// An A4 handout.
    Handout,
}

impl Kind {
    /// `cards` or `handout`, as forms and the registry name it.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "cards" => Some(Self::Cards),
            "handout" => Some(Self::Handout),
            _ => None,
        }
    }

    /// The registry's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cards => "cards",
            Self::Handout => "handout",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Cards => "Photo cards",
            Self::Handout => "Handout",
        }
    }

    /// The narrowest image width printed: about 300 dots per inch across a
    /// card (105 mm), and across a handout's text (174 mm) at 200.
    fn image_width(self) -> u32 {
        match self {
            Self::Cards => 1200,
            Self::Handout => 1400,
        }
    }
}

/// What to print.
#[derive(Debug, Clone)]
pub enum Selection {
    /// A workshop session's entries, with its questions.
    Session(i64),
    /// A prompt's published entries, with its discussion questions; by the
    /// prompt's slug in the Release.
    Prompt(String),
}

/// A PDF made.
#[derive(Debug)]
pub struct Printed {
    /// A file name to save it under (`{study}-{selection}-{kind}.pdf`).
    pub file_name: String,
    /// The PDF.
    pub bytes: Vec<u8>,
    /// Entries it holds.
    pub entries: usize,
    /// Its registry record.
    pub record: ExportRecord,
}

/// Why nothing was printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// No such session or prompt (or study).
    #[error("{0}")]
    NotFound(String),
    /// The study has no Release yet, or the selection holds no published
    /// entry.
    #[error("{0}")]
    Nothing(String),
    /// The image budget stayed full.
    #[error("{0}")]
    Busy(#[from] crate::app::image_budget::Busy),
    /// Reading or writing failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// One entry to print, as the Release shows it, with its questions.
struct Chosen<'r> {
    id: EntryId,
    prompt: &'r ReleasePrompt,
    entry: &'r ReleaseEntry,
    questions: Option<String>,
}

/// Prints `selection` of `study` as `kind`, records it in the registry as
/// sent to `destination` by `actor`, and returns the PDF.
pub async fn print(
    app: &App,
    study: &Study,
    selection: &Selection,
    kind: Kind,
    destination: &str,
    actor: Actor<'_>,
) -> Result<Printed, PrintError> {
    let (title, current, chosen_slugs) = match selection {
        Selection::Session(id) => {
            let presented = super::workshops::present(app, study, *id)
                .await
                .map_err(|e| match e {
                    super::workshops::WorkshopError::NotFound => {
                        PrintError::NotFound("There is no such session in this study.".into())
                    }
                    other => PrintError::Failed(other.into()),
                })?
                .ok_or_else(not_published)?;
            (presented.title, presented.current, presented.slides)
        }
        Selection::Prompt(slug) => {
            let current = crate::app::published::current(app, &study.info.slug)
                .await
                .context("cannot read the current Release")?
                .ok_or_else(not_published)?;
            let prompt = current
                .release
                .prompts
                .iter()
                .find(|p| &p.slug == slug)
                .ok_or_else(|| {
                    let known: Vec<&str> = current
                        .release
                        .prompts
                        .iter()
                        .map(|p| p.slug.as_str())
                        .collect();
                    PrintError::NotFound(format!(
                        "The published gallery has no prompt \"{slug}\" (a prompt with no \
                         published entry is not in it). Its prompts are: {}.",
                        known.join(", ")
                    ))
                })?;
            let slides = prompt
                .entries
                .iter()
                .map(|e| (e.slug.clone(), None))
                .collect();
            (prompt.title.clone(), current, slides)
        }
    };
    let ids = crate::app::published::entry_ids(app, &current).await?;
    let chosen: Vec<Chosen<'_>> = chosen_slugs
        .into_iter()
        .filter_map(|(slug, questions)| {
            let found = current.release.find_entry(&slug)?;
            Some(Chosen {
                id: *ids.get(&slug)?,
                prompt: found.prompt,
                entry: found.entry,
                questions: questions.or_else(|| found.prompt.guide.clone()),
            })
        })
        .collect();
    if chosen.is_empty() {
        return Err(PrintError::Nothing(
            "Nothing to print: none of its entries is in the published gallery now.".into(),
        ));
    }
    let document = document(app, &current, &title, kind, &chosen).await?;
    let peak = 4 * document
        .items
        .iter()
        .filter_map(|i| i.picture.as_ref())
        .map(|p| p.jpeg.len() as u64)
        .sum::<u64>()
        + (16 << 20);
    let wait = Some(app.image_budget.upload_wait());
    let made = within_budget(&app.image_budget, peak, wait, move || match kind {
        Kind::Cards => vitrine_print::cards(&document),
        Kind::Handout => vitrine_print::handout(&document),
    })
    .await
    .map_err(|e| match e {
        IngestError::Busy(busy) => PrintError::Busy(busy),
        other => PrintError::Failed(anyhow::anyhow!("the PDF task stopped: {other}")),
    })?;
    let bytes = made.context("cannot make the PDF")?;
    let record = app
        .store
        .record_export(NewExport {
            study: study.id,
            held: Held::Selected(current.id, chosen.iter().map(|c| c.id).collect()),
            kind: kind.name(),
            destination,
            event: AuditEvent {
                actor: actor.name.to_owned(),
                action: format!("export.{}", kind.name()),
                ..Default::default()
            },
        })
        .await
        .context("cannot record the PDF in the export registry")?;
    let what = match selection {
        Selection::Session(id) => format!("session-{id}"),
        Selection::Prompt(slug) => slug.clone(),
    };
    Ok(Printed {
        file_name: format!("{}-{what}-{}.pdf", study.info.slug, kind.name()),
        bytes,
        entries: chosen.len(),
        record,
    })
}

fn not_published() -> PrintError {
    PrintError::Nothing(
        "This study has no published Release yet: cards and handouts are printed from the \
         published gallery."
            .into(),
    )
}

/// What [`vitrine_print`] needs: the texts, and each image as the Release's
/// JPEG derivative at least [`Kind::image_width`] wide (or its largest).
async fn document(
    app: &App,
    current: &Current,
    title: &str,
    kind: Kind,
    chosen: &[Chosen<'_>],
) -> Result<Document, PrintError> {
    let release = &current.release;
    let study = &release.study;
    let mut items = Vec::with_capacity(chosen.len());
    for c in chosen {
        items.push(item(app, c, kind).await?);
    }
    let published = vitrine_core::text::long_date(release.published_at.date());
    let mut about = Vec::new();
    if let Some(funder) = &study.funder {
        about.push(match &funder.award {
            Some(award) => format!("Funded by {} ({award}).", funder.name),
            None => format!("Funded by {}.", funder.name),
        });
    }
    about.extend(study.funder_disclaimer.clone());
    about.extend(study.participation_note.clone());
    let contact = &study.contact;
    about.push(match &contact.role {
        Some(role) => format!("Contact: {}, {role}, {}", contact.name, contact.email),
        None => format!("Contact: {}, {}", contact.name, contact.email),
    });
    let date = release.published_at.date();
    Ok(Document {
        title: format!("{}: {title}", kind.title()),
        language: study.language.clone(),
        source: format!(
            "From the gallery “{}”, Release {} of {published}.",
            vitrine_core::citation::full_title(release),
            release.version
        ),
        about,
        footer: study.title.clone(),
        items,
        date: (
            u16::try_from(date.year()).unwrap_or(2000),
            u8::from(date.month()),
            date.day(),
        ),
    })
}

async fn item(app: &App, c: &Chosen<'_>, kind: Kind) -> Result<Item, PrintError> {
    let e = c.entry;
    let picture = match &e.image {
        Some(image) => {
            let jpegs = image
                .variants
                .iter()
                .filter(|v| v.media_type == "image/jpeg");
            let variant = jpegs
                .clone()
                .find(|v| v.width >= kind.image_width())
                .or_else(|| jpegs.clone().next_back())
                .context("a published image has no JPEG")?;
            let jpeg = app
                .blobs
                .get(&BlobKey::Public(variant.key.clone()))
                .await
                .context("cannot read a published image")?
                .context("a published image is missing from the media store")?
                .to_vec();
            Some(Picture {
                jpeg,
                width: variant.width,
                height: variant.height,
                alt: e.texts.alt.clone().unwrap_or_default(),
            })
        }
        None => None,
    };
    let mut provenance = vec![format!(
        "{}: {}. {}",
        e.provenance.code(),
        e.provenance.label(),
        e.provenance.meaning()
    )];
    provenance.extend(e.texts.provenance_note.clone());
    provenance.push(match &e.role {
        Some(role) => format!("Participant: {} (pseudonym), {role}", e.pseudonym),
        None => format!("Participant: {} (pseudonym)", e.pseudonym),
    });
    if let Some(creator) = &e.texts.creator {
        provenance.push(format!("Image by {creator}"));
    }
    provenance.push(format!("Licence: {}", e.licence.name()));
    Ok(Item {
        title: e.title.clone(),
        prompt: format!("Prompt: {}", c.prompt.text),
        content_note: e.texts.content_note.clone(),
        picture,
        description: e.texts.description.clone(),
        caption: e.texts.caption.clone(),
        quote: e.texts.quote.clone(),
        provenance,
        questions: c
            .questions
            .as_deref()
            .map(|q| Question::from_text(&vitrine_core::guide::to_text(q)))
            .unwrap_or_default(),
    })
}

/// What the print page offers: sessions and published prompts, each with
/// how many published entries it holds.
#[derive(Debug, Default)]
pub struct Choices {
    /// Whether the study has a Release.
    pub published: bool,
    /// (session id, title, entries shown).
    pub sessions: Vec<(i64, String, usize)>,
    /// (prompt slug in the Release, title, entries).
    pub prompts: Vec<(String, String, usize)>,
}

/// The sessions and prompts of `study` that can be printed.
pub async fn choices(app: &App, study: &Study) -> anyhow::Result<Choices> {
    let Some(current) = crate::app::published::current(app, &study.info.slug)
        .await
        .context("cannot read the current Release")?
    else {
        return Ok(Choices::default());
    };
    let sessions = super::workshops::sessions(app, study)
        .await?
        .into_iter()
        .map(|s| (s.workshop.id, s.workshop.title, s.shown.len()))
        .collect();
    let prompts = current
        .release
        .prompts
        .iter()
        .filter(|p| !p.entries.is_empty())
        .map(|p| (p.slug.clone(), p.title.clone(), p.entries.len()))
        .collect();
    Ok(Choices {
        published: true,
        sessions,
        prompts,
    })
}
