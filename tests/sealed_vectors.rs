//! The encrypted format's test vectors: tests/vectors/v1/sealed is the vector store
//! (tests/vectors/v1/store) sealed under a fixed master key, with one key object for a fixed
//! password. Sealing draws random nonces and salts, so the sealed bytes are checked by opening
//! them (here and from Node, npm/test/vectors.test.mjs); what is deterministic, the stored
//! names and the keys derived from the master key, is checked against sealed.json.
//!
//! `CAIRN_BLESS=1 cargo test -p cairn-tests --test sealed_vectors` rewrites them; only with a
//! change of the sealed formats' versions, described in docs/FORMAT.md.

use std::fs;
use std::path::PathBuf;

use cairn::{block_on, FsStorage};
use cairn_core::io::Storage;
use cairn_crypt::keys::MasterKey;
use cairn_crypt::names::seal_name;
use cairn_crypt::open::{add_key, inspect};
use cairn_crypt::{KdfParams, Sealed};
use cairn_tests::{hex, unhex};
use serde_json::{json, Value};

/// Small Argon2id costs: the vector checks the format, not the cost.
const PARAMS: KdfParams = KdfParams {
    memory_kib: 256,
    iterations: 1,
    lanes: 1,
};
const PASSWORD: &str = "cairn vectors";

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors/v1")
        .join(name)
}

/// The fixed master key: bytes 0, 1, ... 31 (a vector, never a key to use).
fn master() -> MasterKey {
    MasterKey::from_bytes(std::array::from_fn(|i| i as u8))
}

fn plain_tables() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir("store"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "manifest")
        .collect();
    names.sort();
    names
}

fn bless() {
    let sealed_dir = dir("sealed");
    let _ = fs::remove_dir_all(&sealed_dir);
    let inner = FsStorage::new(&sealed_dir);
    block_on(add_key(&inner, &master(), PASSWORD.as_bytes(), PARAMS)).unwrap();
    let sealed = Sealed::new(FsStorage::new(&sealed_dir), &master());
    let mut tables = Vec::new();
    for name in plain_tables() {
        block_on(sealed.put(&name, &fs::read(dir("store").join(&name)).unwrap())).unwrap();
        let stored = seal_name(&master().name_key(), &name).unwrap();
        tables.push(json!({ "name": name, "stored": stored }));
    }
    let manifest = fs::read(dir("store").join("manifest")).unwrap();
    block_on(sealed.swap_manifest(None, &manifest)).unwrap();
    let vectors = json!({
        "password": PASSWORD,
        "master_key": hex(&(0..32u8).collect::<Vec<_>>()),
        "tables": tables,
    });
    fs::write(
        dir("sealed.json"),
        serde_json::to_string_pretty(&vectors).unwrap() + "\n",
    )
    .unwrap();
}

#[test]
fn the_sealed_vector_store_opens_to_the_vector_store() {
    if std::env::var_os("CAIRN_BLESS").is_some() {
        bless();
    }
    let vectors: Value =
        serde_json::from_str(&fs::read_to_string(dir("sealed.json")).unwrap()).unwrap();
    let key: [u8; 32] = unhex(vectors["master_key"].as_str().unwrap())
        .try_into()
        .unwrap();
    let names = MasterKey::from_bytes(key).name_key();
    let tables = vectors["tables"].as_array().unwrap();
    for t in tables {
        let name = t["name"].as_str().unwrap();
        assert_eq!(seal_name(&names, name).unwrap(), t["stored"], "{name}");
        assert!(dir("sealed").join(t["stored"].as_str().unwrap()).is_file());
    }

    let opening = block_on(inspect(FsStorage::new(dir("sealed")))).unwrap();
    assert!(opening.is_encrypted());
    let password = vectors["password"].as_str().unwrap();
    let sealed = block_on(opening.unlock(password.as_bytes())).unwrap();
    let manifest = block_on(sealed.read_manifest()).unwrap().unwrap();
    assert_eq!(
        manifest.bytes,
        fs::read(dir("store").join("manifest")).unwrap()
    );
    let mut listed: Vec<String> = block_on(sealed.list())
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    listed.sort();
    assert_eq!(listed, plain_tables());
    for name in plain_tables() {
        let plain = fs::read(dir("store").join(&name)).unwrap();
        assert_eq!(
            block_on(sealed.get(&name)).unwrap().unwrap(),
            plain,
            "{name}"
        );
        let tail = block_on(sealed.get_range(&name, 10, plain.len() as u64 - 10)).unwrap();
        assert_eq!(tail.unwrap(), plain[10..], "{name}");
    }
}
