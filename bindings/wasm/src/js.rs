//! Property access on plain JS objects, the one place that talks to `Reflect`.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// A plain object with the given properties.
pub fn object(properties: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in properties {
        set(&object, key, value.clone());
    }
    object.into()
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
