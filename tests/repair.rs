//! A sync onto a damaged backup writes again what the new snapshot needs, so that the
//! snapshot it records restores (issue 11). Damage a sync sees when it opens the backup (a
//! listed table file missing, truncated or unreadable) is repaired on every sync; damage only
//! reading finds (a flipped byte, a manifest that lost a file) by `backup sync --repair`.

use std::fs;
use std::path::{Path, PathBuf};

use cairn_core::manifest::Manifest;
use cairn_tests::{fails, manifest_file, new_db, ok, snapshot_ids, table_entries};

/// The table files of a store folder, by name.
fn table_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.len() == 32)
        .collect();
    names.sort();
    names
}

/// A database with rows in a committed table, synced once to `../b`; answers the database
/// folder and the backup's table files that the database's own files became.
fn synced_once(r: &Path) -> (PathBuf, Vec<String>) {
    let d = new_db(r);
    ok(
        &d,
        &["sql", "-q", "create table t (id int primary key, v text)"],
    );
    let values: Vec<String> = (0..2000).map(|i| format!("({i}, 'row {i}')")).collect();
    let insert = format!("insert into t values {}", values.join(", "));
    ok(&d, &["sql", "-q", &insert]);
    ok(&d, &["commit", "-a", "-m", "rows"]);
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    let from_db: Vec<String> = table_files(&d.join(".cairn/store"))
        .into_iter()
        .filter(|n| r.join("b").join(n).exists())
        .collect();
    assert!(!from_db.is_empty());
    (d, from_db)
}

/// Flips the last byte of the first prolly leaf in the table files `names` of the backup:
/// row data, which a snapshot taken after changes to other tables shares.
fn flip_a_leaf(backup: &Path, names: &[String]) {
    for name in names {
        let path = backup.join(name);
        let mut bytes = fs::read(&path).unwrap();
        let entries = table_entries(&bytes);
        let leaf = entries.iter().find(|e| {
            let record = &bytes[e.offset as usize..][..e.len as usize];
            let chunk =
                cairn_core::table_file::chunk_of(cairn_core::table_file::VERSION, e, record)
                    .unwrap();
            chunk[0] == 0x01 && chunk[1] == 0
        });
        if let Some(e) = leaf {
            bytes[(e.offset + u64::from(e.len) - 1) as usize] ^= 0x01;
            fs::write(&path, &bytes).unwrap();
            return;
        }
    }
    panic!("no prolly leaf in {names:?}");
}

/// The latest snapshot restores into `into`, whole, with the rows `expected` counts.
fn restores_whole(r: &Path, into: &str, expected: &str) {
    ok(r, &["backup", "restore", "file://b", into]);
    let count = ok(
        &r.join(into),
        &["sql", "-q", "select count(*) from t", "-r", "csv"],
    );
    assert_eq!(count, format!("count(*)\n{expected}\n"));
    assert!(ok(&r.join(into), &["fsck"]).contains("no problems found"));
}

#[test]
fn a_sync_onto_a_backup_that_lost_a_table_file_writes_its_chunks_again() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let (d, from_db) = synced_once(r);
    for name in &from_db {
        fs::remove_file(r.join("b").join(name)).unwrap();
    }
    ok(&d, &["sql", "-q", "insert into t values (5000, 'new')"]);
    let out = ok(&d, &["backup", "sync", "b"]);
    assert!(out.contains("repaired"), "{out}");
    restores_whole(r, "restored", "2001");
    // The lost files stay listed and named. The first snapshot's own dataset map was in them
    // and is gone for good; the new snapshot is whole.
    let ids = snapshot_ids(&d, "b");
    let err = fails(&d, &["backup", "verify", "b"]);
    assert!(err.contains("listed in the manifest but missing"), "{err}");
    assert!(
        err.contains(&format!("damaged: snapshot {}", ids[0])),
        "{err}"
    );
    assert!(
        err.contains(&format!("intact: snapshot {}", ids[1])),
        "{err}"
    );
}

#[test]
fn sync_repair_writes_again_a_chunk_whose_bytes_were_flipped() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let (d, from_db) = synced_once(r);
    flip_a_leaf(&r.join("b"), &from_db);
    ok(&d, &["sql", "-q", "create table u (a int primary key)"]);
    let out = ok(&d, &["backup", "sync", "--repair", "b"]);
    assert!(out.contains("repaired 1 "), "{out}");
    restores_whole(r, "restored", "2000");
    // The damaged file is still there, and verify still names it; but a good copy of its
    // chunk exists now, so both snapshots restore.
    let err = fails(&d, &["backup", "verify", "b"]);
    assert!(err.contains("does not match its hash"), "{err}");
    assert!(err.contains("damaged: none; intact: snapshot"), "{err}");
    let first = snapshot_ids(&d, "b").remove(0);
    ok(
        r,
        &[
            "backup",
            "restore",
            "--snapshot",
            &first,
            "file://b",
            "first",
        ],
    );
}

#[test]
fn sync_repair_rewrites_what_a_manifest_that_lost_a_file_no_longer_lists() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let (d, _) = synced_once(r);
    // One changed row: its leaf and the nodes above it go into a new file, beside the file
    // holding every other leaf.
    ok(
        &d,
        &["sql", "-q", "update t set v = 'changed' where id = 7"],
    );
    ok(&d, &["commit", "-a", "-m", "one row"]);
    ok(&d, &["backup", "sync", "b"]);
    // The manifest forgets the biggest file, the untouched leaves': the tree's new nodes,
    // still listed, point at chunks in no listed file.
    let path = manifest_file(&r.join("b"));
    let mut manifest = Manifest::decode(&fs::read(&path).unwrap()).unwrap();
    let biggest = manifest
        .tables
        .iter()
        .max_by_key(|t| t.size)
        .unwrap()
        .name
        .clone();
    manifest.tables.retain(|t| t.name != biggest);
    let version: u64 = path.file_name().unwrap().to_str().unwrap().parse().unwrap();
    let next = path.with_file_name(format!("{:020}", version + 1));
    fs::write(&next, manifest.encode()).unwrap();

    // A plain sync trusts what is listed: it records a snapshot that does not restore.
    ok(&d, &["sql", "-q", "create table u (a int primary key)"]);
    ok(&d, &["backup", "sync", "b"]);
    let err = fails(r, &["backup", "restore", "file://b", "plain"]);
    assert!(err.contains("missing"), "{err}");
    // A repair reads what the snapshot reaches and writes again what is gone.
    let out = ok(&d, &["backup", "sync", "--repair", "b"]);
    assert!(
        out.contains("up to date") && out.contains("repaired"),
        "{out}"
    );
    restores_whole(r, "restored", "2000");
}

#[test]
fn sync_repair_of_an_up_to_date_backup_repairs_without_a_new_snapshot() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let (d, from_db) = synced_once(r);
    flip_a_leaf(&r.join("b"), &from_db);
    let out = ok(&d, &["backup", "sync", "--repair", "b"]);
    assert!(out.contains("up to date"), "{out}");
    assert!(out.contains("repaired 1 "), "{out}");
    assert_eq!(ok(&d, &["backup", "snapshots", "b"]).lines().count(), 2);
    restores_whole(r, "restored", "2000");
    // Nothing left to repair: a second repair writes nothing.
    let out = ok(&d, &["backup", "sync", "--repair", "b"]);
    assert!(!out.contains("repaired"), "{out}");
}
