//! Keys: a random master key per store, and one key object per passphrase holding the master
//! key wrapped by a key derived from that passphrase with Argon2id (restic's and borg 2's
//! envelope), so a passphrase is added or retired without touching the data.
//!
//! ```text
//! key object (112 bytes), named key-<16 base32 characters>:
//! 0..8    "CAIRNKEY"            8..10  version u16 LE (1)
//! 10      KDF: 1 = Argon2id v0x13 11   reserved (0)
//! 12..16  memory KiB u32 LE     16..20 iterations u32 LE    20..24 lanes u32 LE
//! 24..40  salt (random)         40..64 nonce (random)
//! 64..112 the master key sealed with XChaCha20-Poly1305 under the derived key;
//!         associated data: bytes 0..40, then the object's name
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

use crate::error::CryptError;

const MAGIC: &[u8; 8] = b"CAIRNKEY";
const KEY_VERSION: u16 = 1;
const ARGON2ID: u8 = 1;
const HEADER: usize = 40;
/// A key object's whole length.
pub const KEY_OBJECT_LEN: usize = HEADER + 24 + 32 + 16;
/// Key objects' names start with this; sealed names are base32 and never do.
pub const KEY_PREFIX: &str = "key-";

/// Argon2id's cost parameters for one passphrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

impl KdfParams {
    /// New keys' parameters: RFC 9106's second recommendation (64 MiB, 3 passes, 1 lane),
    /// well under a second natively and in wasm (docs/FORMAT.md has the numbers).
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        lanes: 1,
    };

    /// Small costs for tests, which check the format, not the cost.
    #[cfg(test)]
    pub(crate) const CHEAP: KdfParams = KdfParams {
        memory_kib: 64,
        iterations: 1,
        lanes: 1,
    };

    /// What a key object read from storage may ask for: a hostile store must not make an
    /// opener allocate gigabytes or spin for minutes.
    fn within_limits(&self) -> bool {
        self.memory_kib <= 1024 * 1024 && self.iterations <= 64 && self.lanes <= 16
    }
}

/// The store's master key. Only derived keys touch data.
pub struct MasterKey([u8; 32]);

/// The key sealing objects' contents (XChaCha20-Poly1305).
pub struct DataKey([u8; 32]);

/// The key sealing objects' names (AES-256-SIV, 64 bytes).
pub struct NameKey([u8; 64]);

impl MasterKey {
    pub fn generate() -> Result<Self, CryptError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| CryptError::NoRandomness)?;
        Ok(MasterKey(bytes))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        MasterKey(bytes)
    }

    /// Subkeys come from BLAKE3's key derivation mode, one context string each, so the two
    /// ciphers never share key bytes.
    pub fn data_key(&self) -> DataKey {
        DataKey(blake3::derive_key(
            "cairn-crypt 2026-11-30 object contents",
            &self.0,
        ))
    }

    pub fn name_key(&self) -> NameKey {
        let mut key = [0u8; 64];
        blake3::Hasher::new_derive_key("cairn-crypt 2026-11-30 object names")
            .update(&self.0)
            .finalize_xof()
            .fill(&mut key);
        NameKey(key)
    }
}

