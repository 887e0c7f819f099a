//! Sealed object names: AES-256-SIV, a deterministic AEAD, so the same name always seals to
//! the same stored name (a store can be asked for an object by name) and opens back (listing
//! gives plaintext names), while the storage owner cannot tell which table files two
//! backups share or which chunks a name stands for.
//!
//! ```text
//! payload: 0x01 | 20 bytes   a table file's name (its 32 base32 characters, decoded)
//!          0x00 | the name   any other name, at most 63 bytes
//! stored:  base32 (0-9a-v) of SIV tag (16) | ciphertext; associated data "cairn-name" | version
//! ```
//! A table file's name becomes 60 characters; the longest other name 128, the limit of
//! `cairn_core::io::check_name`.

use alloc::string::String;
use alloc::vec::Vec;

use aes_siv::siv::Aes256Siv;
use aes_siv::KeyInit;
use cairn_core::base32;
use cairn_core::io::{check_name, IoError, IoResult};
use cairn_core::Hash;

use crate::keys::NameKey;
use crate::seal::VERSION;

const HASH_NAME: u8 = 1;
const OTHER_NAME: u8 = 0;
/// The longest name that seals within 128 base32 characters (80 bytes: tag, kind, name).
pub const MAX_NAME: usize = 63;

fn header() -> [u8; 12] {
    let mut ad = [0u8; 12];
    ad[..10].copy_from_slice(b"cairn-name");
    ad[10..].copy_from_slice(&VERSION.to_le_bytes());
    ad
}

fn cipher(key: &NameKey) -> Aes256Siv {
    Aes256Siv::new(key.bytes().into())
}

/// The stored name of `name`; `InvalidName` for a name the store would not take, or one too
/// long to seal.
pub fn seal_name(key: &NameKey, name: &str) -> IoResult<String> {
    check_name(name)?;
    let payload: Vec<u8> = match Hash::parse(name).filter(|h| h.to_base32() == name) {
        Some(hash) => [&[HASH_NAME][..], &hash.0].concat(),
        None if name.len() <= MAX_NAME => [&[OTHER_NAME][..], name.as_bytes()].concat(),
        None => return Err(IoError::InvalidName(name.into())),
    };
    let sealed = cipher(key)
        .encrypt([&header()[..]], &payload)
        .map_err(|_| IoError::InvalidName(name.into()))?;
    Ok(base32::encode(&sealed))
}

/// The name a stored name seals, or `None` if it is not one sealed with this key (another
/// store's object, or one planted by someone without the key).
pub fn open_name(key: &NameKey, stored: &str) -> Option<String> {
    let bytes = base32::decode(stored)?;
    // One spelling per name: base32 reads upper case too.
    if base32::encode(&bytes) != stored {
        return None;
    }
    let payload = cipher(key).decrypt([&header()[..]], &bytes).ok()?;
    let (&kind, rest) = payload.split_first()?;
    let name = match kind {
        HASH_NAME => Hash::from_slice(rest)?.to_base32(),
        OTHER_NAME => String::from_utf8(rest.to_vec()).ok()?,
        _ => return None,
    };
    check_name(&name).ok()?;
    Some(name)
}

/// Whether a stored object's name is one an encrypted store writes (a sealed name or a key
/// object's), as far as can be told without the key.
pub fn is_stored_name(stored: &str) -> bool {
    stored.starts_with(crate::keys::KEY_PREFIX)
        || base32::decode(stored).is_some_and(|b| b.len() > 16 && base32::encode(&b) == stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::MasterKey;

    #[test]
    fn names_seal_deterministically_and_open() {
        let key = MasterKey::from_bytes([1; 32]).name_key();
        let table = "jd7t3auna7r3sarbeoptuoisehlb2250";
        let sealed = seal_name(&key, table).unwrap();
        assert_eq!(sealed.len(), 60);
        assert_eq!(seal_name(&key, table).unwrap(), sealed);
        assert_eq!(open_name(&key, &sealed).as_deref(), Some(table));
        assert!(check_name(&sealed).is_ok());
        let longest = "x".repeat(MAX_NAME);
        let sealed = seal_name(&key, &longest).unwrap();
        assert_eq!(sealed.len(), 128);
        assert_eq!(open_name(&key, &sealed), Some(longest));
        assert!(seal_name(&key, &"x".repeat(MAX_NAME + 1)).is_err());
        assert!(seal_name(&key, "a/b").is_err());
    }

    #[test]
    fn foreign_and_altered_names_do_not_open() {
        let key = MasterKey::from_bytes([1; 32]).name_key();
        let other = MasterKey::from_bytes([2; 32]).name_key();
        let sealed = seal_name(&key, "jd7t3auna7r3sarbeoptuoisehlb2250").unwrap();
        assert_eq!(open_name(&other, &sealed), None);
        assert_eq!(open_name(&key, &sealed.to_uppercase()), None);
        let mut altered = sealed.into_bytes();
        altered[5] = if altered[5] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            open_name(&key, core::str::from_utf8(&altered).unwrap()),
            None
        );
        assert_eq!(open_name(&key, "key-abc"), None);
    }
}
