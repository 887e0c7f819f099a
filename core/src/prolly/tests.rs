//! Prolly trees against a `BTreeMap` model: random edit sequences, history independence,
//! locality of edits, reads that touch only what they need, and damaged input.

use alloc::vec;
use alloc::vec::Vec;
use core::ops::{Bound, RangeBounds};
use std::collections::BTreeMap;
use std::format;

use pollster::block_on;

use super::chunker::Chunker;
use super::node::{encode_entry, encode_header, Node, PayloadRef};
use super::*;
use crate::chunk_store::{ChunkStore, StoreError};
use crate::conformance::Instrumented;
use crate::io::Storage;
use crate::memory::MemoryStorage;

type Model = BTreeMap<Vec<u8>, Vec<u8>>;
type Edits = Vec<(Vec<u8>, Option<Vec<u8>>)>;
type Store = ChunkStore<Counting>;

/// Memory storage that counts chunk reads (ranged reads of table files).
type Counting = Instrumented<MemoryStorage>;

fn new_store() -> Store {
    block_on(ChunkStore::open(Counting::new(MemoryStorage::new()))).unwrap()
}

/// SplitMix64: a seeded generator, so every failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Row shapes: `Small` gives wide nodes (about 100 entries a leaf), `Large` narrow ones, so
/// that a few thousand entries already make a tree of three or four levels.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Small,
    Large,
}

fn key(shape: Shape, id: u32) -> Vec<u8> {
    match shape {
        Shape::Small => format!("k{id:08}").into_bytes(),
        Shape::Large => {
            let mut k = id.to_be_bytes().to_vec();
            k.resize(4 + (id as usize * 7919) % 700, b'.');
            k
        }
    }
}

fn value(rng: &mut Rng, shape: Shape) -> Vec<u8> {
    let max = match shape {
        Shape::Small => 40,
        Shape::Large => 500,
    };
    let len = rng.below(max) as usize;
    rng.bytes(len)
}

fn random_model(rng: &mut Rng, shape: Shape, len: u32) -> Model {
    (0..len)
        .map(|id| (key(shape, id * 2), value(rng, shape)))
        .collect()
}

fn build_model(store: &mut Store, model: &Model) -> Hash {
    block_on(build(store, model.clone())).unwrap()
}

fn apply_edits<S: Storage>(store: &mut ChunkStore<S>, root: Hash, edits: Edits) -> Hash {
    block_on(apply(store, root, edits)).unwrap()
}

fn edit_model(model: &mut Model, edits: &Edits) {
    for (k, v) in edits {
        match v {
            Some(v) => model.insert(k.clone(), v.clone()),
            None => model.remove(k),
        };
    }
}

/// A sorted batch of edits over ids below `universe`: updates and deletes of present keys,
/// inserts of absent ones, and now and then a delete of an absent key.
fn random_edits(rng: &mut Rng, shape: Shape, universe: u32, model: &Model, n: usize) -> Edits {
    let mut edits = BTreeMap::new();
    for _ in 0..n {
        let k = key(shape, rng.below(u64::from(universe)) as u32);
        let v = if model.contains_key(&k) && rng.below(2) == 0 || rng.below(20) == 0 {
            None
        } else {
            Some(value(rng, shape))
        };
        edits.insert(k, v);
    }
    edits.into_iter().collect()
}

fn random_bound(rng: &mut Rng, shape: Shape, universe: u32) -> Bound<Vec<u8>> {
    let k = key(shape, rng.below(u64::from(universe) + 2) as u32);
    match rng.below(3) {
        0 => Bound::Unbounded,
        1 => Bound::Included(k),
        _ => Bound::Excluded(k),
    }
}

fn as_ref(b: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match b {
        Bound::Included(k) => Bound::Included(k),
        Bound::Excluded(k) => Bound::Excluded(k),
        Bound::Unbounded => Bound::Unbounded,
    }
}

fn model_diff(left: &Model, right: &Model) -> Vec<DiffEntry> {
    let mut keys: Vec<&Vec<u8>> = left.keys().chain(right.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| left.get(*k) != right.get(*k))
        .map(|k| DiffEntry {
            key: k.clone(),
            left: left.get(k).cloned(),
            right: right.get(k).cloned(),
        })
        .collect()
}

