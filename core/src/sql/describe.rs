//! DESCRIBE t (also DESC, EXPLAIN t, SHOW COLUMNS FROM t) and SHOW CREATE TABLE t, in
//! MySQL's shapes, from the table's schema.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use crate::db::root_value::RootValue;
use crate::db::schema::Column;
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
                match (&c.default, c.default_now) {
                    (_, true) => Value::Text(c.clock_sql()),
                    (Some(v), false) => Value::Text(v.to_string()),
                    (None, false) => Value::Null,
                },
                Value::Text(extra(c)),
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

/// MySQL's Extra: `auto_increment`, and `DEFAULT_GENERATED` and `on update
/// CURRENT_TIMESTAMP` for the clock.
fn extra(c: &Column) -> String {
    let mut parts = Vec::new();
    if c.auto_increment {
        parts.push("auto_increment".into());
    }
    if c.default_now {
        parts.push("DEFAULT_GENERATED".into());
    }
    if c.update_now {
        parts.push(alloc::format!("on update {}", c.clock_sql()));
    }
    parts.join(" ")
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
