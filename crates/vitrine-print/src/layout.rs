//! Where everything goes: lines broken to the measured width of their
//! glyphs, pictures scaled to fit, pages broken when full. The result is a
//! list of pages of placed marks, each belonging to a logical block that
//! [`crate::render`] tags.

use crate::PrintError;
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// DejaVu Sans's ascent, as a share of the font size.
const ASCENT: f32 = 0.93;
/// Room kept at the foot of every page for the footer.
pub(crate) const FOOTER_SPACE: f32 = 16.0;

/// The two faces, for measuring (skrifa) and for drawing (krilla).
pub(crate) struct Fonts {
    regular: skrifa::FontRef<'static>,
    bold: skrifa::FontRef<'static>,
    pub(crate) draw_regular: krilla::text::Font,
    pub(crate) draw_bold: krilla::text::Font,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, PrintError> {
        let bad = |_| PrintError::Pdf("the shipped font cannot be read".to_owned());
        let draw = |bytes: &'static [u8]| {
            krilla::text::Font::new(bytes.into(), 0)
                .ok_or_else(|| PrintError::Pdf("the shipped font cannot be read".to_owned()))
        };
        Ok(Self {
            regular: skrifa::FontRef::new(REGULAR).map_err(bad)?,
            bold: skrifa::FontRef::new(BOLD).map_err(bad)?,
            draw_regular: draw(REGULAR)?,
            draw_bold: draw(BOLD)?,
        })
    }

    fn face(&self, bold: bool) -> &skrifa::FontRef<'static> {
        if bold { &self.bold } else { &self.regular }
    }

    /// The width of `text` at `size` points.
    pub(crate) fn width(&self, bold: bool, text: &str, size: f32) -> f32 {
        let face = self.face(bold);
        let charmap = face.charmap();
        let metrics = face.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                metrics
                    .advance_width(charmap.map(c).unwrap_or_default())
                    .unwrap_or(0.0)
            })
            .sum()
    }

    /// `text` as the face can print it: controls and invisible formatting
    /// characters dropped (PDF/UA-1 forbids some of them), any whitespace a
    /// space, and a character the face lacks replaced by U+FFFD.
    pub(crate) fn clean(&self, bold: bool, text: &str) -> String {
        let charmap = self.face(bold).charmap();
        let has = |c: char| charmap.map(c).is_some_and(|g| g.to_u32() != 0);
        let missing = if has('\u{FFFD}') { '\u{FFFD}' } else { '?' };
        text.chars()
            .filter_map(|c| match c {
                '\n' => Some('\n'),
                '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' => None,
                c if c.is_whitespace() => Some(' '),
                c if c.is_control() => None,
                c if has(c) => Some(c),
                _ => Some(missing),
            })
            .collect()
    }
}

/// How a run of text is set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    size: f32,
    bold: bool,
    leading: f32,
    indent: f32,
    after: f32,
}

impl Style {
    pub(crate) const fn regular(size: f32) -> Self {
        Self {
            size,
            bold: false,
            leading: 1.35,
            indent: 0.0,
            after: 0.0,
        }
    }

    pub(crate) const fn bold(size: f32) -> Self {
        Self {
            bold: true,
            leading: 1.2,
            ..Self::regular(size)
        }
    }

    /// Line height as a multiple of the size.
    pub(crate) const fn leading(self, leading: f32) -> Self {
        Self { leading, ..self }
    }

    /// Space before every line, from the margin.
    pub(crate) const fn indent(self, indent: f32) -> Self {
        Self { indent, ..self }
    }

    /// Space after the last line.
    pub(crate) const fn after(self, after: f32) -> Self {
        Self { after, ..self }
    }

    fn line(self) -> f32 {
        self.size * self.leading
    }
}

/// What a block is, for the structure tree.
#[derive(Debug, Clone)]
pub(crate) enum Role {
    /// A heading of this level, with its text.
    Heading(u16, String),
    /// A paragraph.
    Paragraph,
    /// Quoted words.
    Quote,
    /// An image, with its alt text.
    Figure(String),
    /// A list item's bullet.
    Label,
    /// A list item's text.
    Point,
}

/// A logical block: a heading, a paragraph, a figure…, in the section it
/// belongs to (one per entry).
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) role: Role,
    pub(crate) section: usize,
}

/// Something drawn on a page.
#[derive(Debug, Clone)]
pub(crate) enum Mark {
    /// One line of text, from its baseline's left end.
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    /// The picture of item `item`, its top left corner at (x, y).
    Picture {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        item: usize,
    },
}

/// A mark and the block it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    pub(crate) block: usize,
    pub(crate) mark: Mark,
}

/// The pages being filled, top to bottom.
pub(crate) struct Flow<'f> {
    pub(crate) fonts: &'f Fonts,
    /// Page width and height, in points.
    pub(crate) size: (f32, f32),
    pub(crate) margin: f32,
    pub(crate) footer: String,
    /// The largest share of a page's text area a picture may take.
    picture_share: f32,
    y: f32,
    pub(crate) pages: Vec<Vec<Placed>>,
    pub(crate) blocks: Vec<Block>,
    sections: usize,
    /// (title, page, y) for the outline.
    pub(crate) bookmarks: Vec<(String, usize, f32)>,
}

impl<'f> Flow<'f> {
    pub(crate) fn new(
        fonts: &'f Fonts,
        size: (f32, f32),
        margin: f32,
        footer: &str,
        picture_share: f32,
    ) -> Self {
        Self {
            fonts,
            size,
            margin,
            footer: fonts.clean(false, footer).replace('\n', " "),
            picture_share,
            y: margin,
            pages: vec![Vec::new()],
            blocks: Vec::new(),
            sections: 0,
            bookmarks: Vec::new(),
        }
    }