/// Everything a reader can see of the tree at `root` agrees with `model`, and the root is the
/// one `build` makes of the same contents.
fn check(store: &mut Store, root: Hash, model: &Model, rng: &mut Rng, shape: Shape, universe: u32) {
    assert_eq!(root, build_model(store, model), "apply and build disagree");
    assert_eq!(block_on(count(store, root)).unwrap(), model.len() as u64);
    let all = block_on(range(
        store,
        root,
        (Bound::Unbounded, Bound::Unbounded),
        None,
    ))
    .unwrap();
    assert!(all.iter().cloned().eq(model.clone()));
    for _ in 0..20 {
        let k = key(shape, rng.below(u64::from(universe)) as u32);
        assert_eq!(
            block_on(get(store, root, &k)).unwrap().as_ref(),
            model.get(&k)
        );
    }
    for _ in 0..5 {
        let (start, end) = (
            random_bound(rng, shape, universe),
            random_bound(rng, shape, universe),
        );
        let limit = (rng.below(3) == 0).then(|| rng.below(50) as usize);
        let bounds = (as_ref(&start), as_ref(&end));
        let got = block_on(range(store, root, bounds, limit)).unwrap();
        let want: Vec<_> = model
            .iter()
            .filter(|(k, _)| bounds.contains(&k.as_slice()))
            .take(limit.unwrap_or(usize::MAX))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(got, want, "range {start:?}..{end:?} limit {limit:?}");
    }
}

#[test]
fn random_edit_sequences_match_the_model() {
    let cases = [
        (1, Shape::Small, 5000),
        (2, Shape::Large, 3000),
        (3, Shape::Small, 40),
        (4, Shape::Large, 300),
    ];
    for (seed, shape, universe) in cases {
        let mut rng = Rng(seed);
        let mut store = new_store();
        let mut model = Model::new();
        let mut root = Hash::EMPTY;
        let mut versions = vec![(root, model.clone())];
        for step in 0..16 {
            let edits = match step % 8 {
                // Grow, then churn at several batch sizes, and now and then empty the map.
                0 | 1 => random_edits(&mut rng, shape, universe, &model, universe as usize / 2),
                7 if rng.below(2) == 0 => model.keys().map(|k| (k.clone(), None)).collect(),
                7 => {
                    let keep = rng.below(3) as usize;
                    model.keys().skip(keep).map(|k| (k.clone(), None)).collect()
                }
                n => {
                    let size = [1, 3, 20, 200, universe as usize / 3][n as usize % 5];
                    random_edits(&mut rng, shape, universe, &model, size)
                }
            };
            edit_model(&mut model, &edits);
            root = apply_edits(&mut store, root, edits);
            check(&mut store, root, &model, &mut rng, shape, universe);
            for _ in 0..2 {
                let (old_root, old) = &versions[rng.below(versions.len() as u64) as usize];
                let d = block_on(diff(&store, *old_root, root)).unwrap();
                assert_eq!(d, model_diff(old, &model), "seed {seed} step {step}");
                let d = block_on(diff(&store, root, *old_root)).unwrap();
                assert_eq!(d, model_diff(&model, old), "seed {seed} step {step}");
            }
            versions.push((root, model.clone()));
        }
    }
}

