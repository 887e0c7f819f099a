//! Property access on plain JS objects, the one place that talks to `Reflect`, and the host's
//! settings and file texts read.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// A plain object with the given properties.
pub fn object(properties: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in properties {
        set(&object, key, value.clone());
    }
    object.into()
}

/// A JS Error with `message` and the package's error `code` (npm/src/errors.js makes it a
/// CairnError).
pub fn coded_error(code: &str, message: &str) -> JsValue {
    let error: JsValue = js_sys::Error::new(message).into();
    set(&error, "code", code.into());
    error
}

/// Sets a property; only used on objects this crate created, where it cannot throw.
pub fn set(target: &JsValue, key: &str, value: JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), &value);
}

/// A property, or `undefined` where there is none (or `source` is not an object).
pub fn get(source: &JsValue, key: &str) -> JsValue {
    if !source.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(source, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A JS value for an error message: an Error's message, else the value as the console shows
/// it (strings quoted).
pub fn describe(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    let debug = format!("{value:?}");
    match debug
        .strip_prefix("JsValue(")
        .and_then(|d| d.strip_suffix(')'))
    {
        Some(inner) => inner.to_owned(),
        None => debug,
    }
}

/// `{ NAME: value }` (a settings object, Node's `process.env`, or headers) as pairs; values that
/// are not strings are left out.
pub fn settings(value: &JsValue) -> Vec<(String, String)> {
    if !value.is_object() {
        return Vec::new();
    }
    Object::entries(value.unchecked_ref())
        .iter()
        .filter_map(|entry| {
            let pair: Array = entry.unchecked_into();
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// What a host's file read answered, as text: a string, or UTF-8 bytes in a Uint8Array
/// (Node's Buffer); anything else (undefined: no such file) is none.
pub fn text(value: JsValue) -> Option<String> {
    match value.dyn_into::<Uint8Array>() {
        Ok(bytes) => String::from_utf8(bytes.to_vec()).ok(),
        Err(value) => value.as_string(),
    }
}
