//! Publish: write a new Release of a study from what is publishable now.
//!
//! Nothing else makes anything public. The rules are the core's
//! ([`vitrine_core::build_release`]); this use case gathers the input, stamps a
//! version and date, and stores the snapshot.

use crate::app::{Actor, App};
use anyhow::Context;
use vitrine_core::{Blocker, Changes, EntryId, Release, Study, build_release_mapped, changes};

/// What a publish did.
#[derive(Debug, Clone)]
pub struct Published {
    /// The study's slug.
    pub slug: String,
    /// The new Release's version.
    pub version: u32,
    /// Entries in the Release.
    pub entries: usize,
    /// Entries left out, with each one's reasons.
    pub left_out: Vec<(String, Vec<Blocker>)>,
    /// Entries added, changed and removed since the previous Release, by title
    /// (staff-facing; the Release itself holds only the counts).
    pub changes: Changes,
}

/// Why a publish did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// Another publish of the same study won the race for this version.
    #[error(
        "another Release of \"{0}\" was published at the same moment; run publish again if needed"
    )]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Loads a study's working content.
pub async fn load(app: &App, study: &Study) -> Result<vitrine_store::StudyContent, PublishError> {
    Ok(app
        .store
        .load_study_content(study.clone())
        .await
        .context("cannot read the study's entries")?)
}

/// The study's participants' real names, for the publication blocker on
/// real names in texts (ETH-20). Publishing fails closed: if they cannot be
/// read (the identity key is missing), nothing is published.
pub async fn real_names(
    app: &App,
    content: &vitrine_store::StudyContent,
) -> Result<Vec<String>, PublishError> {
    Ok(crate::app::identity::real_names(app, &content.study)
        .await
        .context("cannot read the participants' real names to check the texts for them")?)
}

/// A staff-facing name for an entry: its import key and title.
pub fn entry_label(content: &vitrine_store::StudyContent, id: EntryId) -> String {
    let key = content.entry_keys.get(&id).map_or("?", String::as_str);
    let title = content
        .entries
        .iter()
        .find(|e| e.id == id)
        .map(|e| {
            e.title
                .clone()
                .unwrap_or_else(|| vitrine_core::text::first_words(&e.texts.caption, 6))
        })
        .unwrap_or_default();
    format!("{key} “{title}”")
}

/// What the next Release would be, built from the study's content now and
/// not saved: the publish page shows it, and publishing writes exactly it.
pub struct Preview {
    /// The study's working content it was built from.
    pub content: vitrine_store::StudyContent,
    /// The Release, changelog filled in.
    pub release: Release,
    /// Entries left out, with each one's reasons.
    pub left_out: Vec<(EntryId, Vec<Blocker>)>,
    /// Which entry each published slug is.
    pub slugs: Vec<(EntryId, String)>,
    /// What changed since the latest Release, by title (staff-facing).
    pub changes: Changes,
    /// The latest Release's version, if there is one.
    pub previous: Option<u32>,
    /// Every published Release, newest first (with its DOI, if recorded).
    pub published: Vec<vitrine_store::ReleaseSummary>,
}

/// Builds the next Release of `study` without saving it.
pub async fn preview(app: &App, study: &Study) -> Result<Preview, PublishError> {
    let slug = study.info.slug.as_str();
    let content = load(app, study).await?;
    let version = app
        .store
        .next_release_version(content.study.id)
        .await
        .context("cannot read Releases")?;
    let previous = app
        .store
        .latest_release(slug)
        .await
        .context("cannot read the latest Release")?
        .map(|(_, release)| release);
    let published = app
        .store
        .list_releases(slug)
        .await
        .context("cannot list Releases")?;
    let real_names = real_names(app, &content).await?;
    let input = vitrine_core::ReleaseInput {
        real_names: &real_names,
        ..content.release_input()
    };
    let built = build_release_mapped(&input, version, time::OffsetDateTime::now_utc());
    let mut release = built.release;
    if release.study.show_reflections {
        release.reflections = approved_reflections(app, &content, &built.slugs).await?;
    }
    let changes = changes(previous.as_ref(), &release);
    release.changelog = changes.public_lines(&release);
    Ok(Preview {
        content,
        release,
        left_out: built.left_out,
        slugs: built.slugs,
        changes,
        previous: previous.map(|p| p.version),
        published,
    })
}

