//! Draws the laid-out pages with krilla and builds the structure tree from
//! the blocks, in reading order; krilla's PDF/UA-1 validator checks the
//! result.

use crate::layout::{FOOTER_SPACE, Flow, Mark, Role};
use crate::{Document, PrintError};
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, Tag, TagGroup,
    TagKind, TagTree,
};
use krilla::text::TextDirection;
use krilla::{Document as Pdf, SerializeSettings};
use std::num::NonZeroU16;

/// The PDF of `flow`, with `doc`'s title, language and date; `what` names
/// the kind of document in its metadata ("Photo cards").
pub(crate) fn pdf(flow: Flow<'_>, doc: &Document, what: &str) -> Result<Vec<u8>, PrintError> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| PrintError::Pdf(format!("{e:?}")))?;
    let mut pdf = Pdf::new_with(SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    });
    let mut images: Vec<Option<Image>> = Vec::with_capacity(doc.items.len());
    for item in &doc.items {
        images.push(match &item.picture {
            Some(p) => Some(
                Image::from_jpeg(p.jpeg.clone().into(), true).map_err(|why| PrintError::Image {
                    title: item.title.clone(),
                    why,
                })?,
            ),
            None => None,
        });
    }
    let (width, height) = flow.size;
    let settings = PageSettings::from_wh(width, height)
        .ok_or_else(|| PrintError::Pdf("the page has no size".to_owned()))?;
    let total = flow.pages.len();
    let mut ids: Vec<Vec<Identifier>> = vec![Vec::new(); flow.blocks.len()];
    for (n, marks) in flow.pages.iter().enumerate() {
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        for placed in marks {
            match &placed.mark {
                Mark::Text {
                    x,
                    baseline,
                    size,
                    bold,
                    text,
                } => {
                    let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
                    let font = if *bold {
                        &flow.fonts.draw_bold
                    } else {
                        &flow.fonts.draw_regular
                    };
                    surface.draw_text(
                        Point::from_xy(*x, *baseline),
                        font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                    surface.end_tagged();
                    ids[placed.block].push(id);
                }
                Mark::Picture { x, y, w, h, item } => {
                    let (Some(Some(image)), Some(size)) =
                        (images.get(*item), Size::from_wh(*w, *h))
                    else {
                        continue;
                    };
                    let id = surface.start_tagged(ContentTag::Other);
                    surface.push_transform(&Transform::from_translate(*x, *y));
                    surface.draw_image(image.clone(), size);
                    surface.pop();
                    surface.end_tagged();
                    ids[placed.block].push(id);
                }
            }
        }
        // The footer: the gallery's title and the page number, as page
        // furniture that assistive technology skips.
        let footer = format!("{} · {} / {}", flow.footer, n + 1, total);
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
            ArtifactType::Footer,
        )));
        surface.draw_text(
            Point::from_xy(flow.margin, height - flow.margin - FOOTER_SPACE + 12.0),
            flow.fonts.draw_regular.clone(),
            7.0,
            &footer,
            false,
            TextDirection::Auto,
        );
        surface.end_tagged();
        surface.finish();
        page.finish();
    }
    pdf.set_tag_tree(tree(&flow, ids, &doc.language));
    let mut outline = Outline::new();
    for (title, page, y) in &flow.bookmarks {
        outline.push_child(OutlineNode::new(
            title.clone(),
            XyzDestination::new(*page, Point::from_xy(0.0, *y)),
        ));
    }
    pdf.set_outline(outline);
    let (year, month, day) = doc.date;
    pdf.set_metadata(
        Metadata::new()
            .title(flow.fonts.clean(false, &doc.title).replace('\n', " "))
            .language(doc.language.clone())
            .description(format!("{what}: {}", doc.source))
            .creator("Vitrine".to_owned())
            .creation_date(DateTime::new(year).month(month).day(day)),
    );
    pdf.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

/// The structure tree: the blocks in order, each entry's in a section, a
/// list item's bullet and text in `LI`, consecutive items in one `L`.
fn tree(flow: &Flow<'_>, mut ids: Vec<Vec<Identifier>>, language: &str) -> TagTree {
    let mut tree = TagTree::new().with_lang(Some(language.to_owned()));
    let mut section: Option<(usize, TagGroup)> = None;
    let mut list: Option<TagGroup> = None;
    let mut label: Option<TagGroup> = None;
    for (n, block) in flow.blocks.iter().enumerate() {
        let marks = std::mem::take(&mut ids[n]);
        if marks.is_empty() {
            continue;
        }
        let kind: TagKind = match &block.role {
            Role::Heading(level, title) => Tag::Hn(
                NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN),
                Some(title.clone()),
            )
            .into(),
            Role::Paragraph => Tag::P.into(),
            Role::Quote => Tag::BlockQuote.into(),
            Role::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
            Role::Label => Tag::Lbl.into(),
            Role::Point => Tag::LBody.into(),
        };
        let leaf = TagGroup::with_children(kind, marks.into_iter().map(Node::from).collect());
        if section.as_ref().is_none_or(|(s, _)| *s != block.section) {
            close_list(&mut list, &mut section, &mut tree);
            if let Some((_, group)) = section.take() {
                tree.push(group);
            }
            section = Some((block.section, TagGroup::new(Tag::Section)));
        }
        match block.role {
            Role::Label => label = Some(leaf),
            Role::Point => {
                let mut item = TagGroup::new(Tag::LI);
                if let Some(label) = label.take() {
                    item.push(label);
                }
                item.push(leaf);
                list.get_or_insert_with(|| TagGroup::new(Tag::L(ListNumbering::Disc)))
                    .push(item);
            }
            _ => {
                close_list(&mut list, &mut section, &mut tree);
                push(&mut section, &mut tree, leaf);
            }
        }
    }
    close_list(&mut list, &mut section, &mut tree);
    if let Some((_, group)) = section {
        tree.push(group);
    }
    tree
}

fn push(section: &mut Option<(usize, TagGroup)>, tree: &mut TagTree, node: TagGroup) {
    match section {
        Some((_, group)) => group.push(node),
        None => tree.push(node),
    }
}

fn close_list(
    list: &mut Option<TagGroup>,
    section: &mut Option<(usize, TagGroup)>,
    tree: &mut TagTree,
) {
    if let Some(list) = list.take() {
        push(section, tree, list);
    }
}
