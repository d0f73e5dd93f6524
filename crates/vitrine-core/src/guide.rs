//! Discussion guides (issue 14): guidance and questions for a workshop,
//! written by the team in a small Markdown subset and shown on the public
//! gallery and to facilitators.
//!
//! The subset is paragraphs, bulleted and numbered lists, emphasis, strong
//! emphasis, inline code and links (http, https, mailto, or a link within
//! the site). Everything else is kept as plain text, never as markup:
//! HTML written into a guide is shown as the characters typed, a heading
//! becomes a paragraph, an image its description, a block quote or code
//! block its text, and a link to any other scheme (`javascript:`, `data:`)
//! its words. So the HTML out is safe by construction: only the tags listed
//! here are ever written, and pulldown-cmark escapes every text and address.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// The longest guide accepted, in characters: a page of questions, not a
/// document.
pub const MAX_CHARS: usize = 10_000;

/// What the form says about the subset, next to every guide field.
pub const SYNTAX_HINT: &str = "Plain text. A blank line starts a new paragraph; lines \
    starting with \"- \" or \"1. \" make a list; *emphasis*, **strong**, and links written \
    [words](https://example.org). Other Markdown and any HTML are shown as plain text.";

/// Why a guide cannot be saved as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuideProblem {
    /// Longer than [`MAX_CHARS`].
    #[error("the guide is {0} characters long; at most {MAX_CHARS} fit (a page of questions)")]
    TooLong(usize),
}

/// Checks a guide before it is saved.
pub fn check(markdown: &str) -> Result<(), GuideProblem> {
    let chars = markdown.chars().count();
    if chars > MAX_CHARS {
        return Err(GuideProblem::TooLong(chars));
    }
    Ok(())
}

/// The guide as HTML made only of `p`, `ul`, `ol`, `li`, `em`, `strong`,
/// `code`, `br` and `a href` (no other attribute; see the module docs).
pub fn to_html(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, subset(markdown));
    html
}

/// The guide as plain text, paragraphs and list items on lines of their
/// own (for a PDF, a text export or an attribute).
pub fn to_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in subset(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item)
                if !text.ends_with('\n') =>
            {
                text.push('\n');
            }
            Event::Start(Tag::Item) => text.push_str("- "),
            _ => {}
        }
    }
    text.trim_end().to_owned()
}

/// The subset's events: what is allowed passes, everything else becomes
/// text or goes.
fn subset(markdown: &str) -> impl Iterator<Item = Event<'_>> {
    // No tables, footnotes, task lists or smart punctuation: plain CommonMark.
    let mut links: Vec<bool> = Vec::new();
    Parser::new_ext(markdown, Options::empty()).filter_map(move |event| match event {
        Event::Start(tag) => match tag {
            Tag::Paragraph | Tag::List(_) | Tag::Item | Tag::Emphasis | Tag::Strong => {
                Some(Event::Start(tag))
            }
            // Headings, code and HTML blocks read as paragraphs.
            Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::HtmlBlock => {
                Some(Event::Start(Tag::Paragraph))
            }
            // A link keeps its address only (no title), if the address is allowed.
            Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            } => {
                let allowed = allowed_address(&dest_url, link_type);
                links.push(allowed);
                allowed.then_some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title: CowStr::Borrowed(""),
                    id,
                }))
            }
            // An image shows as its description; quotes and the rest as their text.
            _ => None,
        },
        Event::End(end) => match end {
            TagEnd::Paragraph
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Emphasis
            | TagEnd::Strong => Some(Event::End(end)),
            TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                Some(Event::End(TagEnd::Paragraph))
            }
            TagEnd::Link => links.pop().unwrap_or(false).then_some(Event::End(end)),
            _ => None,
        },
        Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak => Some(event),
        // HTML is shown as typed, escaped like any text.
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(trim_end(raw))),
        // Math, footnotes and task lists are off; a rule goes.
        _ => None,
    })
}

