//! Cairn natively: the filesystem adapter for the core's `Storage` trait, and the `cairn`
//! command line built on it.

pub mod cli;
pub mod database;
pub mod fs_storage;
pub mod url;

pub use fs_storage::FsStorage;

/// Runs a core future to completion. The native adapter does blocking I/O inside its
/// futures, so a one-thread executor is all the CLI needs.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}
