//! The one way the core touches storage.
//!
//! A store is a flat namespace of immutable named objects (table files) plus one small
//! mutable object, the manifest, which is only ever replaced by compare-and-swap on the
//! opaque version token the backend gave for it (an ETag with `If-Match`, a generation, a
//! numbered file created with `link(2)`, an IndexedDB transaction). No lock and no timeout
//! decides who wins a swap. Methods are
//! async because IndexedDB and Node's fs are; the futures are `Send` natively and carry no
//! such bound on wasm32, where JavaScript values are not `Send`.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::future::Future;
use core::pin::Pin;

#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}

#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSync: Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Sync + ?Sized> MaybeSync for T {}

#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}
#[cfg(target_arch = "wasm32")]
pub trait MaybeSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSync for T {}

#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;
pub type IoResult<T> = Result<T, IoError>;

/// An immutable object as `Storage::list` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    pub name: String,
    pub size: u64,
    /// Last modification, milliseconds since the Unix epoch; 0 where the backend keeps none.
    /// Prune uses it to spare objects a concurrent writer may have just put.
    pub modified_ms: u64,
}

/// One version of a store's manifest, as its backend names it: compared, never interpreted.
/// Two reads of the same version give equal tokens; a swap to new bytes gives a new token.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub String);

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The manifest as read: its bytes and the version they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestRead {
    pub bytes: Vec<u8>,
    pub version: Version,
}

/// What the storage layer can fail with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IoError {
    /// A ranged read asked for bytes past the end of the object.
    OutOfRange {
        name: String,
        offset: u64,
        len: u64,
        size: u64,
    },
    /// An object name the backend cannot hold (empty, a path separator, a reserved name).
    InvalidName(String),
    /// An object whose stored bytes do not open (a sealed object that fails authentication):
    /// damage to report, like a truncation, not a failure of the backend.
    Damaged { name: String, detail: &'static str },
    /// The backend refused or failed; `op` names the operation, `detail` says why.
    Backend {
        op: &'static str,
        name: String,
        detail: String,
    },
}

impl IoError {
    pub fn backend(op: &'static str, name: &str, detail: impl fmt::Display) -> Self {
        IoError::Backend {
            op,
            name: name.into(),
            detail: alloc::format!("{detail}"),
        }
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IoError::OutOfRange {
                name,
                offset,
                len,
                size,
            } => write!(
                f,
                "'{name}' is {size} bytes long; cannot read {len} bytes at offset {offset} (truncated file?)"
            ),
            IoError::InvalidName(name) => write!(f, "invalid object name '{name}'"),
            IoError::Damaged { name, detail } => write!(f, "'{name}' is damaged: {detail}"),
            IoError::Backend { op, name, detail } if name.is_empty() => {
                write!(f, "storage {op} failed: {detail}")
            }
            IoError::Backend { op, name, detail } => {
                write!(f, "storage {op} of '{name}' failed: {detail}")
            }
        }
    }
}

/// Names of immutable objects: what every backend must accept. Table files are named by
/// their base32 hash, which always qualifies.
pub fn check_name(name: &str) -> IoResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name != "manifest"
        && name != "manifests"
        && name != "LOCK"
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(IoError::InvalidName(name.into()))
    }
}

/// Storage for one chunk store.
///
/// Contract (checked for every implementation by `conformance`):
/// - a missing object or manifest is `Ok(None)`, not an error;
/// - `put` of a name that exists replaces nothing a reader could tell apart: names are
///   content-derived, so the bytes are the same;
/// - `put` is all-or-nothing: no reader ever sees a partial object;
/// - `swap_manifest(expected, new)` writes `new` only if the current manifest is version
///   `expected` (`None`: no manifest yet), atomically with respect to every other writer of the
///   same store, in any process, and answers the new version, or `None` if it lost (then
///   nothing changed). An error means the outcome is unknown to the caller.
pub trait Storage: MaybeSend + MaybeSync {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>>;
    /// `len` bytes at `offset`; `Ok(None)` if the object is missing, `OutOfRange` if it is
    /// shorter than `offset + len`.
    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>>;
    /// `get_range` into `buf`, replacing what it held; answers whether the object exists.
    /// A caller reading range after range hands the same buffers back each time, and a
    /// backend that reads into them (a folder) spares the kernel a fresh page for each page
    /// read, a fault that costs more than the copy on some machines (docs/BENCHMARKS.md).
    fn get_range_into<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
        buf: &'a mut Vec<u8>,
    ) -> BoxFuture<'a, IoResult<bool>> {
        Box::pin(range_into_by_copy(self, name, offset, len, buf))
    }
    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>>;
    /// Every immutable object, in no particular order. The manifest is not listed.
    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>>;
    /// Deleting a missing object succeeds.
    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>>;
    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>>;
    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>>;
    /// Temporary objects a writer makes on the way to a put or a swap, which an interrupted
    /// writer leaves behind; gc deletes old ones. Backends that write in place have none.
    fn temporaries(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// Deletes one of `temporaries()`; a missing one is no error.
    fn delete_temporary<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move { Err(IoError::InvalidName(name.into())) })
    }
}

/// `Storage::get_range_into` by way of `get_range`, its bytes moved into `buf`: the default,
/// and what a backend that can read into `buf` only at times does at the others.
pub async fn range_into_by_copy<S: Storage + ?Sized>(
    storage: &S,
    name: &str,
    offset: u64,
    len: u64,
    buf: &mut Vec<u8>,
) -> IoResult<bool> {
    let read = storage.get_range(name, offset, len).await?;
    Ok(read.map(|bytes| *buf = bytes).is_some())
}

/// Lets a `&S`, `Box<S>` or `Arc<S>` stand where a `Storage` is wanted.
macro_rules! forward_storage {
    ($($ty:ty),*) => {$(
        impl<S: Storage + ?Sized> Storage for $ty {
            fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
                (**self).get(name)
            }
            fn get_range<'a>(
                &'a self,
                name: &'a str,
                offset: u64,
                len: u64,
            ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
                (**self).get_range(name, offset, len)
            }
            fn get_range_into<'a>(
                &'a self,
                name: &'a str,
                offset: u64,
                len: u64,
                buf: &'a mut Vec<u8>,
            ) -> BoxFuture<'a, IoResult<bool>> {
                (**self).get_range_into(name, offset, len, buf)
            }
            fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
                (**self).put(name, data)
            }
            fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
                (**self).list()
            }
            fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
                (**self).delete(name)
            }
            fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
                (**self).read_manifest()
            }
            fn swap_manifest<'a>(
                &'a self,
                expected: Option<&'a Version>,
                new: &'a [u8],
            ) -> BoxFuture<'a, IoResult<Option<Version>>> {
                (**self).swap_manifest(expected, new)
            }
            fn temporaries(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
                (**self).temporaries()
            }
            fn delete_temporary<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
                (**self).delete_temporary(name)
            }
        }
    )*};
}

forward_storage!(&S, Box<S>, alloc::sync::Arc<S>);
