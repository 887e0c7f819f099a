//! The core's values as plain JS objects and back (the shapes are declared in npm/index.d.ts:
//! `QueryResult`, `Status`, `Commit`, `TableDiff`, `Snapshot`, `ProgressEvent`, ...). Back is
//! only needed by the text layouts, which take what the Repo methods returned.

use cairn_core::backup::Snapshot;
use cairn_core::db::commit::Commit;
use cairn_core::db::schema::{Column, Schema};
use cairn_core::db::value::{ColumnType, Value};
use cairn_core::repo::{RowChange, Status, TableChange, TableDiff, TableStatus, Transfer};
use cairn_core::sql::QueryResult;
use cairn_core::sync::{Progress, SyncStats};
use cairn_core::Hash;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::js;

/// Integers beyond this become bigints in JS, where a number would lose digits.
const SAFE: i64 = (1 << 53) - 1;

fn invalid(what: &str, value: &JsValue) -> Error {
    Error::InvalidArgument(format!("{what}: got {}", js::describe(value)))
}

fn array<T>(items: impl IntoIterator<Item = T>, f: impl Fn(T) -> JsValue) -> JsValue {
    items.into_iter().map(f).collect::<Array>().into()
}

fn strings<'a>(items: impl IntoIterator<Item = &'a String>) -> JsValue {
    array(items, |s| JsValue::from_str(s))
}

fn hash(h: &Hash) -> JsValue {
    h.to_base32().into()
}

// --- to JS -----------------------------------------------------------------------------------

pub fn value(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Int(i) if (-SAFE..=SAFE).contains(i) => (*i as f64).into(),
        Value::Int(i) => js_sys::BigInt::from(*i).into(),
        Value::Double(d) => (*d).into(),
        Value::Text(s) => s.as_str().into(),
        Value::Bool(b) => (*b).into(),
        Value::Blob(b) => Uint8Array::from(&b[..]).into(),
    }
}

fn row(r: &[Value]) -> JsValue {
    array(r, value)
}

pub fn query_result(r: &QueryResult) -> JsValue {
    let out = js::object(&[
        ("columns", strings(&r.columns)),
        ("rows", array(&r.rows, |r| row(r))),
    ]);
    if let Some(n) = r.affected {
        js::set(&out, "affected", (n as f64).into());
    }
    out
}

fn table_status(t: &TableStatus) -> JsValue {
    js::object(&[
        ("name", t.name.as_str().into()),
        ("change", t.change.label().into()),
    ])
}

pub fn status(s: &Status) -> JsValue {
    js::object(&[
        ("branch", s.branch.as_str().into()),
        ("staged", array(&s.staged, table_status)),
        ("unstaged", array(&s.unstaged, table_status)),
        ("untracked", strings(&s.untracked)),
        ("clean", s.is_clean().into()),
    ])
}

pub fn commit(at: &Hash, c: &Commit, decorations: &[String]) -> JsValue {
    js::object(&[
        ("hash", hash(at)),
        ("root", hash(&c.root)),
        ("parents", array(&c.parents, hash)),
        ("author", c.author.as_str().into()),
        ("email", c.email.as_str().into()),
        ("timeMs", (c.time_ms as f64).into()),
        ("message", c.message.as_str().into()),
        ("decorations", strings(decorations)),
    ])
}

fn row_change(c: &RowChange) -> JsValue {
    match c {
        RowChange::Added(r) => js::object(&[("kind", "added".into()), ("row", row(r))]),
        RowChange::Removed(r) => js::object(&[("kind", "removed".into()), ("row", row(r))]),
        RowChange::Modified { old, new } => js::object(&[
            ("kind", "modified".into()),
            ("old", row(old)),
            ("new", row(new)),
        ]),
    }
}

pub fn diffs(diffs: &[TableDiff]) -> JsValue {
    array(diffs, |d| {
        js::object(&[
            ("name", d.name.as_str().into()),
            ("change", d.change.label().into()),
            ("schemaChanged", d.schema_changed.into()),
            (
                "columns",
                array(&d.schema.columns, |c| c.name.as_str().into()),
            ),
            ("rows", array(&d.rows, row_change)),
        ])
    })
}

pub fn refs(refs: Vec<(String, Hash)>) -> JsValue {
    array(refs, |(name, at)| {
        js::object(&[("name", name.into()), ("hash", hash(&at))])
    })
}

pub fn snapshot(s: &Snapshot) -> JsValue {
    js::object(&[
        ("id", s.id().into()),
        ("timeMs", (s.time_ms as f64).into()),
        ("datasets", hash(&s.datasets)),
        ("head", s.head.as_str().into()),
    ])
}

pub fn stats(s: &SyncStats) -> JsValue {
    js::object(&[
        ("tableFiles", (s.table_files as f64).into()),
        ("chunks", (s.chunks as f64).into()),
        ("bytes", (s.bytes as f64).into()),
    ])
}

pub fn progress(p: &Progress) -> JsValue {
    js::object(&[
        ("phase", p.phase.name().into()),
        ("chunksDone", (p.chunks_done as f64).into()),
        ("chunksTotal", (p.chunks_total as f64).into()),
        ("bytesDone", (p.bytes_done as f64).into()),
        ("bytesTotal", (p.bytes_total as f64).into()),
    ])
}

pub fn transfer(t: &Transfer) -> JsValue {
    match t {
        Transfer::UpToDate => js::object(&[("updated", false.into())]),
        Transfer::Updated { old, new, stats: s } => {
            let out = js::object(&[
                ("updated", true.into()),
                ("new", hash(new)),
                ("stats", stats(s)),
            ]);
            if let Some(old) = old {
                js::set(&out, "old", hash(old));
            }
            out
        }
    }
}

