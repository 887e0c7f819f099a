//! Native benchmarks: storage, then the database through SQL. Prints one TSV line per case,
//! `case, runtime, value, unit`, in the same shape as npm/bench/bench.mjs does for the wasm
//! build, so scripts/bench.sh can put them in one table. Storage cases and the scan run three
//! times and the best run counts; the first backup sync five times, and the median counts;
//! the other database cases, which take seconds, run once.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cairn::{block_on, FsStorage};
use cairn_core::backup;
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{CommitOptions, Config, DiffTarget, Repo, Signature};
use cairn_core::{Hash, MemoryStorage, Storage};

const DATA_LEN: usize = 64 << 20;
const CHUNK: usize = 4096;
const RUNS: usize = 3;
/// How many first backup syncs, each into a fresh folder; the median counts.
const SYNC_RUNS: usize = 5;

fn main() {
    let data = pseudo_random(DATA_LEN);
    let mb = DATA_LEN as f64 / 1e6;
    let report = |case: &str, best: Duration| {
        println!("{case}\tnative\t{:.0}\tMB/s", mb / best.as_secs_f64());
    };

    report(
        "blake3 one 64 MiB buffer",
        best_of(|| {
            std::hint::black_box(blake3::hash(&data));
        }),
    );
    report(
        "chunk hashing, 4 KiB chunks",
        best_of(|| {
            for c in data.chunks(CHUNK) {
                std::hint::black_box(Hash::of(c));
            }
        }),
    );

    let (write, read) = store_round_trip(MemoryStorage::new);
    report("chunk store write, memory (64 MiB of 4 KiB chunks)", write);
    report("chunk store read, memory", read);

    let scratch = scratch_dir();
    let (write, read) = store_round_trip(|| {
        let _ = std::fs::remove_dir_all(&scratch);
        FsStorage::new(&scratch)
    });
    let _ = std::fs::remove_dir_all(&scratch);
    report("chunk store write, filesystem", write);
    report("chunk store read, filesystem", read);

    database(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    gc(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
}

/// What a store's table files take on disk, in KiB.
fn store_kib(storage: &FsStorage) -> f64 {
    let listed = block_on(storage.list()).expect("list");
    listed.iter().map(|o| o.size).sum::<u64>() as f64 / 1024.0
}

/// gc after many small writes: the 20,000-row table and 60 one-row UPDATEs, each its
/// own write, against a store that made the same changes in one write, and the 1M-row table.
fn gc(scratch: &std::path::Path) {
    let author = author();
    let rows: Vec<String> = (0..20_000)
        .map(|i| format!("({i}, 'row {i} with a little text')"))
        .collect();
    let create = format!(
        "create table t (id int primary key, v text); insert into t values {}",
        rows.join(",")
    );
    let updates: Vec<String> = (0..60)
        .map(|i| format!("update t set v = 'changed {i}' where id = {}", i * 331))
        .collect();
    let make = |name: &str, one_write: bool| {
        let store = block_on(ChunkStore::open(FsStorage::new(scratch.join(name)))).expect("open");
        let mut repo = block_on(Repo::init(store, Config::new("bench"), &author)).expect("init");
        block_on(repo.sql(&create)).expect("create");
        block_on(repo.commit("rows", CommitOptions::ALL, &author)).expect("commit");
        if one_write {
            block_on(repo.sql(&updates.join(";"))).expect("update");
        } else {
            for u in &updates {
                block_on(repo.sql(u)).expect("update");
            }
        }
        repo
    };
    // Every file counts as old: the grace period is for writers running at the same time.
    let collect = |repo: &mut Repo<FsStorage>| {
        let (stats, secs) =
            timed(|| block_on(repo.gc(u64::MAX / 2, 0, &mut cairn_core::sync::Silent)));
        stats.expect("gc");
        secs * 1e3
    };
    let mut fresh = make("fresh", true);
    collect(&mut fresh);
    let mut used = make("used", false);
    line(
        "store of 20k rows after 60 one-row writes",
        store_kib(used.store().storage()),
        "KiB",
    );
    let ms = collect(&mut used);
    line("... after gc", store_kib(used.store().storage()), "KiB");
    line(
        "... a fresh store of the same data, after gc",
        store_kib(fresh.store().storage()),
        "KiB",
    );
    line("gc of that store", ms, "ms");

    let store = block_on(ChunkStore::open(FsStorage::new(scratch.join("big")))).expect("open");
    let mut repo = block_on(Repo::init(store, Config::new("bench"), &author)).expect("init");
    block_on(repo.sql("create table t (id int primary key, a int, b varchar(20), c double)"))
        .expect("create");
    block_on(repo.sql(&million_rows())).expect("insert");
    block_on(repo.commit("rows", CommitOptions::ALL, &author)).expect("commit");
    for i in 0..20 {
        let update = format!("update t set a = {i} where id % 50000 = {i}");
        block_on(repo.sql(&update)).expect("update");
    }
    line(
        "store of 1M rows after 20 writes",
        store_kib(repo.store().storage()) / 1024.0,
        "MiB",
    );
    let ms = collect(&mut repo);
    line(
        "... of 1M rows after gc",
        store_kib(repo.store().storage()) / 1024.0,
        "MiB",
    );
    line("gc of the 1M-row store", ms, "ms");
}

const ROWS: u64 = 1_000_000;

/// The SQL of issue 3's benchmark: one INSERT of a million rows, an int key and three columns.
fn million_rows() -> String {
    let mut sql = String::with_capacity(40 * ROWS as usize);
    sql.push_str("insert into t values ");
    for i in 0..ROWS {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!("({i},{},'name-{i}',{}.5)", i * 7 % 1000, i % 997));
    }
    sql
}

/// Runs `f` once; returns its result and how many seconds it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let started = Instant::now();
    let out = f();
    (out, started.elapsed().as_secs_f64())
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// One line of the TSV scripts/bench.sh reads.
fn line(case: &str, value: f64, unit: &str) {
    println!("{case}\tnative\t{value:.1}\t{unit}");
}

fn author() -> Signature {
    Signature {
        name: "bench".into(),
        email: "bench@example.com".into(),
        time_ms: 0,
    }
}

fn database(scratch: &std::path::Path) {
    let author = author();
    let store = block_on(ChunkStore::open(FsStorage::new(scratch.join("db")))).expect("open");
    let mut repo = block_on(Repo::init(store, Config::new("bench"), &author)).expect("init");
    block_on(repo.sql("create table t (id int primary key, a int, b varchar(20), c double)"))
        .expect("create");
    let sql = million_rows();
    let ((), secs) = timed(|| {
        block_on(repo.sql(&sql)).expect("insert");
        block_on(repo.commit("rows", CommitOptions::ALL, &author)).expect("commit");
    });
    line(
        "insert 1,000,000 rows (one statement) and commit",
        ROWS as f64 / secs,
        "rows/s",
    );

    let lookups = 2000u64;
    let ((), secs) = timed(|| {
        for k in 0..lookups {
            let query = format!("select * from t where id = {}", k * 7919 % ROWS);
            let rows = block_on(repo.sql(&query)).expect("select");
            assert_eq!(rows[0].rows.len(), 1);
        }
    });
    line(
        "point lookup by primary key (SQL)",
        secs * 1e6 / lookups as f64,
        "µs",
    );

    // The fastest of three scans (bench_sqlite.py's too): one scan draws the two cores'
    // scheduling once, and single scans of one build spread over a third.
    let secs = best_of(|| {
        let count = block_on(repo.sql("select count(*) from t where c >= 0")).expect("scan");
        assert_eq!(count[0].rows.len(), 1);
    })
    .as_secs_f64();
    line(
        "full scan with a filter, 1,000,000 rows",
        ROWS as f64 / secs,
        "rows/s",
    );

    let updates: Vec<String> = (0..100)
        .map(|i| format!("update t set a = -1 where id = {}", i * 9973))
        .collect();
    block_on(repo.sql(&updates.join(";"))).expect("update");
    let (diff, secs) = timed(|| block_on(repo.diff(DiffTarget::Ref("HEAD"), DiffTarget::Working)));
    assert_eq!(diff.expect("diff")[0].rows.len(), 100);
    line("diff after changing 100 rows", secs * 1e3, "ms");

    // Opened inside the timing, as Node's `backupSyncUrl` opens its URL.
    let sync = |repo: &Repo<FsStorage>, to: &str, time_ms| {
        let (dst, secs) = timed(|| {
            let mut dst = block_on(ChunkStore::open(FsStorage::new(scratch.join(to))))?;
            block_on(backup::sync(
                repo.store(),
                "bench",
                "main",
                None,
                &cairn_core::backup::Note::default(),
                &mut dst,
                time_ms,
                backup::Repair::IfSeenDamaged,
                &mut cairn_core::sync::Silent,
            ))?;
            Ok::<_, cairn_core::backup::BackupError>(dst)
        });
        dst.expect("sync");
        secs * 1e3
    };
    // Into fresh folders SYNC_RUNS times, alternating with nothing else: one sample was
    // mostly the disk's fsyncs of the moment (docs/BENCHMARKS.md).
    let firsts: Vec<f64> = (0..SYNC_RUNS)
        .map(|k| sync(&repo, &format!("backup-{k}"), 1))
        .collect();
    line("backup sync, 1M-row database (first)", median(firsts), "ms");
    block_on(repo.sql("update t set b = 'changed' where id = 500000")).expect("update");
    line(
        "backup sync after a one-row change",
        sync(&repo, "backup-0", 2),
        "ms",
    );
}

/// Best times of writing every chunk and committing to a fresh store, then reading each back.
fn store_round_trip<S: Storage>(fresh: impl Fn() -> S) -> (Duration, Duration) {
    let data = pseudo_random(DATA_LEN);
    let (mut write, mut read) = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        let storage = fresh();
        let started = Instant::now();
        let mut store = block_on(ChunkStore::open(storage)).expect("open");
        let mut hashes = Vec::with_capacity(DATA_LEN / CHUNK);
        for c in data.chunks(CHUNK) {
            hashes.push(block_on(store.put(c)).expect("put"));
        }
        block_on(store.commit(Hash::EMPTY, hashes[0])).expect("commit");
        write = write.min(started.elapsed());

        let store = block_on(ChunkStore::open(store.storage())).expect("reopen");
        let started = Instant::now();
        for h in &hashes {
            std::hint::black_box(block_on(store.get(h)).expect("get").expect("present"));
        }
        read = read.min(started.elapsed());
    }
    (write, read)
}

fn best_of(mut run: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .min()
        .unwrap()
}

/// xorshift64: incompressible, reproducible bytes, so no two chunks are alike.
fn pseudo_random(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

fn scratch_dir() -> PathBuf {
    std::env::temp_dir().join(format!("cairn-bench-{}", std::process::id()))
}
