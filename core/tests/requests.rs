//! Requests to storage, counted: on an object store each one costs money and a round trip
//! (issue 12). A storage wrapper counts every call and how many run at once.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use cairn_core::backup::{self, Repair, SyncOutcome};
use cairn_core::chunk_store::{ChunkStore, Options};
use cairn_core::io::{BoxFuture, IoResult, ManifestRead, ObjectInfo, Storage, Version};
use cairn_core::repo::{CommitOptions, Config, Repo, Signature};
use cairn_core::sync::Silent;
use cairn_core::MemoryStorage;
use pollster::block_on;

#[derive(Default)]
struct Counts {
    reads: AtomicUsize,
    writes: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// The most requests of the watched storage in flight when this one was written to.
    watched_in_flight_at_writes: AtomicUsize,
    /// ... and when this one was read from.
    watched_in_flight_at_reads: AtomicUsize,
}

/// A memory store that counts its requests. Each one is pending once before it completes, as
/// a request over a network is, so that requests issued together are seen in flight together.
#[derive(Clone)]
struct Counting {
    inner: MemoryStorage,
    counts: Arc<Counts>,
    watched: Option<Arc<Counts>>,
}

impl Counting {
    fn new(inner: MemoryStorage) -> Self {
        Counting {
            inner,
            counts: Arc::default(),
            watched: None,
        }
    }

    /// Also notes how many of `other`'s requests are in flight whenever this one is asked.
    fn watching(inner: MemoryStorage, other: &Counting) -> Self {
        Counting {
            watched: Some(Arc::clone(&other.counts)),
            ..Counting::new(inner)
        }
    }

    /// (reads, writes) since the last call; also forgets the most seen in flight.
    fn take(&self) -> (usize, usize) {
        self.counts.max_in_flight.store(0, Ordering::SeqCst);
        (
            self.counts.reads.swap(0, Ordering::SeqCst),
            self.counts.writes.swap(0, Ordering::SeqCst),
        )
    }

    fn max_in_flight(&self) -> usize {
        self.counts.max_in_flight.load(Ordering::SeqCst)
    }

    fn request<'a, T: Send + 'a>(
        &'a self,
        write: bool,
        inner: BoxFuture<'a, T>,
    ) -> BoxFuture<'a, T> {
        let counter = match write {
            true => &self.counts.writes,
            false => &self.counts.reads,
        };
        counter.fetch_add(1, Ordering::SeqCst);
        if let Some(watched) = &self.watched {
            let now = watched.in_flight.load(Ordering::SeqCst);
            let most = match write {
                true => &self.counts.watched_in_flight_at_writes,
                false => &self.counts.watched_in_flight_at_reads,
            };
            most.fetch_max(now, Ordering::SeqCst);
        }
        Box::pin(Request {
            counts: &self.counts,
            inner,
            started: false,
        })
    }
}

struct Request<'a, T> {
    counts: &'a Counts,
    inner: BoxFuture<'a, T>,
    started: bool,
}

impl<T> Future for Request<'_, T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if !self.started {
            self.started = true;
            let now = self.counts.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.counts.max_in_flight.fetch_max(now, Ordering::SeqCst);
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let out = self.inner.as_mut().poll(cx);
        if out.is_ready() {
            self.counts.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
        out
    }
}

impl Storage for Counting {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        self.request(false, self.inner.get(name))
    }
    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        self.request(false, self.inner.get_range(name, offset, len))
    }
    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
        self.request(true, self.inner.put(name, data))
    }
    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        self.request(false, self.inner.list())
    }
    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        self.request(true, self.inner.delete(name))
    }
    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
        self.request(false, self.inner.read_manifest())
    }
    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>> {
        self.request(true, self.inner.swap_manifest(expected, new))
    }
}

fn author() -> Signature {
    Signature {
        name: "t".into(),
        email: "t@example.com".into(),
        time_ms: 1,
    }
}

