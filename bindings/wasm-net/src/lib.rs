//! Stores across the network from JavaScript: `s3://` and `az://` (cairn-object's
//! object-store client) and `http(s)://` (its client of `cairn serve`), the native CLI's own
//! code compiled to wasm and sending its requests through the host's `fetch`. A module of its
//! own, which npm/src/locations/network.js loads the first time such a store is opened: the
//! client is about 1.2 MB of code that a page working on IndexedDB alone never runs
//! (docs/BENCHMARKS.md, "The network clients in a module loaded on first use"). Each store is
//! a `RustStoreAdapter`, which the core module takes as it takes any adapter.
//!
//! The crate is empty on other targets, so native workspace builds and lints can include it.
#![cfg(target_arch = "wasm32")]

use cairn_cli::url::{parse_bucket, parse_http};
use cairn_object::HttpStorage;
use cairn_wasm_adapter::{js, RustStoreAdapter};
use js_sys::Function;
use wasm_bindgen::prelude::*;

/// A refusal as the package's errors have it: a JS Error with the code INVALID_ARGUMENT.
fn invalid(message: impl AsRef<str>) -> JsValue {
    js::coded_error("INVALID_ARGUMENT", message.as_ref())
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
) -> Result<RustStoreAdapter, JsValue> {
    let bucket = parse_bucket(url).map_err(invalid)?;
    let read = |path: &str| {
        js::text(
            read_file
                .as_ref()?
                .call1(&JsValue::NULL, &path.into())
                .ok()?,
        )
    };
    cairn_object::open(&bucket, js::settings(&env), &read)
        .map(RustStoreAdapter::new)
        .map_err(invalid)
}

/// The store at an `http://` or `https://` URL (a `cairn serve` server), sending `token` as
/// `Authorization: Bearer` and `headers` (an object of header names and values) with every
/// request.
#[wasm_bindgen(js_name = openHttpStore)]
pub fn open_http_store(
    url: &str,
    token: Option<String>,
    headers: JsValue,
) -> Result<RustStoreAdapter, JsValue> {
    let location = parse_http(url).map_err(invalid)?;
    HttpStorage::new(&location, token)
        .and_then(|storage| storage.with_headers(&js::settings(&headers)))
        .map(RustStoreAdapter::new)
        .map_err(invalid)
}
