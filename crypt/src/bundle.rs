//! The `.cairnbak` of an encrypted backup stays sealed: the plaintext backup file (core's
//! `bundle`), sealed as one object with the backup's master key, after the backup's key
//! objects, so the passphrases that open the backup open the file.
//!
//! ```text
//! magic "CAIRNSBK" | version u16 LE (1) | reserved u16 LE (0) | key count u8
//! per key:  name length u8 | name | key object (112 bytes)
//! then:     the backup file sealed as the object named "cairnbak" (segments, as every object)
//! ```

use alloc::vec::Vec;

use cairn_core::io::{IoError, Storage};

use crate::error::CryptError;
use crate::keys::{self, KEY_OBJECT_LEN, KEY_PREFIX};
use crate::seal;
use crate::storage::Sealed;

pub const MAGIC: &[u8; 8] = b"CAIRNSBK";
const VERSION: u16 = 1;
/// The name the backup file is sealed under.
const NAME: &str = "cairnbak";

/// Whether `bytes` are a sealed backup file.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Seals the backup file `parts` (as core's `bundle::write` gives them) of the encrypted
/// store `store`, with its key objects.
pub async fn seal_bundle<S: Storage>(
    store: &Sealed<S>,
    parts: &[Vec<u8>],
) -> Result<Vec<u8>, CryptError> {
    let inner = store.inner();
    let mut names: Vec<_> = inner
        .list()
        .await?
        .into_iter()
        .filter(|o| o.name.starts_with(KEY_PREFIX))
        .map(|o| o.name)
        .collect();
    names.sort();
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    let mut keys = Vec::new();
    for name in names {
        if let Some(object) = inner.get(&name).await? {
            keys::params(&object)?;
            keys.push((name, object));
        }
    }
    let count =
        u8::try_from(keys.len()).map_err(|_| CryptError::KeyObject("more than 255 keys"))?;
    out.push(count);
    for (name, object) in keys {
        // Key names are `key-` and 16 characters: one byte holds the length.
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&object);
    }
    out.extend_from_slice(&store.seal_object(NAME, &parts.concat())?);
    Ok(out)
}

fn damaged(detail: &'static str) -> CryptError {
    CryptError::Io(IoError::Damaged {
        name: "the backup file".into(),
        detail,
    })
}

/// The plaintext backup file inside a sealed one, if `password` opens one of its keys.
pub fn open_bundle(bytes: &[u8], password: &[u8]) -> Result<Vec<u8>, CryptError> {
    let truncated = || damaged("it is truncated");
    let header = bytes.get(..13).ok_or_else(truncated)?;
    if &header[..8] != MAGIC {
        return Err(damaged("it does not start with CAIRNSBK"));
    }
    let version = u16::from_le_bytes([header[8], header[9]]);
    if version != VERSION {
        return Err(CryptError::UnsupportedVersion(version));
    }
    let mut at = 13;
    let mut master = None;
    for _ in 0..header[12] {
        let len = usize::from(*bytes.get(at).ok_or_else(truncated)?);
        let name = bytes.get(at + 1..at + 1 + len).ok_or_else(truncated)?;
        let name = core::str::from_utf8(name).map_err(|_| damaged("a key's name is not UTF-8"))?;
        let object = bytes
            .get(at + 1 + len..at + 1 + len + KEY_OBJECT_LEN)
            .ok_or_else(truncated)?;
        at += 1 + len + KEY_OBJECT_LEN;
        if master.is_none() {
            master = keys::unwrap(object, name, password)?;
        }
    }
    let master = master.ok_or(if header[12] == 0 {
        CryptError::NoKeys
    } else {
        CryptError::WrongPassword
    })?;
    seal::open(&master.data_key(), NAME, &bytes[at..]).map_err(|d| damaged(d.describe()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open::inspect;
    use crate::KdfParams;
    use cairn_core::MemoryStorage;
    use pollster::block_on;

    #[test]
    fn a_sealed_bundle_opens_with_the_backups_password_only() {
        let opening = block_on(inspect(MemoryStorage::new())).unwrap();
        let store = block_on(opening.create(b"pw", KdfParams::CHEAP)).unwrap();
        let parts = [b"CAIRNBAK...".to_vec(), b"more".to_vec()];
        let sealed = block_on(seal_bundle(&store, &parts)).unwrap();
        assert!(is_sealed(&sealed));
        assert_eq!(open_bundle(&sealed, b"pw").unwrap(), b"CAIRNBAK...more");
        assert_eq!(open_bundle(&sealed, b"no"), Err(CryptError::WrongPassword));
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(matches!(
            open_bundle(&flipped, b"pw"),
            Err(CryptError::Io(IoError::Damaged { .. }))
        ));
        let cut = &sealed[..sealed.len() - 20];
        assert!(open_bundle(cut, b"pw").is_err());
        assert!(open_bundle(&sealed[..20], b"pw").is_err());
    }
}
