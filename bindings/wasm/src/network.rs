//! Stores across the network from JavaScript: `s3://` and `az://` (cairn-object's
//! object-store client) and `http(s)://` (its client of `cairn serve`) — the native CLI's own
//! code, compiled to wasm and sending its requests through the host's `fetch`. Either is
//! exported as a `StorageAdapter` (`NetworkStoreAdapter`), so the Repo API, the ChunkStore and
//! the Node CLI take it as they take any adapter.

use std::rc::Rc;

use cairn_cli::url::{Bucket, HttpLocation, Location};
use cairn_core::io::{IoError, Storage, Version};
use cairn_object::{HttpStorage, Settings};
use js_sys::{Array, Function, Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::Error;
use crate::js;

/// A store across the network as a `StorageAdapter` (see npm/index.d.ts).
#[wasm_bindgen]
pub struct NetworkStoreAdapter {
    storage: Rc<dyn Storage>,
}

/// The location a URL names; network URLs have no relative form, so no base folder is used.
fn location(url: &str) -> Result<Location, Error> {
    cairn_cli::url::parse(url, std::path::Path::new("/"))
        .map_err(|e| Error::InvalidArgument(e.to_string()))
}

/// The bucket an `s3://` or `az://` URL names.
fn bucket(url: &str) -> Result<Bucket, Error> {
    match location(url)? {
        Location::Bucket(bucket) => Ok(bucket),
        _ => Err(Error::InvalidArgument(format!(
            "'{url}' is not an s3:// or az:// URL"
        ))),
    }
}

/// The store an `http://` or `https://` URL names.
fn served(url: &str) -> Result<HttpLocation, Error> {
    match location(url)? {
        Location::Http(location) => Ok(location),
        _ => Err(Error::InvalidArgument(format!(
            "'{url}' is not an http:// or https:// URL"
        ))),
    }
}

/// `{ NAME: value }` (a settings object, Node's `process.env`, or headers) as pairs; values that
/// are not strings are left out.
pub fn settings(value: &JsValue) -> Settings {
    if !value.is_object() {
        return Settings::new();
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

/// The text of a file through `read_file(path)`; a throw counts as no file.
fn read_with(read_file: &Option<Function>, path: &str) -> Option<String> {
    text(
        read_file
            .as_ref()?
            .call1(&JsValue::NULL, &path.into())
            .ok()?,
    )
}

impl NetworkStoreAdapter {
    pub fn new(storage: impl Storage + 'static) -> Self {
        NetworkStoreAdapter {
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
    let error: JsValue = js_sys::Error::new(&message).into();
    js::set(&error, "code", code.into());
    if let IoError::OutOfRange { size, .. } = e {
        js::set(&error, "size", (size as f64).into());
    }
    error
}

fn bytes_or_undefined(bytes: Option<Vec<u8>>) -> JsValue {
    bytes.map_or(JsValue::UNDEFINED, |b| Uint8Array::from(&b[..]).into())
}

#[wasm_bindgen]
impl NetworkStoreAdapter {
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

/// The store at an `s3://` or `az://` URL. `env` is an object of environment-style settings
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
/// `AWS_ENDPOINT_URL`, `AZURE_STORAGE_ACCOUNT_NAME`, ...); `readFile(path)` reads the AWS
/// shared files where there is a filesystem.
#[wasm_bindgen(js_name = openObjectStore)]
pub fn open_object_store(
    url: &str,
    env: JsValue,
    read_file: Option<Function>,
) -> Result<NetworkStoreAdapter, Error> {
    let location = bucket(url)?;
    let read = |path: &str| read_with(&read_file, path);
    cairn_object::open(&location, settings(&env), &read)
        .map(NetworkStoreAdapter::new)
        .map_err(Error::InvalidArgument)
}

/// One spelling of the place an `s3://` or `az://` URL names, so that two URLs compare equal
/// whatever their parameters' order or slashes.
#[wasm_bindgen(js_name = objectStorePlace)]
pub fn object_store_place(url: &str) -> Result<String, Error> {
    bucket(url).map(|b| b.to_string())
}

/// The store at an `http://` or `https://` URL (a `cairn serve` server), sending `token` as
/// `Authorization: Bearer` and `headers` (an object of header names and values) with every
/// request.
#[wasm_bindgen(js_name = openHttpStore)]
pub fn open_http_store(
    url: &str,
    token: Option<String>,
    headers: JsValue,
) -> Result<NetworkStoreAdapter, Error> {
    let location = served(url)?;
    HttpStorage::new(&location, token)
        .and_then(|storage| storage.with_headers(&settings(&headers)))
        .map(NetworkStoreAdapter::new)
        .map_err(Error::InvalidArgument)
}

/// One spelling of the store an `http://` or `https://` URL names (host in lower case, no
/// doubled or trailing slashes), so that two spellings compare equal.
#[wasm_bindgen(js_name = httpStorePlace)]
pub fn http_store_place(url: &str) -> Result<String, Error> {
    served(url).map(|location| location.to_string())
}
