//! Cairn for JavaScript: a thin wasm-bindgen layer over cairn-core, as automerge-wasm is over
//! automerge: the chunk store, the repository (`Repo`), backups, bundles, and, with the `cli`
//! feature, the `cairn` command line (`runCli`). Storage is a JS adapter object (see
//! `StorageAdapter` in npm/index.d.ts); every decision about chunks, tables and manifests stays
//! in the core.
//!
//! The crate is empty on other targets, so native workspace builds and lints can include it.
#![cfg(target_arch = "wasm32")]

mod args;
mod backup;
mod chunk_store;
#[cfg(feature = "cli")]
mod cli;
mod convert;
mod encryption;
mod error;
mod handed;
mod heap;
mod network;
mod repo;
mod report;
mod storage;

use cairn_core::Hash;
use cairn_wasm_adapter::js;
use js_sys::{Array, Function};
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

/// Reads every table file of the store behind `adapter` (or one slice `subset`, "n/t", of
/// them) and reports what is damaged.
#[wasm_bindgen]
pub async fn verify(
    adapter: JsValue,
    subset: Option<String>,
    on_progress: Option<Function>,
    signal: JsValue,
) -> Result<JsValue, Error> {
    use cairn_core::verify::{verify_with, Options, Subset};
    let subset = match subset {
        None => None,
        Some(text) => Some(Subset::parse(&text).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "readDataSubset is 'n/t' with 1 <= n <= t, not {text:?}"
            ))
        })?),
    };
    let storage = args::adapter(adapter)?;
    let mut progress = args::progress(on_progress, signal);
    let checked = verify_with(&storage, &Options { subset }, &mut progress).await;
    let report = progress.settle(checked)?;
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
