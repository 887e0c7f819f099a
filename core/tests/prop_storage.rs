//! Property tests of the storage layer's codecs: base32, varints, the manifest, table file
//! footers and indexes, and `.cairnbak` bundles. Each round trips generated values, and its
//! decoder returns an error, never a panic, on arbitrary bytes.

use cairn_core::codec::{put_uvarint, read_uvarint, Reader};
use cairn_core::hash::{Hash, HASH_LEN};
use cairn_core::manifest::{Manifest, TableSpec};
use cairn_core::table_file::{
    chunk_of, decode_index, Entry, Footer, Index, Part, TableWriter, FOOTER_LEN,
};
use cairn_core::{base32, bundle, ChunkStore, MemoryStorage};
use pollster::block_on;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

fn hash() -> impl Strategy<Value = Hash> {
    any::<[u8; HASH_LEN]>().prop_map(Hash)
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..200)
}

/// Chunks that compress: a few bytes repeated, with some changed.
fn repetitive() -> impl Strategy<Value = Vec<u8>> {
    (
        vec(any::<u8>(), 1..8),
        1usize..600,
        vec((any::<usize>(), any::<u8>()), 0..4),
    )
        .prop_map(|(unit, times, changes)| {
            let mut out = unit.repeat(times);
            for (at, byte) in changes {
                let len = out.len();
                out[at % len] = byte;
            }
            out
        })
}