/// A committed database of `rows` rows whose table files are about `table_bytes` each.
fn database(rows: usize, table_bytes: usize) -> Repo<MemoryStorage> {
    let options = Options {
        table_target_bytes: table_bytes,
    };
    let store = block_on(ChunkStore::open_with(MemoryStorage::new(), options)).unwrap();
    let mut repo = block_on(Repo::init(store, Config::new("owner"), &author())).unwrap();
    // Each row carries a hash, so that table files compress about as little as real data
    // might, and files of `table_bytes` stay larger than one read from their end.
    let values: Vec<String> = (0..rows)
        .map(|i| {
            let noise = cairn_core::Hash::of(&i.to_le_bytes()).to_base32();
            format!("({i}, 'row number {i} of a table in several files {noise}', {i}.5)")
        })
        .collect();
    let sql = format!(
        "create table t (id int primary key, name text, x double); insert into t values {}",
        values.join(",")
    );
    block_on(repo.sql(&sql)).unwrap();
    block_on(repo.commit("rows", CommitOptions::ALL, &author())).unwrap();
    repo
}

/// A backup sync as `cairn backup sync` runs it: the backup opened as far as it reads.
fn sync<S: Storage>(repo: &mut Repo<S>, backup: &Counting, time_ms: u64) -> SyncOutcome {
    let mut dst = block_on(ChunkStore::open_damaged(backup.clone())).unwrap();
    block_on(repo.backup_sync(
        &mut dst,
        "mem://backup",
        &cairn_core::backup::Note::default(),
        time_ms,
        Repair::IfSeenDamaged,
        &mut Silent,
    ))
    .unwrap()
}

fn listed_tables(storage: &MemoryStorage) -> usize {
    let store = block_on(ChunkStore::open(storage.clone())).unwrap();
    store.manifest().tables.len()
}

#[test]
fn a_one_row_sync_reads_each_index_once_and_nothing_else_but_the_manifest() {
    let mut repo = database(3000, 16 * 1024);
    let memory = MemoryStorage::new();
    let backup = Counting::new(memory.clone());
    sync(&mut repo, &backup, 1);
    let tables = listed_tables(&memory);
    assert!(tables >= 4, "{tables} table files: the test needs several");
    backup.take();

    block_on(repo.sql("update t set name = 'changed' where id = 1500")).unwrap();
    assert!(matches!(
        sync(&mut repo, &backup, 2),
        SyncOutcome::Synced { .. }
    ));
    // The manifest, one read per table file's index (and footer), and the check that the
    // new file is still there right before the swap; the backup's root chunk comes from the
    // small file read whole for its index. Writes: the new table file and the manifest.
    assert_eq!(backup.take(), (1 + tables + 1, 2));

    let tables = listed_tables(&memory);
    assert!(matches!(
        sync(&mut repo, &backup, 3),
        SyncOutcome::UpToDate { .. }
    ));
    assert_eq!(backup.take(), (1 + tables, 0), "a sync with nothing to do");
}

#[test]
fn a_large_index_comes_with_its_footer_in_one_read() {
    let memory = MemoryStorage::new();
    let mut store = block_on(ChunkStore::open(memory.clone())).unwrap();
    // 4,000 index entries of 32 bytes: more than one 64 KiB read from the end holds.
    let mut root = cairn_core::Hash::EMPTY;
    for i in 0..4000u32 {
        root = block_on(store.put(format!("chunk {i}").as_bytes())).unwrap();
    }
    block_on(store.commit(store.root(), root)).unwrap();
    assert_eq!(store.manifest().tables.len(), 1);

    let counting = Counting::new(memory);
    let store = block_on(ChunkStore::open(counting.clone())).unwrap();
    assert_eq!(
        counting.take(),
        (2, 0),
        "the manifest and one read of the file's end"
    );
    assert!(block_on(store.get(&root)).unwrap().is_some());
    assert_eq!(counting.take(), (1, 0));
}

