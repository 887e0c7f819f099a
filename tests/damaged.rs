//! Damaged backups, kept as fixtures the way restic keeps tarballs of damaged repositories:
//! tests/fixtures/damaged/ holds a small backup of three snapshots (`intact`) and copies of it
//! with one kind of damage each. Each must give an exact `backup verify` report and exact
//! `backup restore` outcomes: which snapshots still restore, which are refused and how.
//!
//! The fixtures are built by fixed steps (fixed database id and clock); the test rebuilds them
//! and requires the committed files byte for byte. `CAIRN_BLESS=1 cargo test -p cairn-tests
//! --test damaged fixtures_are` rewrites them (alone: the other tests read them); only when the
//! writer's bytes change (the format, or how blocks are compressed), and then check the
//! reports below: a format change changes them too.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use cairn::{block_on, FsStorage};
use cairn_core::backup::Repair;
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{CommitOptions, Config, Repo, Signature};
use cairn_core::sync::Silent;
use cairn_core::{MemoryStorage, Storage};
use cairn_tests::{cairn_in, copy_tree, manifest_file, table_entries};

const T0: u64 = 1_700_000_000_000;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/damaged")
}

/// The intact backup in `dir`: snapshot 1 holds table `t` uncommitted, snapshot 2 a commit of
/// it with a fourth row, snapshot 3 an uncommitted update on top. Answers the table file that
/// only snapshot 1 uses (the SQL before the first sync) and the one that snapshots 2 and 3
/// share (the second sync's).
fn build_intact(dir: &Path) -> (String, String) {
    let author = |time_ms| Signature {
        name: "Ada".into(),
        email: "ada@example.com".into(),
        time_ms,
    };
    let db = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    let config = Config::new("damaged0f1tures00000000000000000");
    let mut repo = block_on(Repo::init(db, config, &author(T0))).unwrap();
    let mut backup = block_on(ChunkStore::open(FsStorage::new(dir))).unwrap();
    let mut sync = |repo: &mut Repo<MemoryStorage>, at: u64| {
        let repair = Repair::IfSeenDamaged;
        block_on(repo.backup_sync(
            &mut backup,
            "file://backup",
            &cairn_core::backup::Note::default(),
            T0 + at,
            repair,
            &mut Silent,
        ))
        .unwrap();
        tables(dir)
    };
    let sql = |repo: &mut Repo<MemoryStorage>, q: &str| drop(block_on(repo.sql(q)).unwrap());

    sql(&mut repo, "CREATE TABLE t (id INT PRIMARY KEY, name TEXT)");
    let before_sql = tables_of(repo.store());
    sql(
        &mut repo,
        "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')",
    );
    let only_first = new_table(&before_sql, &tables_of(repo.store()));
    sync(&mut repo, 1000);
    sql(&mut repo, "INSERT INTO t VALUES (4, 'four')");
    block_on(repo.commit("four rows", CommitOptions::ALL, &author(T0 + 2000))).unwrap();
    let before = tables(dir);
    let second = new_table(&before, &sync(&mut repo, 3000));
    sql(&mut repo, "UPDATE t SET name = 'TWO' WHERE id = 2");
    sync(&mut repo, 4000);
    (only_first, second)
}

fn tables_of<S: Storage>(store: &ChunkStore<S>) -> Vec<String> {
    store
        .manifest()
        .tables
        .iter()
        .map(|t| t.name.clone())
        .collect()
}

fn tables(dir: &Path) -> Vec<String> {
    tables_of(&block_on(ChunkStore::open(FsStorage::new(dir))).unwrap())
}

/// The one table file in `after` and not in `before`.
fn new_table(before: &[String], after: &[String]) -> String {
    let new: Vec<&String> = after.iter().filter(|t| !before.contains(t)).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    new[0].clone()
}

/// Flips a bit in the last byte of the table file's first record: that chunk no longer
/// matches its address, while the file's index and footer stay whole.
fn flip_a_record_byte(file: &Path) {
    let mut bytes = fs::read(file).unwrap();
    let first = table_entries(&bytes)
        .into_iter()
        .filter(|e| e.len > 0)
        .min_by_key(|e| e.offset)
        .unwrap();
    bytes[first.offset as usize + first.len as usize - 1] ^= 0x01;
    fs::write(file, bytes).unwrap();
}

