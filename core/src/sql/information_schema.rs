//! `information_schema`, as MySQL has it, for the views scripts and tools read most:
//! SCHEMATA, TABLES, COLUMNS, STATISTICS, TABLE_CONSTRAINTS, KEY_COLUMN_USAGE,
//! REFERENTIAL_CONSTRAINTS and CHECK_CONSTRAINTS, in MySQL
//! 8's columns (upper case, as MySQL names them). Each is made from the root the statement
//! reads, so it shows a table created earlier in the same script. The store's one database
//! is named by the session (`Session::database`); unnamed, its rows' schema is NULL.
//!
//! What Cairn does not keep is NULL: row counts and sizes (counting would read every row;
//! MySQL's are estimates), times, engines.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use crate::db::root_value::RootValue;
use crate::db::schema::{Column, Schema};
use crate::db::temporal::TimeType;
use crate::db::value::{ColumnType, IntWidth, Value};
use crate::sql::describe::{collation, column_default, column_key, extra, keys, unique_keys};
use crate::sql::history::SystemTable;

/// The schema's name, as MySQL writes it.
pub const NAME: &str = "information_schema";

/// The views, by lower-case name.
const VIEWS: [&str; 8] = [
    "schemata",
    "tables",
    "columns",
    "statistics",
    "table_constraints",
    "key_column_usage",
    "referential_constraints",
    "check_constraints",
];

/// The catalog key of a view (`information_schema.tables`), as `query.rs` names tables.
pub fn key(view: &str) -> String {
    format!("{NAME}.{}", view.to_ascii_lowercase())
}

