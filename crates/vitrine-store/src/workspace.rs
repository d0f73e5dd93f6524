//! Writes made from the workspace. Each takes the [`AuditEvent`] describing it
//! and records it in the same transaction, so the audit log and the data can
//! never disagree.

use crate::{AuditEvent, Result, Store, StoreError, now_text};
use vitrine_core::{PromptId, Role, StudyId, StudyInfo, UserId};

impl Store {
    /// Creates a study and makes `owner` its owner. [`StoreError::Conflict`]
    /// when the slug is taken.
    pub async fn create_study(
        &self,
        info: &StudyInfo,
        owner: UserId,
        event: &AuditEvent,
    ) -> Result<StudyId> {
        let json = serde_json::to_string(info).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = now_text();
        let mut tx = self.begin_audited().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO studies (slug, info, created_at, updated_at) VALUES ($1, $2, $3, $3)
             ON CONFLICT (slug) DO NOTHING RETURNING id",
        )
        .bind(&info.slug)
        .bind(&json)
        .bind(&now)
        .fetch_optional(&mut *tx.tx)
        .await?;
        let id = id.ok_or(StoreError::Conflict)?;
        sqlx::query("INSERT INTO memberships (user_id, study_id, role) VALUES ($1, $2, $3)")
            .bind(owner.0)
            .bind(id)
            .bind(Role::Owner.as_str())
            .execute(&mut *tx.tx)
            .await?;
        let mut event = event.clone();
        event.study = Some(StudyId(id));
        tx.record(&event).await?;
        tx.commit().await?;
        Ok(StudyId(id))
    }

    /// Replaces a study's public texts (the slug stays).
    pub async fn update_study_info(
        &self,
        study: StudyId,
        info: &StudyInfo,
        event: &AuditEvent,
    ) -> Result<()> {
        let json = serde_json::to_string(info).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_audited().await?;
        sqlx::query("UPDATE studies SET info = $1, updated_at = $2 WHERE id = $3")
            .bind(&json)
            .bind(now_text())
            .bind(study.0)
            .execute(&mut *tx.tx)
            .await?;
        tx.record(event).await?;
        tx.commit().await
    }

    /// Replaces a study's discussion guides (issue 14): its own and the
    /// statement visitors agree to before sending reflections (`None`: no
    /// reflections) and whether approved ones are shown, kept in its info, and each of its prompts' (`prompts` pairs a prompt with its new
    /// guide; a prompt of another study is left alone). Read and written in
    /// one transaction, so a settings change saved meanwhile is kept.
    pub async fn set_guides(
        &self,
        study: StudyId,
        guide: Option<&str>,
        reflection_consent: Option<&str>,
        show_reflections: bool,
        prompts: &[(PromptId, Option<String>)],
        event: &AuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_audited().await?;
        let json: String = sqlx::query_scalar("SELECT info FROM studies WHERE id = $1")
            .bind(study.0)
            .fetch_one(&mut *tx.tx)
            .await?;
        let mut info: StudyInfo =
            serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        info.discussion_guide = guide.map(str::to_owned);
        info.reflection_consent = reflection_consent.map(str::to_owned);
        info.show_reflections = show_reflections;
        let json = serde_json::to_string(&info).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query("UPDATE studies SET info = $1, updated_at = $2 WHERE id = $3")
            .bind(&json)
            .bind(now_text())
            .bind(study.0)
            .execute(&mut *tx.tx)
            .await?;
        for (prompt, guide) in prompts {
            sqlx::query("UPDATE prompts SET guide = $1 WHERE id = $2 AND study_id = $3")
                .bind(guide)
                .bind(prompt.0)
                .bind(study.0)
                .execute(&mut *tx.tx)
                .await?;
        }
        tx.record(event).await?;
        tx.commit().await
    }

    /// Every study's id, slug and title, by slug (for administrators).
    pub async fn list_studies(&self) -> Result<Vec<(StudyId, String, String)>> {
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, slug, info FROM studies ORDER BY slug")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id, slug, info)| {
                let info: StudyInfo =
                    serde_json::from_str(&info).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok((StudyId(id), slug, info.title))
            })
            .collect()
    }
}
