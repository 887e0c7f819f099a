//! DESCRIBE t (also DESC, EXPLAIN t, SHOW [FULL] COLUMNS FROM t), SHOW CREATE TABLE t and
//! SHOW INDEX FROM t, in MySQL's shapes, from the table's schema; SHOW [FULL] TABLES and SHOW
//! WARNINGS.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use sqlparser::ast::Ident;

use crate::db::root_value::RootValue;
use crate::db::schema::{Column, Schema};
use crate::db::value::ColumnType;
use crate::db::value::Value;
use crate::sql::{open_table, unsupported, QueryResult, SqlError};

/// One row per column: Field, Type, Null, Key, Default, Extra; `full` (SHOW FULL COLUMNS)
/// adds MySQL's Collation after Type, and Privileges and Comment at the end.
pub fn describe(root: &RootValue, table: &str, full: bool) -> Result<QueryResult, SqlError> {
    let (_, table) = open_table(root, table)?;
    let schema = table.schema();
    let text = |s: &str| Value::Text(s.into());
    let rows = schema
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut row = vec![
                text(&c.name),
                Value::Text(c.type_sql()),
                text(if c.nullable { "YES" } else { "NO" }),
                text(column_key(schema, i)),
                column_default(c),
                Value::Text(extra(c)),
            ];
            if full {
                row.insert(2, collation(c));
                // Whoever can open the store may do anything to it: there are no grants.
                row.push(text("select,insert,update,references"));
                row.push(text(""));
            }
            row
        })
        .collect();
    let mut columns = vec!["Field", "Type", "Null", "Key", "Default", "Extra"];
    if full {
        columns.insert(2, "Collation");
        columns.extend(["Privileges", "Comment"]);
    }
    Ok(QueryResult {
        columns: columns.into_iter().map(String::from).collect(),
        rows,
        affected: None,
    })
}

/// SHOW TABLES: one row per table, named `Tables_in_<database>` as MySQL names it (`Table`
/// when the database has no name); `full` adds `Table_type`, always `BASE TABLE` (Cairn has
/// no views).
pub fn show_tables(root: &RootValue, full: bool, database: Option<&str>) -> QueryResult {
    let mut columns = vec![database.map_or("Table".into(), |db| alloc::format!("Tables_in_{db}"))];
    if full {
        columns.push("Table_type".into());
    }
    let rows = root
        .tables
        .keys()
        .map(|name| {
            let mut row = vec![Value::Text(name.clone())];
            if full {
                row.push(Value::Text("BASE TABLE".into()));
            }
            row
        })
        .collect();
    QueryResult {
        columns,
        rows,
        affected: None,
    }
}

/// Whether a SHOW is `SHOW WARNINGS` (sqlparser reads it as SHOW of a variable).
pub fn shows_warnings(words: &[Ident]) -> bool {
    matches!(words, [w] if keyword(w, &["WARNINGS"]))
}

/// SHOW WARNINGS: none, ever. Where MySQL in strict mode warns and goes on, Cairn refuses
/// the statement with an error, so a statement that succeeded left nothing to show.
pub fn show_warnings() -> QueryResult {
    QueryResult {
        columns: ["Level", "Code", "Message"].map(String::from).to_vec(),
        rows: Vec::new(),
        affected: None,
    }
}

/// MySQL's Key of column `i`: PRI for the primary key, UNI for a one-column unique key, MUL
/// for the first column of any other key.
pub(crate) fn column_key(schema: &Schema, i: usize) -> &'static str {
    if schema.primary_key.contains(&i) {
        "PRI"
    } else if schema.indexes.iter().any(|k| k.unique && k.columns == [i]) {
        "UNI"
    } else if schema.indexes.iter().any(|k| k.columns.first() == Some(&i)) {
        "MUL"
    } else {
        ""
    }
}

/// A column's default as MySQL shows it: the value as text, the clock's call, or NULL.
pub(crate) fn column_default(c: &Column) -> Value {
    match (&c.default, c.default_now) {
        (_, true) => Value::Text(c.clock_sql()),
        (Some(v), false) => Value::Text(v.to_string()),
        (None, false) => Value::Null,
    }
}

