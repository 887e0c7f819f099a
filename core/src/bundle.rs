//! A whole store as one byte stream: the `.cairnbak` file a browser downloads and the CLI
//! restores (or the other way round).
//!
//! ```text
//! magic "CAIRNBAK" | version u16 LE (1) | reserved u16 LE (0)
//! records, each:  kind u8 | name length u8 | name | length u64 LE | bytes
//!                 kind 1 = a table file (named by its base32 name), 2 = the manifest (no name)
//! end:            kind 0 | BLAKE3-160 of every byte before it
//! ```
//! A bundle holds exactly the files of a store: the manifest and the table files it lists.
//! Reading one checks the trailing hash before anything is written.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::{ChunkStore, StoreError};
use crate::hash::{Hash, Hasher, HASH_LEN};
use crate::io::{IoError, Storage};
use crate::manifest::Manifest;
use crate::sync::{Phase, Progress, Sink};

pub const MAGIC: &[u8; 8] = b"CAIRNBAK";
pub const VERSION: u16 = 1;
const TABLE: u8 = 1;
const MANIFEST: u8 = 2;
const END: u8 = 0;

#[derive(Debug, PartialEq)]
pub enum BundleError {
    NotABundle,
    UnsupportedVersion(u16),
    Truncated,
    Checksum,
    Malformed(&'static str),
    Store(StoreError),
    Io(IoError),
    /// The sink asked to stop; nothing was written.
    Interrupted,
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::NotABundle => f.write_str("not a Cairn backup file (bad magic)"),
            BundleError::UnsupportedVersion(v) => write!(
                f,
                "backup file format version {v} is not supported (this build reads version {VERSION})"
            ),
            BundleError::Truncated => f.write_str("the backup file is truncated"),
            BundleError::Checksum => {
                f.write_str("the backup file is damaged (its checksum does not match)")
            }
            BundleError::Malformed(what) => write!(f, "the backup file is malformed: {what}"),
            BundleError::Store(e) => e.fmt(f),
            BundleError::Io(e) => e.fmt(f),
            BundleError::Interrupted => f.write_str("interrupted; nothing was written"),
        }
    }
}

impl From<StoreError> for BundleError {
    fn from(e: StoreError) -> Self {
        BundleError::Store(e)
    }
}

impl From<IoError> for BundleError {
    fn from(e: IoError) -> Self {
        BundleError::Io(e)
    }
}

fn record_header(kind: u8, name: &str, len: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(10 + name.len());
    out.push(kind);
    out.push(name.len() as u8);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out
}

/// The bundle of a store, as parts to concatenate (a browser makes a `Blob` of them without
/// joining them first). Every table file is checked chunk by chunk on the way out; progress
/// counts table files' chunks and bytes, and the sink may stop it between files.
pub async fn write<S: Storage>(
    store: &ChunkStore<S>,
    progress: &mut dyn Sink,
) -> Result<Vec<Vec<u8>>, BundleError> {
    let tables = &store.manifest().tables;
    let mut event = Progress {
        phase: Phase::TableFiles,
        chunks_done: 0,
        chunks_total: tables.iter().map(|t| u64::from(t.chunk_count)).sum(),
        bytes_done: 0,
        bytes_total: tables.iter().map(|t| t.size).sum(),
    };
    progress.report(&event);
    let mut parts = Vec::new();
    let mut hasher = Hasher::new();
    let mut push = |part: Vec<u8>, parts: &mut Vec<Vec<u8>>| {
        hasher.update(&part);
        parts.push(part);
    };
    let mut header = MAGIC.to_vec();
    header.extend_from_slice(&VERSION.to_le_bytes());
    header.extend_from_slice(&[0, 0]);
    push(header, &mut parts);
    let manifest = store.manifest().encode();
    push(
        record_header(MANIFEST, "", manifest.len() as u64),
        &mut parts,
    );
    push(manifest, &mut parts);
    for spec in tables {
        if progress.interrupted() {
            return Err(BundleError::Interrupted);
        }
        let bytes = store.read_table_checked(&spec.name).await?;
        push(
            record_header(TABLE, &spec.name, bytes.len() as u64),
            &mut parts,
        );
        push(bytes, &mut parts);
        event.chunks_done += u64::from(spec.chunk_count);
        event.bytes_done += spec.size;
        progress.report(&event);
    }
    if progress.interrupted() {
        return Err(BundleError::Interrupted);
    }
    let mut end = alloc::vec![END];
    end.extend_from_slice(&hasher.finish().0);
    parts.push(end);
    Ok(parts)
}

