//! The storage conformance suite: what every `Storage` must do, written once and run against
//! every adapter (in-memory and filesystem from cargo tests, Node fs, IndexedDB and the JS
//! in-memory adapter from the wasm build).
//!
//! `run` takes two handles on one empty store, as two processes or tabs would hold them.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::future::{poll_fn, Future};
use core::pin::pin;
use core::task::Poll;

use crate::chunk_store::{ChunkStore, Options, StoreError};
use crate::hash::Hash;
use crate::io::{IoError, ManifestRead, Storage, Version};

/// The first check that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub check: &'static str,
    pub message: String,
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "conformance check '{}' failed: {}",
            self.check, self.message
        )
    }
}

type Check = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

fn io<T>(r: Result<T, IoError>) -> Result<T, String> {
    r.map_err(|e| format!("unexpected storage error: {e}"))
}

fn store<T>(r: Result<T, StoreError>) -> Result<T, String> {
    r.map_err(|e| format!("unexpected store error: {e}"))
}

/// Runs every check; returns the names of those that passed, or the first failure.
pub async fn run<A: Storage + ?Sized, B: Storage + ?Sized>(
    a: &A,
    b: &B,
) -> Result<Vec<&'static str>, Failure> {
    let mut passed = Vec::new();
    macro_rules! check {
        ($name:literal, $body:expr) => {
            match $body.await {
                Ok(()) => passed.push($name),
                Err(message) => {
                    return Err(Failure {
                        check: $name,
                        message,
                    })
                }
            }
        };
    }
    check!("missing objects are None", missing(a));
    check!("objects round-trip between handles", round_trip(a, b));
    check!("ranged reads", ranged(a));
    check!("list names every object once", listing(a, b));
    check!("delete", delete(a, b));
    check!("reserved and unsafe names are refused", names(a));
    check!("manifest compare-and-swap", manifest_cas(a, b));
    check!("concurrent swaps lose no update", concurrent_swaps(a, b));
    check!(
        "of writers swapping from one version exactly one wins",
        swap_races(a, b)
    );
    check!(
        "chunk store round trip across table files",
        chunk_round_trip(a, b)
    );
    check!(
        "concurrent committers keep both or fail one",
        concurrent_commits(a, b)
    );
    Ok(passed)
}

fn data(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed)
        .collect()
}

async fn missing<A: Storage + ?Sized>(a: &A) -> Check {
    ensure!(
        io(a.get("absent").await)?.is_none(),
        "get of a missing object was not None"
    );
    ensure!(
        io(a.get_range("absent", 0, 1).await)?.is_none(),
        "get_range of a missing object was not None"
    );
    ensure!(
        !io(a.get_range_into("absent", 0, 1, &mut Vec::new()).await)?,
        "get_range_into of a missing object found it"
    );
    ensure!(
        io(a.read_manifest().await)?.is_none(),
        "a new store already has a manifest"
    );
    io(a.delete("absent").await).map_err(|e| format!("deleting a missing object: {e}"))?;
    ensure!(io(a.list().await)?.is_empty(), "a new store lists objects");
    Ok(())
}

async fn round_trip<A: Storage + ?Sized, B: Storage + ?Sized>(a: &A, b: &B) -> Check {
    let objects = [
        ("rt-empty", Vec::new()),
        ("rt-small", data(1, 7)),
        ("rt-large", data(2, 3 << 20)),
    ];
    for (name, bytes) in &objects {
        io(a.put(name, bytes).await)?;
    }
    for (name, bytes) in &objects {
        let got = io(b.get(name).await)?;
        ensure!(
            got.as_ref() == Some(bytes),
            "'{name}' read back different bytes"
        );
    }
    // A second put of the same name and bytes is harmless.
    io(a.put("rt-small", &objects[1].1).await)?;
    ensure!(
        io(b.get("rt-small").await)?.as_ref() == Some(&objects[1].1),
        "a repeated put changed the object"
    );
    Ok(())
}

