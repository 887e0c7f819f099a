//! Encrypted backups through the real binary: nothing readable in the backup's files, clean
//! failures without the right password, keys added and retired, and tampering detected.

use std::fs;
use std::path::{Path, PathBuf};

use cairn_tests::{cairn_env, fails_env, ok, ok_env, query_csv};

const PW: (&str, &str) = ("CAIRN_PASSWORD", "correct horse");

/// The one error line of a command that must fail (exit 1) with `env`.
fn fails_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let stderr = fails_env(dir, args, env);
    stderr.lines().last().unwrap_or_default().to_owned()
}

/// Every file under `dir` (the backup folder and its `manifests/`), with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            let bytes = fs::read(&path).unwrap();
            out.push((path, bytes));
        }
    }
    out.sort();
    out
}

fn holds(dir: &Path, marker: &str) -> bool {
    files(dir).iter().any(|(path, bytes)| {
        path.to_string_lossy().contains(marker)
            || bytes.windows(marker.len()).any(|w| w == marker.as_bytes())
    })
}

/// A database whose row, uncommitted table and checked-out branch carry `marker`.
fn marked_db(root: &Path, marker: &str) -> PathBuf {
    let db = root.join("db");
    fs::create_dir(&db).unwrap();
    ok(&db, &["init"]);
    ok(
        &db,
        &["sql", "-q", "create table t (id int primary key, v text)"],
    );
    let insert = format!("insert into t values (1, 'row {marker}')");
    ok(&db, &["sql", "-q", &insert]);
    ok(&db, &["commit", "-a", "-m", "rows"]);
    ok(&db, &["checkout", "-b", &format!("branch-{marker}")]);
    let table = format!("create table table_{marker} (a int primary key)");
    ok(&db, &["sql", "-q", &table]);
    db
}

/// `marked_db` with an encrypted backup `enc` at `root/enc`, synced.
fn encrypted_backup(root: &Path, marker: &str) -> PathBuf {
    let db = marked_db(root, marker);
    ok_env(
        &db,
        &["backup", "add", "enc", "file://../enc", "--encrypt"],
        &[PW],
    );
    ok_env(&db, &["backup", "sync", "enc"], &[PW]);
    db
}

#[test]
fn markers_appear_nowhere_in_an_encrypted_backup() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let marker = "zqxmarker";
    let db = encrypted_backup(r, marker);
    // The same database backed up without encryption shows every marker: the check can fail.
    ok(&db, &["backup", "sync-url", "file://../plain"]);
    assert!(holds(&r.join("plain"), marker));
    assert!(
        !holds(&r.join("enc"), marker),
        "a marker leaked into the encrypted backup"
    );

    // Its .cairnbak stays sealed: no marker, and it needs the password.
    ok_env(&db, &["backup", "export", "enc", "../enc.cairnbak"], &[PW]);
    let file = fs::read(r.join("enc.cairnbak")).unwrap();
    assert!(file.starts_with(b"CAIRNSBK"));
    assert!(!file.windows(marker.len()).any(|w| w == marker.as_bytes()));
    let error = fails_with(r, &["backup", "restore", "enc.cairnbak", "x"], &[]);
    assert!(error.contains("set CAIRN_PASSWORD"), "{error}");
    let wrong = [("CAIRN_PASSWORD", "wrong")];
    let error = fails_with(r, &["backup", "restore", "enc.cairnbak", "x"], &wrong);
    assert!(error.starts_with("error: wrong password"), "{error}");
    assert!(!r.join("x").exists());
    ok_env(
        r,
        &["backup", "restore", "enc.cairnbak", "from-file"],
        &[PW],
    );
    assert!(ok(&r.join("from-file"), &["branch"]).contains(&format!("* branch-{marker}")));

    ok_env(r, &["backup", "restore", "file://enc", "back"], &[PW]);
    let back = r.join("back");
    assert_eq!(
        query_csv(&back, "select v from t"),
        format!("v\nrow {marker}\n")
    );
    assert!(ok(&back, &["status"]).contains(&format!("table_{marker}")));
    assert!(ok(&back, &["branch"]).contains(&format!("* branch-{marker}")));
}