#[test]
fn a_restore_keeps_several_reads_in_flight_and_never_more_than_eight() {
    // Table files larger than one read from their end, so their chunks come from storage.
    let mut repo = database(30_000, 256 * 1024);
    let memory = MemoryStorage::new();
    let backup = Counting::new(memory.clone());
    sync(&mut repo, &backup, 1);
    let tables = listed_tables(&memory);
    assert!(
        tables > 8,
        "{tables} table files: the test needs more than eight"
    );
    backup.take();

    let src = block_on(ChunkStore::open_damaged(backup.clone())).unwrap();
    let most = backup.max_in_flight();
    assert_eq!(most, 8, "the indexes are read eight at a time");
    assert_eq!(backup.take(), (1 + tables, 0));
    let mut dst = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    block_on(backup::restore(&src, None, &mut dst, &mut Silent)).unwrap();
    let most = backup.max_in_flight();
    assert!((2..=8).contains(&most), "{most} reads in flight at most");

    let mut restored = block_on(Repo::open(dst, Config::new("restored"))).unwrap();
    let counted = block_on(restored.sql("select count(*) from t")).unwrap();
    assert_eq!(
        format!("{counted:?}"),
        format!(
            "{:?}",
            block_on(repo.sql("select count(*) from t")).unwrap()
        )
    );
}

#[test]
fn a_restore_reads_the_next_chunks_while_it_writes() {
    // Enough rows that the leaves are more chunks than the walk reads at once (4,096).
    let mut repo = database(320_000, 4 << 20);
    let backup = Counting::new(MemoryStorage::new());
    sync(&mut repo, &backup, 1);

    let src = block_on(ChunkStore::open_damaged(backup.clone())).unwrap();
    let restored = Counting::watching(MemoryStorage::new(), &backup);
    // Small table files, so that the restore writes several while it walks.
    let options = Options {
        table_target_bytes: 64 * 1024,
    };
    let mut dst = block_on(ChunkStore::open_with(restored.clone(), options)).unwrap();
    block_on(backup::restore(&src, None, &mut dst, &mut Silent)).unwrap();
    let (_, writes) = restored.take();
    assert!(writes > 4, "{writes} writes");
    let reading = restored
        .counts
        .watched_in_flight_at_writes
        .load(Ordering::SeqCst);
    assert!(
        reading > 0,
        "no read of the backup was under way during a write"
    );
}

#[test]
fn a_first_sync_reads_the_next_table_file_while_it_writes_the_one_before() {
    // Table files larger than one read from their end, so each is read from storage.
    let repo = database(30_000, 256 * 1024);
    let memory = repo.store().storage().clone();
    let tables = listed_tables(&memory);
    assert!(tables >= 3, "{tables} table files: the test needs several");
    let backup = Counting::new(MemoryStorage::new());
    let source = Counting::watching(memory, &backup);
    let store = block_on(ChunkStore::open(source.clone())).unwrap();
    let mut repo = block_on(Repo::open(store, Config::new("owner"))).unwrap();
    source.take();

    sync(&mut repo, &backup, 1);
    let (reads, _) = source.take();
    assert!(reads >= 3, "{reads} reads of {tables} table files");
    let writing = source
        .counts
        .watched_in_flight_at_reads
        .load(Ordering::SeqCst);
    assert!(
        writing > 0,
        "no write to the backup was under way while the database was read"
    );

    // What the backup holds restores into the same rows.
    let src = block_on(ChunkStore::open_damaged(backup.clone())).unwrap();
    let mut restored = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    block_on(backup::restore(&src, None, &mut restored, &mut Silent)).unwrap();
    let mut restored = block_on(Repo::open(restored, Config::new("restored"))).unwrap();
    let count = "select count(*), sum(id) from t";
    assert_eq!(
        format!("{:?}", block_on(restored.sql(count)).unwrap()),
        format!("{:?}", block_on(repo.sql(count)).unwrap())
    );
}
