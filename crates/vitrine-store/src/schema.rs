//! The logical schema of a store, comparable across backends, so a test can
//! prove that the SQLite and PostgreSQL migrations end in the same place.

use crate::db::Backend;
use crate::{Result, Store};

/// Table → column → (type family, not null): the schema as a reader of the data
/// sees it, comparable across backends.
pub type LogicalSchema =
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, (String, bool)>>;

impl Store {
    /// The logical schema of Vitrine's own tables (migration bookkeeping left
    /// out), so a test can prove both backends' migrations agree.
    pub async fn logical_schema(&self) -> Result<LogicalSchema> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT m.name, p.name, p.type, CASE WHEN p.\"notnull\" = 1 OR p.pk = 1 THEN 1 ELSE 0 END
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'"
            }
            Backend::Postgres => {
                "SELECT table_name::text, column_name::text, data_type::text,
                        CASE WHEN is_nullable::text = 'NO' THEN 1 ELSE 0 END
                 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name::text NOT LIKE '_sqlx%'"
            }
        };
        let rows: Vec<(String, String, String, i32)> =
            sqlx::query_as(sql).fetch_all(&self.pool).await?;
        let mut schema = LogicalSchema::new();
        for (table, column, kind, not_null) in rows {
            let kind = kind.to_ascii_lowercase();
            let family = if kind.contains("int") {
                "integer"
            } else if kind.contains("text") || kind.contains("char") {
                "text"
            } else {
                kind.as_str()
            };
            schema
                .entry(table)
                .or_default()
                .insert(column, (family.to_owned(), not_null == 1));
        }
        Ok(schema)
    }
}
