//! DESCRIBE t (also DESC, EXPLAIN t, SHOW COLUMNS FROM t) and SHOW CREATE TABLE t, in
//! MySQL's shapes, from the table's schema.

use alloc::string::{String, ToString};
use alloc::vec;

use crate::db::root_value::RootValue;
use crate::db::value::Value;
use crate::sql::{open_table, QueryResult, SqlError};

/// One row per column: Field, Type, Null, Key, Default, Extra.
pub fn describe(root: &RootValue, table: &str) -> Result<QueryResult, SqlError> {
    let (_, table) = open_table(root, table)?;
    let schema = table.schema();
    let text = |s: &str| Value::Text(s.into());
    let rows = schema
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // MySQL's Key: PRI for the primary key, UNI for a one-column unique key, MUL
            // for the first column of any other key.
            let key = if schema.primary_key.contains(&i) {
                "PRI"
            } else if schema.indexes.iter().any(|k| k.unique && k.columns == [i]) {
                "UNI"
            } else if schema.indexes.iter().any(|k| k.columns.first() == Some(&i)) {
                "MUL"
            } else {
                ""
            };
            vec![
                text(&c.name),
                Value::Text(c.type_sql()),
                text(if c.nullable { "YES" } else { "NO" }),
                text(key),
                c.default
                    .as_ref()
                    .map_or(Value::Null, |v| Value::Text(v.to_string())),
                text(if c.auto_increment {
                    "auto_increment"
                } else {
                    ""
                }),
            ]
        })
        .collect();
    Ok(QueryResult {
        columns: ["Field", "Type", "Null", "Key", "Default", "Extra"]
            .map(String::from)
            .to_vec(),
        rows,
        affected: None,
    })
}

/// The table's name, and a CREATE TABLE statement that makes a table of the same schema.
pub fn show_create(root: &RootValue, table: &str) -> Result<QueryResult, SqlError> {
    let (name, table) = open_table(root, table)?;
    let create = table.schema().to_sql(&name);
    Ok(QueryResult {
        columns: vec!["Table".into(), "Create Table".into()],
        rows: vec![vec![Value::Text(name), Value::Text(create)]],
        affected: None,
    })
}
