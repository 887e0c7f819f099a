//! Query results as text: an aligned table as the MySQL and Dolt shells print it, CSV (RFC
//! 4180) and JSON in Dolt's `-r json` shape. Pure functions, shared by every front end.

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;

use crate::db::value::Value;
use crate::sql::QueryResult;

/// ```text
/// +----+-------+
/// | id | name  |
/// +----+-------+
/// | 1  | alice |
/// | 2  | NULL  |
/// +----+-------+
/// ```
/// Widths count characters, not bytes. A result with no columns is the empty string.
pub fn format_table(result: &QueryResult) -> String {
    if result.columns.is_empty() {
        return String::new();
    }
    // Each cell with its width, counted once for the column's width and its padding.
    let cells: Vec<Vec<(String, usize)>> = result
        .rows
        .iter()
        .map(|row| row.iter().map(|v| cell(v.to_string())).collect())
        .collect();
    let mut widths: Vec<usize> = result.columns.iter().map(|c| c.chars().count()).collect();
    for row in &cells {
        for (w, (_, n)) in widths.iter_mut().zip(row) {
            *w = (*w).max(*n);
        }
    }
    let mut border = String::from("+");
    for w in &widths {
        border.extend(core::iter::repeat_n('-', w + 2));
        border.push('+');
    }
    border.push('\n');
    // Every line is as long as the border in characters, most also in bytes.
    let mut out = String::with_capacity(border.len() * (cells.len() + 4));
    out.push_str(&border);
    let header = result
        .columns
        .iter()
        .map(|c| (c.as_str(), c.chars().count()));
    table_line(&mut out, &widths, header);
    out.push_str(&border);
    for row in &cells {
        table_line(&mut out, &widths, row.iter().map(|(c, n)| (c.as_str(), *n)));
    }
    out.push_str(&border);
    out
}

/// A value's text as a table shows it (`printable`), and its width in characters.
fn cell(text: String) -> (String, usize) {
    let text = match crate::text::printable(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(escaped) => escaped,
    };
    let width = text.chars().count();
    (text, width)
}

/// One line of cells (text, width in characters) padded to `widths`. Pushed piece by piece:
/// a `write!` and a padding string per cell cost a key lookup more than its row (issue 16).
fn table_line<'a>(
    out: &mut String,
    widths: &[usize],
    cells: impl Iterator<Item = (&'a str, usize)>,
) {
    out.push('|');
    for (w, (cell, n)) in widths.iter().zip(cells) {
        out.push(' ');
        out.push_str(cell);
        out.extend(core::iter::repeat_n(' ', w - n + 1));
        out.push('|');
    }
    out.push('\n');
}

/// A header line, then one line per row; fields with a comma, quote, CR or LF are quoted
/// with inner quotes doubled. NULL is an empty field. Lines end with `\n`.
pub fn format_csv(result: &QueryResult) -> String {
    let mut out = String::new();
    let mut line = |fields: &mut dyn Iterator<Item = String>| {
        for (i, field) in fields.enumerate() {
            if i > 0 {
                out.push(',');
            }
            if field.contains([',', '"', '\r', '\n']) {
                out.push('"');
                out.push_str(&field.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(&field);
            }
        }
        out.push('\n');
    };
    line(&mut result.columns.iter().cloned());
    for row in &result.rows {
        line(&mut row.iter().map(|v| match v {
            Value::Null => String::new(),
            v => v.to_string(),
        }));
    }
    out
}

/// `{"rows": [{"col":value,...},...]}`, spaced as Dolt prints it: numbers and booleans as
/// JSON numbers and booleans, decimals as strings of their exact digits, dates and times as strings, NULL as null, text as strings, blobs as strings of hex digits.
pub fn format_json(result: &QueryResult) -> String {
    let mut out = String::from("{\"rows\": [");
    for (r, row) in result.rows.iter().enumerate() {
        out.push_str(if r == 0 { "{" } else { ",{" });
        for (i, (column, value)) in result.columns.iter().zip(row).enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_string(&mut out, column);
            out.push(':');
            match value {
                Value::Null => out.push_str("null"),
                Value::Int(n) => {
                    let _ = write!(out, "{n}");
                }
                // JSON has no NaN or infinities.
                Value::Double(d) if !d.is_finite() => out.push_str("null"),
                Value::Double(d) => {
                    let _ = write!(out, "{d}");
                }
                // A string, so that no reader rounds it through a double or drops its scale.
                Value::Decimal(d) => json_string(&mut out, &d.to_string()),
                Value::Temporal(t) => json_string(&mut out, &t.to_string()),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Text(s) => json_string(&mut out, s),
                Value::Blob(b) => {
                    out.push('"');
                    let _ = write!(out, "{}", crate::hex::Hex(b));
                    out.push('"');
                }
            }
        }
        out.push('}');
    }
    out.push_str("]}");
    out
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
