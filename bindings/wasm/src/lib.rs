//! Cairn for JavaScript: a thin wasm-bindgen layer over cairn-core, as automerge-wasm is over
//! automerge: the chunk store, the repository (`Repo`), backups, bundles, and the `cairn`
//! command line (`runCli`). Storage is a JS adapter object (see `StorageAdapter` in
//! npm/index.d.ts); every decision about chunks, tables and manifests stays in the core.
//!
//! The crate is empty on other targets, so native workspace builds and lints can include it.
#![cfg(target_arch = "wasm32")]

mod args;
mod backup;
mod chunk_store;
mod cli;
mod convert;
mod error;
mod js;
mod repo;
mod report;
mod storage;

use cairn_core::Hash;
use js_sys::Array;
use wasm_bindgen::prelude::*;

pub use chunk_store::ChunkStore;
pub use error::Error;
pub use repo::Repo;
pub use storage::{JsAdapter, JsStorage};

/// A chunk's address: BLAKE3-160 of `bytes` (a Uint8Array), in base32.
#[wasm_bindgen]
pub fn hash(bytes: JsValue) -> Result<String, Error> {
    Ok(Hash::of(&args::bytes(&bytes)?).to_base32())
}

/// A new database id: 20 random bytes from the JS host's crypto, in base32 (the same
/// function as the native CLI's, `cairn_core::id`).
#[wasm_bindgen(js_name = newId)]
pub fn new_id() -> Result<String, Error> {
    cairn_core::id::new_id().map_err(|e| cairn_core::io::IoError::backend("random", "", e).into())
}

/// Reads every table file of the store behind `adapter` and reports what is damaged.
#[wasm_bindgen]
pub async fn verify(adapter: JsValue) -> Result<JsValue, Error> {
    let report = cairn_core::verify::verify(&args::adapter(adapter)?).await?;
    Ok(report::to_js(&report))
}

/// The storage conformance suite against two handles on one empty store: resolves to the
/// names of the checks passed, rejects with the first failure (code "CONFORMANCE").
#[wasm_bindgen(js_name = runConformance)]
pub async fn run_conformance(a: JsValue, b: JsValue) -> Result<Array, Error> {
    let (a, b) = (args::adapter(a)?, args::adapter(b)?);
    let passed = cairn_core::conformance::run(&a, &b).await?;
    Ok(passed.into_iter().map(JsValue::from_str).collect())
}
