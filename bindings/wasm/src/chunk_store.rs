//! The exported `ChunkStore` class: the core's chunk store over a JS adapter.
//!
//! JS may start an operation before the last one settled, so every operation takes the
//! store through an async read-write lock (reads share it) instead of borrowing it across
//! an await. Getters read a copy of the manifest kept as of the last open, commit or reload.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use async_lock::RwLock;
use cairn_core::manifest::Manifest;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::Error;
use crate::storage::JsStorage;
use crate::{args, handed, js};

type Store = cairn_core::ChunkStore<JsStorage>;

#[wasm_bindgen]
pub struct ChunkStore {
    store: Rc<RwLock<Store>>,
    manifest: Rc<RefCell<Manifest>>,
}

/// Runs an operation as a JS promise that rejects with the operation's error. An operation
/// that finishes without waiting on the adapter (most reads: a chunk of a block already
/// read) settles the promise at once, not after a trip through the executor's task queue;
/// one that waits is handed to the executor, which polls it again with its own waker.
fn promise(op: impl Future<Output = Result<JsValue, Error>> + 'static) -> Promise {
    let mut op = Box::pin(op);
    match op.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(value)) => Promise::resolve(&value),
        Poll::Ready(Err(e)) => Promise::reject(&JsValue::from(e)),
        Poll::Pending => future_to_promise(async move { op.await.map_err(JsValue::from) }),
    }
}

#[wasm_bindgen]
impl ChunkStore {
    /// Opens the store behind `adapter`; an empty one is an empty store.
    pub async fn open(adapter: JsValue, options: JsValue) -> Result<ChunkStore, Error> {
        let (storage, options) = (args::adapter(adapter)?, args::options(&options)?);
        let store = Store::open_with(storage, options).await?;
        Ok(ChunkStore {
            manifest: Rc::new(RefCell::new(store.manifest().clone())),
            store: Rc::new(RwLock::new(store)),
        })
    }

    /// The root hash as of the last open, commit or reload.
    #[wasm_bindgen(getter)]
    pub fn root(&self) -> String {
        self.manifest.borrow().root.to_base32()
    }

    /// The manifest's table files as of the last open, commit or reload.
    pub fn tables(&self) -> Array {
        let manifest = self.manifest.borrow();
        manifest
            .tables
            .iter()
            .map(|t| {
                js::object(&[
                    ("name", t.name.as_str().into()),
                    ("chunkCount", t.chunk_count.into()),
                    ("size", (t.size as f64).into()),
                ])
            })
            .collect()
    }

    /// Stores a chunk; resolves to its hash.
    pub fn put(&self, chunk: JsValue) -> Promise {
        let (store, chunk) = (self.store.clone(), args::bytes(&chunk));
        promise(async move {
            let hash = store.write().await.put(&chunk?).await?;
            Ok(hash.to_base32().into())
        })
    }

    /// Resolves to the chunk's bytes, or undefined if the store lacks it.
    pub fn get(&self, hash: JsValue) -> Promise {
        let (store, hash) = (self.store.clone(), args::hash(&hash));
        promise(async move {
            let hash = hash?;
            let chunk = store.read().await.get_bytes(&hash).await?;
            Ok(chunk.map_or(JsValue::UNDEFINED, |c| handed::bytes(&c).into()))
        })
    }

    /// Resolves to whether the store holds each hash.
    #[wasm_bindgen(js_name = hasMany)]
    pub fn has_many(&self, hashes: JsValue) -> Promise {
        let (store, hashes) = (self.store.clone(), args::hashes(&hashes));
        promise(async move {
            let hashes = hashes?;
            let has = store.read().await.has_many(&hashes).await;
            Ok(has
                .into_iter()
                .map(JsValue::from_bool)
                .collect::<Array>()
                .into())
        })
    }

    /// Writes the chunks gathered in memory as a new table file (not yet in the manifest).
    pub fn flush(&self) -> Promise {
        let store = self.store.clone();
        promise(async move {
            store.write().await.flush().await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Writes pending chunks and moves the root from `expected` to `root` by manifest swap.
    pub fn commit(&self, expected: JsValue, root: JsValue) -> Promise {
        let (store, manifest) = (self.store.clone(), self.manifest.clone());
        let (expected, root) = (args::hash(&expected), args::hash(&root));
        promise(async move {
            let (expected, root) = (expected?, root?);
            let mut store = store.write().await;
            let result = store.commit(expected, root).await;
            // A lost swap reloads the manifest, so refresh the copy even on failure.
            *manifest.borrow_mut() = store.manifest().clone();
            result?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Re-reads the manifest to see other writers' commits.
    pub fn reload(&self) -> Promise {
        let (store, manifest) = (self.store.clone(), self.manifest.clone());
        promise(async move {
            let mut store = store.write().await;
            let result = store.reload().await;
            *manifest.borrow_mut() = store.manifest().clone();
            result?;
            Ok(JsValue::UNDEFINED)
        })
    }
}
