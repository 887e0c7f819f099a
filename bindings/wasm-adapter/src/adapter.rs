//! A Rust `Storage` as a JS `StorageAdapter` (see npm/index.d.ts): how cairn-wasm hands out a
//! sealed store and cairn-wasm-net a store across the network, so the Repo API, the ChunkStore
//! and the Node CLI take either as they take any adapter.

use std::rc::Rc;

use cairn_core::io::{IoError, Storage, Version};
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::js;

/// A Rust store as a `StorageAdapter`.
#[wasm_bindgen]
pub struct RustStoreAdapter {
    storage: Rc<dyn Storage>,
}

impl RustStoreAdapter {
    pub fn new(storage: impl Storage + 'static) -> Self {
        RustStoreAdapter {
            storage: Rc::new(storage),
        }
    }
}

/// An adapter failure as the adapter contract has it: a JS Error whose `code` is
/// OUT_OF_RANGE (with `size`), INVALID_NAME or IO.
fn adapter_error(e: IoError) -> JsValue {
    let (code, message) = match &e {
        IoError::OutOfRange { .. } => ("OUT_OF_RANGE", e.to_string()),
        IoError::InvalidName(_) => ("INVALID_NAME", e.to_string()),
        // The caller names the operation and object itself.
        IoError::Backend { detail, .. } => ("IO", detail.clone()),
        IoError::Damaged { .. } => ("IO", e.to_string()),
    };
    let error = js::coded_error(code, &message);
    if let IoError::OutOfRange { size, .. } = e {
        js::set(&error, "size", (size as f64).into());
    }
    error
}

fn bytes_or_undefined(bytes: Option<Vec<u8>>) -> JsValue {
    bytes.map_or(JsValue::UNDEFINED, |b| Uint8Array::from(&b[..]).into())
}

#[wasm_bindgen]
impl RustStoreAdapter {
    pub fn get(&self, name: String) -> Promise {
        let storage = self.storage.clone();
        future_to_promise(async move {
            let got = storage.get(&name).await.map_err(adapter_error)?;
            Ok(bytes_or_undefined(got))
        })
    }

    #[wasm_bindgen(js_name = getRange)]
    pub fn get_range(&self, name: String, offset: f64, length: f64) -> Promise {
        let storage = self.storage.clone();
        future_to_promise(async move {
            // Past 2^53 a JS number is no exact offset, but still one past any end: `as`
            // saturates, and the storage answers OUT_OF_RANGE with the size.
            let valid = |n: f64| n >= 0.0 && n.fract() == 0.0;
            if !valid(offset) || !valid(length) {
                return Err(adapter_error(IoError::backend(
                    "getRange",
                    &name,
                    format!(
                        "offset {offset} and length {length} must be non-negative whole numbers"
                    ),
                )));
            }
            let got = storage
                .get_range(&name, offset as u64, length as u64)
                .await
                .map_err(adapter_error)?;
            Ok(bytes_or_undefined(got))
        })
    }

    pub fn put(&self, name: String, bytes: Uint8Array) -> Promise {
        let storage = self.storage.clone();
        let bytes = bytes.to_vec();
        future_to_promise(async move {
            storage.put(&name, &bytes).await.map_err(adapter_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    pub fn list(&self) -> Promise {
        let storage = self.storage.clone();
        future_to_promise(async move {
            let listed = storage.list().await.map_err(adapter_error)?;
            let entries: Array = listed
                .into_iter()
                .map(|info| {
                    js::object(&[
                        ("name", info.name.into()),
                        ("size", (info.size as f64).into()),
                        ("modifiedMs", (info.modified_ms as f64).into()),
                    ])
                })
                .collect();
            Ok(entries.into())
        })
    }

    pub fn delete(&self, name: String) -> Promise {
        let storage = self.storage.clone();
        future_to_promise(async move {
            storage.delete(&name).await.map_err(adapter_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    #[wasm_bindgen(js_name = readManifest)]
    pub fn read_manifest(&self) -> Promise {
        let storage = self.storage.clone();
        future_to_promise(async move {
            let read = storage.read_manifest().await.map_err(adapter_error)?;
            Ok(read.map_or(JsValue::UNDEFINED, |read| {
                js::object(&[
                    ("bytes", Uint8Array::from(&read.bytes[..]).into()),
                    ("version", read.version.0.into()),
                ])
            }))
        })
    }

    #[wasm_bindgen(js_name = swapManifest)]
    pub fn swap_manifest(&self, expected: Option<String>, next: Uint8Array) -> Promise {
        let storage = self.storage.clone();
        let next = next.to_vec();
        future_to_promise(async move {
            let expected = expected.map(Version);
            let swapped = storage
                .swap_manifest(expected.as_ref(), &next)
                .await
                .map_err(adapter_error)?;
            Ok(swapped.map_or(JsValue::UNDEFINED, |v| v.0.into()))
        })
    }
}