// --- from JS, for the text layouts -------------------------------------------------------------

fn string(source: &JsValue, key: &str) -> Result<String, Error> {
    let v = js::get(source, key);
    v.as_string()
        .ok_or_else(|| invalid(&format!("{key} must be a string"), &v))
}

fn list(source: &JsValue, key: &str) -> Result<Array, Error> {
    let v = js::get(source, key);
    v.dyn_into::<Array>()
        .map_err(|v| invalid(&format!("{key} must be an array"), &v))
}

fn string_list(source: &JsValue, key: &str) -> Result<Vec<String>, Error> {
    list(source, key)?
        .iter()
        .map(|s| {
            s.as_string()
                .ok_or_else(|| invalid(&format!("{key} must hold strings"), &s))
        })
        .collect()
}

fn value_from(v: &JsValue) -> Result<Value, Error> {
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if v.is_bigint() {
        return i64::try_from(v.clone())
            .map(Value::Int)
            .map_err(|_| invalid("an integer beyond 64 bits", v));
    }
    if let Some(n) = v.as_f64() {
        // An integral number prints the same whether it was an int or a double.
        let integral = n.fract() == 0.0 && n.abs() < 9.2e18;
        return Ok(if integral {
            Value::Int(n as i64)
        } else {
            Value::Double(n)
        });
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::Text(s));
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    match v.dyn_ref::<Uint8Array>() {
        Some(bytes) => Ok(Value::Blob(bytes.to_vec())),
        None => Err(invalid("not a SQL value", v)),
    }
}

fn row_from(v: &JsValue) -> Result<Vec<Value>, Error> {
    match v.dyn_ref::<Array>() {
        Some(a) => a.iter().map(|v| value_from(&v)).collect(),
        None => Err(invalid("a row must be an array", v)),
    }
}

pub fn query_result_from(v: &JsValue) -> Result<QueryResult, Error> {
    let affected = js::get(v, "affected").as_f64().map(|n| n as u64);
    Ok(QueryResult {
        columns: string_list(v, "columns")?,
        rows: list(v, "rows")?
            .iter()
            .map(|r| row_from(&r))
            .collect::<Result<_, _>>()?,
        affected,
    })
}

fn change_from(v: &JsValue) -> Result<TableChange, Error> {
    let label = string(v, "change")?;
    [
        TableChange::New,
        TableChange::Modified,
        TableChange::Deleted,
    ]
    .into_iter()
    .find(|c| c.label() == label)
    .ok_or_else(|| invalid("change must be 'new table', 'modified' or 'deleted'", v))
}

fn table_statuses(v: &JsValue, key: &str) -> Result<Vec<TableStatus>, Error> {
    list(v, key)?
        .iter()
        .map(|t| {
            Ok(TableStatus {
                name: string(&t, "name")?,
                change: change_from(&t)?,
            })
        })
        .collect()
}

pub fn status_from(v: &JsValue) -> Result<Status, Error> {
    Ok(Status {
        branch: string(v, "branch")?,
        staged: table_statuses(v, "staged")?,
        unstaged: table_statuses(v, "unstaged")?,
        untracked: string_list(v, "untracked")?,
    })
}

fn hash_from(v: &JsValue, key: &str) -> Result<Hash, Error> {
    let text = string(v, key)?;
    Hash::parse(&text).ok_or_else(|| invalid(&format!("{key} must be a hash"), &text.into()))
}

pub fn commit_from(v: &JsValue) -> Result<(Hash, Commit, Vec<String>), Error> {
    let time = js::get(v, "timeMs");
    let commit = Commit {
        root: hash_from(v, "root")?,
        parents: string_list(v, "parents")?
            .iter()
            .map(|p| Hash::parse(p).ok_or_else(|| invalid("parents must be hashes", &p.into())))
            .collect::<Result<_, _>>()?,
        author: string(v, "author")?,
        email: string(v, "email")?,
        time_ms: time
            .as_f64()
            .ok_or_else(|| invalid("timeMs must be a number", &time))? as u64,
        message: string(v, "message")?,
    };
    Ok((
        hash_from(v, "hash")?,
        commit,
        string_list(v, "decorations")?,
    ))
}

fn row_change_from(v: &JsValue) -> Result<RowChange, Error> {
    let rows = |key| row_from(&js::get(v, key));
    match string(v, "kind")?.as_str() {
        "added" => Ok(RowChange::Added(rows("row")?)),
        "removed" => Ok(RowChange::Removed(rows("row")?)),
        "modified" => Ok(RowChange::Modified {
            old: rows("old")?,
            new: rows("new")?,
        }),
        _ => Err(invalid("kind must be 'added', 'removed' or 'modified'", v)),
    }
}

pub fn diffs_from(v: &JsValue) -> Result<Vec<TableDiff>, Error> {
    let diffs = v
        .dyn_ref::<Array>()
        .ok_or_else(|| invalid("expected an array of diffs", v))?;
    diffs
        .iter()
        .map(|d| {
            // The layout shows column names only; the type is a placeholder.
            let columns = string_list(&d, "columns")?
                .into_iter()
                .map(|name| Column {
                    name,
                    ty: ColumnType::Text { max_len: None },
                    nullable: true,
                })
                .collect();
            Ok(TableDiff {
                name: string(&d, "name")?,
                change: change_from(&d)?,
                schema_changed: js::get(&d, "schemaChanged").is_truthy(),
                schema: Schema {
                    columns,
                    primary_key: Vec::new(),
                },
                rows: list(&d, "rows")?
                    .iter()
                    .map(|r| row_change_from(&r))
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect()
}