#[test]
fn wrong_and_missing_passwords_fail_cleanly_and_write_nothing() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let db = encrypted_backup(r, "m");
    ok(&db, &["sql", "-q", "insert into t values (2, 'more')"]);
    let before = files(&r.join("enc"));
    let wrong = [("CAIRN_PASSWORD", "wrong")];
    let commands: [&[&str]; 6] = [
        &["backup", "sync", "enc"],
        &["backup", "snapshots", "enc"],
        &["backup", "verify", "enc"],
        &["backup", "prune", "--keep-last", "1", "enc"],
        &["backup", "export", "enc", "out.cairnbak"],
        &["backup", "key", "list", "enc"],
    ];
    for args in commands {
        let missing = fails_with(&db, args, &[]);
        assert_eq!(
            missing,
            "error: the backup is encrypted: it needs its password; set CAIRN_PASSWORD or use \
             --password-file FILE",
            "{args:?}"
        );
        let error = fails_with(&db, args, &wrong);
        assert!(
            error.starts_with("error: wrong password"),
            "{args:?}: {error}"
        );
    }
    let error = fails_with(r, &["backup", "restore", "file://enc", "back"], &wrong);
    assert!(error.starts_with("error: wrong password"), "{error}");
    assert!(!r.join("back").exists());
    assert!(!db.join("out.cairnbak").exists());
    assert_eq!(
        files(&r.join("enc")),
        before,
        "a failed command wrote to the backup"
    );

    // A password file works, its first line only; one that is missing is named.
    fs::write(r.join("pw"), "correct horse\nignored\n").unwrap();
    ok(
        &db,
        &["backup", "snapshots", "enc", "--password-file", "../pw"],
    );
    let error = fails_with(
        &db,
        &["backup", "snapshots", "enc", "--password-file", "nope"],
        &[],
    );
    assert!(
        error.contains("cannot read password file 'nope'"),
        "{error}"
    );
}

#[test]
fn a_password_refuses_a_backup_that_is_not_encrypted() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let db = marked_db(r, "m");
    ok(&db, &["backup", "sync-url", "file://../plain"]);
    // Someone without the key replaced an encrypted backup by a plain one: a restore that
    // expects encryption refuses it, and --encrypt will not seal over it.
    let error = fails_with(r, &["backup", "restore", "file://plain", "x"], &[PW]);
    assert!(
        error.contains("not encrypted, though a password was given"),
        "{error}"
    );
    fails_with(
        &db,
        &["backup", "sync-url", "--encrypt", "file://../plain"],
        &[PW],
    );
    ok(r, &["backup", "restore", "file://plain", "x"]);
}

#[test]
fn a_second_key_opens_it_and_a_removed_key_no_longer_does() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let db = encrypted_backup(r, "m");
    let second = [PW, ("CAIRN_NEW_PASSWORD", "battery staple")];
    let added = ok_env(&db, &["backup", "key", "add", "enc"], &second);
    let new_id = added.strip_prefix("added key ").unwrap().trim().to_owned();
    let list = ok_env(&db, &["backup", "key", "list", "enc"], &[PW]);
    assert_eq!(list.lines().count(), 3, "{list}");
    assert!(list.contains("argon2id m=65536 KiB, t=3, p=1"), "{list}");
    let first_id = list
        .lines()
        .find(|l| l.starts_with('*'))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap()
        .to_owned();
    assert_ne!(first_id, new_id);

    let staple = [("CAIRN_PASSWORD", "battery staple")];
    ok_env(&db, &["backup", "snapshots", "enc"], &staple);
    let removed = ok_env(&db, &["backup", "key", "remove", &first_id, "enc"], &staple);
    assert_eq!(removed, format!("removed key {first_id}\n"));
    let error = fails_with(&db, &["backup", "snapshots", "enc"], &[PW]);
    assert!(error.starts_with("error: wrong password"), "{error}");
    let error = fails_with(&db, &["backup", "key", "remove", &new_id, "enc"], &staple);
    assert!(
        error.contains("refusing to remove the backup's last key"),
        "{error}"
    );
    ok_env(r, &["backup", "restore", "file://enc", "back"], &staple);
}

/// The backup's sealed table files (not key objects, not the manifest), largest first.
fn sealed_tables(backup: &Path) -> Vec<PathBuf> {
    let mut tables: Vec<PathBuf> = fs::read_dir(backup)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            p.is_file() && name != "manifest" && !name.starts_with("key-")
        })
        .collect();
    tables.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).unwrap().len()));
    tables
}

