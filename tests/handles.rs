//! Two handles on one database, as two `Repo` objects kept open in one program, two
//! processes or two tabs hold it: no committed or working-set row is ever lost.

use cairn::{block_on, FsStorage};
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{CommitOptions, Config, Repo, RepoError, Signature};
use cairn_core::{MemoryStorage, Storage};

fn author() -> Signature {
    Signature {
        name: "t".into(),
        email: "t@localhost".into(),
        time_ms: 1,
    }
}

fn open<S: Storage>(storage: S) -> Repo<S> {
    let store = block_on(ChunkStore::open(storage)).unwrap();
    block_on(Repo::open(store, Config::new("db"))).unwrap()
}

fn ids<S: Storage>(repo: &mut Repo<S>) -> String {
    let rows = block_on(repo.sql("select id from t")).unwrap();
    format!("{:?}", rows[0].rows)
}

/// B inserts and commits; A, opened before, inserts too: A's insert lands on top of B's
/// commit, and B's row and commit stay on `main`.
fn two_handles<S: Storage>(a: S, b: S, c: S) {
    let store = block_on(ChunkStore::open(a)).unwrap();
    let mut a = block_on(Repo::init(store, Config::new("db"), &author())).unwrap();
    block_on(a.sql("create table t (id int primary key, who text)")).unwrap();
    block_on(a.commit("table", CommitOptions::ALL, &author())).unwrap();
    let mut b = open(b);

    block_on(b.sql("insert into t values (1, 'b')")).unwrap();
    let b_commit = block_on(b.commit("b's row", CommitOptions::ALL, &author())).unwrap();
    // A has not looked since: its insert runs again on B's state instead of replacing it.
    block_on(a.sql("insert into t values (2, 'a')")).unwrap();
    assert_eq!(ids(&mut a), "[[Int(1)], [Int(2)]]");
    let log = block_on(a.log(a.head().unwrap(), None, false)).unwrap();
    assert!(
        log.iter().any(|(h, _)| *h == b_commit),
        "B's commit is gone"
    );

    // A commit from a stale handle is refused, names what changed, and writes nothing.
    block_on(b.reload()).unwrap();
    block_on(b.sql("insert into t values (3, 'b')")).unwrap();
    let err = block_on(a.commit("a's row", CommitOptions::ALL, &author())).unwrap_err();
    assert!(matches!(err, RepoError::ChangedConcurrently(_)), "{err}");
    assert!(
        err.to_string().contains("the working set of 'main'"),
        "{err}"
    );
    // Run again, it commits all three rows.
    block_on(a.commit("a's row", CommitOptions::ALL, &author())).unwrap();
    let mut fresh = open(c);
    assert_eq!(ids(&mut fresh), "[[Int(1)], [Int(2)], [Int(3)]]");
    assert!(block_on(fresh.status()).unwrap().is_clean());
}

#[test]
fn two_handles_in_memory_lose_nothing() {
    let storage = MemoryStorage::new();
    two_handles(storage.clone(), storage.clone(), storage);
}

#[test]
fn two_handles_on_one_directory_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let at = || FsStorage::new(dir.path());
    two_handles(at(), at(), at());
}
