//! `/admin/accounts`: every staff account, and a form for an instance
//! administrator to create one.

use super::capitalise;
use crate::app::App;
use crate::app::auth::{self, AccountError, MIN_PASSWORD_CHARS};
use crate::web::admin::access::Staff;
use crate::web::admin::dashboard::DoneQuery;
use crate::web::admin::views::{AdminError, AdminLayout, done, render_form};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::response::Response;
use serde::Deserialize;

/// One account in the list.
struct AccountRow {
    name: String,
    email: String,
    admin: bool,
    /// "Study title: Role", one per membership.
    studies: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/accounts.html", whitespace = "minimize")]
struct AccountsPage {
    layout: AdminLayout,
    accounts: Vec<AccountRow>,
    csrf: String,
    min_password: usize,
    form: NewAccount,
    problem: Option<String>,
}

/// The create-account form. Every field is optional to the parser, so a
/// missing one is reported on the page rather than as a bare 422.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewAccount {
    email: String,
    name: String,
    password: String,
    /// Present ("yes") when the box is ticked.
    admin: Option<String>,
}

async fn accounts_page(
    app: &App,
    staff: &Staff,
    done_code: Option<&str>,
    form: NewAccount,
    problem: Option<String>,
) -> Result<Response, AdminError> {
    let mut accounts = Vec::new();
    for crate::app::team::Account { user, studies } in crate::app::team::accounts(app).await? {
        let studies = studies
            .into_iter()
            .map(|m| format!("{}: {}", m.title, m.role.label()))
            .collect();
        accounts.push(AccountRow {
            name: user.name,
            email: user.email,
            admin: user.is_admin,
            studies,
        });
    }
    let failed = problem.is_some();
    render_form(
        &AccountsPage {
            layout: AdminLayout::new("Accounts", Some(staff)).with_notice(done_code),
            accounts,
            csrf: staff.csrf.clone(),
            min_password: MIN_PASSWORD_CHARS,
            form,
            problem,
        },
        failed,
    )
}

/// `GET /admin/accounts`.
pub async fn show_accounts(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AdminError> {
    accounts_page(
        &app,
        &staff,
        query.done.as_deref(),
        NewAccount::default(),
        None,
    )
    .await
}

/// `POST /admin/accounts`: creates an account with the password the
/// administrator typed (they pass it on; the person can have it reset).
pub async fn create_account(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Form(form): Form<NewAccount>,
) -> Result<Response, AdminError> {
    if form.email.trim().is_empty() {
        let problem = Some("Give the e-mail address the person will sign in with.".to_owned());
        let form = NewAccount {
            password: String::new(),
            ..form
        };
        return accounts_page(&app, &staff, None, form, problem).await;
    }
    let created = auth::create_account(
        &app,
        &form.email,
        &form.name,
        &form.password,
        form.admin.is_some(),
        staff.actor(),
    )
    .await;
    match created {
        Ok(_) => Ok(done("/admin/accounts", "created")),
        Err(AccountError::Failed(e)) => Err(e.into()),
        Err(e) => {
            let problem = Some(capitalise(&format!("{e}.")));
            // Never send a password back to the browser.
            let form = NewAccount {
                password: String::new(),
                ..form
            };
            accounts_page(&app, &staff, None, form, problem).await
        }
    }
}
