//! Cairn natively: the filesystem adapter for the core's `Storage` trait, and the host the
//! `cairn` command line (cairn-cli) runs on.

pub mod fs_storage;
pub mod host;
pub mod native_storage;
pub mod object_storage;

pub use fs_storage::FsStorage;
pub use native_storage::NativeStorage;
pub use object_storage::ObjectStorage;

/// Runs a core future to completion. The native adapter does blocking I/O inside its
/// futures, so a one-thread executor is all the CLI needs.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}
