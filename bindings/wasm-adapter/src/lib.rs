//! What Cairn's two wasm modules share (cairn-wasm, the package's core, and cairn-wasm-net,
//! its network clients loaded on first use): a Rust `Storage` exported as a JS
//! `StorageAdapter` (`RustStoreAdapter`), and reading and making JS values. A crate of its
//! own so that each module links one copy of it, not the other's exports.
//!
//! The crate is empty on other targets, so native workspace builds and lints can include it.
#![cfg(target_arch = "wasm32")]

mod adapter;
pub mod js;

pub use adapter::RustStoreAdapter;
