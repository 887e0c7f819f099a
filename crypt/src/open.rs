//! Opening a store that may be encrypted, creating an encrypted one, and managing its keys.
//!
//! `inspect` reads the manifest once: a sealed manifest starts with a plaintext magic line. A
//! store with no manifest yet is encrypted when it holds key objects (`backup add --encrypt`
//! writes one before the first sync).

use alloc::string::String;
use alloc::vec::Vec;

use cairn_core::io::{ManifestRead, Storage};

use crate::error::CryptError;
use crate::keys::{self, KdfParams, MasterKey, KEY_PREFIX};
use crate::primed::Primed;
use crate::storage::{Sealed, MANIFEST_MAGIC};

/// A store looked at once: its storage (the manifest read kept for the first reader), and the
/// key objects' names if it is encrypted.
pub struct Opening<S> {
    storage: Primed<S>,
    /// `None`: not encrypted.
    keys: Option<Vec<String>>,
    /// Whether it holds anything: a manifest or any object.
    empty: bool,
}

/// One key object as `key list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// The name without `key-`.
    pub id: String,
    pub params: KdfParams,
    pub modified_ms: u64,
}

/// The names of `inner`'s key objects, sorted.
async fn key_names<S: Storage + ?Sized>(inner: &S) -> Result<(Vec<String>, bool), CryptError> {
    let objects = inner.list().await?;
    let mut keys: Vec<String> = objects
        .iter()
        .filter(|o| o.name.starts_with(KEY_PREFIX))
        .map(|o| o.name.clone())
        .collect();
    keys.sort();
    Ok((keys, objects.is_empty()))
}

pub async fn inspect<S: Storage>(inner: S) -> Result<Opening<S>, CryptError> {
    let read: Option<ManifestRead> = inner.read_manifest().await?;
    let (keys, empty) = match &read {
        Some(r) if r.bytes.starts_with(MANIFEST_MAGIC) => (Some(key_names(&inner).await?.0), false),
        Some(_) => (None, false),
        None => {
            let (keys, empty) = key_names(&inner).await?;
            (Some(keys).filter(|k| !k.is_empty()), empty)
        }
    };
    Ok(Opening {
        storage: Primed::new(inner, read),
        keys,
        empty,
    })
}

impl<S: Storage> Opening<S> {
    pub fn is_encrypted(&self) -> bool {
        self.keys.is_some()
    }

    /// Whether it holds nothing at all: where a new encrypted store may be made.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// The store as it is, for one that is not encrypted.
    pub fn plain(self) -> Primed<S> {
        self.storage
    }

    /// The master key that `password` opens, and the key object that opened it.
    pub async fn master_key(&self, password: &[u8]) -> Result<(MasterKey, String), CryptError> {
        let keys = self.keys.as_deref().unwrap_or_default();
        if keys.is_empty() {
            return Err(CryptError::NoKeys);
        }
        for name in keys {
            // Deleted since the listing: another process retired it.
            let Some(bytes) = self.storage.get(name).await? else {
                continue;
            };
            if let Some(master) = keys::unwrap(&bytes, name, password)? {
                return Ok((master, name.clone()));
            }
        }
        Err(CryptError::WrongPassword)
    }

    /// The encrypted store, opened with `password`.
    pub async fn unlock(self, password: &[u8]) -> Result<Sealed<Primed<S>>, CryptError> {
        let (master, _) = self.master_key(password).await?;
        Ok(Sealed::new(self.storage, &master))
    }

    /// Makes the empty store encrypted with a new master key and one key for `password`.
    pub async fn create(
        self,
        password: &[u8],
        params: KdfParams,
    ) -> Result<Sealed<Primed<S>>, CryptError> {
        if !self.empty {
            return Err(CryptError::NotEncrypted);
        }
        let master = MasterKey::generate()?;
        add_key(&self.storage, &master, password, params).await?;
        Ok(Sealed::new(self.storage, &master))
    }

    pub fn storage(&self) -> &Primed<S> {
        &self.storage
    }
}

/// Writes a key object for `password` wrapping `master`; answers its id.
pub async fn add_key<S: Storage + ?Sized>(
    inner: &S,
    master: &MasterKey,
    password: &[u8],
    params: KdfParams,
) -> Result<String, CryptError> {
    let name = keys::new_key_name()?;
    let object = keys::wrap(master, password, params, &name)?;
    inner.put(&name, &object).await?;
    Ok(name[KEY_PREFIX.len()..].into())
}