#[test]
fn same_contents_give_the_same_root_whatever_the_history() {
    let shape = Shape::Large;
    let mut rng = Rng(7);
    let mut store = new_store();
    let model = random_model(&mut rng, shape, 1500);
    let built = build_model(&mut store, &model);

    // One insert at a time, in random order.
    let mut order: Vec<_> = model.iter().collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut root = Hash::EMPTY;
    for (k, v) in &order {
        root = apply_edits(&mut store, root, vec![((*k).clone(), Some((*v).clone()))]);
    }
    assert_eq!(root, built);

    // Random batches, with keys that come and go again and values that change and change back.
    let entries: Vec<_> = model.clone().into_iter().collect();
    let mut root = Hash::EMPTY;
    let mut at = 0;
    while at < entries.len() {
        let n = 1 + rng.below(300) as usize;
        let batch: Vec<_> = entries[at..(at + n).min(entries.len())].to_vec();
        at += batch.len();
        let mut noise: Edits = batch
            .iter()
            .map(|(k, _)| (k.clone(), Some(vec![1])))
            .collect();
        noise.push((key(shape, 1_000_001), Some(vec![2])));
        root = apply_edits(&mut store, root, noise);
        let mut fix: Edits = batch.into_iter().map(|(k, v)| (k, Some(v))).collect();
        fix.push((key(shape, 1_000_001), None));
        root = apply_edits(&mut store, root, fix);
    }
    assert_eq!(root, built);

    // Deleting everything, in halves, gives the empty map.
    let keys: Vec<_> = model.keys().cloned().collect();
    let (odd, even): (Vec<_>, Vec<_>) = keys.into_iter().enumerate().partition(|(i, _)| i % 2 == 1);
    for half in [odd, even] {
        root = apply_edits(
            &mut store,
            root,
            half.into_iter().map(|(_, k)| (k, None)).collect(),
        );
    }
    assert_eq!(root, Hash::EMPTY);
    assert_eq!(build_model(&mut store, &Model::new()), Hash::EMPTY);
}

#[test]
fn keys_larger_than_a_node_still_make_a_shallow_tree() {
    // Every such entry is over TARGET bytes; without the p ≤ 1/2 bound each level would have
    // as many nodes as the one below and the tree would never reach a root.
    let mut rng = Rng(3);
    let mut store = new_store();
    let model: Model = (0..64u8).map(|i| (vec![i; 5000], rng.bytes(10))).collect();
    let root = build_model(&mut store, &model);
    assert!(height(&store, root) <= 12);
    let k = vec![200; 5000];
    let root = apply_edits(&mut store, root, vec![(k.clone(), Some(vec![1]))]);
    assert_eq!(block_on(get(&store, root, &k)).unwrap(), Some(vec![1]));
    let root = apply_edits(&mut store, root, vec![(k, None)]);
    assert_eq!(root, build_model(&mut store, &model));
}

/// Height of the tree at `root`: 1 for a single leaf.
fn height(store: &Store, root: Hash) -> usize {
    let chunk = block_on(store.get(&root)).unwrap().unwrap();
    usize::from(Node::decode(chunk).unwrap().level()) + 1
}

fn chunk_total(store: &Store) -> u64 {
    let tables = &store.manifest().tables;
    tables.iter().map(|t| u64::from(t.chunk_count)).sum()
}

#[test]
fn a_one_entry_edit_writes_about_one_chunk_a_level() {
    let shape = Shape::Small;
    let mut rng = Rng(11);
    let mut store = new_store();
    let mut model = random_model(&mut rng, shape, 100_000);
    let mut root = build_model(&mut store, &model);
    block_on(store.commit(Hash::EMPTY, root)).unwrap();
    let height = height(&store, root);
    assert_eq!(height, 3);
    let mut written = 0;
    let edits = 60;
    for i in 0..edits {
        let id = rng.below(200_000) as u32;
        let k = key(shape, id);
        let v = match i % 3 {
            0 => None,
            _ => Some(value(&mut rng, shape)),
        };
        let e = vec![(k, v)];
        edit_model(&mut model, &e);
        let before = chunk_total(&store);
        let new_root = apply_edits(&mut store, root, e);
        block_on(store.commit(root, new_root)).unwrap();
        root = new_root;
        let n = chunk_total(&store) - before;
        assert!(n <= height as u64 + 3, "edit {i} wrote {n} chunks");
        written += n;
    }
    assert!(
        written <= edits * (height as u64 + 1),
        "{written} chunks for {edits} edits"
    );
    assert_eq!(root, build_model(&mut store, &model));
}

