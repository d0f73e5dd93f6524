use super::*;

/// A `w` × `h` JPEG of a colour gradient.
fn jpeg(w: u16, h: u16) -> Vec<u8> {
    let mut pixels = Vec::with_capacity(usize::from(w) * usize::from(h) * 3);
    for y in 0..h {
        for x in 0..w {
            pixels.extend([(x % 256) as u8, (y % 256) as u8, 128]);
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

fn item(title: &str, picture: bool) -> Item {
    Item {
        title: title.to_owned(),
        prompt: "Prompt: What does support look like?".to_owned(),
        content_note: None,
        picture: picture.then(|| Picture {
            jpeg: jpeg(320, 240),
            width: 320,
            height: 240,
            alt: format!("Alt text of {title}"),
        }),
        description: (!picture).then(|| "A described scene: a desk by a window.".to_owned()),
        caption: "A caption that is long enough to need more than one line on an A6 card, so \
                  that lines are broken at spaces."
            .to_owned(),
        quote: Some("It is the small things.".to_owned()),
        provenance: vec!["Participant's original. Licence: CC BY 4.0".to_owned()],
        questions: Question::from_text(
            "How far does this reflect your work?\n- Who helps?\n- When?",
        ),
    }
}

fn doc(items: Vec<Item>) -> Document {
    Document {
        title: "Photo cards: Team meeting".to_owned(),
        language: "en-GB".to_owned(),
        source: "From the gallery Link workers, Release 2 of 4 December 2026".to_owned(),
        about: vec![
            "Funded by the Example Trust.".to_owned(),
            "Contact: Dr A. Researcher, a.researcher@example.ac.uk".to_owned(),
        ],
        footer: "Link workers".to_owned(),
        items,
        date: (2026, 12, 4),
    }
}

fn text(pdf: &[u8]) -> String {
    String::from_utf8_lossy(pdf).into_owned()
}

/// The page count in the page tree's `/Count`.
fn pages(pdf: &[u8]) -> usize {
    let body = text(pdf);
    let at = body.find("/Type/Pages").expect("no page tree");
    let count = &body[at..];
    let count = &count[count.find("/Count ").expect("no /Count") + 7..];
    count[..count.find(|c: char| !c.is_ascii_digit()).unwrap()]
        .parse()
        .unwrap()
}

#[test]
fn cards_are_tagged_pdf_ua_1_with_alt_text_and_language() {
    let pdf = cards(&doc(vec![item("Desk", true), item("Flowers", false)])).unwrap();
    let body = text(&pdf);
    assert!(
        body.starts_with("%PDF-1.7"),
        "PDF/UA-1 asks for PDF 1.7 at most"
    );
    assert!(body.contains("/StructTreeRoot"), "no structure tree");
    assert!(body.contains("/MarkInfo"), "not marked as tagged");
    assert!(body.contains("(en-GB)"), "no document language");
    assert!(
        body.contains("Alt text of Desk"),
        "the figure has no alt text"
    );
    assert!(body.contains("pdfuaid"), "no PDF/UA identification");
    assert!(
        body.contains("/DisplayDocTitle true"),
        "the title bar shows the file name"
    );
}

#[test]
fn every_entry_has_a_front_and_a_back() {
    let pdf = cards(&doc(vec![item("Desk", true), item("Flowers", false)])).unwrap();
    if let Some(dir) = std::env::var_os("VITRINE_PRINT_SAMPLES") {
        std::fs::write(std::path::Path::new(&dir).join("cards.pdf"), &pdf).unwrap();
    }
    assert_eq!(pages(&pdf), 4);
}

#[test]
fn a_back_that_continues_keeps_every_later_front_on_a_front() {
    let mut long = item("Long", true);
    long.caption = "A caption far too long for the back of one A6 card. ".repeat(40);
    let pdf = cards(&doc(vec![long, item("Desk", true), item("Flowers", false)])).unwrap();
    if let Some(dir) = std::env::var_os("VITRINE_PRINT_SAMPLES") {
        std::fs::write(std::path::Path::new(&dir).join("cards-long.pdf"), &pdf).unwrap();
    }
    // Front, back over two pages, a blank page; then two cards of two pages.
    assert_eq!(pages(&pdf), 8);
}

#[test]
fn a_handout_flows_over_pages_and_prints_the_same_bytes_twice() {
    let items: Vec<Item> = (0..6)
        .map(|n| item(&format!("Entry {n}"), n % 2 == 0))
        .collect();
    let a = handout(&doc(items.clone())).unwrap();
    let b = handout(&doc(items)).unwrap();
    if let Some(dir) = std::env::var_os("VITRINE_PRINT_SAMPLES") {
        std::fs::write(std::path::Path::new(&dir).join("handout.pdf"), &a).unwrap();
    }
    assert!(
        pages(&a) >= 2,
        "six entries with images fit one A4 page: {}",
        pages(&a)
    );
    assert_eq!(a, b, "one Release must print the same bytes");
}

#[test]
fn characters_the_font_lacks_and_invisible_ones_do_not_fail_the_document() {
    let mut odd = item("漢字 \u{FEFF}title\u{200B}", true);
    odd.caption = "Tab\there, a control \u{7} and emoji 🙂 and a very-long-word-without-any-spaces-at-all-that-cannot-fit-one-line-of-a-card".to_owned();
    cards(&doc(vec![odd.clone()])).unwrap();
    handout(&doc(vec![odd])).unwrap();
}

#[test]
fn nothing_to_print_is_an_error() {
    assert!(matches!(cards(&doc(vec![])), Err(PrintError::Empty)));
    assert!(matches!(handout(&doc(vec![])), Err(PrintError::Empty)));
}

#[test]
fn questions_come_from_a_guide_as_paragraphs_and_points() {
    assert_eq!(
        Question::from_text("Think about your week.\n- Who helps?\n\n- What gets in the way?"),
        vec![
            Question::Paragraph("Think about your week.".to_owned()),
            Question::Point("Who helps?".to_owned()),
            Question::Point("What gets in the way?".to_owned()),
        ]
    );
}
