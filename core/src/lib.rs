//! Cairn's core: content-addressed chunks in table files, a manifest swapped by
//! compare-and-swap, and everything built on them. It performs no I/O of its own: every
//! byte goes through [`io::Storage`], which the native, Node and browser adapters implement.
#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod backup;
pub mod base32;
pub mod bundle;
pub mod chunk_store;
pub mod codec;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
pub mod db;
pub mod fresh_copy;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod gc;
pub mod graph;
pub mod hash;
pub mod hex;
pub mod hint;
#[cfg(feature = "random")]
pub mod id;
pub mod import;
pub mod io;
pub mod join;
mod lru;
pub mod manifest;
pub mod memory;
mod parallel;
pub mod prolly;
pub mod repo;
pub mod retention;
pub mod sql;
pub mod sync;
pub mod table_file;
pub mod text;
pub mod verify;

pub use chunk_store::{ChunkStore, StoreError};
pub use hash::Hash;
pub use io::{IoError, ObjectInfo, Storage};
pub use memory::MemoryStorage;
