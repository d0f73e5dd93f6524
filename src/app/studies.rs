//! Studies as the workspace sees them: which ones a person may open, making a
//! new one, and reading one's whole content (drafts included).

use crate::app::{Actor, App};
use vitrine_core::{Role, Study, StudyInfo};
use vitrine_store::{AuditEvent, StoreError, StudyContent, User};

/// One study on a person's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Their role on its team; `None` for an administrator not on it.
    pub role: Option<Role>,
}

/// The studies `user` works on, by slug; an administrator also sees every
/// other study (with no role).
pub async fn listed(app: &App, user: &User) -> vitrine_store::Result<Vec<Listed>> {
    let mut studies: Vec<Listed> = app
        .store
        .memberships(user.id)
        .await?
        .into_iter()
        .map(|m| Listed {
            slug: m.slug,
            title: m.title,
            role: Some(m.role),
        })
        .collect();
    if user.is_admin {
        for (_, slug, title) in app.store.list_studies().await? {
            if !studies.iter().any(|s| s.slug == slug) {
                studies.push(Listed {
                    slug,
                    title,
                    role: None,
                });
            }
        }
    }
    Ok(studies)
}

/// No study has the slug a command named, or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    /// No study has this slug.
    #[error("There is no study \"{slug}\". Known studies: {known}.")]
    Unknown {
        /// The slug asked for.
        slug: String,
        /// Slugs that exist, for the message.
        known: String,
    },
    /// The store failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// The study at `slug`, for the command line, which names studies by slug:
/// the one lookup every command resolves its study with before calling a
/// use case. When no study has it, the error lists the slugs there are.
pub async fn find(app: &App, slug: &str) -> Result<Study, FindError> {
    use anyhow::Context;
    if let Some(study) = app
        .store
        .find_study_by_slug(slug)
        .await
        .context("cannot read the study")?
    {
        return Ok(study);
    }
    let known = app
        .store
        .list_study_slugs()
        .await
        .context("cannot list studies")?;
    Err(FindError::Unknown {
        slug: slug.to_owned(),
        known: if known.is_empty() {
            "none yet (run vitrine import FOLDER)".to_owned()
        } else {
            known.join(", ")
        },
    })
}

/// The study at `slug` and `user`'s role in it, when they may open it: team
/// members and administrators. `None` for anyone else, and for a slug no
/// study has, so the two cannot be told apart.
pub async fn open(
    app: &App,
    slug: &str,
    user: &User,
) -> vitrine_store::Result<Option<(Study, Option<Role>)>> {
    let Some(study) = app.store.find_study_by_slug(slug).await? else {
        return Ok(None);
    };
    let role = app.store.role_in(user.id, study.id).await?;
    Ok((role.is_some() || user.is_admin).then_some((study, role)))
}

/// Everything stored about `study`: prompts, themes, participants, consents
/// and entries, drafts and withdrawn ones included.
pub async fn content(app: &App, study: &Study) -> vitrine_store::Result<StudyContent> {
    app.store.load_study_content(study.clone()).await
}

/// The version of the study's current Release, if it has one.
pub async fn current_version(app: &App, study: &Study) -> vitrine_store::Result<Option<u32>> {
    Ok(app
        .store
        .latest_release(&study.info.slug)
        .await?
        .map(|(_, r)| r.version))
}

/// The new-study form as typed.
#[derive(Debug, Clone, Default)]
pub struct NewStudy {
    /// Title.
    pub title: String,
    /// Web address name; blank makes one from the title.
    pub slug: String,
    /// Public contact's name.
    pub contact_name: String,
    /// Public contact's e-mail address.
    pub contact_email: String,
}

/// Why a study was not made.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// What to fix in the form, as sentences.
    #[error("{0}")]
    Invalid(String),
    /// Another study has the slug.
    #[error("There is already a study at /{0}/; choose another web address name.")]
    Taken(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Makes an empty study with `actor`'s account as its owner (the operator,
/// who has none, is refused), after checking the form
/// with the one study-slug rule import and the public site use (a slug they
/// refuse could never be served). Returns the slug.
pub async fn create(app: &App, actor: Actor<'_>, form: &NewStudy) -> Result<String, CreateError> {
    let owner = actor
        .account()
        .map_err(|e| CreateError::Invalid(e.to_string()))?;
    let title = form.title.trim();
    let slug = vitrine_core::slug::slugify(
        if form.slug.trim().is_empty() {
            title
        } else {
            form.slug.trim()
        },
        "",
    );
    let mut problems = Vec::new();
    if title.is_empty() {
        problems.push("Give the study a title.".to_owned());
    }
    if let Err(e) = vitrine_core::slug::check_study_slug(&slug) {
        problems.push(format!(
            "Web address name: {}.",
            if slug.is_empty() {
                "give one made of letters a-z, digits and hyphens".to_owned()
            } else {
                e.to_string()
            }
        ));
    }
    if !vitrine_core::text::is_email_address(&vitrine_core::text::clean(&form.contact_email)) {
        problems.push("Give a public contact e-mail address.".to_owned());
    }
    if !problems.is_empty() {
        return Err(CreateError::Invalid(problems.join(" ")));
    }
    let info = StudyInfo::new(
        &slug,
        title,
        vitrine_core::Contact {
            name: form.contact_name.trim().to_owned(),
            email: form.contact_email.trim().to_owned(),
            role: None,
        },
    );
    let event = AuditEvent {
        actor: actor.name.to_owned(),
        action: "study.create".into(),
        subject: format!("study {slug}"),
        after: Some(serde_json::json!({ "slug": slug, "title": title })),
        ..Default::default()
    };
    match app.store.create_study(&info, owner, &event).await {
        Ok(_) => Ok(slug),
        Err(StoreError::Conflict) => Err(CreateError::Taken(slug)),
        Err(e) => Err(e.into()),
    }
}
