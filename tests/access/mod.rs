//! The authorization matrix of `admin_access.rs`: who may use each staff
//! route, the people it is walked as, and how an answer is judged.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Who may use a route, as this test expects it.
#[derive(Debug, Clone, Copy)]
pub enum May {
    /// Anyone, signed in or not (the sign-in page).
    Anyone,
    /// Any signed-in account.
    SignedIn,
    /// Instance administrators only.
    Admin,
    /// The study's members whose role letter is listed (O owner, C curator,
    /// R reviewer, F facilitator) and, with A, an instance administrator who is
    /// not on the team.
    Study(&'static str),
}

/// Every staff route and who may use it. Written out by hand from the issue's
/// roles: facilitators only look; curators prepare (edit, consent, checklist,
/// withdraw); reviewers sign off, publish, withdraw and read the audit log;
/// real identities and the team are the owner's; administrators not on a team
/// may look at it and manage it.
#[rustfmt::skip]
pub const EXPECTED: &[(&str, &str, May)] = {
    use May::{Admin, Anyone, SignedIn, Study};
    &[
        ("GET", "/admin/login", Anyone),
        ("POST", "/admin/login", Anyone),
        ("POST", "/admin/logout", SignedIn),
        ("GET", "/admin", SignedIn),
        ("GET", "/admin/accounts", Admin),
        ("POST", "/admin/accounts", Admin),
        ("POST", "/admin/studies", Admin),
        ("GET", "/admin/jobs", Admin),
        ("GET", "/admin/studies/{study}", Study("OCRFA")),
        ("GET", "/admin/studies/{study}/coverage", Study("OCRFA")),
        ("GET", "/admin/studies/{study}/entries/{entry}", Study("OCRFA")),
        ("POST", "/admin/studies/{study}/entries/{entry}", Study("OC")),
        ("POST", "/admin/studies/{study}/entries/{entry}/image", Study("OC")),
        ("GET", "/admin/studies/{study}/images/{image}/{width}", Study("OCRFA")),
        ("GET", "/admin/studies/{study}/upload", Study("OC")),
        ("POST", "/admin/studies/{study}/upload", Study("OC")),
        ("GET", "/admin/studies/{study}/settings", Study("OC")),
        ("POST", "/admin/studies/{study}/settings", Study("OC")),
        ("POST", "/admin/studies/{study}/prompts", Study("OC")),
        ("POST", "/admin/studies/{study}/prompts/{prompt}/move", Study("OC")),
        ("POST", "/admin/studies/{study}/themes", Study("OC")),
        ("GET", "/admin/studies/{study}/participants", Study("OCRFA")),
        ("POST", "/admin/studies/{study}/participants", Study("OC")),
        ("GET", "/admin/studies/{study}/participants/{participant}", Study("OCR")),
        ("POST", "/admin/studies/{study}/participants/{participant}/consent", Study("OCR")),
        ("POST", "/admin/studies/{study}/participants/{participant}/identity", Study("O")),
        ("GET", "/admin/studies/{study}/entries/{entry}/checklist", Study("OCRFA")),
        ("POST", "/admin/studies/{study}/entries/{entry}/checklist", Study("OC")),
        ("POST", "/admin/studies/{study}/entries/{entry}/approve", Study("OR")),
        ("GET", "/admin/studies/{study}/publish", Study("OR")),
        ("POST", "/admin/studies/{study}/publish", Study("OR")),
        ("GET", "/admin/studies/{study}/entries/{entry}/withdraw", Study("OCR")),
        ("POST", "/admin/studies/{study}/entries/{entry}/withdraw", Study("OCR")),
        ("GET", "/admin/studies/{study}/participants/{participant}/withdraw", Study("OCR")),
        ("POST", "/admin/studies/{study}/participants/{participant}/withdraw", Study("OCR")),
        ("GET", "/admin/studies/{study}/audit", Study("OR")),
        ("GET", "/admin/studies/{study}/team", Study("OA")),
        ("POST", "/admin/studies/{study}/team", Study("OA")),
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

    fn letter(self) -> Option<char> {
        match self {
            Who::Owner => Some('O'),
            Who::Curator => Some('C'),
            Who::Reviewer => Some('R'),
            Who::Facilitator => Some('F'),
            Who::Admin => Some('A'),
            Who::Outsider | Who::Nobody => None,
        }
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
        (May::Study(letters), _) => {
            let ok = who.letter().is_some_and(|l| letters.contains(l));
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
