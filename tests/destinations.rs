//! Where a backup or remote may be written: never the machine's root, the database's own
//! folder or one holding it, its `.cairn`, or a folder of other files (issue 11).

use std::fs;
use std::path::{Path, PathBuf};

use cairn_tests::{fails, new_db, ok};

#[test]
fn a_backup_or_remote_never_writes_into_the_root_the_database_or_a_folder_of_other_files() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    fs::create_dir(r.join("photos")).unwrap();
    fs::write(r.join("photos/cat.jpg"), b"not a store").unwrap();
    let refused = [
        ("file:///", "filesystem's root"),
        ("file://.", "holds this database"),
        ("file://..", "holds this database"),
        ("file://.cairn", "inside this database's .cairn"),
        ("file://.cairn/store/x", "inside this database's .cairn"),
        ("file://../photos", "not a Cairn store"),
    ];
    let before = listing(r);
    for (url, why) in refused {
        let mut commands = vec![
            vec!["backup", "add", "b", url],
            vec!["remote", "add", "o", url],
        ];
        // Were the check ever lost, this test must not be what writes to the machine's root.
        if url != "file:///" {
            commands.push(vec!["backup", "sync-url", url]);
        }
        for args in commands {
            let err = fails(&d, &args);
            assert!(
                err.contains("refusing to write") && err.contains(why),
                "{args:?}: {err}"
            );
        }
    }
    assert_eq!(listing(r), before, "nothing was written anywhere");
    assert!(ok(&d, &["backup"]).is_empty() && ok(&d, &["remote"]).is_empty());
    // A push to a remote whose folder filled with other files since it was added.
    ok(&d, &["remote", "add", "o", "file://../later"]);
    fs::create_dir(r.join("later")).unwrap();
    fs::write(r.join("later/notes.txt"), b"x").unwrap();
    let err = fails(&d, &["push", "o", "main"]);
    assert!(err.contains("not a Cairn store"), "{err}");
    // A new folder, an empty one and an existing store are fine.
    fs::create_dir(r.join("empty")).unwrap();
    ok(&d, &["backup", "sync-url", "file://../empty"]);
    ok(&d, &["backup", "sync-url", "file://../new"]);
    ok(&d, &["sql", "-q", "create table t (a int primary key)"]);
    ok(&d, &["backup", "sync-url", "file://../new"]);
    ok(&d, &["backup", "sync-url", "file://./inside"]);
}

/// Every path under `dir`, with file sizes, but inside the database's own `.cairn`.
fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == ".cairn") {
            continue;
        }
        if path.is_dir() {
            out.extend(listing(&path));
        } else {
            out.push((path.clone(), fs::metadata(&path).unwrap().len()));
        }
    }
    out.sort();
    out
}