#[test]
fn reads_touch_only_the_nodes_they_need() {
    let shape = Shape::Small;
    let mut rng = Rng(12);
    let mut store = new_store();
    let model = random_model(&mut rng, shape, 100_000);
    let root = build_model(&mut store, &model);
    let changed = apply_edits(&mut store, root, vec![(key(shape, 77_777), Some(vec![9]))]);
    block_on(store.flush()).unwrap();
    let height = height(&store, root);
    let reads = || store.storage().take_reads();
    reads();

    // At most a block per level: a block read for a node above may hold the one below, and
    // the store keeps the blocks it decoded last.
    block_on(get(&store, root, &key(shape, 5000)))
        .unwrap()
        .unwrap();
    assert!(reads() <= height);

    let (a, b) = (key(shape, 50_000), key(shape, 50_020));
    let bounds = (Bound::Included(a.as_slice()), Bound::Excluded(b.as_slice()));
    assert_eq!(
        block_on(range(&store, root, bounds, None)).unwrap().len(),
        10
    );
    assert!(reads() <= height + 1);

    let d = block_on(diff(&store, root, changed)).unwrap();
    assert_eq!(d.len(), 1);
    assert!(reads() <= 2 * height + 2);

    assert_eq!(block_on(count(&store, root)).unwrap(), 100_000);
    assert!(reads() <= 1);
}

#[test]
fn a_long_scan_reads_each_block_once_and_meets_damage_where_it_lies() {
    let shape = Shape::Small;
    let mut rng = Rng(16);
    let mut store = new_store();
    let model = random_model(&mut rng, shape, 100_000);
    let root = build_model(&mut store, &model);
    block_on(store.commit(Hash::EMPTY, root)).unwrap();
    let storage = store.storage().clone();
    // A store opened again has nothing decoded: every node comes from storage.
    let store = block_on(ChunkStore::open(storage.clone())).unwrap();
    let records: std::collections::BTreeSet<(&str, u64)> = store
        .table_indexes()
        .flat_map(|(spec, _, entries)| entries.iter().map(|e| (spec.name.as_str(), e.offset)))
        .collect();
    storage.take_reads();
    let all = (Bound::Unbounded, Bound::Unbounded);
    let read = block_on(range(&store, root, all, None)).unwrap();
    assert!(read.iter().map(|(k, v)| (k, v)).eq(model.iter()));
    // Read ahead or not, no block is read twice.
    let reads = storage.take_reads();
    assert!(
        reads <= records.len(),
        "{reads} reads of {} blocks",
        records.len()
    );

    // A byte flipped in the block of a leaf halfway: a scan fails there, and one that stops
    // before it does not (what is read ahead of it is only a hint).
    let middle = key(shape, 50_000);
    let leaf = block_on(cursor::Cursor::at(&store, root, 0, &middle)).unwrap();
    let (name, entry) = store
        .table_indexes()
        .find_map(|(spec, _, entries)| {
            entries
                .iter()
                .find(|e| e.hash == leaf.hash())
                .map(|e| (spec.name.clone(), *e))
        })
        .unwrap();
    let mut bytes = block_on(storage.inner.get(&name)).unwrap().unwrap();
    bytes[(entry.offset + u64::from(entry.len) / 2) as usize] ^= 0x40;
    block_on(storage.inner.put(&name, &bytes)).unwrap();
    let store = block_on(ChunkStore::open(storage.clone())).unwrap();
    let scanned = block_on(range(&store, root, all, None));
    assert!(
        matches!(
            scanned,
            Err(ProllyError::Store(StoreError::CorruptChunk { .. }))
        ),
        "{scanned:?}"
    );
    let before = model.range(..key(shape, 40_000)).count();
    let first = block_on(range(&store, root, all, Some(before))).unwrap();
    assert_eq!(first.len(), before);
}

fn leaf(entries: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_header(&mut out, 0, entries.len() as u64);
    for (k, v) in entries {
        encode_entry(&mut out, k, PayloadRef::Value(v));
    }
    out
}

fn internal(level: u8, entries: &[(&[u8], Hash, u64)]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_header(&mut out, level, entries.len() as u64);
    for (k, h, n) in entries {
        encode_entry(&mut out, k, PayloadRef::Child(*h, *n));
    }
    out
}