/// The view `name` (any case) over `root`, the tables of the database `database`; None if
/// information_schema has no such view here.
pub fn view(root: &RootValue, database: Option<&str>, name: &str) -> Option<SystemTable> {
    let view = VIEWS.into_iter().find(|v| v.eq_ignore_ascii_case(name))?;
    let schema = || database.map_or(Value::Null, text);
    let tables = root
        .tables
        .iter()
        .map(|(name, t)| (name.as_str(), &*t.schema));
    let mut rows = Vec::new();
    let columns: &[&str] = match view {
        "schemata" => {
            let names = [Some(NAME), database];
            for name in names.into_iter().flatten() {
                rows.push(vec![
                    text("def"),
                    text(name),
                    text("utf8mb4"),
                    text("utf8mb4_bin"),
                    Value::Null,
                    text("NO"),
                ]);
            }
            &[
                "CATALOG_NAME",
                "SCHEMA_NAME",
                "DEFAULT_CHARACTER_SET_NAME",
                "DEFAULT_COLLATION_NAME",
                "SQL_PATH",
                "DEFAULT_ENCRYPTION",
            ]
        }
        "tables" => {
            let user = tables.map(|(name, _)| (schema(), name, "BASE TABLE"));
            let system = VIEWS.iter().map(|v| (text(NAME), *v, "SYSTEM VIEW"));
            for (schema, name, kind) in user.chain(system) {
                let mut row = vec![text("def"), schema, text(name), text(kind)];
                // ENGINE .. CHECK_TIME: nothing Cairn keeps.
                row.extend(core::iter::repeat_n(Value::Null, 13));
                row.extend([text("utf8mb4_bin"), Value::Null, text(""), text("")]);
                rows.push(row);
            }
            &[
                "TABLE_CATALOG",
                "TABLE_SCHEMA",
                "TABLE_NAME",
                "TABLE_TYPE",
                "ENGINE",
                "VERSION",
                "ROW_FORMAT",
                "TABLE_ROWS",
                "AVG_ROW_LENGTH",
                "DATA_LENGTH",
                "MAX_DATA_LENGTH",
                "INDEX_LENGTH",
                "DATA_FREE",
                "AUTO_INCREMENT",
                "CREATE_TIME",
                "UPDATE_TIME",
                "CHECK_TIME",
                "TABLE_COLLATION",
                "CHECKSUM",
                "CREATE_OPTIONS",
                "TABLE_COMMENT",
            ]
        }
        "columns" => {
            for (table, s) in tables {
                for (i, c) in s.columns.iter().enumerate() {
                    rows.push(column_row(schema(), table, s, i, c));
                }
            }
            &[
                "TABLE_CATALOG",
                "TABLE_SCHEMA",
                "TABLE_NAME",
                "COLUMN_NAME",
                "ORDINAL_POSITION",
                "COLUMN_DEFAULT",
                "IS_NULLABLE",
                "DATA_TYPE",
                "CHARACTER_MAXIMUM_LENGTH",
                "CHARACTER_OCTET_LENGTH",
                "NUMERIC_PRECISION",
                "NUMERIC_SCALE",
                "DATETIME_PRECISION",
                "CHARACTER_SET_NAME",
                "COLLATION_NAME",
                "COLUMN_TYPE",
                "COLUMN_KEY",
                "EXTRA",
                "PRIVILEGES",
                "COLUMN_COMMENT",
                "GENERATION_EXPRESSION",
                "SRS_ID",
            ]
        }
        "statistics" => {
            for (table, s) in tables {
                for (key, columns, unique) in keys(s) {
                    for (seq, &i) in columns.iter().enumerate() {
                        let c = &s.columns[i];
                        rows.push(vec![
                            text("def"),
                            schema(),
                            text(table),
                            int(usize::from(!unique)),
                            schema(),
                            text(key),
                            int(seq + 1),
                            text(&c.name),
                            text("A"),
                            Value::Null,
                            Value::Null,
                            Value::Null,
                            text(if c.nullable { "YES" } else { "" }),
                            text("BTREE"),
                            text(""),
                            text(""),
                            text("YES"),
                            Value::Null,
                        ]);
                    }
                }
            }
            &[
                "TABLE_CATALOG",
                "TABLE_SCHEMA",
                "TABLE_NAME",
                "NON_UNIQUE",
                "INDEX_SCHEMA",
                "INDEX_NAME",
                "SEQ_IN_INDEX",
                "COLUMN_NAME",
                "COLLATION",
                "CARDINALITY",
                "SUB_PART",
                "PACKED",
                "NULLABLE",
                "INDEX_TYPE",
                "COMMENT",
                "INDEX_COMMENT",
                "IS_VISIBLE",
                "EXPRESSION",
            ]
        }
        "table_constraints" => {
            for (table, s) in tables {
                let unique = unique_keys(s).map(|(name, _)| {
                    let kind = if name == "PRIMARY" {
                        "PRIMARY KEY"
                    } else {
                        "UNIQUE"
                    };
                    (name, kind)
                });
                let foreign = s
                    .foreign_keys
                    .iter()
                    .map(|k| (k.name.as_str(), "FOREIGN KEY"));
                let checks = s.checks.iter().map(|c| (c.name.as_str(), "CHECK"));
                for (name, kind) in unique.chain(foreign).chain(checks) {
                    rows.push(vec![
                        text("def"),
                        schema(),
                        text(name),
                        schema(),
                        text(table),
                        text(kind),
                        text("YES"),
                    ]);
                }
            }
            &[
                "CONSTRAINT_CATALOG",
                "CONSTRAINT_SCHEMA",
                "CONSTRAINT_NAME",
                "TABLE_SCHEMA",
                "TABLE_NAME",
                "CONSTRAINT_TYPE",
                "ENFORCED",
            ]
        }
        "referential_constraints" => {
            for (table, s) in tables {
                for k in &s.foreign_keys {
                    // The parent's key the foreign key's columns are: its primary key or a
                    // unique one, by name.
                    let parent = root.tables.get(&k.parent).map(|t| &*t.schema);
                    let unique = parent.and_then(|p| {
                        unique_keys(p)
                            .find(|(_, cols)| {
                                cols.len() == k.parent_columns.len()
                                    && cols.iter().zip(&k.parent_columns).all(|(&i, name)| {
                                        p.columns[i].name.eq_ignore_ascii_case(name)
                                    })
                            })
                            .map(|(name, _)| text(name))
                    });
                    rows.push(vec![
                        text("def"),
                        schema(),
                        text(&k.name),
                        text("def"),
                        schema(),
                        unique.unwrap_or(Value::Null),
                        text("NONE"),
                        text(k.on_update.sql()),
                        text(k.on_delete.sql()),
                        text(table),
                        text(&k.parent),
                    ]);
                }
            }
            &[
                "CONSTRAINT_CATALOG",
                "CONSTRAINT_SCHEMA",
                "CONSTRAINT_NAME",
                "UNIQUE_CONSTRAINT_CATALOG",
                "UNIQUE_CONSTRAINT_SCHEMA",
                "UNIQUE_CONSTRAINT_NAME",
                "MATCH_OPTION",
                "UPDATE_RULE",
                "DELETE_RULE",
                "TABLE_NAME",
                "REFERENCED_TABLE_NAME",
            ]
        }
        "check_constraints" => {
            for (_, s) in tables {
                for c in &s.checks {
                    rows.push(vec![text("def"), schema(), text(&c.name), text(&c.expr)]);
                }
            }
            &[
                "CONSTRAINT_CATALOG",
                "CONSTRAINT_SCHEMA",
                "CONSTRAINT_NAME",
                "CHECK_CLAUSE",
            ]
        }
        _ => {
            for (table, s) in tables {
                let mut usage =
                    |name: &str, columns: Vec<&str>, parent: Option<(&str, &[String])>| {
                        for (n, column) in columns.into_iter().enumerate() {
                            let (parent_schema, parent_table, parent_column) = match parent {
                                Some((t, cols)) => (
                                    schema(),
                                    text(t),
                                    cols.get(n).map_or(Value::Null, |c| text(c)),
                                ),
                                None => (Value::Null, Value::Null, Value::Null),
                            };
                            rows.push(vec![
                                text("def"),
                                schema(),
                                text(name),
                                text("def"),
                                schema(),
                                text(table),
                                text(column),
                                int(n + 1),
                                parent.map_or(Value::Null, |_| int(n + 1)),
                                parent_schema,
                                parent_table,
                                parent_column,
                            ]);
                        }
                    };
                let names =
                    |cols: &[usize]| cols.iter().map(|&i| s.columns[i].name.as_str()).collect();
                for (name, columns) in unique_keys(s) {
                    usage(name, names(columns), None);
                }
                for k in &s.foreign_keys {
                    usage(
                        &k.name,
                        names(&k.columns),
                        Some((&k.parent, &k.parent_columns)),
                    );
                }
            }
            &[
                "CONSTRAINT_CATALOG",
                "CONSTRAINT_SCHEMA",
                "CONSTRAINT_NAME",
                "TABLE_CATALOG",
                "TABLE_SCHEMA",
                "TABLE_NAME",
                "COLUMN_NAME",
                "ORDINAL_POSITION",
                "POSITION_IN_UNIQUE_CONSTRAINT",
                "REFERENCED_TABLE_SCHEMA",
                "REFERENCED_TABLE_NAME",
                "REFERENCED_COLUMN_NAME",
            ]
        }
    };
    Some(SystemTable {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    })
}

