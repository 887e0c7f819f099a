//! `verify`'s report as a plain JS object (`VerifyReport` in npm/index.d.ts).

use cairn_core::verify::{Problem, Report};
use js_sys::Array;
use wasm_bindgen::JsValue;

use crate::js;

pub fn to_js(report: &Report) -> JsValue {
    let problems: Array = report.problems.iter().map(problem).collect();
    let strings =
        |list: &[String]| -> Array { list.iter().map(|o| JsValue::from_str(o)).collect() };
    js::object(&[
        ("root", report.root.to_base32().into()),
        ("tables", (report.tables as f64).into()),
        ("tablesRead", (report.tables_read as f64).into()),
        (
            "subset",
            report
                .subset
                .map(|s| s.to_string())
                .map_or(JsValue::NULL, JsValue::from),
        ),
        ("chunks", (report.chunks as f64).into()),
        ("bytes", (report.bytes as f64).into()),
        ("problems", problems.into()),
        ("orphans", strings(&report.orphans).into()),
        ("intact", strings(&report.intact).into()),
        ("damaged", strings(&report.damaged).into()),
    ])
}

fn problem(p: &Problem) -> JsValue {
    let (kind, table, hash) = match p {
        Problem::Manifest(_) => ("manifest", None, None),
        Problem::MissingTable { table } => ("missingTable", Some(table), None),
        Problem::CorruptTable { table, .. } => ("corruptTable", Some(table), None),
        Problem::CorruptChunk { table, hash } => ("corruptChunk", Some(table), Some(hash)),
        Problem::MissingRoot { root } => ("missingRoot", None, Some(root)),
        Problem::NoManifest { .. } => ("noManifest", None, None),
        Problem::MissingChunk { hash, .. } => ("missingChunk", None, Some(hash)),
        Problem::Undecodable { hash, .. } => ("undecodable", None, Some(hash)),
    };
    let object = js::object(&[("kind", kind.into()), ("message", p.to_string().into())]);
    if let Some(table) = table {
        js::set(&object, "table", table.as_str().into());
    }
    if let Some(hash) = hash {
        js::set(&object, "hash", hash.to_base32().into());
    }
    object
}
