//! Export: every row of a table, in primary-key order, as CSV (a header, then one line a
//! row; NULL an empty field, the empty string `""`) or as JSON `{"rows": [...]}` (decimals
//! as strings, as the JS API gives them, so they stay exact; dates and times as strings).
//! The text goes out in pieces of about `PIECE` bytes, so a large table never becomes one
//! string.

use alloc::format;
use alloc::string::{String, ToString};

use super::{csv, FileType, ImportError};
use crate::chunk_store::ChunkStore;
use crate::db::root_value::RootValue;
use crate::db::schema::Schema;
use crate::db::table::Span;
use crate::db::value::Value;
use crate::io::Storage;

const PIECE: usize = 64 * 1024;

/// Writes table `table` of `root` to `out`, piece by piece; answers the number of rows.
pub async fn export<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    table: &str,
    file_type: FileType,
    out: &mut dyn FnMut(&str) -> Result<(), String>,
) -> Result<u64, ImportError> {
    let (_, table) = crate::sql::open_table(root, table)?;
    let schema = table.schema().clone();
    let mut text = String::with_capacity(PIECE + 1024);
    match file_type {
        FileType::Csv => {
            for (i, c) in schema.columns.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                csv::field(&mut text, Some(&c.name));
            }
            text.push('\n');
        }
        FileType::Json => text.push_str("{\"rows\":["),
    }
    let mut rows: u64 = 0;
    table
        .visit(store, &Span::All, |_, row, count| {
            // A keyless table's repeated row is written as often as it is there.
            for _ in 0..count {
                rows += 1;
                match file_type {
                    FileType::Csv => csv_row(&mut text, &schema, row, rows)?,
                    FileType::Json => json_row(&mut text, &schema, row, rows)?,
                }
                if text.len() >= PIECE {
                    out(&text).map_err(ImportError::Output)?;
                    text.clear();
                }
            }
            Ok::<_, ImportError>(true)
        })
        .await?;
    if file_type == FileType::Json {
        text.push_str(if rows == 0 { "]}\n" } else { "\n]}\n" });
    }
    out(&text).map_err(ImportError::Output)?;
    Ok(rows)
}

/// A value as text, NULL as None; a blob as its bytes, which must be UTF-8.
fn text_of<'v>(
    value: &'v Value,
    schema: &Schema,
    i: usize,
    row: u64,
) -> Result<Option<alloc::borrow::Cow<'v, str>>, ImportError> {
    use alloc::borrow::Cow;
    Ok(Some(match value {
        Value::Null => return Ok(None),
        Value::Text(t) => Cow::Borrowed(t.as_str()),
        Value::Blob(b) => {
            Cow::Borrowed(
                core::str::from_utf8(b).map_err(|_| ImportError::Unwritable {
                    column: schema.columns[i].name.clone(),
                    row,
                })?,
            )
        }
        // `{:?}` keeps a double short and exact (`1e300`, `0.1`) where `{}` writes every digit.
        Value::Double(d) => Cow::Owned(format!("{d:?}")),
        v => Cow::Owned(v.to_string()),
    }))
}

fn csv_row(text: &mut String, schema: &Schema, row: &[Value], n: u64) -> Result<(), ImportError> {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        csv::field(text, text_of(value, schema, i, n)?.as_deref());
    }
    text.push('\n');
    Ok(())
}

fn json_row(text: &mut String, schema: &Schema, row: &[Value], n: u64) -> Result<(), ImportError> {
    text.push_str(if n == 1 { "\n{" } else { ",\n{" });
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        json_string(text, &schema.columns[i].name);
        text.push(':');
        match value {
            Value::Null => text.push_str("null"),
            Value::Bool(b) => text.push_str(if *b { "true" } else { "false" }),
            Value::Int(n) => text.push_str(&n.to_string()),
            Value::Double(d) => text.push_str(&format!("{d:?}")),
            v => match text_of(v, schema, i, n)? {
                Some(s) => json_string(text, &s),
                None => text.push_str("null"),
            },
        }
    }
    text.push('}');
    Ok(())
}

fn json_string(text: &mut String, s: &str) {
    // serde_json escapes as JSON requires; a string always serializes.
    text.push_str(&serde_json::to_string(s).unwrap_or_default());
}
