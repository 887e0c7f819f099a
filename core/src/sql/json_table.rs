//! MySQL's JSON_TABLE in FROM: the values a path finds in a document, one row each, with
//! columns found at paths under each (`FOR ORDINALITY`, `type PATH`, `type EXISTS PATH` and
//! `NESTED PATH`). The document is a constant or, laterally, a value of the rows of the FROM
//! items before it: `join.rs` makes the table's rows again for each of those rows.
//!
//! A nested path's rows follow its parent's values; sibling nested paths give their rows in
//! turn, the other's columns NULL, and a parent whose nested paths find nothing gives one row
//! with their columns NULL (MySQL's, and the standard's, outer join of the union).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::Value as Json;
use sqlparser::ast::{
    self, JsonTableColumn, JsonTableColumnErrorHandling, JsonTableNamedColumn, ValueWithSpan,
};

use crate::db::value::{ColumnType, Value};
use crate::sql::ddl::column_type;
use crate::sql::expr::Expr;
use crate::sql::functions::{cast, CastTo};
use crate::sql::json::{document, read, scalar, write};
use crate::sql::json_path::Path;
use crate::sql::select::MAX_RESULT_ROWS;
use crate::sql::{unsupported, SqlError};

/// A compiled JSON_TABLE.
#[derive(Debug)]
pub(crate) struct JsonTable {
    /// The document, over the row of the FROM items before it and the query around.
    doc: Expr,
    path: Path,
    level: Level,
    /// The columns' names, in order.
    pub(crate) columns: Vec<String>,
}

/// The columns found under the values of one path, and the paths nested in it.
#[derive(Debug)]
struct Level {
    columns: Vec<Column>,
    nested: Vec<(Path, Level)>,
}

#[derive(Debug)]
struct Column {
    /// Its place in the row.
    at: usize,
    name: String,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Ordinality,
    /// `type EXISTS PATH`: 1 where the path finds a value, else 0.
    Exists(ColumnType, Path),
    Found {
        ty: ColumnType,
        path: Path,
        on_empty: Otherwise,
        on_error: Otherwise,
    },
}

/// What ON EMPTY or ON ERROR gives.
#[derive(Debug)]
enum Otherwise {
    Null,
    /// The default, already of the column's type.
    Default(Value),
    Error,
}

impl Otherwise {
    fn give(&self, error: SqlError) -> Result<Value, SqlError> {
        match self {
            Otherwise::Null => Ok(Value::Null),
            Otherwise::Default(v) => Ok(v.clone()),
            Otherwise::Error => Err(error),
        }
    }
}

impl JsonTable {
    pub(crate) fn compile(
        doc: Expr,
        path: &ValueWithSpan,
        columns: &[JsonTableColumn],
    ) -> Result<JsonTable, SqlError> {
        let mut names = Vec::new();
        let level = level(columns, &mut names)?;
        Ok(JsonTable {
            doc,
            path: path_of(path)?,
            level,
            columns: names,
        })
    }

    /// The rows for `row`, the row of the items before it and the query around: none for a
    /// NULL document.
    pub(crate) fn rows(&self, row: &[Value]) -> Result<Vec<Vec<Value>>, SqlError> {
        let doc = self.doc.eval(row)?;
        if doc.is_null() {
            return Ok(Vec::new());
        }
        let doc = document(&doc, "json_table", 1)?;
        let mut out = Vec::new();
        let empty = alloc::vec![Value::Null; self.columns.len()];
        self.level.fill(&self.path, &doc, &empty, &mut out)?;
        Ok(out)
    }
}

impl Level {
    /// Adds to `out` the rows of the values `path` finds in `context`, `row` holding the
    /// columns of the levels around.
    fn fill(
        &self,
        path: &Path,
        context: &Json,
        row: &[Value],
        out: &mut Vec<Vec<Value>>,
    ) -> Result<(), SqlError> {
        for (i, item) in path.find_all(context)?.into_iter().enumerate() {
            let mut row = row.to_vec();
            for column in &self.columns {
                row[column.at] = column.value(item, i + 1)?;
            }
            let before = out.len();
            for (path, nested) in &self.nested {
                nested.fill(path, item, &row, out)?;
            }
            if out.len() == before {
                // Bounded as every result is: a document of many values is cheap to write.
                if out.len() as u64 >= MAX_RESULT_ROWS {
                    return Err(SqlError::TooManyRows(out.len() as u64 + 1));
                }
                out.push(row);
            }
        }
        Ok(())
    }
}

