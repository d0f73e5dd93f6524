//! Presenter mode (issue 14): the gallery's entries one at a time, in
//! gallery order, large, for a workshop: each slide shows the prompt, the
//! image, the caption and the prompt's questions; a notes page beside each
//! slide gives the facilitator what the slide leaves out (the full
//! description, the participant's words, provenance, what comes next).
//!
//! Every slide is a page with Previous and Next links, so presenting works
//! without JavaScript; `gallery.js` adds the keys (arrows, Page Up/Down,
//! space, Home/End: what presentation clickers send), full screen, and keeps
//! a notes window in step with the slides. Nothing moves on its own.

use super::Origin;
use super::views::{Layout, Picture, Prose};
use askama::Template;
use vitrine_core::paths::Links;
use vitrine_core::{Release, ReleaseEntry, ReleasePrompt};

/// A slide fills the screen: its image is at most the viewport's width.
const SLIDE_SIZES: &str = "100vw";

/// One slide, or the notes for it.
#[derive(Template)]
#[template(path = "present.html", whitespace = "minimize")]
pub struct PresentPage<'a> {
    layout: Layout,
    /// Whether this is the facilitator's notes page rather than the slide.
    notes: bool,
    entry: &'a ReleaseEntry,
    prompt: &'a ReleasePrompt,
    picture: Option<Picture>,
    caption: Prose,
    description: Option<Prose>,
    long_description: Option<Prose>,
    quote: Option<Prose>,
    provenance_note: Option<Prose>,
    /// The prompt's questions, as sanitised HTML ([`vitrine_core::guide`]).
    questions: Option<String>,
    position: usize,
    total: usize,
    /// The neighbouring slides (or their notes, on a notes page).
    previous: Option<String>,
    next: Option<String>,
    /// What comes next, for the facilitator.
    next_title: Option<&'a str>,
    /// The first and last slides (or notes), for Home and End.
    first_href: String,
    last_href: String,
    /// The slide of this entry, and its notes.
    slide_href: String,
    notes_href: String,
    /// Back to the entry's place in the gallery.
    exit_href: String,
    /// Names the channel that keeps a notes window in step.
    channel: String,
}

/// One slide of a deck: an entry, its prompt and what to ask about it.
#[derive(Clone, Copy)]
pub struct Slide<'a> {
    /// The prompt the entry answers.
    pub prompt: &'a ReleasePrompt,
    /// The entry.
    pub entry: &'a ReleaseEntry,
    /// The questions to ask (Markdown subset of [`vitrine_core::guide`]).
    pub questions: Option<&'a str>,
}

/// The entries to present, in order, and where their pages are.
pub struct Deck<'a, 'h> {
    /// The slides.
    pub slides: Vec<Slide<'a>>,
    /// The address of slide `i` (zero-based), or of its notes.
    pub href: &'h dyn Fn(usize, bool) -> String,
    /// Where "Leave the presentation" goes.
    pub exit_href: String,
    /// Names the channel that keeps a notes window in step: one per deck.
    pub channel: String,
}

impl<'a> Deck<'a, '_> {
    /// Every entry of `release` in gallery order, each with its prompt's
    /// questions from the discussion guide.
    pub fn gallery(release: &'a Release) -> Vec<Slide<'a>> {
        release
            .prompts
            .iter()
            .flat_map(|p| {
                p.entries.iter().map(move |e| Slide {
                    prompt: p,
                    entry: e,
                    questions: p.guide.as_deref(),
                })
            })
            .collect()
    }
}

impl<'a> PresentPage<'a> {
    /// The slide of entry `slug` of the gallery of `release` (its notes if
    /// `notes`); `None` when the Release does not show it.
    pub fn new(release: &'a Release, slug: &str, notes: bool, origin: Origin<'_>) -> Option<Self> {
        let study = &release.study.slug;
        let slides = Deck::gallery(release);
        let at = slides.iter().position(|s| s.entry.slug == slug)?;
        let root = Links::Static { depth: 0 };
        let file = if notes {
            root.present_notes(study, slug)
        } else {
            root.present(study, slug)
        };
        let links = origin.links(&file);
        let order: Vec<&str> = slides.iter().map(|s| s.entry.slug.as_str()).collect();
        let href = |i: usize, notes: bool| {
            if notes {
                links.present_notes(study, order[i])
            } else {
                links.present(study, order[i])
            }
        };
        let deck = Deck {
            exit_href: format!("{}#{}", links.gallery(study), slides[at].prompt.slug),
            channel: format!("vitrine-present-{study}"),
            slides,
            href: &href,
        };
        Self::of_deck(release, &deck, at, notes, links)
    }

    /// Slide `at` (zero-based) of `deck`, or its notes, with `links` for the
    /// stylesheet, script and images. `None` past the end.
    pub fn of_deck(
        release: &'a Release,
        deck: &Deck<'a, '_>,
        at: usize,
        notes: bool,
        links: Links,
    ) -> Option<Self> {
        let Slide {
            prompt,
            entry,
            questions,
        } = *deck.slides.get(at)?;
        let mut layout = Layout::study(release, links, None, super::views::Current::Other);
        // Short and unique: the entry page already has "title – study".
        let n = format!("{} of {}", at + 1, deck.slides.len());
        layout.title = if notes {
            format!("Notes: {}, slide {n}", entry.title)
        } else {
            format!("{}, slide {n}", entry.title)
        };
        // Slides repeat the entry pages for a room: search engines need only those.
        layout.noindex = true;
        let last = deck.slides.len() - 1;
        Some(PresentPage {
            layout,
            notes,
            entry,
            prompt,
            picture: Picture::of(entry, links, SLIDE_SIZES, false),
            caption: Prose::new(&entry.texts.caption),
            description: Prose::optional(entry.texts.description.as_ref()),
            long_description: Prose::optional(entry.texts.long_description.as_ref()),
            quote: Prose::optional(entry.texts.quote.as_ref()),
            provenance_note: Prose::optional(entry.texts.provenance_note.as_ref()),
            questions: questions.map(vitrine_core::guide::to_html),
            position: at + 1,
            total: deck.slides.len(),
            previous: at.checked_sub(1).map(|i| (deck.href)(i, notes)),
            next: (at < last).then(|| (deck.href)(at + 1, notes)),
            next_title: deck.slides.get(at + 1).map(|s| s.entry.title.as_str()),
            first_href: (deck.href)(0, notes),
            last_href: (deck.href)(last, notes),
            slide_href: (deck.href)(at, false),
            notes_href: (deck.href)(at, true),
            exit_href: deck.exit_href.clone(),
            channel: deck.channel.clone(),
        })
    }
}