/// The store's key objects.
pub async fn list_keys<S: Storage + ?Sized>(inner: &S) -> Result<Vec<KeyInfo>, CryptError> {
    let mut out = Vec::new();
    let mut objects = inner.list().await?;
    objects.sort_by(|a, b| a.name.cmp(&b.name));
    for object in objects {
        let Some(id) = object.name.strip_prefix(KEY_PREFIX) else {
            continue;
        };
        let Some(bytes) = inner.get(&object.name).await? else {
            continue;
        };
        out.push(KeyInfo {
            id: id.into(),
            params: keys::params(&bytes)?,
            modified_ms: object.modified_ms,
        });
    }
    Ok(out)
}

/// Deletes the key whose id starts with `id`; refuses the last one.
pub async fn remove_key<S: Storage + ?Sized>(inner: &S, id: &str) -> Result<String, CryptError> {
    let keys = list_keys(inner).await?;
    let matching: Vec<&KeyInfo> = keys
        .iter()
        .filter(|k| !id.is_empty() && k.id.starts_with(id))
        .collect();
    let [found] = matching[..] else {
        return Err(CryptError::NoSuchKey(id.into()));
    };
    if keys.len() == 1 {
        return Err(CryptError::LastKey);
    }
    inner
        .delete(&alloc::format!("{KEY_PREFIX}{}", found.id))
        .await?;
    Ok(found.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_core::chunk_store::ChunkStore;
    use cairn_core::{Hash, MemoryStorage};
    use pollster::block_on;

    fn encrypted(password: &[u8]) -> (MemoryStorage, Sealed<Primed<MemoryStorage>>) {
        let inner = MemoryStorage::new();
        let opening = block_on(inspect(inner.clone())).unwrap();
        assert!(!opening.is_encrypted() && opening.is_empty());
        (
            inner,
            block_on(opening.create(password, KdfParams::CHEAP)).unwrap(),
        )
    }

    #[test]
    fn passes_the_storage_conformance_suite() {
        let (inner, a) = encrypted(b"pw");
        let b = block_on(block_on(inspect(inner)).unwrap().unlock(b"pw")).unwrap();
        block_on(cairn_core::conformance::run(&a, &b)).unwrap_or_else(|f| panic!("{f}"));
    }

    #[test]
    fn a_store_reopens_only_with_a_password_it_has_a_key_for() {
        let (inner, sealed) = encrypted(b"first");
        let mut store = block_on(ChunkStore::open(sealed)).unwrap();
        let root = block_on(store.put(b"a chunk")).unwrap();
        block_on(store.commit(Hash::EMPTY, root)).unwrap();

        let opening = block_on(inspect(inner.clone())).unwrap();
        assert!(opening.is_encrypted());
        let (master, _) = block_on(opening.master_key(b"first")).unwrap();
        assert_eq!(
            block_on(opening.master_key(b"second")).err(),
            Some(CryptError::WrongPassword)
        );
        let second = block_on(add_key(&inner, &master, b"second", KdfParams::CHEAP)).unwrap();
        let first = block_on(list_keys(&inner)).unwrap();
        assert_eq!(first.len(), 2);
        let first = first.into_iter().find(|k| k.id != second).unwrap().id;
        block_on(remove_key(&inner, &first)).unwrap();
        assert_eq!(
            block_on(remove_key(&inner, &second)),
            Err(CryptError::LastKey)
        );
        let opening = block_on(inspect(inner.clone())).unwrap();
        assert_eq!(
            block_on(opening.master_key(b"first")).err(),
            Some(CryptError::WrongPassword)
        );
        let store = block_on(ChunkStore::open(
            block_on(opening.unlock(b"second")).unwrap(),
        ))
        .unwrap();
        assert_eq!(
            block_on(store.get(&root)).unwrap().as_deref(),
            Some(&b"a chunk"[..])
        );
    }

    #[test]
    fn only_empty_stores_become_encrypted() {
        let inner = MemoryStorage::new();
        block_on(inner.put("x", b"y")).unwrap();
        let opening = block_on(inspect(inner)).unwrap();
        assert!(matches!(
            block_on(opening.create(b"p", KdfParams::CHEAP)),
            Err(CryptError::NotEncrypted)
        ));
    }
}
