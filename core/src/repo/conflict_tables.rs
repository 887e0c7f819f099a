//! Dolt's system tables of a stopped merge, so that a SQL script can see what
//! `CALL DOLT_MERGE` left before it settles it (`CALL DOLT_CONFLICTS_RESOLVE`):
//!
//! - `dolt_conflicts`: `table`, `num_conflicts`, one row per table with conflicting rows;
//! - `dolt_conflicts_<table>`: `base_<column>`s, `our_<column>`s, `our_diff_type`,
//!   `their_<column>`s, `their_diff_type`, one row per conflicting row, in the columns of the
//!   working table;
//! - `dolt_schema_conflicts`: `table_name`, `base_schema`, `our_schema`, `their_schema`
//!   (CREATE TABLE statements, NULL where the side has no such table), `description`.
//!
//! Without a merge in progress they have no rows.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Repo, RepoError, Result, TableConflicts};
use crate::db::schema::Schema;
use crate::db::value::Value;
use crate::db::working_set::TableConflict;
use crate::io::Storage;
use crate::sql::history::SystemTable;

pub(super) const CONFLICTS_PREFIX: &str = "dolt_conflicts_";

impl<S: Storage> Repo<S> {
    /// The tables the merge in progress left conflicts in, and of which kind; none without one.
    async fn conflicted(&self) -> Result<Vec<(String, TableConflict)>> {
        let ws = self.working_set(&self.config.head).await?;
        Ok(ws
            .merge
            .map_or_else(Vec::new, |m| m.conflicts.into_iter().collect()))
    }

    pub(super) async fn conflicts_table(&self) -> Result<SystemTable> {
        let mut rows = Vec::new();
        for (table, conflict) in self.conflicted().await? {
            if let TableConflict::Rows(map) = conflict {
                let count = crate::prolly::count(&self.store, map).await?;
                rows.push(alloc::vec![
                    Value::Text(table),
                    Value::Int(i64::try_from(count).unwrap_or(i64::MAX)),
                ]);
            }
        }
        Ok(SystemTable {
            columns: super::system_tables::names(&["table", "num_conflicts"]),
            rows,
        })
    }

    /// `dolt_conflicts_<table>`; None if the working set has no such table and the merge no
    /// conflicts in one.
    pub(super) async fn table_conflicts_table(
        &self,
        table: &str,
        working: &crate::db::root_value::RootValue,
    ) -> Result<Option<SystemTable>> {
        let found = match self.conflicts(table).await {
            Ok(found) => Some(found),
            Err(RepoError::NoMerge | RepoError::NoConflicts(_)) => None,
            Err(e) => return Err(e),
        };
        // A schema conflict has no rows here: `dolt_schema_conflicts` shows it.
        let (schema, rows) = match found {
            Some(TableConflicts::Rows { schema, rows }) => (schema, rows),
            _ => match working.tables.get(table) {
                Some(t) => (Schema::clone(&t.schema), Vec::new()),
                None => return Ok(None),
            },
        };
        let prefixed = |prefix: &'static str| {
            schema
                .columns
                .iter()
                .map(move |c| alloc::format!("{prefix}{}", c.name))
        };
        let mut columns: Vec<String> = prefixed("base_").collect();
        columns.extend(prefixed("our_"));
        columns.push("our_diff_type".into());
        columns.extend(prefixed("their_"));
        columns.push("their_diff_type".into());
        let width = schema.columns.len();
        let values = |row: &Option<Vec<Value>>| match row {
            Some(row) => row.clone(),
            None => alloc::vec![Value::Null; width],
        };
        let rows = rows
            .into_iter()
            .map(|[base, ours, theirs]| {
                let mut out = values(&base);
                out.extend(values(&ours));
                out.push(diff_type(&base, &ours));
                out.extend(values(&theirs));
                out.push(diff_type(&base, &theirs));
                out
            })
            .collect();
        Ok(Some(SystemTable { columns, rows }))
    }

    pub(super) async fn schema_conflicts_table(&self) -> Result<SystemTable> {
        let mut rows = Vec::new();
        for (table, conflict) in self.conflicted().await? {
            if !matches!(conflict, TableConflict::Schema) {
                continue;
            }
            let TableConflicts::Schema(sides) = self.conflicts(&table).await? else {
                continue;
            };
            let mut row = alloc::vec![Value::Text(table.clone())];
            row.extend(sides.iter().map(|side| match side {
                Some(schema) => Value::Text(schema.to_sql(&table)),
                None => Value::Null,
            }));
            let description = match (&sides[1], &sides[2]) {
                (None, _) | (_, None) => "one side dropped the table, the other changed it",
                _ => "both sides changed the table's schema",
            };
            row.push(Value::Text(description.into()));
            rows.push(row);
        }
        Ok(SystemTable {
            columns: super::system_tables::names(&[
                "table_name",
                "base_schema",
                "our_schema",
                "their_schema",
                "description",
            ]),
            rows,
        })
    }
}

/// How one side changed a conflicting row from the base, as Dolt names it.
fn diff_type(base: &Option<Vec<Value>>, side: &Option<Vec<Value>>) -> Value {
    Value::Text(
        match (base, side) {
            (None, None) => return Value::Null,
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (Some(_), Some(_)) => "modified",
        }
        .into(),
    )
}
