//! DESCRIBE t (also DESC, EXPLAIN t, SHOW COLUMNS FROM t) and SHOW CREATE TABLE t, in
//! MySQL's shapes, from the table's schema.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

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
            vec![
                text(&c.name),
                Value::Text(format!("{}", c.ty)),
                text(if c.nullable { "YES" } else { "NO" }),
                text(if schema.primary_key.contains(&i) {
                    "PRI"
                } else {
                    ""
                }),
                // Cairn has no column defaults yet.
                Value::Null,
                text(""),
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
    let schema = table.schema();
    let quote = |s: &str| format!("`{}`", s.replace('`', "``"));
    let mut lines: Vec<String> = schema
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // A key column is NOT NULL whether or not the statement said so.
            let not_null = !c.nullable || schema.primary_key.contains(&i);
            let null = if not_null { " NOT NULL" } else { "" };
            format!("  {} {}{null}", quote(&c.name), c.ty)
        })
        .collect();
    if !schema.is_keyless() {
        let keys: Vec<String> = schema
            .primary_key
            .iter()
            .map(|&k| quote(&schema.columns[k].name))
            .collect();
        lines.push(format!("  PRIMARY KEY ({})", keys.join(",")));
    }
    let create = format!("CREATE TABLE {} (\n{}\n)", quote(&name), lines.join(",\n"));
    Ok(QueryResult {
        columns: vec!["Table".into(), "Create Table".into()],
        rows: vec![vec![Value::Text(name), Value::Text(create)]],
        affected: None,
    })
}
