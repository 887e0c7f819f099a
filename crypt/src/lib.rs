//! Cairn's encrypted stores: [`Sealed`], a `Storage` over another that seals every object,
//! object name and manifest, and the keys that open it (a random master key, wrapped once per
//! passphrase). Pure computation over the inner storage, no I/O of its own, the same natively
//! and in wasm. docs/FORMAT.md ("Encrypted stores") has every byte.
#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod bundle;
pub mod error;
pub mod keys;
pub mod names;
pub mod open;
pub mod primed;
pub mod seal;
pub mod storage;

pub use error::CryptError;
pub use keys::KdfParams;
pub use open::{inspect, Opening};
pub use storage::Sealed;