    fn bottom(&self) -> f32 {
        self.size.1 - self.margin - FOOTER_SPACE
    }

    fn width(&self) -> f32 {
        self.size.0 - 2.0 * self.margin
    }

    fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(Vec::is_empty)
    }

    fn place(&mut self, block: usize, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(Placed { block, mark });
        }
    }

    /// How many pages there are so far, the current one included.
    pub(crate) fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Starts a new page.
    pub(crate) fn break_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.margin;
    }

    /// Starts a new page unless `height` points still fit on this one.
    pub(crate) fn keep(&mut self, height: f32) {
        if self.y + height > self.bottom() && !self.page_is_empty() {
            self.break_page();
        }
    }

    /// Leaves `height` points blank, except at the top of a page.
    pub(crate) fn gap(&mut self, height: f32) {
        if !self.page_is_empty() {
            self.y += height;
        }
    }

    /// A new section (one per entry; one for the title, one for the about
    /// paragraphs).
    pub(crate) fn section(&mut self) -> usize {
        self.sections += 1;
        self.sections - 1
    }

    /// An outline entry pointing here.
    pub(crate) fn bookmark(&mut self, title: &str) {
        let title = self.fonts.clean(false, title).replace('\n', " ");
        self.bookmarks
            .push((title, self.pages.len() - 1, self.y.max(0.0)));
    }

    /// A new block in `section`.
    pub(crate) fn block(&mut self, role: Role, section: usize) -> usize {
        self.blocks.push(Block { role, section });
        self.blocks.len() - 1
    }

    /// `text` set in `style`, broken into lines, as block `block`.
    pub(crate) fn text(&mut self, block: usize, text: &str, style: Style) {
        let text = self.fonts.clean(style.bold, text);
        for line in self.wrap(&text, style, self.width() - style.indent) {
            self.keep(style.line());
            if !line.is_empty() {
                let mark = Mark::Text {
                    x: self.margin + style.indent,
                    baseline: self.y + style.size * ASCENT,
                    size: style.size,
                    bold: style.bold,
                    text: line,
                };
                self.place(block, mark);
            }
            self.y += style.line();
        }
        self.y += style.after;
    }

    /// A heading at `level` in `section`.
    pub(crate) fn heading(&mut self, level: u16, section: usize, text: &str, style: Style) {
        let title = self.fonts.clean(style.bold, text).replace('\n', " ");
        let block = self.block(Role::Heading(level, title), section);
        self.text(block, text, style);
    }

    /// A bulleted list item in `section`: a bullet, then `text` indented.
    pub(crate) fn point(&mut self, section: usize, text: &str, style: Style) {
        if self.fonts.clean(false, text).trim().is_empty() {
            return;
        }
        let label = self.block(Role::Label, section);
        let point = self.block(Role::Point, section);
        self.keep(style.line());
        let mark = Mark::Text {
            x: self.margin + style.indent + 2.0,
            baseline: self.y + style.size * ASCENT,
            size: style.size,
            bold: false,
            text: "•".to_owned(),
        };
        self.place(label, mark);
        self.text(point, text, style.indent(style.indent + style.size * 1.2));
    }

    /// How high a `width` × `height` picture is set, when it fits.
    pub(crate) fn picture_height(&self, width: u32, height: u32) -> f32 {
        let (w, h) = (width.max(1) as f32, height.max(1) as f32);
        let max_h = (self.bottom() - self.margin) * self.picture_share;
        h * (self.width() / w).min(max_h / h)
    }

    /// The picture of item `item` (`width` × `height` pixels), as wide as
    /// the text, at most the picture share of the page high, centred; on a
    /// new page if it does not fit what is left, unless it may fill what is
    /// left (a card's front).
    pub(crate) fn picture(&mut self, block: usize, item: usize, width: u32, height: u32) {
        let (w, h) = (width.max(1) as f32, height.max(1) as f32);
        let max_h = (self.bottom() - self.margin) * self.picture_share;
        let mut scale = (self.width() / w).min(max_h / h);
        let left = self.bottom() - self.y;
        if h * scale > left {
            if self.picture_share >= 1.0 || self.page_is_empty() {
                scale = scale.min(left.max(1.0) / h);
            } else {
                self.break_page();
            }
        }
        let (pw, ph) = (w * scale, h * scale);
        let mark = Mark::Picture {
            x: self.margin + (self.width() - pw) / 2.0,
            y: self.y,
            w: pw,
            h: ph,
            item,
        };
        self.place(block, mark);
        self.y += ph;
    }

    /// `text` in lines no wider than `width`: broken at spaces, a word
    /// longer than a line broken anywhere, `\n` kept as a line break.
    fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let measure = |s: &str| self.fonts.width(style.bold, s, style.size);
        let space = measure(" ");
        let mut lines = Vec::new();
        for source in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in source.split(' ').filter(|w| !w.is_empty()) {
                let w = measure(word);
                if !line.is_empty() && line_w + space + w <= width {
                    line.push(' ');
                    line.push_str(word);
                    line_w += space + w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                if w <= width {
                    line.push_str(word);
                    line_w = w;
                    continue;
                }
                for c in word.chars() {
                    let cw = measure(c.encode_utf8(&mut [0; 4]));
                    if !line.is_empty() && line_w + cw > width {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
            lines.push(line);
        }
        lines
    }
}