async fn ranged<A: Storage + ?Sized>(a: &A) -> Check {
    let bytes = data(3, 10_000);
    io(a.put("range", &bytes).await)?;
    for (offset, len) in [
        (0u64, 10u64),
        (9_990, 10),
        (1234, 4321),
        (10_000, 0),
        (0, 10_000),
    ] {
        let got = io(a.get_range("range", offset, len).await)?;
        let want = &bytes[offset as usize..(offset + len) as usize];
        ensure!(
            got.as_deref() == Some(want),
            "get_range({offset}, {len}) returned other bytes"
        );
        // Into a buffer that held other bytes, longer and shorter than these.
        for held in [vec![0xa5; 12_345], vec![0x5a; 3]] {
            let mut buf = held;
            ensure!(
                io(a.get_range_into("range", offset, len, &mut buf).await)? && buf == want,
                "get_range_into({offset}, {len}) left other bytes than get_range's"
            );
        }
    }
    for (offset, len) in [(9_999u64, 2u64), (10_001, 0), (u64::MAX, 2)] {
        let into = a
            .get_range_into("range", offset, len, &mut Vec::new())
            .await;
        match (a.get_range("range", offset, len).await, into) {
            (Err(IoError::OutOfRange { size, .. }), Err(IoError::OutOfRange { size: s, .. })) => {
                ensure!(size == 10_000 && s == size, "OutOfRange reported size {size}, not 10000")
            }
            other => {
                return Err(format!(
                    "get_range({offset}, {len}) and get_range_into past the end gave {other:?}, not OutOfRange"
                ))
            }
        }
    }
    Ok(())
}

async fn listing<A: Storage + ?Sized, B: Storage + ?Sized>(a: &A, b: &B) -> Check {
    ensure!(
        io(a.swap_manifest(None, b"not an object").await)?.is_some(),
        "the first swap into a store without a manifest failed"
    );
    let mut listed = io(b.list().await)?;
    listed.sort_by(|x, y| x.name.cmp(&y.name));
    let names: Vec<(&str, u64)> = listed.iter().map(|o| (o.name.as_str(), o.size)).collect();
    let want = [
        ("range", 10_000),
        ("rt-empty", 0),
        ("rt-large", 3 << 20),
        ("rt-small", 7),
    ];
    ensure!(names == want, "list gave {names:?}, expected {want:?}");
    Ok(())
}

async fn delete<A: Storage + ?Sized, B: Storage + ?Sized>(a: &A, b: &B) -> Check {
    for name in ["range", "rt-empty", "rt-large", "rt-small"] {
        io(a.delete(name).await)?;
        ensure!(
            io(b.get(name).await)?.is_none(),
            "'{name}' is still readable after delete"
        );
    }
    ensure!(
        io(b.list().await)?.is_empty(),
        "deleted objects are still listed"
    );
    ensure!(
        bytes(io(b.read_manifest().await)?).as_deref() == Some(&b"not an object"[..]),
        "deleting objects touched the manifest"
    );
    Ok(())
}

async fn names<A: Storage + ?Sized>(a: &A) -> Check {
    for name in [
        "",
        "manifest",
        "LOCK",
        "../escape",
        "a/b",
        ".hidden",
        "sp ace",
    ] {
        match a.put(name, b"x").await {
            Err(IoError::InvalidName(_)) => {}
            other => return Err(format!("put of {name:?} gave {other:?}, not InvalidName")),
        }
    }
    Ok(())
}

fn bytes(read: Option<ManifestRead>) -> Option<Vec<u8>> {
    read.map(|r| r.bytes)
}

fn version(read: &Option<ManifestRead>) -> Option<Version> {
    read.as_ref().map(|r| r.version.clone())
}