#[test]
fn node_encoding_is_exact_and_round_trips() {
    let chunk = leaf(&[(b"a", b"xyz"), (b"b", b"")]);
    assert_eq!(chunk, [1, 0, 2, 1, b'a', 3, b'x', b'y', b'z', 1, b'b', 0]);
    let node = Node::decode(chunk).unwrap();
    assert_eq!((node.level(), node.len(), node.total()), (0, 2, 2));
    assert_eq!((node.key(1), node.value(0)), (&b"b"[..], &b"xyz"[..]));
    // What the decoded-node cache charges for it: its bytes and 16 per entry (issue 16).
    assert_eq!((node.count(1), node.size()), (1, 12 + 2 * 16));

    let h = Hash([7; 20]);
    let chunk = internal(3, &[(b"k", h, 300)]);
    let mut want = vec![1, 3, 1, 1, b'k'];
    want.extend_from_slice(&h.0);
    want.extend_from_slice(&[0xac, 0x02]);
    assert_eq!(chunk, want);
    assert_eq!(refs(&chunk).unwrap(), [h]);
    let node = Node::decode(chunk).unwrap();
    assert_eq!((node.child(0), node.count(0), node.total()), (h, 300, 300));
    // An internal entry's count costs 8 more.
    assert_eq!(node.size(), want.len() + 16 + 8);

    assert!(is_node(&want) && !is_node(&[2, 0]) && !is_node(&[]));
    assert_eq!(refs(&leaf(&[(b"a", b"")])).unwrap(), []);
}

#[test]
fn chunker_output_decodes_to_its_input() {
    let mut rng = Rng(5);
    let mut chunker = Chunker::new(0);
    let mut done = Default::default();
    let entries: Vec<_> = (0..50)
        .map(|i| (key(Shape::Large, i), rng.bytes(i as usize)))
        .collect();
    for (k, v) in &entries {
        chunker.push(k, PayloadRef::Value(v)).unwrap();
    }
    chunker.close(&mut done);
    let node = Node::decode(done.chunk.clone()).unwrap();
    let decoded: Vec<_> = (0..node.len())
        .map(|i| (node.key(i).to_vec(), node.value(i).to_vec()))
        .collect();
    assert_eq!(decoded, entries);
    assert_eq!(done.last_key, entries[49].0);
    let err = chunker
        .push(&entries[0].0, PayloadRef::Value(&[]))
        .unwrap_err();
    assert!(matches!(err, ProllyError::Unsorted { .. }));
}

#[test]
fn damaged_chunks_fail_to_decode_without_panicking() {
    let mut rng = Rng(9);
    let h = Hash([3; 20]);
    let valid = [
        leaf(&[(b"a", b"1"), (b"bb", b"22"), (&[0xff; 130], &[5; 200])]),
        internal(2, &[(b"a", h, 1), (b"b", h, 129)]),
    ];
    for chunk in &valid {
        Node::decode(chunk.clone()).unwrap();
        for len in 0..chunk.len() {
            assert!(Node::decode(chunk[..len].to_vec()).is_err(), "prefix {len}");
            assert!(refs(&chunk[..len]).is_err(), "prefix {len}");
        }
        let mut longer = chunk.clone();
        longer.push(0);
        assert!(refs(&longer).is_err());
        assert!(Node::decode(longer).is_err());
        for _ in 0..2000 {
            let mut bad = chunk.clone();
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(bad.len() as u64) as usize;
                bad[i] ^= 1 << rng.below(8);
            }
            // `refs` reads the layout without building a node: it must accept what `decode`
            // accepts and nothing else, and name the same children.
            match (Node::decode(bad.clone()), refs(&bad)) {
                (Ok(node), Ok(children)) => {
                    let want: Vec<_> = match node.level() {
                        0 => vec![],
                        _ => (0..node.len()).map(|i| node.child(i)).collect(),
                    };
                    assert_eq!(children, want);
                }
                (Err(_), Err(_)) => {}
                (node, children) => panic!("{bad:?}: {:?} / {children:?}", node.err()),
            }
        }
    }
    for _ in 0..2000 {
        let len = rng.below(64) as usize;
        let mut junk = rng.bytes(len);
        if let Some(b) = junk.first_mut() {
            *b = NODE_KIND;
        }
        let _ = Node::decode(junk);
    }
    let unsorted = leaf(&[(b"b", b""), (b"a", b"")]);
    assert!(Node::decode(unsorted).is_err());
    let zero_count = internal(1, &[(b"a", h, 0)]);
    assert!(Node::decode(zero_count).is_err());
    let huge_count = [1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f];
    assert!(Node::decode(huge_count.to_vec()).is_err());
}