/// Text compares byte by byte, as MySQL's utf8mb4_bin does; other types have no collation
/// (MySQL's NULL).
pub(crate) fn collation(c: &Column) -> Value {
    match c.ty {
        ColumnType::Text { .. } | ColumnType::Enum => Value::Text("utf8mb4_bin".into()),
        _ => Value::Null,
    }
}

/// The primary key (named PRIMARY) and each index: name, columns, unique.
pub(crate) fn keys(schema: &Schema) -> impl Iterator<Item = (&str, &Vec<usize>, bool)> {
    let primary = (!schema.is_keyless()).then_some(("PRIMARY", &schema.primary_key, true));
    primary.into_iter().chain(
        schema
            .indexes
            .iter()
            .map(|i| (i.name.as_str(), &i.columns, i.unique)),
    )
}

/// The primary key and the unique indexes: name, columns.
pub(crate) fn unique_keys(schema: &Schema) -> impl Iterator<Item = (&str, &Vec<usize>)> {
    keys(schema).filter_map(|(name, columns, unique)| unique.then_some((name, columns)))
}

/// MySQL's Extra: `auto_increment`, and `DEFAULT_GENERATED` and `on update
/// CURRENT_TIMESTAMP` for the clock.
pub(crate) fn extra(c: &Column) -> String {
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

/// Whether `word` is written unquoted as one of `keywords`.
fn keyword(word: &Ident, keywords: &[&str]) -> bool {
    word.quote_style.is_none() && keywords.iter().any(|k| word.value.eq_ignore_ascii_case(k))
}

/// Whether a SHOW is `SHOW {INDEX | INDEXES | KEYS} ...`: sqlparser has no statement for it
/// and reads it as SHOW of a variable named by its words (the punctuation between dropped).
pub fn shows_index(words: &[Ident]) -> bool {
    words
        .first()
        .is_some_and(|w| keyword(w, &["INDEX", "INDEXES", "KEYS"]))
}

/// `SHOW {INDEX | INDEXES | KEYS} {FROM | IN} t` (its words, see `shows_index`): one row per
/// column of each index, the primary key first, in MySQL's columns. Cardinality is NULL, as
/// MySQL gives it before ANALYZE TABLE: counting distinct keys would read every entry.
pub fn show_index(root: &RootValue, words: &[Ident]) -> Result<QueryResult, SqlError> {
    let table = match words {
        [_, from, table] if keyword(from, &["FROM", "IN"]) => table,
        [_, from, _, from_db, _]
            if keyword(from, &["FROM", "IN"]) && keyword(from_db, &["FROM", "IN"]) =>
        {
            return unsupported("SHOW INDEX ... FROM a database (a store holds one database)")
        }
        _ => {
            return Err(SqlError::Syntax(
                "expected SHOW INDEX FROM table (also INDEXES or KEYS, and IN)".into(),
            ))
        }
    };
    let (name, table) = open_table(root, &table.value)?;
    let schema = table.schema();
    let text = |s: &str| Value::Text(s.into());
    let mut rows = Vec::new();
    for (key, columns, unique) in keys(schema) {
        for (seq, &c) in columns.iter().enumerate() {
            let column = &schema.columns[c];
            rows.push(vec![
                text(&name),
                Value::Int(i64::from(!unique)),
                text(key),
                Value::Int(seq as i64 + 1),
                text(&column.name),
                text("A"),
                Value::Null,
                Value::Null,
                Value::Null,
                text(if column.nullable { "YES" } else { "" }),
                text("BTREE"),
                text(""),
                text(""),
                text("YES"),
                Value::Null,
            ]);
        }
    }
    Ok(QueryResult {
        columns: [
            "Table",
            "Non_unique",
            "Key_name",
            "Seq_in_index",
            "Column_name",
            "Collation",
            "Cardinality",
            "Sub_part",
            "Packed",
            "Null",
            "Index_type",
            "Comment",
            "Index_comment",
            "Visible",
            "Expression",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        affected: None,
    })
}
