//! `Primed`: a storage whose first manifest read is answered from one already made, so that
//! looking at a store to learn whether it is encrypted costs no second request.

use alloc::vec::Vec;

use cairn_core::io::{BoxFuture, IoResult, ManifestRead, ObjectInfo, Storage, Version};
use spin::Mutex;

pub struct Primed<S> {
    inner: S,
    first: Mutex<Option<ManifestRead>>,
}

impl<S: Storage> Primed<S> {
    pub fn new(inner: S, first: Option<ManifestRead>) -> Self {
        Primed {
            inner,
            first: Mutex::new(first),
        }
    }
}

impl<S: Storage> Storage for Primed<S> {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        self.inner.get(name)
    }
    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        self.inner.get_range(name, offset, len)
    }
    fn get_range_into<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
        buf: &'a mut Vec<u8>,
    ) -> BoxFuture<'a, IoResult<bool>> {
        self.inner.get_range_into(name, offset, len, buf)
    }
    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
        self.inner.put(name, data)
    }
    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        self.inner.list()
    }
    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        self.inner.delete(name)
    }
    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
        match self.first.lock().take() {
            Some(read) => alloc::boxed::Box::pin(async move { Ok(Some(read)) }),
            None => self.inner.read_manifest(),
        }
    }
    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>> {
        // A swap makes the primed read stale.
        self.first.lock().take();
        self.inner.swap_manifest(expected, new)
    }
    fn temporaries(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        self.inner.temporaries()
    }
    fn delete_temporary<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        self.inner.delete_temporary(name)
    }
}
