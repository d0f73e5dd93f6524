//! Printable photo cards and handouts (issue 14), written as tagged PDF that
//! conforms to PDF/UA-1.
//!
//! The caller gathers what to print from a published Release ([`Document`]:
//! titles, captions, alt text, provenance, questions, and the Release's
//! public JPEG derivatives, which carry no metadata) and gets the PDF's
//! bytes back. Nothing here reads a store or a file.
//!
//! - [`cards`]: A6 photo cards, two pages per entry for double-sided
//!   printing: the image on the front; title, prompt, caption, the
//!   participant's words, provenance and the questions on the back.
//! - [`handout`]: an A4 handout: the title, the study's funder note,
//!   disclaimer and contact, then every entry with its image, texts and
//!   questions, and a footer with the page number on every page.
//!
//! Both are tagged: a structure tree in reading order (headings, paragraphs,
//! figures with their alt text, lists for the questions, a section per
//! entry), the document's language, its title shown in the viewer's title
//! bar, an outline (bookmarks) with one entry per entry, fonts embedded with
//! every glyph mapped to Unicode, and page furniture (footers, page numbers)
//! marked as artifacts. krilla's PDF/UA-1 validator runs on every document,
//! so a document it would refuse is an error here, never a file.
//!
//! Text is set in DejaVu Sans (regular and bold, shipped in `fonts/` with
//! its licence), which covers Latin, Greek and Cyrillic. A character the
//! font lacks is printed as U+FFFD (a replacement mark) rather than failing
//! the document.

mod layout;
mod render;

use layout::{Flow, Role, Style};

/// A printable selection of entries: a workshop session or a prompt.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's title, shown as its first heading and in the viewer's
    /// title bar (e.g. "Photo cards: Team meeting, 12 March").
    pub title: String,
    /// BCP 47 tag of the texts, e.g. `en-GB`.
    pub language: String,
    /// A line under the title: where the entries come from (the gallery and
    /// its Release).
    pub source: String,
    /// Paragraphs every handout carries: the funder note, the disclaimer, the
    /// contact.
    pub about: Vec<String>,
    /// The line at the foot of every page (the gallery's title).
    pub footer: String,
    /// The entries, in order.
    pub items: Vec<Item>,
    /// The Release's date (year, month, day), recorded as the document's
    /// creation date so that one Release prints the same bytes.
    pub date: (u16, u8, u8),
}

/// One entry to print.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its title.
    pub title: String,
    /// The prompt it answers, as a sentence ("Prompt: …").
    pub prompt: String,
    /// A content note, printed before the image.
    pub content_note: Option<String>,
    /// Its public image; `None` for an entry described in words.
    pub picture: Option<Picture>,
    /// For an entry described in words: the description.
    pub description: Option<String>,
    /// The caption.
    pub caption: String,
    /// The participant's words.
    pub quote: Option<String>,
    /// Provenance, creator and licence, one short paragraph each.
    pub provenance: Vec<String>,
    /// The questions to ask about it.
    pub questions: Vec<Question>,
}

/// A public image, as the JPEG the Release serves (no metadata).
#[derive(Debug, Clone)]
pub struct Picture {
    /// The JPEG file's bytes, embedded as they are.
    pub jpeg: Vec<u8>,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// Its alt text.
    pub alt: String,
}

/// One piece of a discussion guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// A paragraph.
    Paragraph(String),
    /// A list item.
    Point(String),
}

impl Question {
    /// The questions of a guide in plain text, as
    /// `vitrine_core::guide::to_text` writes it: one paragraph or list item
    /// (`- …`) per line.
    pub fn from_text(text: &str) -> Vec<Question> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| match l.strip_prefix("- ") {
                Some(point) => Question::Point(point.trim().to_owned()),
                None => Question::Paragraph(l.to_owned()),
            })
            .collect()
    }
}

/// Why no PDF was made.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// An entry's image cannot be embedded.
    #[error("the image of \"{title}\" cannot be printed: {why}")]
    Image {
        /// The entry's title.
        title: String,
        /// What is wrong with it.
        why: String,
    },
    /// The document has nothing to print.
    #[error("there is nothing to print: no published entry is selected")]
    Empty,
    /// The PDF writer or its PDF/UA-1 validator refused the document (a bug
    /// here, not the researchers' input).
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// Millimetres to points.
fn mm(mm: f32) -> f32 {
    mm * 72.0 / 25.4
}

const HEADING: Style = Style::bold(14.0);
const BODY: Style = Style::regular(10.0);
const SMALL: Style = Style::regular(8.0);

/// A6 photo cards: for every entry a front (content note and image, or the
/// description of an entry without one) and a back (title, prompt, caption,
/// words, provenance, questions). A back too long for one card continues on
/// the next page, and then a blank page keeps the next front on a front:
/// every card starts on an odd page, so printed double-sided, each front
/// and its back share a sheet.
pub fn cards(doc: &Document) -> Result<Vec<u8>, PrintError> {
    if doc.items.is_empty() {
        return Err(PrintError::Empty);
    }
    let fonts = layout::Fonts::load()?;
    // A card's image fills what is left of its front.
    let mut flow = Flow::new(&fonts, (mm(105.0), mm(148.0)), mm(7.0), &doc.footer, 1.0);
    for (n, item) in doc.items.iter().enumerate() {
        if n > 0 {
            flow.break_page();
            if flow.page_count().is_multiple_of(2) {
                flow.break_page();
            }
        }
        let section = flow.section();
        flow.bookmark(&item.title);
        if let Some(note) = &item.content_note {
            let b = flow.block(Role::Paragraph, section);
            flow.text(b, &format!("Content note: {note}"), SMALL.after(6.0));
        }
        front(&mut flow, section, item, n, 24.0);
        flow.break_page();
        back(&mut flow, section, item, 1);
    }
    render::pdf(flow, doc, "Photo cards")
}

