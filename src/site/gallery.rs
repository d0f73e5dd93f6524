//! A study's gallery: its prompts in order, each with its entry cards.

use super::Origin;
use super::views::{Current, EntryCard, Layout, Prose, ReflectForm, ShownReflection};
use askama::Template;
use vitrine_core::paths::Links;
use vitrine_core::{Release, ReleasePrompt};

/// The gallery page.
#[derive(Template)]
#[template(path = "gallery.html", whitespace = "minimize")]
pub struct GalleryPage<'a> {
    layout: Layout,
    release: &'a Release,
    summary: Prose,
    notice: Option<Prose>,
    participation_note: Option<Prose>,
    /// The study's discussion guide as sanitised HTML ([`vitrine_core::guide`]).
    guide: Option<String>,
    /// The first entry's slide in presenter mode, if any entry is shown.
    present_href: Option<String>,
    /// The reflection form, when the study asks for reflections.
    reflect: Option<ReflectForm>,
    /// Approved reflections, when the study shows them.
    reflections: Vec<ShownReflection>,
    about_href: String,
    prompts: Vec<PromptSection<'a>>,
}

/// One prompt and its entry cards.
pub struct PromptSection<'a> {
    prompt: &'a ReleasePrompt,
    note: Option<Prose>,
    /// The prompt's discussion questions as sanitised HTML.
    guide: Option<String>,
    /// Its first entry's slide in presenter mode.
    present_href: Option<String>,
    cards: Vec<EntryCard<'a>>,
}

impl<'a> GalleryPage<'a> {
    /// The gallery of `release`.
    pub fn new(release: &'a Release, origin: Origin<'_>) -> Self {
        let slug = &release.study.slug;
        let links = origin.links(&Links::Static { depth: 0 }.gallery(slug));
        let mut shown = 0;
        let prompts = release
            .prompts
            .iter()
            .map(|prompt| {
                let cards = prompt
                    .entries
                    .iter()
                    .map(|entry| {
                        shown += 1;
                        EntryCard::new(slug, links, entry, shown - 1)
                    })
                    .collect();
                PromptSection {
                    prompt,
                    note: Prose::optional(prompt.note.as_ref()),
                    guide: prompt.guide.as_deref().map(vitrine_core::guide::to_html),
                    present_href: prompt.entries.first().map(|e| links.present(slug, &e.slug)),
                    cards,
                }
            })
            .collect();
        let mut layout = Layout::study(release, links, None, Current::Gallery);
        let root = Links::Static { depth: 0 };
        let url = origin.url(&Links::Served.gallery(slug), &root.gallery(slug));
        layout.json_ld = Some(super::views::json_ld(&vitrine_core::citation::schema_org(
            release,
            url.as_deref(),
        )));
        GalleryPage {
            layout,
            release,
            summary: Prose::new(&release.study.summary),
            notice: Prose::optional(release.study.notice.as_ref()),
            participation_note: Prose::optional(release.study.participation_note.as_ref()),
            guide: release
                .study
                .discussion_guide
                .as_deref()
                .map(vitrine_core::guide::to_html),
            present_href: release
                .entries()
                .next()
                .map(|e| links.present(slug, &e.slug)),
            reflect: ReflectForm::of(release, None, origin),
            reflections: ShownReflection::on(release, None),
            about_href: links.about(slug),
            prompts,
        }
    }
}
