//! The native CLI's one storage type: a folder, a bucket of an object store, or a store on a
//! `cairn serve` server.

use cairn_core::io::{BoxFuture, IoResult, ManifestRead, ObjectInfo, Storage, Version};

use crate::{FsStorage, HttpStorage, ObjectStorage};

pub enum NativeStorage {
    Fs(FsStorage),
    Object(ObjectStorage),
    Http(HttpStorage),
}

macro_rules! each {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            NativeStorage::Fs($s) => $call,
            NativeStorage::Object($s) => $call,
            NativeStorage::Http($s) => $call,
        }
    };
}

impl Storage for NativeStorage {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        each!(self, s => s.get(name))
    }

    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        each!(self, s => s.get_range(name, offset, len))
    }

    fn get_range_into<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
        buf: &'a mut Vec<u8>,
    ) -> BoxFuture<'a, IoResult<bool>> {
        each!(self, s => s.get_range_into(name, offset, len, buf))
    }

    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
        each!(self, s => s.put(name, data))
    }

    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        each!(self, s => s.list())
    }

    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        each!(self, s => s.delete(name))
    }

    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
        each!(self, s => s.read_manifest())
    }

    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>> {
        each!(self, s => s.swap_manifest(expected, new))
    }

    fn temporaries(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        each!(self, s => s.temporaries())
    }

    fn delete_temporary<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        each!(self, s => s.delete_temporary(name))
    }
}
