//! Cairn natively: the filesystem adapter for the core's `Storage` trait, and the host the
//! `cairn` command line (cairn-cli) runs on.

pub mod fs_storage;
pub mod host;
pub mod native_storage;

pub use cairn_object::{HttpStorage, ObjectStorage};
pub use fs_storage::FsStorage;
pub use native_storage::NativeStorage;

/// A client for an `s3://` or `az://` location, with this process's environment and the
/// AWS shared files.
pub fn object_storage(location: &cairn_cli::url::Bucket) -> Result<ObjectStorage, String> {
    let env = std::env::vars().collect();
    cairn_object::open(location, env, &|path| std::fs::read_to_string(path).ok())
}

/// Runs a core future to completion. The native adapter does blocking I/O inside its
/// futures, so a one-thread executor is all the CLI needs.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}
