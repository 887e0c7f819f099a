//! `Sealed`: a `Storage` over another that seals every object, name and manifest with a
//! store's master key. Everything above it (sync, restore, verify, prune, export) sees
//! plaintext and is unchanged; everything below it sees only sealed bytes.
//!
//! A ranged read of the plaintext maps to the sealed segments that hold it, one request.
//! Which segment is the last depends on the object's size, which the manifest (sealed
//! plaintext sizes), a listing, a put or an out-of-range answer tells; objects are immutable,
//! so a size once learned stays true.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use cairn_core::io::{BoxFuture, IoError, IoResult, ManifestRead, ObjectInfo, Storage, Version};
use cairn_core::manifest::Manifest;
use spin::Mutex;

use crate::keys::{DataKey, MasterKey, NameKey, KEY_PREFIX};
use crate::names::{open_name, seal_name};
use crate::seal::{self, Damage, SEALED_SEGMENT, SEGMENT};

/// The first line of a sealed manifest, in plaintext: what tells every command that a store
/// is encrypted after one read.
pub const MANIFEST_MAGIC: &[u8] = b"cairn-sealed-manifest 1\n";
/// The name sealed manifests are sealed under.
const MANIFEST_NAME: &str = "manifest";

pub struct Sealed<S> {
    inner: S,
    data: DataKey,
    names: NameKey,
    /// Stored (sealed) sizes, by plaintext name.
    sizes: Mutex<BTreeMap<String, u64>>,
}

fn damaged(name: &str, damage: Damage) -> IoError {
    IoError::Damaged {
        name: name.into(),
        detail: damage.describe(),
    }
}

/// `len` bytes at `at` of opened segments: short where the backend answered fewer bytes than
/// asked for.
fn part(name: &str, opened: &[u8], at: u64, len: u64) -> IoResult<Vec<u8>> {
    let end = at.checked_add(len).and_then(|e| usize::try_from(e).ok());
    let wanted = end.and_then(|end| opened.get(at as usize..end));
    Ok(wanted
        .ok_or_else(|| damaged(name, Damage::Length))?
        .to_vec())
}