/// Unpacks a bundle into the empty storage `dst`: table files first, the manifest last, so an
/// interrupted read leaves no store, only files a prune reclaims.
pub async fn read<S: Storage>(bytes: &[u8], dst: &S) -> Result<(), BundleError> {
    if bytes.len() < 12 + 1 + HASH_LEN {
        return Err(if bytes.starts_with(MAGIC) || MAGIC.starts_with(bytes) {
            BundleError::Truncated
        } else {
            BundleError::NotABundle
        });
    }
    if &bytes[..8] != MAGIC {
        return Err(BundleError::NotABundle);
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != VERSION {
        return Err(BundleError::UnsupportedVersion(version));
    }
    let body = &bytes[..bytes.len() - HASH_LEN];
    if body.last() != Some(&END) {
        return Err(BundleError::Truncated);
    }
    if Hash::of(&body[..body.len() - 1]).0[..] != bytes[bytes.len() - HASH_LEN..] {
        return Err(BundleError::Checksum);
    }
    let mut at = 12;
    let mut manifest: Option<&[u8]> = None;
    let mut tables: Vec<(String, &[u8])> = Vec::new();
    loop {
        let kind = *body.get(at).ok_or(BundleError::Truncated)?;
        if kind == END {
            if at + 1 != body.len() {
                return Err(BundleError::Malformed("bytes after the end record"));
            }
            break;
        }
        let name_len = usize::from(*body.get(at + 1).ok_or(BundleError::Truncated)?);
        let name_end = at + 2 + name_len;
        let name = body.get(at + 2..name_end).ok_or(BundleError::Truncated)?;
        let name = core::str::from_utf8(name).map_err(|_| BundleError::Malformed("a file name"))?;
        let len_bytes = body
            .get(name_end..name_end + 8)
            .ok_or(BundleError::Truncated)?;
        let len = u64::from_le_bytes(len_bytes.try_into().map_err(|_| BundleError::Truncated)?);
        let start = name_end + 8;
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| start.checked_add(l))
            .filter(|&e| e < body.len())
            .ok_or(BundleError::Truncated)?;
        let data = &body[start..end];
        match kind {
            TABLE => tables.push((name.into(), data)),
            MANIFEST if manifest.is_none() => manifest = Some(data),
            MANIFEST => return Err(BundleError::Malformed("two manifests")),
            _ => return Err(BundleError::Malformed("unknown record kind")),
        }
        at = end;
    }
    let manifest = manifest.ok_or(BundleError::Malformed("no manifest"))?;
    let listed = Manifest::decode(manifest).map_err(|e| BundleError::Store(e.into()))?;
    if listed.tables.len() != tables.len()
        || !listed.tables.iter().all(|t| {
            tables
                .iter()
                .any(|(n, d)| *n == t.name && d.len() as u64 == t.size)
        })
    {
        return Err(BundleError::Malformed(
            "its table files are not the ones its manifest lists",
        ));
    }
    for (name, data) in &tables {
        dst.put(name, data).await?;
    }
    if dst.swap_manifest(None, manifest).await?.is_none() {
        return Err(BundleError::Malformed("the destination is not empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemoryStorage;
    use pollster::block_on;

    fn bundle() -> Vec<u8> {
        let mut store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
        let a = block_on(store.put(b"alpha")).unwrap();
        block_on(store.commit(Hash::EMPTY, a)).unwrap();
        let b = block_on(store.put(b"beta")).unwrap();
        block_on(store.commit(a, b)).unwrap();
        block_on(write(&store, &mut crate::sync::Silent))
            .unwrap()
            .concat()
    }

    #[test]
    fn round_trip() {
        let bytes = bundle();
        let dst = MemoryStorage::new();
        block_on(read(&bytes, &dst)).unwrap();
        let store = block_on(ChunkStore::open(dst)).unwrap();
        assert_eq!(store.root(), Hash::of(b"beta"));
        assert_eq!(
            block_on(store.get(&Hash::of(b"alpha"))).unwrap().as_deref(),
            Some(&b"alpha"[..])
        );
    }

    #[test]
    fn damage_is_refused_before_anything_is_written() {
        let bytes = bundle();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            let dst = MemoryStorage::new();
            assert!(block_on(read(&bad, &dst)).is_err(), "flip at {i}");
            assert_eq!(dst.total_bytes(), 0, "flip at {i} wrote");
        }
        for len in 0..bytes.len() {
            let dst = MemoryStorage::new();
            assert!(block_on(read(&bytes[..len], &dst)).is_err(), "cut at {len}");
        }
        assert_eq!(
            block_on(read(
                b"PK\x03\x04 a zip file, not ours",
                &MemoryStorage::new()
            )),
            Err(BundleError::NotABundle)
        );
    }
}
