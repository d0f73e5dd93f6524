//! The authorization matrix of `admin_access.rs`: who may use each staff
//! route, the people it is walked as, and how an answer is judged.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common::TestApp;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;
use vitrine_core::{Permission, Role};

/// Who may use a route, as this test expects it.
#[derive(Debug, Clone, Copy)]
pub enum May {
    /// Anyone, signed in or not (the sign-in page).
    Anyone,
    /// Any signed-in account.
    SignedIn,
    /// Instance administrators only.
    Admin,
    /// Whoever `vitrine_core::access::RULES` gives this permission in the
    /// study: the roles of its row and, if the row says so, an instance
    /// administrator who is not on the team.
    Study(Permission),
}

/// Every staff route and what it lets one do, written out by hand from what
/// each page shows and changes (independently of the route table's own
/// `need`). Who holds each permission comes from the one permission table,
/// `vitrine_core::access::RULES`, which `docs/workspace.md` prints.
#[rustfmt::skip]
pub const EXPECTED: &[(&str, &str, May)] = {
    use May::{Admin, Anyone, SignedIn, Study};
    use Permission::{Approve, Audit, Check, Consent, Edit, Export, Facilitate, Identity, Manage, Publish, View, Withdraw};
    &[
        ("GET", "/admin/login", Anyone),
        ("POST", "/admin/login", Anyone),
        ("POST", "/admin/logout", SignedIn),
        ("GET", "/admin", SignedIn),
        ("GET", "/admin/accounts", Admin),
        ("POST", "/admin/accounts", Admin),
        ("POST", "/admin/studies", Admin),
        ("GET", "/admin/jobs", Admin),
        ("GET", "/admin/studies/{study}", Study(View)),
        ("GET", "/admin/studies/{study}/coverage", Study(View)),
        ("GET", "/admin/studies/{study}/entries/{entry}", Study(View)),
        ("POST", "/admin/studies/{study}/entries/{entry}", Study(Edit)),
        ("POST", "/admin/studies/{study}/entries/{entry}/image", Study(Edit)),
        ("GET", "/admin/studies/{study}/entries/{entry}/redact", Study(Edit)),
        ("POST", "/admin/studies/{study}/entries/{entry}/redact", Study(Edit)),
        ("GET", "/admin/studies/{study}/entries/{entry}/redact/image", Study(Edit)),
        ("GET", "/admin/studies/{study}/entries/{entry}/original", Study(Identity)),
        ("POST", "/admin/studies/{study}/entries/{entry}/redact/substitute", Study(Edit)),
        ("GET", "/admin/studies/{study}/images/{image}/{width}", Study(View)),
        ("GET", "/admin/studies/{study}/upload", Study(Edit)),
        ("POST", "/admin/studies/{study}/upload", Study(Edit)),
        ("GET", "/admin/studies/{study}/settings", Study(Edit)),
        ("POST", "/admin/studies/{study}/settings", Study(Edit)),
        ("GET", "/admin/studies/{study}/guides", Study(Facilitate)),
        ("POST", "/admin/studies/{study}/guides", Study(Facilitate)),
        ("GET", "/admin/studies/{study}/reflections", Study(Facilitate)),
        ("POST", "/admin/studies/{study}/reflections", Study(Facilitate)),
        ("GET", "/admin/studies/{study}/reflections.csv", Study(Facilitate)),
        ("GET", "/admin/studies/{study}/reflections.json", Study(Facilitate)),
        ("GET", "/admin/studies/{study}/print", Study(Facilitate)),
        ("POST", "/admin/studies/{study}/print", Study(Facilitate)),
        ("GET", "/admin/studies/{study}/sessions", Study(Facilitate)),
        ("POST", "/admin/studies/{study}/sessions", Study(Facilitate)),
        ("GET", "/admin/studies/{study}/sessions/{id}", Study(Facilitate)),
        ("POST", "/admin/studies/{study}/sessions/{id}", Study(Facilitate)),
        ("GET", "/admin/studies/{study}/sessions/{id}/present/{n}", Study(Facilitate)),
        ("GET", "/admin/studies/{study}/sessions/{id}/present/{n}/notes", Study(Facilitate)),
        ("GET", "/admin/studies/{study}/listing", Study(Manage)),
        ("POST", "/admin/studies/{study}/listing", Study(Manage)),
        ("POST", "/admin/studies/{study}/prompts", Study(Edit)),
        ("POST", "/admin/studies/{study}/prompts/{prompt}/move", Study(Edit)),
        ("POST", "/admin/studies/{study}/themes", Study(Edit)),
        ("GET", "/admin/studies/{study}/participants", Study(Consent)),
        ("POST", "/admin/studies/{study}/participants", Study(Edit)),
        ("GET", "/admin/studies/{study}/participants/{participant}", Study(Consent)),
        ("POST", "/admin/studies/{study}/participants/{participant}/consent", Study(Consent)),
        ("POST", "/admin/studies/{study}/participants/{participant}/identity", Study(Identity)),
        ("GET", "/admin/studies/{study}/entries/{entry}/checklist", Study(View)),
        ("POST", "/admin/studies/{study}/entries/{entry}/checklist", Study(Check)),
        ("POST", "/admin/studies/{study}/entries/{entry}/approve", Study(Approve)),
        ("GET", "/admin/studies/{study}/publish", Study(Publish)),
        ("POST", "/admin/studies/{study}/publish", Study(Publish)),
        (
            "POST",
            "/admin/studies/{study}/releases/{version}/doi",
            Study(Publish),
        ),
        ("GET", "/admin/studies/{study}/entries/{entry}/withdraw", Study(Withdraw)),
        ("POST", "/admin/studies/{study}/entries/{entry}/withdraw", Study(Withdraw)),
        ("GET", "/admin/studies/{study}/participants/{participant}/withdraw", Study(Withdraw)),
        ("POST", "/admin/studies/{study}/participants/{participant}/withdraw", Study(Withdraw)),
        ("GET", "/admin/studies/{study}/exports", Study(Export)),
        ("POST", "/admin/studies/{study}/exports", Study(Export)),
        ("GET", "/admin/studies/{study}/exports/{id}/download", Study(Export)),
        ("GET", "/admin/studies/{study}/audit", Study(Audit)),
        ("GET", "/admin/studies/{study}/team", Study(Manage)),
        ("POST", "/admin/studies/{study}/team", Study(Manage)),
    ]
};