async fn manifest_cas<A: Storage + ?Sized, B: Storage + ?Sized>(a: &A, b: &B) -> Check {
    let first = io(a.read_manifest().await)?;
    let current = version(&first);
    ensure!(
        io(b.read_manifest().await)? == first,
        "two handles read the same manifest as different bytes or versions"
    );
    ensure!(
        io(a.swap_manifest(None, b"m1").await)?.is_none(),
        "a swap expecting no manifest replaced one"
    );
    let bogus = Version("not-a-version-of-this-store".into());
    ensure!(
        io(a.swap_manifest(Some(&bogus), b"m1").await)?.is_none(),
        "a swap with a made-up version succeeded"
    );
    let v1 = io(a.swap_manifest(current.as_ref(), b"m1").await)?.ok_or("a correct swap failed")?;
    ensure!(Some(&v1) != current.as_ref(), "a swap kept the old version");
    let seen = io(b.read_manifest().await)?;
    ensure!(
        seen.as_ref().map(|r| (&r.bytes[..], &r.version)) == Some((&b"m1"[..], &v1)),
        "the other handle does not see the swapped manifest and its version: {seen:?}"
    );
    ensure!(
        io(b.swap_manifest(current.as_ref(), b"m2").await)?.is_none(),
        "a swap from a stale version succeeded"
    );
    ensure!(
        bytes(io(a.read_manifest().await)?).as_deref() == Some(&b"m1"[..]),
        "a lost swap changed what a reader sees"
    );
    let v2 = io(b.swap_manifest(Some(&v1), b"m2").await)?.ok_or("a correct swap failed")?;
    ensure!(v2 != v1, "two versions share a token");
    // The same bytes again are a new version: a token names a swap, not content.
    let v3 =
        io(a.swap_manifest(Some(&v2), b"m2").await)?.ok_or("a swap to identical bytes failed")?;
    ensure!(v3 != v2, "a swap to identical bytes kept the version");
    ensure!(
        io(b.swap_manifest(Some(&v2), b"m9").await)?.is_none(),
        "a swap from the version before identical bytes succeeded (ABA)"
    );
    let last = io(a.read_manifest().await)?;
    ensure!(
        last.as_ref().map(|r| (&r.bytes[..], &r.version)) == Some((&b"m2"[..], &v3)),
        "the manifest is not the last one swapped in: {last:?}"
    );
    Ok(())
}