/// `text` without the line break that ends a block's last line.
fn trim_end(text: CowStr<'_>) -> CowStr<'_> {
    match text {
        CowStr::Borrowed(s) => CowStr::Borrowed(s.trim_end_matches('\n')),
        other if other.ends_with('\n') => CowStr::from(other.trim_end_matches('\n').to_owned()),
        other => other,
    }
}

/// Whether a link may point at `url`: the web, e-mail, or somewhere on this
/// site (a path, a query or a fragment, with no scheme of its own).
fn allowed_address(url: &CowStr<'_>, link_type: LinkType) -> bool {
    if link_type == LinkType::Email {
        return true;
    }
    let lower = url.trim().to_ascii_lowercase();
    if ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return true;
    }
    // No scheme: a colon, if any, comes after the first '/', '?' or '#'.
    let path_end = lower.find(['/', '?', '#']).unwrap_or(lower.len());
    !lower.is_empty() && !lower[..path_end].contains(':') && !lower.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_becomes_html() {
        let html = to_html(
            "How far does this reflect *your* experience?\n\n\
             - What do you **see**?\n- What is `missing`?\n\n\
             1. First\n2. Second\n\n\
             Read [the report](https://example.org/report) or \
             [write to us](mailto:team@example.org), or see [about](../about).",
        );
        assert_eq!(
            html,
            "<p>How far does this reflect <em>your</em> experience?</p>\n\
             <ul>\n<li>What do you <strong>see</strong>?</li>\n<li>What is <code>missing</code>?</li>\n</ul>\n\
             <ol>\n<li>First</li>\n<li>Second</li>\n</ol>\n\
             <p>Read <a href=\"https://example.org/report\">the report</a> or \
             <a href=\"mailto:team@example.org\">write to us</a>, or see <a href=\"../about\">about</a>.</p>\n"
        );
    }

    #[test]
    fn html_and_scripts_are_shown_as_text_never_as_markup() {
        let attacks = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "Hello <b onmouseover=alert(1)>there</b>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click]( javascript:alert(1))",
            "[click](data:text/html;base64,PHNjcmlwdD4=)",
            "[click](vbscript:msgbox)",
            "[click](//evil.example/x)",
            "<javascript:alert(1)>",
            "![x\" onerror=\"alert(1)](https://example.org/x.png)",
            "[x](https://example.org/\"onmouseover=\"alert(1))",
            "<iframe src=https://example.org></iframe>",
            "<!-- a comment -->",
            "[x](https://example.org \"t\\\" onmouseover=\\\"alert(1)\")",
        ];
        for attack in attacks {
            let html = to_html(attack);
            // Only the subset's tags; no attribute but href.
            for tag in html.split('<').skip(1) {
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                assert!(
                    ["p", "ul", "ol", "li", "em", "strong", "code", "br", "a"]
                        .contains(&name.as_str()),
                    "{attack:?} gave <{tag}"
                );
                let head = tag.split('>').next().unwrap_or_default();
                assert!(!head.contains(" on"), "{attack:?} gave <{head}>");
            }
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("href=\"javascript"), "{attack:?}: {html}");
            assert!(!lower.contains("href=\"data"), "{attack:?}: {html}");
            assert!(!lower.contains("href=\"vbscript"), "{attack:?}: {html}");
            assert!(!lower.contains("href=\"//"), "{attack:?}: {html}");
        }
        assert_eq!(
            to_html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
        assert_eq!(
            to_html("[click](javascript:alert(1)) here"),
            "<p>click here</p>\n"
        );
        assert_eq!(
            to_html("![a kettle](https://example.org/k.png)"),
            "<p>a kettle</p>\n"
        );
    }

    #[test]
    fn headings_quotes_and_code_blocks_read_as_paragraphs() {
        assert_eq!(
            to_html("# Questions\n\n> a quote\n\n    code"),
            "<p>Questions</p>\n<p>a quote</p>\n<p>code</p>\n"
        );
    }

    #[test]
    fn plain_text_keeps_paragraphs_and_items_apart() {
        assert_eq!(
            to_text("Look at the photo.\nThen talk.\n\n- One\n- *Two*"),
            "Look at the photo. Then talk.\n- One\n- Two"
        );
    }

    #[test]
    fn a_guide_longer_than_a_page_is_refused_with_its_length() {
        assert_eq!(check(&"a".repeat(MAX_CHARS)), Ok(()));
        let problem = check(&"é".repeat(MAX_CHARS + 1)).unwrap_err();
        assert_eq!(problem, GuideProblem::TooLong(MAX_CHARS + 1));
        assert!(problem.to_string().contains("10001 characters"));
    }
}
