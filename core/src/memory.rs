//! An in-memory `Storage`, for tests and for `mem://` stores. Clones share one store, as two
//! handles on one directory do.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

use crate::io::{
    check_name, BoxFuture, IoError, IoResult, ManifestRead, ObjectInfo, Storage, Version,
};

#[derive(Default)]
struct Inner {
    objects: BTreeMap<String, Arc<[u8]>>,
    /// The manifest and its version number, counted from 1.
    manifest: Option<(Vec<u8>, u64)>,
}

#[derive(Clone, Default)]
pub struct MemoryStorage {
    inner: Arc<Mutex<Inner>>,
}

impl MemoryStorage {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sum of the sizes of all objects: what a sync wrote, for tests and benchmarks.
    pub fn total_bytes(&self) -> u64 {
        let inner = self.inner.lock();
        inner.objects.values().map(|v| v.len() as u64).sum()
    }
}

impl Storage for MemoryStorage {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        Box::pin(async move { Ok(self.inner.lock().objects.get(name).map(|v| v.to_vec())) })
    }

    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        Box::pin(async move {
            let inner = self.inner.lock();
            let Some(data) = inner.objects.get(name) else {
                return Ok(None);
            };
            let size = data.len() as u64;
            match offset.checked_add(len) {
                Some(end) if end <= size => Ok(Some(data[offset as usize..end as usize].to_vec())),
                _ => Err(IoError::OutOfRange {
                    name: name.into(),
                    offset,
                    len,
                    size,
                }),
            }
        })
    }

    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            check_name(name)?;
            self.inner
                .lock()
                .objects
                .insert(name.into(), Arc::from(data));
            Ok(())
        })
    }

    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        Box::pin(async move {
            let inner = self.inner.lock();
            Ok(inner
                .objects
                .iter()
                .map(|(name, data)| ObjectInfo {
                    name: name.clone(),
                    size: data.len() as u64,
                    // No clock in `no_std`: every object counts as old, which is right for
                    // a store no other process can reach.
                    modified_ms: 0,
                })
                .collect())
        })
    }

    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            self.inner.lock().objects.remove(name);
            Ok(())
        })
    }

    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
        Box::pin(async move {
            let inner = self.inner.lock();
            Ok(inner.manifest.as_ref().map(|(bytes, n)| ManifestRead {
                bytes: bytes.clone(),
                version: Version(alloc::format!("{n}")),
            }))
        })
    }

    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>> {
        Box::pin(async move {
            let mut inner = self.inner.lock();
            let current = inner.manifest.as_ref().map(|(_, n)| *n);
            if current.map(|n| Version(alloc::format!("{n}"))).as_ref() != expected {
                return Ok(None);
            }
            let next = current.unwrap_or(0) + 1;
            inner.manifest = Some((new.to_vec(), next));
            Ok(Some(Version(alloc::format!("{next}"))))
        })
    }
}
