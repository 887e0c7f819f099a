//! Arguments from JavaScript, checked before use: JS can pass anything, and a wrong type must
//! become an INVALID_ARGUMENT error, not a trap in wasm-bindgen's glue or a silent conversion.

use cairn_core::chunk_store::Options;
use cairn_core::Hash;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::js;
use crate::storage::JsStorage;

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