impl Column {
    /// Its value for `item`, the `ordinal`th value its level's path found.
    fn value(&self, item: &Json, ordinal: usize) -> Result<Value, SqlError> {
        match &self.kind {
            Kind::Ordinality => Ok(Value::Int(i64::try_from(ordinal).unwrap_or(i64::MAX))),
            Kind::Exists(ty, path) => {
                let exists = !path.find_all(item)?.is_empty();
                convert(&Json::from(u8::from(exists)), *ty, &self.name)
            }
            Kind::Found {
                ty,
                path,
                on_empty,
                on_error,
            } => match path.find_all(item)?.as_slice() {
                [] => on_empty.give(SqlError::TypeMismatch(format!(
                    "missing value for JSON_TABLE column '{}'",
                    self.name
                ))),
                [found] => convert(found, *ty, &self.name).or_else(|e| on_error.give(e)),
                _ => on_error.give(SqlError::TypeMismatch(format!(
                    "the path of JSON_TABLE column '{}' finds more than one value",
                    self.name
                ))),
            },
        }
    }
}

/// A value found as a column of type `ty` takes it: a JSON column the value as JSON text, any
/// other the scalar converted as CAST converts it (JSON's null is NULL; an array or an object
/// is an error).
fn convert(found: &Json, ty: ColumnType, name: &str) -> Result<Value, SqlError> {
    if ty == ColumnType::Json {
        return Ok(Value::Text(write(found)));
    }
    if found.is_null() {
        return Ok(Value::Null);
    }
    let text = matches!(ty, ColumnType::Text { .. });
    let value = scalar(found, !text).ok_or_else(|| {
        SqlError::TypeMismatch(format!(
            "can't store an array or an object in the scalar JSON_TABLE column '{name}'"
        ))
    })?;
    cast(value, CastTo::Type(ty))
        .map_err(|e| SqlError::TypeMismatch(format!("JSON_TABLE column '{name}': {e}")))
}

/// The columns of one level, each named in `names` (in the order of the row).
fn level(columns: &[JsonTableColumn], names: &mut Vec<String>) -> Result<Level, SqlError> {
    let mut level = Level {
        columns: Vec::new(),
        nested: Vec::new(),
    };
    for column in columns {
        let (name, kind) = match column {
            JsonTableColumn::ForOrdinality(name) => (name, Kind::Ordinality),
            JsonTableColumn::Named(named) => (&named.name, found(named)?),
            JsonTableColumn::Nested(nested) => {
                let path = path_of(&nested.path)?;
                level
                    .nested
                    .push((path, self::level(&nested.columns, names)?));
                continue;
            }
        };
        let name = name.value.clone();
        if names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            return Err(SqlError::DuplicateColumn(name));
        }
        level.columns.push(Column {
            at: names.len(),
            name: name.clone(),
            kind,
        });
        names.push(name);
    }
    Ok(level)
}

/// A `type [EXISTS] PATH` column.
fn found(column: &JsonTableNamedColumn) -> Result<Kind, SqlError> {
    let ty = column_type(&column.r#type)?;
    let path = path_of(&column.path)?;
    if column.exists {
        if column.on_empty.is_some() || column.on_error.is_some() {
            return unsupported(format!(
                "ON EMPTY or ON ERROR on the EXISTS PATH column '{}'",
                column.name
            ));
        }
        return Ok(Kind::Exists(ty, path));
    }
    let otherwise = |clause: &Option<JsonTableColumnErrorHandling>| match clause {
        None | Some(JsonTableColumnErrorHandling::Null) => Ok(Otherwise::Null),
        Some(JsonTableColumnErrorHandling::Error) => Ok(Otherwise::Error),
        Some(JsonTableColumnErrorHandling::Default(v)) => {
            let json = match &v.value {
                ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => read(
                    s,
                    format_args!(
                        "the DEFAULT of JSON_TABLE column '{}' (a string default is \
                         written '\"text\"')",
                        column.name
                    ),
                )?,
                other => {
                    return unsupported(format!(
                        "DEFAULT {other} for JSON_TABLE column '{}': it must be a string of JSON",
                        column.name
                    ))
                }
            };
            convert(&json, ty, &column.name.value).map(Otherwise::Default)
        }
    };
    Ok(Kind::Found {
        ty,
        path,
        on_empty: otherwise(&column.on_empty)?,
        on_error: otherwise(&column.on_error)?,
    })
}

/// A path, which JSON_TABLE takes as a string literal only.
fn path_of(path: &ValueWithSpan) -> Result<Path, SqlError> {
    match &path.value {
        ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => Path::parse(s),
        other => unsupported(format!(
            "JSON_TABLE path {other}: it must be a string literal"
        )),
    }
}