#[test]
fn malformed_trees_give_errors_naming_the_node() {
    let mut store = new_store();
    let good = put(&mut store, leaf(&[(b"a", b"1"), (b"b", b"2")]));
    let c = put(&mut store, leaf(&[(b"c", b"3")]));
    let bc = put(&mut store, leaf(&[(b"b", b"2"), (b"c", b"3")]));
    let above_c = put(&mut store, internal(1, &[(b"c", c, 1)]));
    let garbage = put(&mut store, b"\x01\x00\x05junk".to_vec());
    let absent = Hash([9; 20]);
    // Each tree's second child, which every operation below reaches, is wrong.
    let mut tree =
        |second: (&[u8], Hash, u64)| put(&mut store, internal(1, &[(b"b", good, 2), second]));
    let cases = [
        (tree((b"c", garbage, 1)), garbage, "corrupt"),
        (tree((b"c", absent, 1)), absent, "missing"),
        (tree((b"c", above_c, 1)), above_c, "level"),
        (tree((b"d", c, 1)), c, "last key"),
        (tree((b"c", bc, 2)), bc, "overlap"),
        (tree((b"c", c, 5)), c, "count"),
        (garbage, garbage, "corrupt"),
    ];
    for (root, bad, what) in cases {
        let everything = (Bound::Unbounded, Bound::Unbounded);
        let errors = [
            block_on(get(&store, root, b"c")).err(),
            block_on(range(&store, root, everything, None)).err(),
            block_on(diff(&store, root, good)).err(),
            block_on(apply(&mut store, root, vec![(b"c".to_vec(), None)])).err(),
        ];
        for e in errors {
            let e = e.unwrap_or_else(|| panic!("no error for a node with a wrong {what}"));
            let text = format!("{e}");
            assert!(text.contains(&bad.to_base32()), "{text}");
            assert!(text.contains(what), "{text}");
        }
    }
    let unsorted = vec![(b"b".to_vec(), None), (b"a".to_vec(), None)];
    let e = block_on(apply(&mut store, good, unsorted)).unwrap_err();
    assert_eq!(
        format!("{e}"),
        "keys must be strictly ascending, without duplicates; key 'a' is out of order"
    );
    let e = block_on(build(
        &mut store,
        vec![(vec![1], vec![]), (vec![1], vec![])],
    ))
    .unwrap_err();
    assert!(format!("{e}").contains("key 0x01 is out"));
}

fn put(store: &mut Store, chunk: Vec<u8>) -> Hash {
    block_on(store.put(&chunk)).unwrap()
}