/// The people the matrix is walked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Owner,
    Curator,
    Reviewer,
    Facilitator,
    /// An instance administrator who is not on the demo study's team.
    Admin,
    /// The owner of another study, with no part in the demo study.
    Outsider,
    /// Not signed in.
    Nobody,
}

impl Who {
    pub const ALL: [Who; 7] = [
        Who::Owner,
        Who::Curator,
        Who::Reviewer,
        Who::Facilitator,
        Who::Admin,
        Who::Outsider,
        Who::Nobody,
    ];

    /// Whether the permission table lets this person do `permission` in the
    /// demo study.
    fn may(self, permission: Permission) -> bool {
        let role = match self {
            Who::Owner => Role::Owner,
            Who::Curator => Role::Curator,
            Who::Reviewer => Role::Reviewer,
            Who::Facilitator => Role::Facilitator,
            Who::Admin => return permission.allows_admin_off_team(),
            Who::Outsider | Who::Nobody => return false,
        };
        role.allows(permission)
    }
}

/// What the router answered.
pub struct Answer {
    pub status: u16,
    pub location: String,
    pub cache_control: String,
}

/// A browser's view of one person: cookie and form token (empty when signed out).
pub struct Person {
    pub who: Who,
    pub cookie: String,
    pub csrf: String,
}

/// Sends one request through the real router, as a browser on this site would.
pub async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    person: &Person,
    extra: &[(&str, &str)],
) -> Answer {
    let multipart = method == "POST" && (path.ends_with("/upload") || path.ends_with("/image"));
    let mut request = Request::builder()
        .method(method)
        .header("host", "gallery.test");
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    if !person.cookie.is_empty() {
        request = request.header("cookie", &person.cookie);
    }
    let body = if method != "POST" {
        request = request.uri(path);
        Body::empty()
    } else if multipart {
        // Upload forms carry their token in the action URL.
        request = request
            .uri(format!("{path}?csrf={}", person.csrf))
            .header("content-type", "multipart/form-data; boundary=XyZ");
        Body::from("--XyZ--\r\n")
    } else {
        request = request
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded");
        Body::from(format!("csrf={}", person.csrf))
    };
    let response = vitrine::web::router(app.app.clone())
        .oneshot(request.body(body).expect("request"))
        .await
        .expect("router answers");
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let answer = Answer {
        status: response.status().as_u16(),
        location: header("location"),
        cache_control: header("cache-control"),
    };
    response.into_body().collect().await.expect("body");
    answer
}

/// Checks one answer against the table; returns a complaint if it is wrong.
pub fn judge(method: &str, may: May, who: Who, a: &Answer) -> Option<String> {
    let allowed_post = |s: u16| !matches!(s, 401 | 403 | 404 | 405 | 500..=599);
    let used = |ok: bool| {
        let good = if method == "GET" {
            a.status == 200
        } else {
            allowed_post(a.status)
        };
        (ok && !good).then(|| format!("expected to be let in, got {}", a.status))
    };
    if a.cache_control != "no-store" {
        return Some(format!("Cache-Control is {:?}", a.cache_control));
    }
    match (may, who) {
        (May::Anyone, Who::Nobody) => {
            let ok = if method == "GET" {
                a.status == 200
            } else {
                a.status == 401
            };
            (!ok).then(|| format!("sign-in page answered {}", a.status))
        }
        // Signed in: the sign-in page sends them on; an empty form is refused.
        (May::Anyone, _) => {
            let ok = if method == "GET" {
                a.status == 303
            } else {
                a.status == 401
            };
            (!ok).then(|| format!("sign-in page answered {}", a.status))
        }
        (_, Who::Nobody) => {
            (a.status != 303 || !a.location.starts_with("/admin/login")).then(|| {
                format!(
                    "expected 303 to /admin/login, got {} {}",
                    a.status, a.location
                )
            })
        }
        (May::SignedIn, _) => used(true),
        (May::Admin, Who::Admin) => used(true),
        (May::Admin, _) => (a.status != 403).then(|| format!("expected 403, got {}", a.status)),
        (May::Study(_), Who::Outsider) => {
            (a.status != 404).then(|| format!("expected 404, got {}", a.status))
        }
        (May::Study(permission), _) => {
            let ok = who.may(permission);
            if ok {
                used(true)
            } else {
                (a.status != 403).then(|| format!("expected 403, got {}", a.status))
            }
        }
    }
}

/// Walk order: looking first, then changing, then withdrawing, signing out last,
/// so that what one person's allowed POST does cannot hide another's answer.
pub fn rank(method: &str, path: &str) -> u8 {
    match (method, path) {
        ("GET", _) => 0,
        (_, "/admin/logout") => 3,
        (_, p) if p.ends_with("/withdraw") => 2,
        _ => 1,
    }
}
