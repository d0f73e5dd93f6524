//! De-identification sign-off and publishing from the workspace (ETH-08,
//! ETH-09, PRV-11, ARC-13): the four-eyes rule, a void sign-off after an
//! edit, the publish preview with every left-out entry and its reasons, the
//! Release it writes with its changelog and audit record, and a publish
//! killed with SIGKILL at random moments that loses nothing (issue "Scale
//! out").

mod killed_publish;
mod publishing;
mod sign_off;

use crate::common;
use axum::http::StatusCode;
use common::{DEMO, StaffLogin, TestApp};
use vitrine_core::{CheckItem, EntryId, EntryTexts};
use vitrine_store::EntryEdit;

/// Saves a checklist with every item ticked, as `who`.
async fn check_all(test: &TestApp, who: &StaffLogin, id: EntryId) {
    let mut form: Vec<(&str, &str)> = CheckItem::ALL
        .iter()
        .map(|i| ("item", i.as_str()))
        .collect();
    form.push(("note", "Nothing to blur."));
    let path = format!("/admin/studies/{DEMO}/entries/{}/checklist", id.0);
    let saved = test.post_as(who, &path, &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
}

async fn approve(test: &TestApp, who: &StaffLogin, id: EntryId) -> (StatusCode, String) {
    let path = format!("/admin/studies/{DEMO}/entries/{}/approve", id.0);
    let r = test.post_as(who, &path, &[]).await;
    (r.status, r.text())
}

/// Changes the entry's texts as `email` would in the workspace; `caption`
/// replaces the caption when given (which voids a sign-off).
async fn edit(test: &TestApp, email: &str, id: EntryId, caption: Option<&str>) {
    edit_texts(test, email, id, caption, "A new quote.").await;
}

/// [`edit`], with the quote (which does not void a sign-off) given.
async fn edit_texts(test: &TestApp, email: &str, id: EntryId, caption: Option<&str>, quote: &str) {
    let e = test.demo_entry_record(id).await;
    let edit = EntryEdit {
        title: e.title.clone(),
        provenance: e.provenance,
        texts: EntryTexts {
            caption: caption.map_or_else(|| e.texts.caption.clone(), str::to_owned),
            quote: Some(quote.into()),
            ..e.texts.clone()
        },
        licence: e.licence.clone(),
        themes: e.themes.clone(),
    };
    test.edit_demo_entry(email, id, &edit).await;
}