/// Timings for BENCHMARKS.md: `cargo test --release -p cairn-core -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_one_million_rows() {
    use std::println;
    use std::time::Instant;

    let n = 1_000_000u32;
    let mut rng = Rng(1);
    let entries: Vec<(Vec<u8>, Vec<u8>)> = (0..n)
        .map(|i| (key(Shape::Small, i * 2), rng.bytes(30)))
        .collect();
    let mut store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    let time = |what: &str, start: Instant| {
        println!("{what:<40} {:>9.2} ms", start.elapsed().as_secs_f64() * 1e3)
    };

    let t = Instant::now();
    let root = block_on(build(&mut store, entries)).unwrap();
    time("build 1M", t);
    let t = Instant::now();
    block_on(store.flush()).unwrap();
    time("flush", t);

    let t = Instant::now();
    assert_eq!(block_on(count(&store, root)).unwrap(), u64::from(n));
    time("count", t);

    let t = Instant::now();
    for _ in 0..10_000 {
        let k = key(Shape::Small, rng.below(u64::from(2 * n)) as u32);
        block_on(get(&store, root, &k)).unwrap();
    }
    time("get x 10,000", t);

    let t = Instant::now();
    let one = apply_edits(
        &mut store,
        root,
        vec![(key(Shape::Small, 12_345), Some(vec![1; 30]))],
    );
    time("apply 1 edit", t);

    let mut edits: Edits = (0..100)
        .map(|_| {
            let id = rng.below(u64::from(2 * n)) as u32;
            (key(Shape::Small, id), (id % 3 != 0).then(|| rng.bytes(30)))
        })
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect();
    edits.dedup_by(|a, b| a.0 == b.0);
    let t = Instant::now();
    let hundred = apply_edits(&mut store, root, edits);
    time("apply 100 edits", t);
    block_on(store.flush()).unwrap();

    let t = Instant::now();
    let mut seen = 0u64;
    let everything = (Bound::Unbounded, Bound::Unbounded);
    block_on(scan(&store, root, everything, |_, _| {
        seen += 1;
        true
    }))
    .unwrap();
    assert_eq!(seen, u64::from(n));
    time("scan 1M", t);

    let t = Instant::now();
    let d = block_on(diff(&store, root, hundred)).unwrap();
    time("diff after 100 edits", t);
    assert!(d.len() <= 100);
    let t = Instant::now();
    assert_eq!(block_on(diff(&store, root, one)).unwrap().len(), 1);
    time("diff after 1 edit", t);
}

/// Node chunks: any sorted entries encode to a chunk that decodes to them and encodes back
/// to the same bytes; arbitrary bytes decode to an error, never a panic.
mod node_props {
    use super::*;
    use crate::prolly::node::Payload;
    use proptest::collection::{btree_map, vec};
    use proptest::prelude::*;

    fn payload(leaf: bool) -> BoxedStrategy<Payload> {
        if leaf {
            vec(any::<u8>(), 0..20).prop_map(Payload::Value).boxed()
        } else {
            // Counts that sum within a u64, as a real subtree's do.
            (any::<[u8; 20]>(), 1u64..1 << 40)
                .prop_map(|(h, count)| Payload::Child(Hash(h), count))
                .boxed()
        }
    }

    fn node() -> impl Strategy<Value = (u8, BTreeMap<Vec<u8>, Payload>)> {
        (0u8..3).prop_flat_map(|level| {
            (
                Just(level),
                btree_map(vec(any::<u8>(), 0..12), payload(level == 0), 1..20),
            )
        })
    }

    proptest! {
        #[test]
        fn nodes_round_trip((level, entries) in node()) {
            let mut chunk = Vec::new();
            encode_header(&mut chunk, level, entries.len() as u64);
            for (key, payload) in &entries {
                encode_entry(&mut chunk, key, payload.as_ref());
            }
            let node = Node::decode(chunk.clone()).unwrap();
            prop_assert_eq!(node.level(), level);
            prop_assert_eq!(node.len(), entries.len());
            for (i, (key, payload)) in entries.iter().enumerate() {
                prop_assert_eq!(node.key(i), &key[..]);
                prop_assert_eq!(node.payload(i), payload.as_ref());
            }
            prop_assert_eq!(node.encode(), chunk);
        }

        #[test]
        fn keys_compare_as_slices_do(a in vec(any::<u8>(), 0..40), b in vec(any::<u8>(), 0..40), cut in 0usize..40) {
            prop_assert_eq!(super::node::before(&a, &b), a < b);
            // Keys sharing a prefix, the common case in a leaf.
            let shared: Vec<u8> = a.iter().take(cut).chain(&b).copied().collect();
            prop_assert_eq!(super::node::before(&a, &shared), a < shared);
            prop_assert_eq!(super::node::before(&shared, &a), shared < a);
        }

        #[test]
        fn node_decode_never_panics(level in any::<u8>(), body in vec(any::<u8>(), 0..200)) {
            let mut chunk = vec![NODE_KIND, level];
            chunk.extend_from_slice(&body);
            for bytes in [chunk, body] {
                if let Ok(node) = Node::decode(bytes.clone()) {
                    prop_assert_eq!(node.encode(), bytes);
                }
            }
        }
    }
}