/// A row of COLUMNS: column `i` (`c`) of `table`.
fn column_row(schema: Value, table: &str, s: &Schema, i: usize, c: &Column) -> Vec<Value> {
    let column_type = c.type_sql();
    // DATA_TYPE is COLUMN_TYPE's first word: `varchar` of `varchar(10)`.
    let data_type = column_type
        .split(['(', ' '])
        .next()
        .unwrap_or_default()
        .to_string();
    let (char_max, octet_max) = match c.ty {
        // utf8mb4 takes up to 4 bytes a character.
        ColumnType::Text { max_len } => {
            let n = max_len.map_or(65_535, u64::from);
            (Value::Int(n as i64), Value::Int(n as i64 * 4))
        }
        ColumnType::Blob { max_len } => {
            let n = Value::Int(max_len.map_or(65_535, i64::from));
            (n.clone(), n)
        }
        _ => (Value::Null, Value::Null),
    };
    let (precision, scale) = match c.ty {
        ColumnType::Integer { width, unsigned } => {
            let digits = match width {
                IntWidth::Tiny => 3,
                IntWidth::Small => 5,
                IntWidth::Medium => 7,
                IntWidth::Int => 10,
                IntWidth::Big if unsigned => 20,
                IntWidth::Big => 19,
            };
            (Value::Int(digits), Value::Int(0))
        }
        ColumnType::Decimal { precision, scale } => {
            (Value::Int(precision.into()), Value::Int(scale.into()))
        }
        ColumnType::Double => (Value::Int(22), Value::Null),
        _ => (Value::Null, Value::Null),
    };
    let fsp = match c.ty {
        ColumnType::Temporal(
            TimeType::DateTime(fsp) | TimeType::Timestamp(fsp) | TimeType::Time(fsp),
        ) => Value::Int(fsp.into()),
        _ => Value::Null,
    };
    let charset = match collation(c) {
        Value::Null => Value::Null,
        _ => text("utf8mb4"),
    };
    vec![
        text("def"),
        schema,
        text(table),
        text(&c.name),
        int(i + 1),
        column_default(c),
        text(if c.nullable { "YES" } else { "NO" }),
        Value::Text(data_type),
        char_max,
        octet_max,
        precision,
        scale,
        fsp,
        charset,
        collation(c),
        Value::Text(column_type),
        text(column_key(s, i)),
        Value::Text(extra(c)),
        text("select,insert,update,references"),
        text(""),
        text(""),
        Value::Null,
    ]
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn int(n: usize) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}
