//! `JsStorage`: the core's `Storage` trait over a JS adapter object whose methods return
//! promises (or plain values), awaited through `JsFuture`. It only translates values and
//! errors; the adapter contract is `StorageAdapter` in npm/index.d.ts.

use cairn_core::io::{
    range_into_by_copy, BoxFuture, IoError, IoResult, ManifestRead, ObjectInfo, Storage, Version,
};
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::js;

#[wasm_bindgen]
extern "C" {
    /// A JS storage adapter (`StorageAdapter` in npm/index.d.ts).
    pub type JsAdapter;

    #[wasm_bindgen(method, catch, js_name = get)]
    fn js_get(this: &JsAdapter, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getRange)]
    fn js_get_range(
        this: &JsAdapter,
        name: &str,
        offset: f64,
        length: f64,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = readRangeNow)]
    fn js_read_range_now(
        this: &JsAdapter,
        name: &str,
        offset: f64,
        into: &Uint8Array,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = put)]
    fn js_put(this: &JsAdapter, name: &str, bytes: Uint8Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = list)]
    fn js_list(this: &JsAdapter) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = delete)]
    fn js_delete(this: &JsAdapter, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = temporaries)]
    fn js_temporaries(this: &JsAdapter) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = deleteTemporary)]
    fn js_delete_temporary(this: &JsAdapter, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = readManifest)]
    fn js_read_manifest(this: &JsAdapter) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = swapManifest)]
    fn js_swap_manifest(
        this: &JsAdapter,
        expected: Option<String>,
        next: Uint8Array,
    ) -> Result<JsValue, JsValue>;
}

pub struct JsStorage {
    adapter: JsAdapter,
    /// Whether the adapter has the optional `readRangeNow`.
    reads_now: bool,
}

impl JsStorage {
    pub fn new(adapter: JsAdapter) -> Self {
        JsStorage {
            reads_now: js::get(&adapter, "readRangeNow").is_function(),
            adapter,
        }
    }

    /// The range read straight into `buf`'s memory by the adapter's `readRangeNow`, in this
    /// call: `Ok(true)` once `buf` holds it, `Ok(false)` where the adapter cannot read it now.
    fn read_now(&self, name: &str, offset: u64, len: u64, buf: &mut Vec<u8>) -> IoResult<bool> {
        let Ok(size) = usize::try_from(len) else {
            return Ok(false);
        };
        buf.clear();
        buf.reserve(size);
        // SAFETY: the view covers `buf`'s spare capacity, which nothing else refers to, and is
        // used only during this synchronous call, in which this module neither allocates nor
        // runs (so its memory stays where it is); `readRangeNow` must not keep it.
        let view = unsafe { Uint8Array::view_mut_raw(buf.as_mut_ptr(), size) };
        let answer = self
            .adapter
            .js_read_range_now(name, offset as f64, &view)
            .map_err(|e| failure("readRangeNow", name, Some((offset, len)), &e))?;
        if answer.is_undefined() || answer.is_null() {
            return Ok(false);
        }
        if answer.as_f64() != Some(len as f64) {
            let why = format!(
                "asked for {len} bytes at {offset}, answered {}",
                js::describe(&answer)
            );
            return Err(IoError::backend("readRangeNow", name, why));
        }
        // SAFETY: the adapter wrote all `size` bytes, as its answer says.
        unsafe { buf.set_len(size) };
        Ok(true)
    }
}

/// Awaits what an adapter method returned: a promise, or a plain value for a synchronous
/// adapter. A synchronous throw and a rejection both come back as `Err`.
async fn settle(call: Result<JsValue, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&call?)).await
}

/// Turns an adapter's failure into the core's error. Adapters mark the two failures the core
/// tells apart with `code`: "OUT_OF_RANGE" (with `size`) from getRange, "INVALID_NAME".
fn failure(op: &'static str, name: &str, range: Option<(u64, u64)>, e: &JsValue) -> IoError {
    let code = js::get(e, "code").as_string();
    match (code.as_deref(), range, js::get(e, "size").as_f64()) {
        (Some("OUT_OF_RANGE"), Some((offset, len)), Some(size)) => IoError::OutOfRange {
            name: name.into(),
            offset,
            len,
            size: size as u64,
        },
        (Some("INVALID_NAME"), _, _) => IoError::InvalidName(name.into()),
        _ => IoError::backend(op, name, js::describe(e)),
    }
}

/// An adapter's answer to a read: bytes, or `None` for undefined/null (missing).
fn bytes(op: &'static str, name: &str, value: JsValue) -> IoResult<Option<Vec<u8>>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.dyn_into::<Uint8Array>() {
        Ok(array) => Ok(Some(array.to_vec())),
        Err(other) => Err(IoError::backend(
            op,
            name,
            format!(
                "the adapter returned {}, not a Uint8Array or undefined",
                js::describe(&other)
            ),
        )),
    }
}