/// The study's approved reflections as the Release shows them: on the
/// gallery, or on an entry it publishes (one on an entry left out waits).
async fn approved_reflections(
    app: &App,
    content: &vitrine_store::StudyContent,
    slugs: &[(EntryId, String)],
) -> Result<Vec<vitrine_core::ReleaseReflection>, PublishError> {
    let approved = app
        .store
        .reflections(content.study.id, Some("approved"))
        .await
        .context("cannot read the reflections")?;
    Ok(approved
        .into_iter()
        .filter_map(|r| {
            let entry = match r.entry {
                None => None,
                Some(id) => Some(slugs.iter().find(|(e, _)| *e == id)?.1.clone()),
            };
            Some(vitrine_core::ReleaseReflection {
                entry,
                reflects: r.reflects.and_then(|n| u8::try_from(n).ok()),
                role: r.role,
                body: r.body,
                date: vitrine_core::reflection::day(&r.created_at),
            })
        })
        .collect())
}

/// Publishes a new Release of `study` from the command line.
pub async fn publish(app: &App, study: &Study) -> Result<Published, PublishError> {
    publish_as(app, study, Actor::operator("command line"), None).await
}

/// Publishes a new Release of `study`, audited as done by `actor`.
/// With `expected`, refuses ([`PublishError::Conflict`]) unless the new
/// Release gets that version, so what a person reviewed is what goes out.
pub async fn publish_as(
    app: &App,
    study: &Study,
    actor: Actor<'_>,
    expected: Option<u32>,
) -> Result<Published, PublishError> {
    let slug = study.info.slug.as_str();
    let preview = preview(app, study).await?;
    let release = &preview.release;
    let version = release.version;
    if expected.is_some_and(|v| v != version) {
        return Err(PublishError::Conflict(slug.to_owned()));
    }
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
        action: "release.publish".into(),
        subject: format!("release {version}"),
        after: Some(serde_json::json!({
            "version": version,
            "entries": release.entry_count(),
            "left_out": preview.left_out.len(),
        })),
        ..Default::default()
    };
    let study_id = preview.content.study.id;
    match app
        .store
        .insert_release(study_id, release, &preview.slugs, &event)
        .await
    {
        Ok(_) => {}
        Err(vitrine_store::StoreError::Conflict) => {
            return Err(PublishError::Conflict(slug.to_owned()));
        }
        Err(e) => {
            return Err(anyhow::Error::new(e)
                .context("cannot save the Release")
                .into());
        }
    }
    tracing::info!(
        study = slug,
        version,
        entries = release.entry_count(),
        "published a Release"
    );
    Ok(Published {
        slug: slug.to_owned(),
        version,
        entries: release.entry_count(),
        left_out: preview
            .left_out
            .iter()
            .map(|(id, reasons)| (entry_label(&preview.content, *id), reasons.clone()))
            .collect(),
        changes: preview.changes,
    })
}

/// Why a DOI was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum DoiError {
    /// Not a DOI.
    #[error("{0}")]
    Invalid(String),
    /// No such Release.
    #[error("\"{slug}\" has no Release {version}")]
    UnknownRelease {
        /// The study.
        slug: String,
        /// The version asked for.
        version: u32,
    },
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Records the DOI the team minted for Release `version` of `study` (as
/// pasted: bare, `doi:` or a doi.org link), or removes it when `raw` is
/// empty. The pages, citation files and exports of that Release then give
/// it. Returns the DOI as stored.
pub async fn set_doi(
    app: &App,
    study: &Study,
    version: u32,
    raw: &str,
    actor: Actor<'_>,
) -> Result<Option<String>, DoiError> {
    let doi = if raw.trim().is_empty() {
        None
    } else {
        Some(vitrine_core::citation::parse_doi(raw).map_err(DoiError::Invalid)?)
    };
    let event = vitrine_store::AuditEvent {
        actor: actor.name.to_owned(),
        action: "release.doi".into(),
        ..Default::default()
    };
    let found = app
        .store
        .set_release_doi(&study.info.slug, version, doi.as_deref(), event)
        .await
        .context("cannot record the DOI")?;
    if !found {
        return Err(DoiError::UnknownRelease {
            slug: study.info.slug.clone(),
            version,
        });
    }
    Ok(doi)
}
