//! Reading one CSV file of a study folder into rows addressed by column name.
//!
//! RFC 4180 (quoted fields, embedded newlines, CRLF or LF), UTF-8 with or
//! without a byte-order mark. Columns are matched by header name in any order;
//! a missing required column or an unknown column is a problem. Rows are
//! numbered as a spreadsheet shows them: the header is row 1.

use super::Problem;
use std::collections::HashMap;
use vitrine_core::text;

/// A parsed CSV file.
pub struct Table {
    /// Data rows.
    pub rows: Vec<Row>,
}

/// One data row.
pub struct Row {
    /// The file it came from.
    pub file: &'static str,
    /// Spreadsheet row number (header = 1).
    pub number: usize,
    fields: HashMap<String, String>,
}

impl Row {
    /// The cleaned value of `column` ("" when empty or absent).
    pub fn get(&self, column: &str) -> &str {
        self.fields.get(column).map_or("", String::as_str)
    }

    /// The value, or `None` when blank.
    pub fn optional(&self, column: &str) -> Option<String> {
        let value = self.get(column);
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// The value, recording a problem when blank.
    pub fn required(&self, column: &str, problems: &mut Vec<Problem>) -> Option<String> {
        let value = self.optional(column);
        if value.is_none() {
            problems.push(self.problem(column, "is empty; this column is required"));
        }
        value
    }

    /// A problem located at this row and column.
    pub fn problem(&self, column: &str, message: impl Into<String>) -> Problem {
        Problem::at(self.file, Some(self.number), Some(column), message)
    }
}

/// Parses `bytes` as the CSV file `file`. Problems are recorded; `None` means
/// the file could not be read as a table at all.
pub fn parse(
    file: &'static str,
    bytes: &[u8],
    required: &[&str],
    optional: &[&str],
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        problems.push(Problem::file(
            file,
            "is not UTF-8 text; save it as \"CSV UTF-8\"",
        ));
        return None;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            problems.push(Problem::file(file, format!("cannot be read as CSV: {e}")));
            return None;
        }
    };
    if !check_headers(file, &headers, required, optional, problems) {
        return None;
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let number = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(Problem::at(
                    file,
                    Some(number),
                    None,
                    format!("cannot be read as CSV: {e}"),
                ));
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() > headers.len() {
            problems.push(Problem::at(
                file,
                Some(number),
                None,
                format!(
                    "has {} values but the header names {} columns",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let fields = headers
            .iter()
            .cloned()
            .zip(record.iter().map(text::clean))
            .collect();
        rows.push(Row {
            file,
            number,
            fields,
        });
    }
    Some(Table { rows })
}

fn check_headers(
    file: &'static str,
    headers: &[String],
    required: &[&str],
    optional: &[&str],
    problems: &mut Vec<Problem>,
) -> bool {
    let before = problems.len();
    for column in required {
        if !headers.iter().any(|h| h == column) {
            problems.push(Problem::file(
                file,
                format!("has no column \"{column}\"; the header row must include it"),
            ));
        }
    }
    for header in headers {
        if !required.contains(&header.as_str()) && !optional.contains(&header.as_str()) {
            let known: Vec<&str> = required.iter().chain(optional).copied().collect();
            problems.push(Problem::file(
                file,
                format!(
                    "has an unknown column \"{header}\"; the columns are {}",
                    known.join(", ")
                ),
            ));
        }
    }
    problems.len() == before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> (Option<Table>, Vec<Problem>) {
        let mut problems = Vec::new();
        let t = parse(
            "t.csv",
            text.as_bytes(),
            &["id", "text"],
            &["note"],
            &mut problems,
        );
        (t, problems)
    }

    #[test]
    fn quoted_fields_newlines_crlf_and_bom_are_read() {
        let (t, problems) =
            table("\u{feff}id,text\r\n1,\"a, \"\"quoted\"\"\r\nsecond line\"\r\n2,plain\r\n");
        assert!(problems.is_empty(), "{problems:?}");
        let rows = t.map(|t| t.rows).unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get("text"), "a, \"quoted\"\nsecond line");
        assert_eq!(rows[1].number, 3);
    }

    #[test]
    fn columns_match_by_name_in_any_order() {
        let (t, problems) = table("text,ID\nhello,7\n");
        assert!(problems.is_empty());
        assert_eq!(
            t.map(|t| t.rows[0].get("id").to_owned()).as_deref(),
            Some("7")
        );
    }

    #[test]
    fn missing_and_unknown_columns_are_named() {
        let (t, problems) = table("id,colour\n1,red\n");
        assert!(t.is_none());
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(text[0].contains("no column \"text\""));
        assert!(text[1].contains("unknown column \"colour\""));
    }

    #[test]
    fn blank_rows_are_skipped_and_too_many_values_reported() {
        let (t, problems) = table("id,text\n,\n1,a,extra\n2,b\n");
        assert_eq!(t.map(|t| t.rows.len()), Some(1));
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].to_string().starts_with("t.csv row 3:"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn non_utf8_files_get_advice() {
        let mut problems = Vec::new();
        assert!(
            parse(
                "t.csv",
                b"id,text\n1,caf\xe9\n",
                &["id"],
                &["text"],
                &mut problems
            )
            .is_none()
        );
        assert!(problems[0].to_string().contains("CSV UTF-8"));
    }
}
