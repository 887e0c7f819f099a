//! The core's values as plain JS objects and back (the shapes are declared in npm/index.d.ts:
//! `QueryResult`, `Status`, `Commit`, `TableDiff`, `Snapshot`, `ProgressEvent`, ...).

use cairn_core::backup::Snapshot;
use cairn_core::db::commit::Commit;
use cairn_core::db::value::Value;
use cairn_core::repo::{RowChange, Status, TableDiff, TableStatus, Transfer};
use cairn_core::sql::QueryResult;
use cairn_core::sync::{Progress, SyncStats};
use cairn_core::Hash;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsValue;

use crate::js;

/// Integers beyond this become bigints in JS, where a number would lose digits.
const SAFE: i64 = (1 << 53) - 1;

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
