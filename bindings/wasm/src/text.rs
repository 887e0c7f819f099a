//! The CLI's text layouts from the core (`cairn_core::text`, `sql::format`), over the plain
//! objects the `Repo` methods return, so the Node `cairn` prints what the native one does.

use cairn_core::sql::format;
use cairn_core::text;
use wasm_bindgen::prelude::*;

use crate::convert;
use crate::error::Error;

#[wasm_bindgen(js_name = formatStatus)]
pub fn format_status(status: JsValue) -> Result<String, Error> {
    Ok(text::status(&convert::status_from(&status)?))
}

#[wasm_bindgen(js_name = formatCommit)]
pub fn format_commit(commit: JsValue) -> Result<String, Error> {
    let (hash, commit, decorations) = convert::commit_from(&commit)?;
    Ok(text::commit(&hash, &commit, &decorations))
}

#[wasm_bindgen(js_name = formatDiff)]
pub fn format_diff(diffs: JsValue) -> Result<String, Error> {
    Ok(text::diff(&convert::diffs_from(&diffs)?))
}

#[wasm_bindgen(js_name = formatTable)]
pub fn format_table(result: JsValue) -> Result<String, Error> {
    Ok(format::format_table(&convert::query_result_from(&result)?))
}

#[wasm_bindgen(js_name = formatCsv)]
pub fn format_csv(result: JsValue) -> Result<String, Error> {
    Ok(format::format_csv(&convert::query_result_from(&result)?))
}

#[wasm_bindgen(js_name = formatJson)]
pub fn format_json(result: JsValue) -> Result<String, Error> {
    Ok(format::format_json(&convert::query_result_from(&result)?))
}

/// A time as Git prints it, in UTC.
#[wasm_bindgen(js_name = formatTime)]
pub fn format_time(ms: f64) -> String {
    text::time(ms.max(0.0) as u64)
}