/// An adapter's answer to readManifest: `{ bytes, version }`, or `None` for undefined/null.
fn manifest_read(value: JsValue) -> IoResult<Option<ManifestRead>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let (bytes, version) = (js::get(&value, "bytes"), js::get(&value, "version"));
    match (bytes.dyn_into::<Uint8Array>(), version.as_string()) {
        (Ok(bytes), Some(version)) => Ok(Some(ManifestRead {
            bytes: bytes.to_vec(),
            version: Version(version),
        })),
        _ => {
            let why = format!(
                "the adapter returned {}, not {{ bytes: Uint8Array, version: string }} or undefined",
                js::describe(&value)
            );
            Err(IoError::backend("readManifest", "manifest", why))
        }
    }
}

/// An adapter's answer to swapManifest: the new version, or `None` for undefined/null (lost).
fn swapped(value: JsValue) -> IoResult<Option<Version>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_string().map(|v| Some(Version(v))).ok_or_else(|| {
        let why = format!(
            "the adapter returned {}, not the new version (a string) or undefined",
            js::describe(&value)
        );
        IoError::backend("swapManifest", "manifest", why)
    })
}

/// An adapter's listing: an array of `{ name, size, modifiedMs? }`.
fn object_infos(op: &'static str, value: JsValue) -> IoResult<Vec<ObjectInfo>> {
    let entries = value.dyn_into::<Array>().map_err(|other| {
        let why = format!(
            "the adapter returned {}, not an array",
            js::describe(&other)
        );
        IoError::backend(op, "", why)
    })?;
    entries
        .iter()
        .map(|entry| {
            object_info(&entry).ok_or_else(|| {
                let entry = js::describe(&entry);
                let why = format!("entry {entry} lacks a string name or a numeric size");
                IoError::backend(op, "", why)
            })
        })
        .collect()
}

fn object_info(entry: &JsValue) -> Option<ObjectInfo> {
    Some(ObjectInfo {
        name: js::get(entry, "name").as_string()?,
        size: js::get(entry, "size").as_f64()? as u64,
        modified_ms: js::get(entry, "modifiedMs").as_f64().unwrap_or(0.0) as u64,
    })
}

impl Storage for JsStorage {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        Box::pin(async move {
            let value = settle(self.adapter.js_get(name))
                .await
                .map_err(|e| failure("get", name, None, &e))?;
            bytes("get", name, value)
        })
    }

    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        Box::pin(async move {
            let value = settle(self.adapter.js_get_range(name, offset as f64, len as f64))
                .await
                .map_err(|e| failure("getRange", name, Some((offset, len)), &e))?;
            let got = bytes("getRange", name, value)?;
            // The core slices what it reads: a short answer must be an error, not a panic.
            if let Some(got) = &got {
                if got.len() as u64 != len {
                    let why = format!("asked for {len} bytes at {offset}, got {}", got.len());
                    return Err(IoError::backend("getRange", name, why));
                }
            }
            Ok(got)
        })
    }

    /// Straight into `buf` where the adapter can read the range now (`readRangeNow`:
    /// `NodeFsAdapter`, from a file it holds open), with no buffer between and no promise;
    /// else through `getRange`.
    fn get_range_into<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
        buf: &'a mut Vec<u8>,
    ) -> BoxFuture<'a, IoResult<bool>> {
        Box::pin(async move {
            if self.reads_now && self.read_now(name, offset, len, buf)? {
                return Ok(true);
            }
            range_into_by_copy(self, name, offset, len, buf).await
        })
    }

    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            // A copy: the adapter may keep the array past this call, and wasm memory can move.
            settle(self.adapter.js_put(name, Uint8Array::from(data)))
                .await
                .map_err(|e| failure("put", name, None, &e))?;
            Ok(())
        })
    }

    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        Box::pin(async move {
            let value = settle(self.adapter.js_list())
                .await
                .map_err(|e| failure("list", "", None, &e))?;
            object_infos("list", value)
        })
    }

    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            settle(self.adapter.js_delete(name))
                .await
                .map_err(|e| failure("delete", name, None, &e))?;
            Ok(())
        })
    }

    /// Optional in the adapter contract: adapters that write in place have no temporaries.
    fn temporaries(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        Box::pin(async move {
            if !js::get(&self.adapter, "temporaries").is_function() {
                return Ok(Vec::new());
            }
            let value = settle(self.adapter.js_temporaries())
                .await
                .map_err(|e| failure("temporaries", "", None, &e))?;
            object_infos("temporaries", value)
        })
    }

    fn delete_temporary<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            settle(self.adapter.js_delete_temporary(name))
                .await
                .map_err(|e| failure("deleteTemporary", name, None, &e))?;
            Ok(())
        })
    }

    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
        Box::pin(async move {
            let value = settle(self.adapter.js_read_manifest())
                .await
                .map_err(|e| failure("readManifest", "manifest", None, &e))?;
            manifest_read(value)
        })
    }

    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>> {
        Box::pin(async move {
            let expected = expected.map(|v| v.0.clone());
            let value = settle(
                self.adapter
                    .js_swap_manifest(expected, Uint8Array::from(new)),
            )
            .await
            .map_err(|e| failure("swapManifest", "manifest", None, &e))?;
            swapped(value)
        })
    }
}
