//! The format's test vectors: a small store built by fixed steps must come out byte for byte
//! as the files in tests/vectors/v4/store, and those files, and the files that versions 1
//! to 3 wrote in tests/vectors/v1/store to v3/store, must read back. The wasm build checks
//! the same files from Node (npm/test/vectors.test.mjs).
//!
//! `CAIRN_BLESS=1 cargo test -p cairn-tests --test vectors -- --test-threads 1` rewrites them;
//! do that only when the writer's bytes change (a format version, or how blocks are
//! compressed), and describe the change in docs/FORMAT.md.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use cairn::{block_on, FsStorage};
use cairn_core::chunk_store::ChunkStore;
use cairn_core::verify::verify;
use cairn_core::{Hash, MemoryStorage, Storage};
use cairn_tests::{hex, unhex};
use serde_json::{json, Value};

/// The vectors of table file format `version`; this build writes the latest, `v4`.
fn vectors_dir(version: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(version)
}

/// The steps, as first chosen: five chunks in two commits, so the store has two table files.
fn fresh_vectors() -> Value {
    let chunks: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"a".to_vec(),
        b"hello, cairn".to_vec(),
        (0..300u32).map(|i| (i * 7 % 251) as u8).collect(),
        vec![0u8; 256],
    ];
    json!({
        "format": "cairn store: table file v4, manifest v1",
        "chunks": chunks.iter().map(|c| json!({"hex": hex(c), "hash": Hash::of(c).to_base32()})).collect::<Vec<_>>(),
        "commits": [{"chunks": [0, 1, 2], "root": 2}, {"chunks": [3, 4], "root": 4}],
    })
}

/// Replays the steps on an in-memory store; returns its files by name.
fn build(vectors: &Value) -> BTreeMap<String, Vec<u8>> {
    let chunks: Vec<Vec<u8>> = vectors["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| unhex(c["hex"].as_str().unwrap()))
        .collect();
    let storage = MemoryStorage::new();
    let mut store = block_on(ChunkStore::open(storage.clone())).unwrap();
    for commit in vectors["commits"].as_array().unwrap() {
        for i in commit["chunks"].as_array().unwrap() {
            block_on(store.put(&chunks[i.as_u64().unwrap() as usize])).unwrap();
        }
        let root = Hash::of(&chunks[commit["root"].as_u64().unwrap() as usize]);
        block_on(store.commit(store.root(), root)).unwrap();
    }
    let mut files = BTreeMap::new();
    for object in block_on(storage.list()).unwrap() {
        let bytes = block_on(storage.get(&object.name)).unwrap().unwrap();
        files.insert(object.name, bytes);
    }
    files.insert(
        "manifest".into(),
        block_on(storage.read_manifest()).unwrap().unwrap().bytes,
    );
    files
}

#[test]
fn the_same_steps_write_the_same_bytes() {
    let dir = vectors_dir("v4");
    if std::env::var_os("CAIRN_BLESS").is_some() {
        let vectors = fresh_vectors();
        let files = build(&vectors);
        let _ = fs::remove_dir_all(dir.join("store"));
        fs::create_dir_all(dir.join("store")).unwrap();
        for (name, bytes) in &files {
            fs::write(dir.join("store").join(name), bytes).unwrap();
        }
        let mut with_files = vectors.clone();
        with_files["files"] = files
            .iter()
            .map(|(n, b)| {
                (
                    n.clone(),
                    json!({"size": b.len(), "blake3_160": Hash::of(b).to_base32()}),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into();
        fs::write(
            dir.join("vectors.json"),
            serde_json::to_string_pretty(&with_files).unwrap() + "\n",
        )
        .unwrap();
    }
    let vectors: Value =
        serde_json::from_slice(&fs::read(dir.join("vectors.json")).unwrap()).unwrap();
    for c in vectors["chunks"].as_array().unwrap() {
        let bytes = unhex(c["hex"].as_str().unwrap());
        assert_eq!(Hash::of(&bytes).to_base32(), c["hash"].as_str().unwrap());
    }
    let built = build(&vectors);
    let mut on_disk = BTreeMap::new();
    for entry in fs::read_dir(dir.join("store")).unwrap() {
        let entry = entry.unwrap();
        on_disk.insert(
            entry.file_name().into_string().unwrap(),
            fs::read(entry.path()).unwrap(),
        );
    }
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        on_disk.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &built {
        assert!(on_disk[name] == *bytes, "{name} differs from the vector");
        let listed = &vectors["files"][name];
        assert_eq!(listed["size"].as_u64(), Some(bytes.len() as u64), "{name}");
        assert_eq!(
            listed["blake3_160"].as_str(),
            Some(Hash::of(bytes).to_base32().as_str())
        );
    }
}

#[test]
fn the_vector_stores_of_every_version_read_back() {
    for version in ["v1", "v2", "v3", "v4"] {
        reads_back(&vectors_dir(version));
    }
}

fn reads_back(dir: &std::path::Path) {
    let vectors: Value =
        serde_json::from_slice(&fs::read(dir.join("vectors.json")).unwrap()).unwrap();
    let storage = FsStorage::new(dir.join("store"));
    let store = block_on(ChunkStore::open(&storage)).unwrap();
    for c in vectors["chunks"].as_array().unwrap() {
        let hash = Hash::parse(c["hash"].as_str().unwrap()).unwrap();
        assert_eq!(
            block_on(store.get(&hash)).unwrap(),
            Some(unhex(c["hex"].as_str().unwrap()))
        );
    }
    let last = vectors["commits"].as_array().unwrap().last().unwrap()["root"]
        .as_u64()
        .unwrap();
    assert_eq!(
        store.root().to_base32(),
        vectors["chunks"][last as usize]["hash"].as_str().unwrap()
    );
    let report = block_on(verify(&storage)).unwrap();
    assert!(report.is_ok() && report.orphans.is_empty(), "{report:?}");
}