/// The image (to fill what is left of the page), or the description of an
/// entry shown in words.
fn front(flow: &mut Flow, section: usize, item: &Item, index: usize, description_size: f32) {
    match &item.picture {
        Some(picture) => {
            let b = flow.block(Role::Figure(picture.alt.clone()), section);
            flow.picture(b, index, picture.width, picture.height);
        }
        None => {
            let b = flow.block(Role::Paragraph, section);
            flow.text(b, "Described in words, no image:", SMALL.after(6.0));
            let b = flow.block(Role::Paragraph, section);
            let text = item.description.as_deref().unwrap_or(&item.caption);
            flow.text(
                b,
                text,
                Style::regular(description_size).leading(1.3).after(6.0),
            );
        }
    }
}

/// The texts of an entry, under a heading at `level`.
fn back(flow: &mut Flow, section: usize, item: &Item, level: u16) {
    flow.heading(level, section, &item.title, HEADING.after(4.0));
    let b = flow.block(Role::Paragraph, section);
    flow.text(b, &item.prompt, SMALL.after(6.0));
    let b = flow.block(Role::Paragraph, section);
    flow.text(b, &item.caption, BODY.after(6.0));
    if let Some(quote) = &item.quote {
        let b = flow.block(Role::Quote, section);
        flow.text(b, &format!("“{quote}”"), BODY.indent(10.0).after(6.0));
    }
    for line in &item.provenance {
        let b = flow.block(Role::Paragraph, section);
        flow.text(b, line, SMALL.after(2.0));
    }
    if !item.questions.is_empty() {
        flow.gap(6.0);
        flow.heading(
            level + 1,
            section,
            "Questions",
            Style::bold(11.0).after(3.0),
        );
        questions(flow, section, &item.questions);
    }
}

fn questions(flow: &mut Flow, section: usize, questions: &[Question]) {
    for q in questions {
        match q {
            Question::Paragraph(text) => {
                let b = flow.block(Role::Paragraph, section);
                flow.text(b, text, BODY.after(4.0));
            }
            Question::Point(text) => flow.point(section, text, BODY.after(3.0)),
        }
    }
}

/// An A4 handout: title, source, the about paragraphs (funder note,
/// disclaimer, contact), then each entry with its image and texts.
pub fn handout(doc: &Document) -> Result<Vec<u8>, PrintError> {
    if doc.items.is_empty() {
        return Err(PrintError::Empty);
    }
    let fonts = layout::Fonts::load()?;
    // A handout's images take at most 40 % of a page's height.
    let mut flow = Flow::new(&fonts, (mm(210.0), mm(297.0)), mm(18.0), &doc.footer, 0.4);
    let top = flow.section();
    flow.heading(1, top, &doc.title, Style::bold(20.0).after(6.0));
    let b = flow.block(Role::Paragraph, top);
    flow.text(b, &doc.source, BODY.after(8.0));
    if !doc.about.is_empty() {
        let about = flow.section();
        flow.heading(2, about, "About this gallery", Style::bold(12.0).after(4.0));
        for text in &doc.about {
            let b = flow.block(Role::Paragraph, about);
            flow.text(b, text, Style::regular(9.0).after(4.0));
        }
    }
    for (n, item) in doc.items.iter().enumerate() {
        flow.gap(10.0);
        // Keep a heading with its image, or with the start of its texts.
        let picture = item.picture.as_ref();
        flow.keep(picture.map_or(120.0, |p| 70.0 + flow.picture_height(p.width, p.height)));
        let section = flow.section();
        flow.bookmark(&item.title);
        flow.heading(2, section, &item.title, Style::bold(15.0).after(4.0));
        let b = flow.block(Role::Paragraph, section);
        flow.text(b, &item.prompt, Style::regular(9.0).after(6.0));
        if let Some(note) = &item.content_note {
            let b = flow.block(Role::Paragraph, section);
            flow.text(
                b,
                &format!("Content note: {note}"),
                Style::regular(9.0).after(6.0),
            );
        }
        front(&mut flow, section, item, n, 12.0);
        flow.gap(4.0);
        let b = flow.block(Role::Paragraph, section);
        flow.text(b, &item.caption, Style::regular(10.5).after(6.0));
        if let Some(quote) = &item.quote {
            let b = flow.block(Role::Quote, section);
            flow.text(
                b,
                &format!("“{quote}”"),
                Style::regular(10.5).indent(14.0).after(6.0),
            );
        }
        for line in &item.provenance {
            let b = flow.block(Role::Paragraph, section);
            flow.text(b, line, Style::regular(8.5).after(2.0));
        }
        if !item.questions.is_empty() {
            flow.gap(6.0);
            flow.keep(40.0);
            flow.heading(3, section, "Questions", Style::bold(11.0).after(3.0));
            questions(&mut flow, section, &item.questions);
        }
    }
    render::pdf(flow, doc, "Handout")
}

#[cfg(test)]
mod tests;