/// Builds every fixture into `root`.
fn build(root: &Path) {
    let intact = root.join("intact");
    let (only_first, second) = build_intact(&intact);
    let variant = |name: &str| {
        let dir = root.join(name);
        copy_tree(&intact, &dir);
        dir
    };
    let dir = variant("missing-manifest");
    fs::remove_dir_all(dir.join("manifests")).unwrap();
    fs::remove_file(dir.join("manifest")).unwrap();

    let dir = variant("missing-table");
    fs::remove_file(dir.join(&second)).unwrap();

    let dir = variant("flipped-byte");
    flip_a_record_byte(&dir.join(&only_first));

    // An interrupted sync: a table file written but never listed, and temporary files of a
    // table file and a manifest version that were never renamed into place.
    let dir = variant("orphan-temp");
    let mut store = block_on(ChunkStore::open(FsStorage::new(&dir))).unwrap();
    block_on(store.put(b"a chunk of a sync that never swapped")).unwrap();
    block_on(store.flush()).unwrap();
    let orphan = &store.written_tables()[0].name;
    fs::write(
        dir.join(format!(".tmp-{orphan}-4242-0-0")),
        b"half a table file",
    )
    .unwrap();
    let next = "00000000000000000004";
    fs::write(
        dir.join(format!("manifests/.tmp-{next}-4242-1-0")),
        b"cairn-manifest 1\n",
    )
    .unwrap();

    let dir = variant("corrupt-manifest");
    let newest = manifest_file(&dir);
    let text = fs::read_to_string(&newest).unwrap();
    fs::write(&newest, text.replacen("table ", "table 0", 1)).unwrap();
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            for (sub, bytes) in files(&path) {
                out.insert(format!("{name}/{sub}"), bytes);
            }
        } else {
            out.insert(name, fs::read(&path).unwrap());
        }
    }
    out
}

#[test]
fn the_fixtures_are_what_this_build_makes() {
    if std::env::var_os("CAIRN_BLESS").is_some() {
        let _ = fs::remove_dir_all(fixtures());
        build(&fixtures());
    }
    let fresh = tempfile::tempdir().unwrap();
    build(fresh.path());
    let (built, committed) = (files(fresh.path()), files(&fixtures()));
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &built {
        assert!(committed[name] == *bytes, "{name} differs from the fixture");
    }
}

/// The snapshots, oldest first: their ids, and the rows of `t` each holds (as `sql -r csv`).
const SNAPSHOTS: [(&str, &str); 3] = [
    ("fdmn82qb", "id,name\n1,one\n2,two\n3,three\n"),
    ("ktj3aga3", "id,name\n1,one\n2,two\n3,three\n4,four\n"),
    ("h1urf99s", "id,name\n1,one\n2,TWO\n3,three\n4,four\n"),
];

/// What `backup restore` prints for each snapshot restored whole: (stdout, stderr).
const RESTORED: [(&str, &str); 3] = [
    (
        "restored snapshot fdmn82qb (Tue Nov 14 22:13:21 2023 +0000) into 'restored': 6 chunks, 330 B\n",
        "",
    ),
    (
        "restored snapshot ktj3aga3 (Tue Nov 14 22:13:23 2023 +0000) into 'restored': 7 chunks, 424 B\n",
        "",
    ),
    (
        "restored snapshot h1urf99s (Tue Nov 14 22:13:24 2023 +0000) into 'restored': 9 chunks, 531 B\n",
        "",
    ),
];

/// How restoring a snapshot must end.
enum Restore {
    /// Whole, as the intact backup's snapshot `i`.
    Whole(usize),
    /// Refused with this standard error (exit code 1), leaving no database behind.
    Refused(&'static str),
}

/// What ends the report of a damaged backup.
const REPAIR: &str = "; `cairn backup sync --repair` from the database writes again what it \
                      still has\n";

/// Each snapshot, then the default (the latest), restored whole.
const EVERY_SNAPSHOT_WHOLE: [Restore; 4] = [
    Restore::Whole(0),
    Restore::Whole(1),
    Restore::Whole(2),
    Restore::Whole(2),
];

/// Checks a fixture: `backup verify` exits with `code` and prints `stdout` and `stderr`;
/// `backup restore` of each snapshot (then of the default, the latest) ends as `restores`.
fn check(fixture: &str, (code, stdout, stderr): (i32, &str, &str), restores: [Restore; 4]) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(&fixtures().join(fixture), &root.join("backup"));
    let out = cairn_in(root, &["backup", "verify", "file://backup"], None);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (code, stdout, stderr),
        "verify {fixture}"
    );
    let ids = SNAPSHOTS.map(|(id, _)| Some(id));
    for (snapshot, expected) in ids.into_iter().chain([None]).zip(restores) {
        let mut args = vec!["backup", "restore", "file://backup", "restored"];
        args.extend(snapshot.iter().flat_map(|id| ["--snapshot", id]));
        let out = cairn_in(root, &args, None);
        let got = (out.code, out.stdout.as_str(), out.stderr.as_str());
        let what = format!("restore {snapshot:?} of {fixture}");
        let restored = root.join("restored");
        match expected {
            Restore::Whole(i) => {
                assert_eq!(got, (0, RESTORED[i].0, RESTORED[i].1), "{what}");
                let rows = cairn_in(
                    &restored,
                    &["sql", "-r", "csv", "-q", "SELECT * FROM t"],
                    None,
                );
                assert_eq!(rows.stdout, SNAPSHOTS[i].1, "{what}");
                assert_eq!(cairn_in(&restored, &["fsck"], None).code, 0, "{what}");
                fs::remove_dir_all(&restored).unwrap();
            }
            Restore::Refused(stderr) => {
                assert_eq!(got, (1, "", stderr), "{what}");
                assert!(!restored.exists(), "{what} left a database");
            }
        }
    }
    // Neither command changed the fixture.
    assert!(files(&root.join("backup")) == files(&fixtures().join(fixture)));
}

