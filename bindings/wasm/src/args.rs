//! Arguments from JavaScript, checked before use: JS can pass anything, and a wrong type must
//! become an INVALID_ARGUMENT error, not a trap in wasm-bindgen's glue or a silent conversion.

use cairn_core::chunk_store::Options;
use cairn_core::sync::Progress;
use cairn_core::Hash;
use js_sys::{Array, Function, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::storage::JsStorage;
use crate::{convert, js};

const ADAPTER_METHODS: [&str; 7] = [
    "get",
    "getRange",
    "put",
    "list",
    "delete",
    "readManifest",
    "swapManifest",
];

fn invalid(message: String) -> Error {
    Error::InvalidArgument(message)
}

/// A copy of a Uint8Array's bytes, taken now: the caller may reuse the array at once.
pub fn bytes(value: &JsValue) -> Result<Vec<u8>, Error> {
    match value.dyn_ref::<Uint8Array>() {
        Some(array) => Ok(array.to_vec()),
        None => Err(invalid(format!(
            "expected a Uint8Array, got {}",
            js::describe(value)
        ))),
    }
}

pub fn hash(value: &JsValue) -> Result<Hash, Error> {
    value
        .as_string()
        .and_then(|text| Hash::parse(&text))
        .ok_or_else(|| {
            let value = js::describe(value);
            invalid(format!(
                "{value} is not a chunk hash (32 base32 characters)"
            ))
        })
}

pub fn hashes(value: &JsValue) -> Result<Vec<Hash>, Error> {
    match value.dyn_ref::<Array>() {
        Some(array) => array.iter().map(|h| hash(&h)).collect(),
        None => Err(invalid(format!(
            "expected an array of hashes, got {}",
            js::describe(value)
        ))),
    }
}

/// A storage adapter: any object with the `StorageAdapter` methods.
pub fn adapter(value: JsValue) -> Result<JsStorage, Error> {
    if let Some(missing) = ADAPTER_METHODS
        .iter()
        .find(|m| !js::get(&value, m).is_function())
    {
        return Err(invalid(format!(
            "a storage adapter needs a {missing}() method; got {}",
            js::describe(&value)
        )));
    }
    Ok(JsStorage::new(value.unchecked_into()))
}

/// `ChunkStore.open`'s options: `{ tableTargetBytes? }`, or undefined.
pub fn options(value: &JsValue) -> Result<Options, Error> {
    let mut options = Options::default();
    let target = js::get(value, "tableTargetBytes");
    if !target.is_undefined() {
        match target.as_f64() {
            Some(n) if (1.0..=u32::MAX as f64).contains(&n) => {
                options.table_target_bytes = n as usize
            }
            _ => {
                return Err(invalid(
                    "tableTargetBytes must be a number of bytes from 1 to 4 GiB".into(),
                ))
            }
        }
    }
    Ok(options)
}

/// A JS number of milliseconds since the epoch (a clock reading passed in: the core has none).
pub fn time_ms(value: f64) -> Result<u64, Error> {
    if value.is_finite() && (0.0..=9.0e15).contains(&value) {
        Ok(value as u64)
    } else {
        Err(invalid(format!(
            "{value} is not a time in milliseconds since the epoch"
        )))
    }
}

/// The progress sink of a long operation: calls `callback` with a `ProgressEvent`, if given.
/// What the callback throws is ignored: progress must not abort a half-done copy.
pub fn progress(callback: Option<Function>) -> impl FnMut(&Progress) {
    move |p| {
        if let Some(f) = &callback {
            let _ = f.call1(&JsValue::NULL, &convert::progress(p));
        }
    }
}

/// The `same_place(a, b)` of remote and backup URLs, answered by JS (which resolves them).
pub fn same_place(callback: Function) -> impl Fn(&str, &str) -> bool {
    move |a, b| {
        callback
            .call2(&JsValue::NULL, &a.into(), &b.into())
            .is_ok_and(|same| same.is_truthy())
    }
}

/// A string argument: anything else from JS would reach wasm-bindgen's glue unchecked.
pub fn string(value: &JsValue, what: &str) -> Result<String, Error> {
    value.as_string().ok_or_else(|| {
        let value = js::describe(value);
        invalid(format!("{what} must be a string, got {value}"))
    })
}

/// An optional string: undefined or null is `None`.
pub fn opt_string(value: &JsValue, what: &str) -> Result<Option<String>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    string(value, what).map(Some)
}

/// An array of strings.
pub fn strings(value: &JsValue, what: &str) -> Result<Vec<String>, Error> {
    match value.dyn_ref::<Array>() {
        Some(array) => array.iter().map(|s| string(&s, what)).collect(),
        None => Err(invalid(format!(
            "{what} must be an array of strings, got {}",
            js::describe(value)
        ))),
    }
}

/// An optional count (undefined or null: `None`): a whole number from 0 to 2^32 - 1.
pub fn opt_count(value: &JsValue, what: &str) -> Result<Option<usize>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&n) => Ok(Some(n as usize)),
        _ => Err(invalid(format!(
            "{what} must be a whole number, got {}",
            js::describe(value)
        ))),
    }
}

/// An optional array of strings: undefined or null is `None`.
pub fn opt_strings(value: &JsValue, what: &str) -> Result<Option<Vec<String>>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    strings(value, what).map(Some)
}