proptest! {
    #[test]
    fn base32_round_trips(data in bytes()) {
        let text = base32::encode(&data);
        prop_assert_eq!(base32::decode(&text), Some(data.clone()));
        prop_assert_eq!(base32::decode(&text.to_uppercase()), Some(data));
    }

    /// Only the canonical spelling (up to case) decodes.
    #[test]
    fn base32_decodes_only_canonical_text(text in "[0-9a-zA-Z!]{0,40}") {
        if let Some(data) = base32::decode(&text) {
            prop_assert_eq!(base32::encode(&data), text.to_lowercase());
        }
    }

    #[test]
    fn uvarints_round_trip(v in any::<u64>(), tail in bytes()) {
        let mut buf = Vec::new();
        put_uvarint(&mut buf, v);
        let len = buf.len();
        buf.extend_from_slice(&tail);
        let mut pos = 0;
        prop_assert_eq!(read_uvarint(&buf, &mut pos), Some(v));
        prop_assert_eq!(pos, len);
        let mut r = Reader::new(&buf);
        prop_assert_eq!(r.uvarint(), Ok(v));
    }

    /// A varint read from any bytes is the shortest encoding of its value.
    #[test]
    fn uvarints_from_any_bytes_are_canonical(data in vec(any::<u8>(), 0..12)) {
        let mut pos = 0;
        if let Some(v) = read_uvarint(&data, &mut pos) {
            let mut again = Vec::new();
            put_uvarint(&mut again, v);
            prop_assert_eq!(&again[..], &data[..pos]);
        } else {
            prop_assert_eq!(pos, 0);
        }
    }

    #[test]
    fn manifests_round_trip(
        lock in hash(),
        root in hash(),
        tables in btree_map(hash(), (any::<u32>(), any::<u64>()), 0..6),
    ) {
        let manifest = Manifest {
            lock,
            root,
            tables: tables
                .into_iter()
                .map(|(name, (chunk_count, size))| TableSpec {
                    name: name.to_base32(),
                    chunk_count,
                    size,
                })
                .collect(),
        };
        prop_assert_eq!(Manifest::decode(&manifest.encode()), Ok(manifest));
    }

    #[test]
    fn manifest_decode_never_panics(data in bytes(), text in "[a-z0-9 \n]{0,200}") {
        let _ = Manifest::decode(&data);
        let _ = Manifest::decode(text.as_bytes());
        let _ = Manifest::decode(format!("cairn-manifest 1\n{text}").as_bytes());
    }

    #[test]
    fn footers_round_trip(index_hash in hash(), data_len in any::<u64>(), chunk_count in any::<u32>(), version in 1u16..=3) {
        let footer = Footer { index_hash, data_len, chunk_count, version };
        let total = data_len
            .checked_add(footer.index_len())
            .and_then(|n| n.checked_add(FOOTER_LEN as u64));
        match total {
            Some(file_len) => prop_assert_eq!(Footer::decode(&footer.encode(), file_len), Ok(footer)),
            None => prop_assert!(Footer::decode(&footer.encode(), u64::MAX).is_err()),
        }
    }

    /// A table file of any chunks reads back: footer, index and every chunk.
    #[test]
    fn table_files_round_trip(chunks in vec(prop_oneof![bytes(), repetitive()], 0..8)) {
        let mut w = TableWriter::new();
        for c in &chunks {
            w.add(Hash::of(c), c);
        }
        let (footer, file, entries) = w.finish();
        let tail = &file[file.len() - FOOTER_LEN..];
        prop_assert_eq!(Footer::decode(tail, file.len() as u64), Ok(footer));
        let start = footer.data_len as usize;
        let index = &file[start..start + footer.index_len() as usize];
        prop_assert_eq!(decode_index(index, &footer), Ok(entries.clone()));
        let index = Index::from(entries);
        for c in &chunks {
            let e = index.find(&Hash::of(c)).unwrap();
            let record = &file[e.offset as usize..][..e.len as usize];
            prop_assert_eq!(&*chunk_of(footer.version, &e, record).unwrap(), &c[..]);
        }
    }

    /// Whatever a record holds, decoding it answers a chunk or an error, never a panic.
    #[test]
    fn record_decode_never_panics(record in bytes(), claimed in any::<u32>(), block in bytes(), part in (any::<u32>(), any::<u32>())) {
        let part = Some(Part { at: part.0, len: part.1 });
        for (version, codec, part) in [(2, 1, None), (3, 2, part), (3, 2, None), (4, 2, part)] {
            let e = Entry { hash: Hash::of(b"x"), offset: 0, len: 0, part, check: None };
            let _ = chunk_of(version, &e, &record);
            let mut compressed = vec![codec];
            compressed.extend_from_slice(&claimed.to_le_bytes());
            compressed.extend_from_slice(&block);
            let _ = chunk_of(version, &e, &compressed);
        }
    }

    #[test]
    fn table_file_decode_never_panics(tail in vec(any::<u8>(), FOOTER_LEN..=FOOTER_LEN), file_len in any::<u64>(), index in bytes(), footer in (hash(), any::<u64>(), 0u32..8), version in 1u16..=3) {
        let _ = Footer::decode(&tail, file_len);
        let footer = Footer { index_hash: footer.0, data_len: footer.1, chunk_count: footer.2, version };
        let _ = decode_index(&index, &footer);
    }

    /// A store of any chunks goes through a `.cairnbak` and comes back with every chunk.
    #[test]
    fn bundles_round_trip(batches in vec(vec(bytes(), 1..4), 1..4)) {
        let mut store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
        let mut root = Hash::EMPTY;
        for batch in &batches {
            let mut last = root;
            for c in batch {
                last = block_on(store.put(c)).unwrap();
            }
            block_on(store.commit(root, last)).unwrap();
            root = last;
        }
        let bytes = block_on(bundle::write(&store, &mut cairn_core::sync::Silent))
            .unwrap()
            .concat();
        let dst = MemoryStorage::new();
        block_on(bundle::read(&bytes, &dst)).unwrap();
        let copy = block_on(ChunkStore::open(dst)).unwrap();
        prop_assert_eq!(copy.root(), root);
        prop_assert_eq!(copy.manifest(), store.manifest());
        for c in batches.iter().flatten() {
            prop_assert_eq!(block_on(copy.get(&Hash::of(c))).unwrap(), Some(c.clone()));
        }
    }

    /// Any bytes, and any bytes under a valid header and checksum, are refused or read
    /// without a panic; a refused bundle writes nothing.
    #[test]
    fn bundle_read_never_panics(body in bytes(), headed in any::<bool>()) {
        let mut data = if headed { b"CAIRNBAK\x01\x00\x00\x00".to_vec() } else { Vec::new() };
        data.extend_from_slice(&body);
        let mut sealed = data.clone();
        sealed.push(0);
        sealed.extend_from_slice(&Hash::of(&data).0);
        for bytes in [data, sealed] {
            let dst = MemoryStorage::new();
            if block_on(bundle::read(&bytes, &dst)).is_err() {
                prop_assert_eq!(dst.total_bytes(), 0);
            }
        }
    }
}