fn flip(path: &Path, at: usize) {
    let mut bytes = fs::read(path).unwrap();
    bytes[at] ^= 0x40;
    fs::write(path, bytes).unwrap();
}

#[test]
fn tampering_with_any_object_is_detected_and_named() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let db = encrypted_backup(r, "m");
    let pristine = r.join("pristine");
    let reset = |to: &Path| {
        let _ = fs::remove_dir_all(to);
        cairn_tests::copy_tree(&r.join("pristine"), to);
    };
    cairn_tests::copy_tree(&r.join("enc"), &pristine);
    let enc = r.join("enc");
    let verify = |env: &[(&str, &str)]| cairn_env(&db, &["backup", "verify", "enc"], env);

    // A flipped byte in a table file: verify names the file and the damage.
    let tables = sealed_tables(&enc);
    flip(&tables[0], 100);
    let out = verify(&[PW]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("fails authentication"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("table file '"), "{}", out.stderr);
    reset(&enc);

    // Cut short by a few bytes, or at a segment boundary.
    let bytes = fs::read(&tables[0]).unwrap();
    fs::write(&tables[0], &bytes[..bytes.len() - 5]).unwrap();
    let out = verify(&[PW]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stderr.contains("table file '"), "{}", out.stderr);
    reset(&enc);

    // Two table files' names swapped.
    let (a, b) = (&tables[0], &tables[1]);
    let tmp = enc.join("swap");
    fs::rename(a, &tmp).unwrap();
    fs::rename(b, a).unwrap();
    fs::rename(&tmp, b).unwrap();
    let out = verify(&[PW]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stderr.contains("is corrupt"), "{}", out.stderr);
    let error = fails_with(r, &["backup", "restore", "file://enc", "back"], &[PW]);
    assert!(error.contains("the store is damaged"), "{error}");
    assert!(!r.join("back").exists());
    reset(&enc);

    // The manifest: every command names it.
    let manifests = enc.join("manifests");
    let newest = fs::read_dir(&manifests)
        .unwrap()
        .map(|e| e.unwrap().path())
        .max()
        .unwrap();
    let len = fs::metadata(&newest).unwrap().len() as usize;
    flip(&newest, len - 3);
    let error = fails_with(&db, &["backup", "verify", "enc"], &[PW]);
    assert!(
        error.contains("'manifest' is damaged: it fails authentication"),
        "{error}"
    );
    let error = fails_with(&db, &["backup", "sync", "enc"], &[PW]);
    assert!(error.contains("'manifest' is damaged"), "{error}");
    reset(&enc);

    // The only key object: no password opens it any more, and nothing is written.
    let key = fs::read_dir(&enc)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("key-"))
        .unwrap();
    flip(&key, 80);
    let error = fails_with(&db, &["backup", "sync", "enc"], &[PW]);
    assert!(error.contains("or its key objects were changed"), "{error}");
    reset(&enc);

    // Untouched, it verifies.
    assert_eq!(verify(&[PW]).code, 0);
}

#[test]
fn without_the_key_no_snapshot_can_be_added_that_a_restore_accepts() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let db = encrypted_backup(r, "m");
    // An intruder with write access but another key makes their own encrypted backup of
    // another database and moves its files in, over the real ones.
    let other = r.join("other");
    fs::create_dir(&other).unwrap();
    ok(&other, &["init"]);
    ok(
        &other,
        &["sql", "-q", "create table planted (a int primary key)"],
    );
    ok_env(
        &other,
        &["backup", "sync-url", "--encrypt", "file://../forged"],
        &[("CAIRN_PASSWORD", "intruder")],
    );
    let enc = r.join("enc");
    for (path, bytes) in files(&r.join("forged")) {
        let rel = path.strip_prefix(r.join("forged")).unwrap();
        if !rel.starts_with("key-") {
            fs::create_dir_all(enc.join(rel).parent().unwrap()).unwrap();
            fs::write(enc.join(rel), bytes).unwrap();
        }
    }
    // The forged manifest is sealed with another key: it does not open with ours, and a
    // restore takes nothing from it.
    let error = fails_with(r, &["backup", "restore", "file://enc", "back"], &[PW]);
    assert!(error.contains("'manifest' is damaged"), "{error}");
    assert!(!r.join("back").exists());
    let _ = db;
}