#[test]
fn an_intact_backup_verifies_and_restores_every_snapshot() {
    let report = "checked 6 table files, 23 chunks (1484 bytes)\n\
                  every chunk that 3 branches, tags, working sets and snapshots reach is present and whole\n\
                  no problems found\n";
    check("intact", (0, report, ""), EVERY_SNAPSHOT_WHOLE);
}

#[test]
fn a_backup_without_its_manifest_is_no_backup() {
    nothing_restores(
        "missing-manifest",
        "error: the store is damaged: 6 table files but no manifest: nothing here can be opened \
         or restored",
        "error: the backup is empty; run `cairn backup sync` first\n",
    );
}

#[test]
fn a_missing_table_file_fails_only_the_snapshots_that_use_it() {
    let report = "error: the store is damaged: table file 'm5qkfo5v7vh7ig3m1eo7p7fiajsr00f6' is \
                  listed in the manifest but missing; chunk og7lgrc7g1ep7bismvju5qcu7jhcvo37, \
                  which snapshot ktj3aga3 needs, is in no listed table file; chunk \
                  5750mu8asn4mihv9ogdkdtqqheos6fus, which snapshot h1urf99s needs, is in no \
                  listed table file; chunk imr35s800dp5kmp1tm062ku8qsbln4ku, which snapshot \
                  h1urf99s needs, is in no listed table file; damaged: snapshot ktj3aga3, \
                  snapshot h1urf99s; intact: snapshot fdmn82qb";
    let third = "error: the store is damaged: the source is missing chunk \
                 imr35s800dp5kmp1tm062ku8qsbln4ku; intact: snapshot fdmn82qb (restore one with \
                 --snapshot ID)\n";
    let second = "error: the store is damaged: the source is missing chunk \
                  og7lgrc7g1ep7bismvju5qcu7jhcvo37; intact: snapshot fdmn82qb (restore one with \
                  --snapshot ID)\n";
    use Restore::{Refused, Whole};
    check(
        "missing-table",
        (1, "", &format!("{report}{REPAIR}")),
        [Whole(0), Refused(second), Refused(third), Refused(third)],
    );
}

#[test]
fn a_flipped_byte_fails_only_the_snapshot_that_uses_it() {
    // The byte is in a block of four chunks: all four are damaged.
    let report = "error: the store is damaged: chunk 7tq0tsmpdrmkh66sd80jg7f58loqkh6c in table \
                  file 'dkkmip5u31vtv7lm4qh362675jbk6qcu' does not match its hash; chunk \
                  etuc3558efocp9cm0sr19gm09me2giho in table file 'dkkmip5u31vtv7lm4qh362675jbk6qcu' \
                  does not match its hash; chunk f3khmml630tf15jd7bkqf9tvk403tups in table file \
                  'dkkmip5u31vtv7lm4qh362675jbk6qcu' does not match its hash; chunk \
                  nh3nmpllklrfs4usgs5tqlhtksh6guaq in table file 'dkkmip5u31vtv7lm4qh362675jbk6qcu' \
                  does not match its hash; damaged: snapshot fdmn82qb; intact: snapshot ktj3aga3, \
                  snapshot h1urf99s";
    let first = "error: the store is damaged: reading the source: chunk \
                 nh3nmpllklrfs4usgs5tqlhtksh6guaq in table file 'dkkmip5u31vtv7lm4qh362675jbk6qcu' \
                 is corrupt: its bytes do not match its hash; intact: snapshot ktj3aga3, snapshot \
                 h1urf99s (restore one with --snapshot ID)\n";
    use Restore::{Refused, Whole};
    check(
        "flipped-byte",
        (1, "", &format!("{report}{REPAIR}")),
        [Refused(first), Whole(1), Whole(2), Whole(2)],
    );
}

#[test]
fn orphans_and_temporary_files_of_an_interrupted_sync_are_harmless() {
    let report = "checked 6 table files, 24 chunks (1521 bytes)\n\
                  every chunk that 3 branches, tags, working sets and snapshots reach is present and whole\n\
                  note: table file 'tc7mpcvbnc7o7u6df3p15uqodoqj7fjg' is not in the manifest (merged \
                  into another, or left by an interrupted write; gc deletes it)\n\
                  no problems found\n";
    check("orphan-temp", (0, report, ""), EVERY_SNAPSHOT_WHOLE);
}

#[test]
fn a_corrupt_manifest_is_refused_whole() {
    nothing_restores(
        "corrupt-manifest",
        "error: the store is damaged: manifest checksum mismatch (damaged or truncated)",
        "error: manifest checksum mismatch (damaged or truncated)\n",
    );
}

/// A fixture whose `verify` fails with `report` (after reading every chunk) and whose every
/// restore with `refused`.
fn nothing_restores(fixture: &str, report: &str, refused: &'static str) {
    let restores = [0, 1, 2, 3].map(|_| Restore::Refused(refused));
    check(fixture, (1, "", &format!("{report}{REPAIR}")), restores);
}