/// Polls two futures in turn until both finish, so their storage calls interleave wherever
/// the backend really waits (IndexedDB, Node fs).
async fn join<X: Future, Y: Future>(x: X, y: Y) -> (X::Output, Y::Output) {
    let (mut x, mut y) = (pin!(x), pin!(y));
    let (mut xo, mut yo) = (None, None);
    poll_fn(move |cx| {
        if xo.is_none() {
            if let Poll::Ready(v) = x.as_mut().poll(cx) {
                xo = Some(v);
            }
        }
        if yo.is_none() {
            if let Poll::Ready(v) = y.as_mut().poll(cx) {
                yo = Some(v);
            }
        }
        if xo.is_some() && yo.is_some() {
            Poll::Ready((xo.take().unwrap(), yo.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

fn count_of(read: &Option<ManifestRead>) -> u32 {
    read.as_ref()
        .and_then(|r| core::str::from_utf8(&r.bytes).ok())
        .and_then(|t| t.strip_prefix("count "))
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

/// Adds one to a counter manifest `times` times, retrying lost swaps; answers the versions
/// it won from, which no other writer may also have won from.
pub async fn increment<S: Storage + ?Sized>(
    s: &S,
    times: u32,
) -> Result<Vec<Option<Version>>, String> {
    let mut won_from = Vec::new();
    for _ in 0..times {
        loop {
            let current = io(s.read_manifest().await)?;
            let next = format!("count {}", count_of(&current) + 1);
            let expected = version(&current);
            if io(s.swap_manifest(expected.as_ref(), next.as_bytes()).await)?.is_some() {
                won_from.push(expected);
                break;
            }
        }
    }
    Ok(won_from)
}

/// Checks what writers running `increment` left: the counter is the sum of their increments
/// and no two swaps won from one version. `start` is the counter before they ran.
pub fn check_increments(
    start: u32,
    end: &Option<ManifestRead>,
    won_from: &[Vec<Option<Version>>],
) -> Check {
    let total: usize = won_from.iter().map(Vec::len).sum();
    let end = count_of(end);
    ensure!(
        end as usize == start as usize + total,
        "{total} acknowledged increments from {start} ended at {end}: updates were lost"
    );
    let mut all: Vec<&Option<Version>> = won_from.iter().flatten().collect();
    all.sort();
    ensure!(
        all.windows(2).all(|w| w[0] != w[1]),
        "two swaps won from the same version"
    );
    Ok(())
}

async fn concurrent_swaps<A: Storage + ?Sized, B: Storage + ?Sized>(a: &A, b: &B) -> Check {
    let current = io(a.read_manifest().await)?;
    ensure!(
        io(a.swap_manifest(version(&current).as_ref(), b"count 0")
            .await)?
        .is_some(),
        "could not start the counter"
    );
    let (x, y) = join(increment(a, 20), increment(b, 20)).await;
    check_increments(0, &io(a.read_manifest().await)?, &[x?, y?])
}

/// Round after round, two writers read one version and swap from it at once: exactly one
/// wins, and readers see the winner's bytes and version, never the loser's.
async fn swap_races<A: Storage + ?Sized, B: Storage + ?Sized>(a: &A, b: &B) -> Check {
    for round in 0..25u32 {
        let (ra, rb) = join(a.read_manifest(), b.read_manifest()).await;
        let (ra, rb) = (io(ra)?, io(rb)?);
        ensure!(
            ra == rb,
            "round {round}: two handles read different manifests"
        );
        let expected = version(&ra);
        let (mine, theirs) = (format!("race {round} a"), format!("race {round} b"));
        let (x, y) = join(
            a.swap_manifest(expected.as_ref(), mine.as_bytes()),
            b.swap_manifest(expected.as_ref(), theirs.as_bytes()),
        )
        .await;
        let (winner, won) = match (io(x)?, io(y)?) {
            (Some(v), None) => (mine, v),
            (None, Some(v)) => (theirs, v),
            other => {
                return Err(format!(
                    "round {round}: two swaps from one version answered {other:?}"
                ))
            }
        };
        for reader in [io(a.read_manifest().await)?, io(b.read_manifest().await)?] {
            ensure!(
                reader.as_ref().map(|r| (&r.bytes[..], &r.version))
                    == Some((winner.as_bytes(), &won)),
                "round {round}: a reader saw {reader:?}, not the winner's swap"
            );
        }
    }
    Ok(())
}

/// Takes the store from the counter left by the swap checks to an empty chunk store.
async fn reset_manifest<A: Storage + ?Sized>(a: &A) -> Check {
    let current = io(a.read_manifest().await)?;
    let empty = crate::manifest::Manifest::default().encode();
    ensure!(
        io(a.swap_manifest(version(&current).as_ref(), &empty).await)?.is_some(),
        "could not reset the manifest"
    );
    Ok(())
}

async fn chunk_round_trip<A: Storage + ?Sized, B: Storage + ?Sized>(a: &A, b: &B) -> Check {
    reset_manifest(a).await?;
    let options = Options {
        table_target_bytes: 64 * 1024,
    };
    let mut writer = store(ChunkStore::open_with(a, options).await)?;
    let mut hashes = Vec::new();
    for i in 0..600u32 {
        let chunk = data(i as u8, 100 + (i as usize * 37) % 900);
        hashes.push(store(writer.put(&chunk).await)?);
    }
    let root = *hashes.last().unwrap();
    store(writer.commit(Hash::EMPTY, root).await)?;
    let tables = writer.manifest().tables.len();
    ensure!(
        tables >= 3,
        "600 chunks of ~550 bytes made {tables} table files, not several"
    );
    let reader = store(ChunkStore::open(b).await)?;
    ensure!(reader.root() == root, "the other handle sees another root");
    for (i, h) in hashes.iter().enumerate() {
        let chunk = data(i as u8, 100 + (i * 37) % 900);
        let got = store(reader.get(h).await)?;
        ensure!(
            got.as_ref() == Some(&chunk),
            "chunk {i} read back different bytes"
        );
    }
    let absent = Hash::of(b"never stored");
    ensure!(
        store(reader.get(&absent).await)?.is_none(),
        "an absent chunk was found"
    );
    let mut asked: Vec<Hash> = hashes.iter().rev().step_by(3).copied().collect();
    asked.push(absent);
    let many = store(reader.get_many(&asked).await)?;
    for (h, got) in asked.iter().zip(&many) {
        ensure!(
            *got == store(reader.get(h).await)?,
            "get_many and get disagree on {h}"
        );
    }
    ensure!(many.last() == Some(&None), "get_many found an absent chunk");
    let has = reader.has_many(&[hashes[0], absent, hashes[599]]).await;
    ensure!(has == vec![true, false, true], "has_many answered {has:?}");
    let report = crate::verify::verify(b)
        .await
        .map_err(|e| format!("unexpected verify error: {e}"))?;
    ensure!(
        report.is_ok() && report.chunks == 600 && report.orphans.is_empty(),
        "verify of a healthy store reported {report:?}"
    );
    Ok(())
}

async fn commit_after_reload<S: Storage + ?Sized>(
    lost: &mut ChunkStore<&S>,
    won: Hash,
) -> Result<Hash, String> {
    store(lost.reload().await)?;
    ensure!(
        lost.root() == won,
        "after reload the loser sees {}",
        lost.root()
    );
    let both = store(lost.put(b"after the conflict").await)?;
    store(lost.commit(won, both).await)?;
    Ok(both)
}

async fn concurrent_commits<A: Storage + ?Sized, B: Storage + ?Sized>(a: &A, b: &B) -> Check {
    let mut one = store(ChunkStore::open(a).await)?;
    let mut two = store(ChunkStore::open(b).await)?;
    let start = one.root();
    ensure!(two.root() == start, "two handles opened at different roots");
    // Both move the root from the same start: the second must fail with Conflict.
    let r1 = store(one.put(b"writer one").await)?;
    let r2 = store(two.put(b"writer two").await)?;
    let (x, y) = join(one.commit(start, r1), two.commit(start, r2)).await;
    let won = match (x, y) {
        (Ok(()), Err(StoreError::Conflict { .. })) => r1,
        (Err(StoreError::Conflict { .. }), Ok(())) => r2,
        other => return Err(format!("two commits from one root gave {other:?}")),
    };
    // The loser reloads, sees the winner's root, and commits on top of it.
    let both = if won == r1 {
        commit_after_reload(&mut two, won).await?
    } else {
        commit_after_reload(&mut one, won).await?
    };
    let fresh = store(ChunkStore::open(a).await)?;
    ensure!(
        fresh.root() == both,
        "the final root is not the last commit"
    );
    for chunk in [&b"writer one"[..], b"writer two", b"after the conflict"] {
        ensure!(
            store(fresh.get(&Hash::of(chunk)).await)?.as_deref() == Some(chunk),
            "a committed chunk is missing after concurrent commits"
        );
    }
    Ok(())
}

/// A storage that counts what passes through it and can fail its k-th write: for tests that
/// check what an operation reads, writes, and leaves behind when a write fails midway.
#[derive(Clone, Default)]
pub struct Instrumented<S> {
    pub inner: S,
    reads: alloc::sync::Arc<core::sync::atomic::AtomicUsize>,
    /// Manifest reads, listings and whole-object reads, in that order.
    asked: alloc::sync::Arc<[core::sync::atomic::AtomicUsize; 3]>,
    writes: alloc::sync::Arc<core::sync::atomic::AtomicUsize>,
    /// The write (put, delete or manifest swap, counting from 1) that fails; 0 for none.
    fail_write_at: usize,
}

impl<S> Instrumented<S> {
    pub fn new(inner: S) -> Self {
        Self::failing_at(inner, 0)
    }

    /// Fails the `k`-th write, counting from 1.
    pub fn failing_at(inner: S, k: usize) -> Self {
        Instrumented {
            inner,
            reads: Default::default(),
            asked: Default::default(),
            writes: Default::default(),
            fail_write_at: k,
        }
    }

    /// Ranged reads (chunk reads) since the last call.
    pub fn take_reads(&self) -> usize {
        self.reads.swap(0, core::sync::atomic::Ordering::SeqCst)
    }

    /// Manifest reads, listings and whole-object reads since the last call, in that order:
    /// what an operation asks a store beyond its ranged reads.
    pub fn take_asked(&self) -> [usize; 3] {
        let take =
            |n: &core::sync::atomic::AtomicUsize| n.swap(0, core::sync::atomic::Ordering::SeqCst);
        [
            take(&self.asked[0]),
            take(&self.asked[1]),
            take(&self.asked[2]),
        ]
    }

    fn ask(&self, which: usize) {
        self.asked[which].fetch_add(1, core::sync::atomic::Ordering::SeqCst);
    }

    /// Writes so far, the failed one included.
    pub fn writes(&self) -> usize {
        self.writes.load(core::sync::atomic::Ordering::SeqCst)
    }

    fn write(&self, name: &str) -> Result<(), IoError> {
        let n = self
            .writes
            .fetch_add(1, core::sync::atomic::Ordering::SeqCst)
            + 1;
        if n == self.fail_write_at {
            return Err(IoError::backend("write", name, "injected failure"));
        }
        Ok(())
    }
}

impl<S: Storage> Storage for Instrumented<S> {
    fn get<'a>(
        &'a self,
        name: &'a str,
    ) -> crate::io::BoxFuture<'a, crate::io::IoResult<Option<Vec<u8>>>> {
        self.ask(2);
        self.inner.get(name)
    }
    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> crate::io::BoxFuture<'a, crate::io::IoResult<Option<Vec<u8>>>> {
        self.reads
            .fetch_add(1, core::sync::atomic::Ordering::SeqCst);
        self.inner.get_range(name, offset, len)
    }
    fn put<'a>(
        &'a self,
        name: &'a str,
        data: &'a [u8],
    ) -> crate::io::BoxFuture<'a, crate::io::IoResult<()>> {
        alloc::boxed::Box::pin(async move {
            self.write(name)?;
            self.inner.put(name, data).await
        })
    }
    fn list(&self) -> crate::io::BoxFuture<'_, crate::io::IoResult<Vec<crate::io::ObjectInfo>>> {
        self.ask(1);
        self.inner.list()
    }
    fn delete<'a>(&'a self, name: &'a str) -> crate::io::BoxFuture<'a, crate::io::IoResult<()>> {
        alloc::boxed::Box::pin(async move {
            self.write(name)?;
            self.inner.delete(name).await
        })
    }
    fn read_manifest(&self) -> crate::io::BoxFuture<'_, crate::io::IoResult<Option<ManifestRead>>> {
        self.ask(0);
        self.inner.read_manifest()
    }
    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> crate::io::BoxFuture<'a, crate::io::IoResult<Option<Version>>> {
        alloc::boxed::Box::pin(async move {
            self.write("manifest")?;
            self.inner.swap_manifest(expected, new).await
        })
    }
    fn temporaries(
        &self,
    ) -> crate::io::BoxFuture<'_, crate::io::IoResult<Vec<crate::io::ObjectInfo>>> {
        self.inner.temporaries()
    }
    fn delete_temporary<'a>(
        &'a self,
        name: &'a str,
    ) -> crate::io::BoxFuture<'a, crate::io::IoResult<()>> {
        self.inner.delete_temporary(name)
    }
}