impl DataKey {
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl NameKey {
    pub fn bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

/// Key bytes are wiped when dropped.
macro_rules! zeroize_on_drop {
    ($($ty:ty),*) => {$(
        impl Drop for $ty {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }
    )*};
}
zeroize_on_drop!(MasterKey, DataKey, NameKey);

/// A new key object's name.
pub fn new_key_name() -> Result<String, CryptError> {
    let mut id = [0u8; 10];
    getrandom::fill(&mut id).map_err(|_| CryptError::NoRandomness)?;
    Ok(alloc::format!(
        "{KEY_PREFIX}{}",
        cairn_core::base32::encode(&id)
    ))
}

fn derive(
    password: &[u8],
    salt: &[u8],
    params: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, CryptError> {
    let argon = Params::new(params.memory_kib, params.iterations, params.lanes, Some(32))
        .map_err(|_| CryptError::KeyObject("its Argon2id parameters are invalid"))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon)
        .hash_password_into(password, salt, &mut *key)
        .map_err(|_| CryptError::KeyObject("its Argon2id parameters are invalid"))?;
    Ok(key)
}

fn associated_data(header: &[u8], name: &str) -> Vec<u8> {
    let mut ad = header.to_vec();
    ad.extend_from_slice(name.as_bytes());
    ad
}

/// A key object named `name` for `password`, wrapping `master`.
pub fn wrap(
    master: &MasterKey,
    password: &[u8],
    params: KdfParams,
    name: &str,
) -> Result<Vec<u8>, CryptError> {
    let mut random = [0u8; 16 + 24];
    getrandom::fill(&mut random).map_err(|_| CryptError::NoRandomness)?;
    let (salt, nonce) = random.split_at(16);
    let mut out = Vec::with_capacity(KEY_OBJECT_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&KEY_VERSION.to_le_bytes());
    out.extend_from_slice(&[ARGON2ID, 0]);
    out.extend_from_slice(&params.memory_kib.to_le_bytes());
    out.extend_from_slice(&params.iterations.to_le_bytes());
    out.extend_from_slice(&params.lanes.to_le_bytes());
    out.extend_from_slice(salt);
    let kek = derive(password, salt, params)?;
    let cipher = XChaCha20Poly1305::new((&*kek).into());
    let nonce = XNonce::try_from(nonce).map_err(|_| CryptError::NoRandomness)?;
    let aad = associated_data(&out, name);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: &master.0,
                aad: &aad,
            },
        )
        .map_err(|_| CryptError::NoRandomness)?;
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// A key object's parameters, checked; `KeyObject` if it is not one this build reads.
pub fn params(bytes: &[u8]) -> Result<KdfParams, CryptError> {
    let bad = CryptError::KeyObject;
    if bytes.len() != KEY_OBJECT_LEN {
        return Err(bad("its length is not 112 bytes"));
    }
    if &bytes[..8] != MAGIC {
        return Err(bad("it does not start with CAIRNKEY"));
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != KEY_VERSION {
        return Err(CryptError::UnsupportedVersion(version));
    }
    if bytes[10] != ARGON2ID || bytes[11] != 0 {
        return Err(bad("it names a key derivation this cairn does not know"));
    }
    let word =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let params = KdfParams {
        memory_kib: word(12),
        iterations: word(16),
        lanes: word(20),
    };
    if !params.within_limits() {
        return Err(bad(
            "its Argon2id parameters exceed this cairn's limits (1 GiB, 64 passes, 16 lanes)",
        ));
    }
    Ok(params)
}

/// The master key in key object `name`, if `password` opens it: `Ok(None)` when it does not.
pub fn unwrap(bytes: &[u8], name: &str, password: &[u8]) -> Result<Option<MasterKey>, CryptError> {
    let params = params(bytes)?;
    let kek = derive(password, &bytes[24..HEADER], params)?;
    let cipher = XChaCha20Poly1305::new((&*kek).into());
    let nonce = XNonce::try_from(&bytes[HEADER..HEADER + 24])
        .map_err(|_| CryptError::KeyObject("its nonce is cut short"))?;
    let aad = associated_data(&bytes[..HEADER], name);
    let opened = cipher.decrypt(
        &nonce,
        Payload {
            msg: &bytes[HEADER + 24..],
            aad: &aad,
        },
    );
    let Ok(plain) = opened else {
        return Ok(None);
    };
    let plain = Zeroizing::new(plain);
    let key: [u8; 32] = plain[..]
        .try_into()
        .map_err(|_| CryptError::KeyObject("its master key is not 32 bytes"))?;
    Ok(Some(MasterKey(key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_unwraps_only_with_its_password_and_name() {
        let master = MasterKey::from_bytes([3; 32]);
        let object = wrap(&master, b"secret", KdfParams::CHEAP, "key-a").unwrap();
        assert_eq!(object.len(), KEY_OBJECT_LEN);
        let opened = unwrap(&object, "key-a", b"secret").unwrap().unwrap();
        assert_eq!(opened.0, [3; 32]);
        assert!(unwrap(&object, "key-a", b"Secret").unwrap().is_none());
        assert!(unwrap(&object, "key-b", b"secret").unwrap().is_none());
        let mut flipped = object.clone();
        flipped[70] ^= 1;
        assert!(unwrap(&flipped, "key-a", b"secret").unwrap().is_none());
    }

    #[test]
    fn refuses_malformed_and_costly_objects() {
        let object = wrap(
            &MasterKey::from_bytes([3; 32]),
            b"p",
            KdfParams::CHEAP,
            "key-a",
        )
        .unwrap();
        assert!(matches!(
            params(&object[..100]),
            Err(CryptError::KeyObject(_))
        ));
        let mut version = object.clone();
        version[8] = 2;
        assert_eq!(params(&version), Err(CryptError::UnsupportedVersion(2)));
        let mut costly = object.clone();
        costly[12..16].copy_from_slice(&(4u32 << 20).to_le_bytes());
        assert!(matches!(
            unwrap(&costly, "key-a", b"p"),
            Err(CryptError::KeyObject(_))
        ));
    }
}
