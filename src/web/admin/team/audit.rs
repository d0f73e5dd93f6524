//! `/admin/studies/{study}/audit`: the study's audit log, newest first, under
//! the result of checking the whole hash chain (PRV-11).

use crate::app::App;
use crate::web::admin::access::{Staff, StudyAccess};
use crate::web::admin::views::{AdminError, AdminLayout, render};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use vitrine_store::AuditRecord;

/// How many rows the page shows.
const SHOWN: i64 = 1000;

/// What a row's payload holds, as shown.
enum Details {
    /// Erased because it held a withdrawn entry's or participant's words.
    Erased,
    /// Nothing was recorded besides the action.
    None,
    /// The values before and after.
    Values {
        before: Option<Shown>,
        after: Option<Shown>,
    },
}

/// One side (before or after) of a change.
enum Shown {
    /// A flat record, as name–value pairs.
    Pairs(Vec<(String, String)>),
    /// Anything else, as indented JSON.
    Json(String),
}

/// One row of the log.
struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    details: Details,
}

#[derive(Template)]
#[template(path = "admin/audit.html", whitespace = "minimize")]
struct AuditPage {
    layout: AdminLayout,
    rows: Vec<AuditRow>,
    limited: bool,
    checked: i64,
    erased: i64,
    problems: Vec<String>,
}

fn shown(value: Option<&serde_json::Value>) -> Option<Shown> {
    use serde_json::Value;
    let value = value.filter(|v| !v.is_null())?;
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        Value::Null => Some("(none)".to_owned()),
        Value::Array(items) => items
            .iter()
            .all(|i| matches!(i, Value::String(_) | Value::Number(_) | Value::Bool(_)))
            .then(|| {
                items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        Value::Object(_) => None,
    };
    if let Value::Object(map) = value {
        let pairs: Option<Vec<(String, String)>> = map
            .iter()
            .map(|(k, v)| scalar(v).map(|text| (k.replace('_', " "), text)))
            .collect();
        if let Some(pairs) = pairs.filter(|p| !p.is_empty()) {
            return Some(Shown::Pairs(pairs));
        }
    }
    Some(Shown::Json(
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()),
    ))
}

fn details(payload: Option<&str>) -> Details {
    let Some(body) = payload else {
        return Details::Erased;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return Details::Values {
            before: None,
            after: Some(Shown::Json(body.to_owned())),
        };
    };
    let before = shown(value.get("before"));
    let after = shown(value.get("after"));
    if before.is_none() && after.is_none() {
        Details::None
    } else {
        Details::Values { before, after }
    }
}

/// "2025-01-31T09:05:00Z" as "2025-01-31 09:05 UTC".
fn when(at: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(at, &Rfc3339).map_or_else(
        |_| at.to_owned(),
        |t| {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!(
                "{}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        },
    )
}

fn row(record: AuditRecord) -> AuditRow {
    AuditRow {
        details: details(record.payload.as_deref()),
        seq: record.seq,
        at: when(&record.at),
        actor: record.actor,
        action: record.action,
        subject: record.subject,
    }
}

/// `GET /admin/studies/{study}/audit`.
pub async fn show_audit(
    State(app): State<App>,
    Extension(staff): Extension<Staff>,
    Extension(access): Extension<StudyAccess>,
) -> Result<Response, AdminError> {
    let (verification, records) = crate::app::audit::of_study(&app, &access.study, SHOWN).await?;
    let limited = i64::try_from(records.len()).unwrap_or(i64::MAX) >= SHOWN;
    render(&AuditPage {
        layout: AdminLayout::study("Audit log", &staff, &access, "/audit"),
        rows: records.into_iter().map(row).collect(),
        limited,
        checked: verification.rows,
        erased: verification.erased,
        problems: verification.problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_show_before_and_after_without_the_salt() {
        let body = r#"{"salt":"abc","before":{"role":"curator","left_out":0},"after":null}"#;
        let Details::Values { before, after } = details(Some(body)) else {
            panic!("expected values");
        };
        let Some(Shown::Pairs(pairs)) = before else {
            panic!("expected pairs");
        };
        assert_eq!(
            pairs,
            [
                ("left out".to_owned(), "0".to_owned()),
                ("role".to_owned(), "curator".to_owned())
            ]
        );
        assert!(after.is_none());
        let nested = r#"{"salt":"x","before":null,"after":{"a":{"b":1}}}"#;
        let Details::Values { after, .. } = details(Some(nested)) else {
            panic!("expected values");
        };
        assert!(matches!(after, Some(Shown::Json(j)) if j.contains("\"b\": 1")));
        assert!(matches!(details(None), Details::Erased));
        assert!(matches!(
            details(Some(r#"{"salt":"x","before":null,"after":null}"#)),
            Details::None
        ));
    }

    #[test]
    fn times_read_in_utc() {
        assert_eq!(when("2025-01-31T09:05:07Z"), "2025-01-31 09:05:07 UTC");
        assert_eq!(when("not a time"), "not a time");
    }
}