impl<S: Storage> Sealed<S> {
    pub fn new(inner: S, master: &MasterKey) -> Self {
        Sealed {
            inner,
            data: master.data_key(),
            names: master.name_key(),
            sizes: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// `bytes` sealed as an object named `name` of this store, outside it (a sealed backup
    /// file).
    pub fn seal_object(&self, name: &str, bytes: &[u8]) -> Result<Vec<u8>, crate::CryptError> {
        seal::seal(&self.data, name, bytes)
    }

    fn learn(&self, name: &str, sealed_size: u64) {
        self.sizes.lock().insert(name.into(), sealed_size);
    }

    fn known_size(&self, name: &str) -> Option<u64> {
        self.sizes.lock().get(name).copied()
    }

    /// The table files' sizes a manifest lists.
    fn learn_manifest(&self, plain: &[u8]) {
        if let Ok(manifest) = Manifest::decode(plain) {
            let mut sizes = self.sizes.lock();
            for t in manifest.tables {
                sizes.insert(t.name, seal::sealed_len(t.size));
            }
        }
    }

    /// Plaintext bytes `offset..offset + len` of an object whose stored size is `sealed`.
    async fn read_known(
        &self,
        name: &str,
        stored: &str,
        sealed: u64,
        offset: u64,
        len: u64,
    ) -> IoResult<Option<Vec<u8>>> {
        let plain = seal::plain_len(sealed).ok_or_else(|| damaged(name, Damage::Length))?;
        let out_of_range = IoError::OutOfRange {
            name: name.into(),
            offset,
            len,
            size: plain,
        };
        let end = offset.checked_add(len).ok_or(out_of_range.clone())?;
        if end > plain {
            return Err(out_of_range);
        }
        let first = offset / SEGMENT;
        let last = end.saturating_sub(1).max(offset) / SEGMENT;
        let from = first * SEALED_SEGMENT;
        let to = ((last + 1) * SEALED_SEGMENT).min(sealed);
        let bytes = match self.inner.get_range(stored, from, to - from).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(None),
            // Shorter than its size said: truncated since the size was learned.
            Err(IoError::OutOfRange { size, .. }) => {
                self.learn(name, size);
                return Err(damaged(name, Damage::Length));
            }
            Err(e) => return Err(e),
        };
        let last_segment = seal::segments(plain) - 1;
        let opened = seal::open_segments(&self.data, name, first, &bytes, Some(last_segment))
            .map_err(|d| damaged(name, d))?;
        part(name, &opened, offset - first * SEGMENT, len).map(Some)
    }
}

impl<S: Storage> Storage for Sealed<S> {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        Box::pin(async move {
            let stored = seal_name(&self.names, name)?;
            let Some(bytes) = self.inner.get(&stored).await? else {
                return Ok(None);
            };
            self.learn(name, bytes.len() as u64);
            let plain = seal::open(&self.data, name, &bytes).map_err(|d| damaged(name, d))?;
            Ok(Some(plain))
        })
    }

    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        Box::pin(async move {
            let stored = seal_name(&self.names, name)?;
            if let Some(sealed) = self.known_size(name) {
                return self.read_known(name, &stored, sealed, offset, len).await;
            }
            // Size unknown: ask for whole segments; an object that ends sooner answers with
            // its size, and the read is made again knowing it.
            let first = offset / SEGMENT;
            let last = offset.saturating_add(len).saturating_sub(1).max(offset) / SEGMENT;
            let from = first * SEALED_SEGMENT;
            let to = (last + 1) * SEALED_SEGMENT;
            match self.inner.get_range(&stored, from, to - from).await {
                Ok(Some(bytes)) => {
                    let opened = seal::open_segments(&self.data, name, first, &bytes, None)
                        .map_err(|d| damaged(name, d))?;
                    part(name, &opened, offset - first * SEGMENT, len).map(Some)
                }
                Ok(None) => Ok(None),
                Err(IoError::OutOfRange { size, .. }) => {
                    self.learn(name, size);
                    self.read_known(name, &stored, size, offset, len).await
                }
                Err(e) => Err(e),
            }
        })
    }

    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            let stored = seal_name(&self.names, name)?;
            let sealed = seal::seal(&self.data, name, data)
                .map_err(|e| IoError::backend("seal", name, e))?;
            self.inner.put(&stored, &sealed).await?;
            self.learn(name, sealed.len() as u64);
            Ok(())
        })
    }

    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for object in self.inner.list().await? {
                if object.name.starts_with(KEY_PREFIX) {
                    continue;
                }
                // Objects not sealed under this key are not the store's: left alone.
                let Some(name) = open_name(&self.names, &object.name) else {
                    continue;
                };
                self.learn(&name, object.size);
                out.push(ObjectInfo {
                    // A length no plaintext seals to is reported as it is: it then differs
                    // from the manifest's size, and verify names the file.
                    size: seal::plain_len(object.size).unwrap_or(object.size),
                    name,
                    modified_ms: object.modified_ms,
                });
            }
            Ok(out)
        })
    }

    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            self.inner.delete(&seal_name(&self.names, name)?).await?;
            self.sizes.lock().remove(name);
            Ok(())
        })
    }

    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
        Box::pin(async move {
            let Some(read) = self.inner.read_manifest().await? else {
                return Ok(None);
            };
            let sealed = read
                .bytes
                .strip_prefix(MANIFEST_MAGIC)
                .ok_or(IoError::Damaged {
                    name: MANIFEST_NAME.into(),
                    detail: "it is not sealed, in an encrypted store",
                })?;
            let bytes = seal::open(&self.data, MANIFEST_NAME, sealed)
                .map_err(|d| damaged(MANIFEST_NAME, d))?;
            self.learn_manifest(&bytes);
            Ok(Some(ManifestRead {
                bytes,
                version: read.version,
            }))
        })
    }

    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>> {
        Box::pin(async move {
            let sealed = seal::seal(&self.data, MANIFEST_NAME, new)
                .map_err(|e| IoError::backend("seal", MANIFEST_NAME, e))?;
            let bytes = [MANIFEST_MAGIC, &sealed].concat();
            let swapped = self.inner.swap_manifest(expected, &bytes).await?;
            if swapped.is_some() {
                self.learn_manifest(new);
            }
            Ok(swapped)
        })
    }

    fn temporaries(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        self.inner.temporaries()
    }

    fn delete_temporary<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        self.inner.delete_temporary(name)
    }
}
