//! A full disk: a write that does not fit fails with one line naming the cause, loses nothing,
//! leaves no partial file, and succeeds once there is room. The disk is a real one, a small
//! tmpfs, mounted in a mount namespace of its own (`unshare`), so no root is needed and the
//! mount goes with the process that holds it.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use cairn_tests::{cairn_bin, one_line_error, run, succeeded, Output};

/// A tmpfs on a new folder, visible to the processes `command` starts.
struct SmallDisk {
    holder: Child,
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        let dir = tempfile::tempdir().expect("temp dir");
        // The holder keeps the namespace alive while this test process runs, however it ends.
        let script = format!(
            "mount -t tmpfs -o size={size} tmpfs '{}' && echo mounted && \
             while kill -0 {} 2>/dev/null; do sleep 1; done",
            dir.path().display(),
            std::process::id()
        );
        let mut holder = Command::new("unshare")
            .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run unshare (util-linux)");
        let mut line = String::new();
        let stdout = holder.stdout.take().expect("holder's stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the holder's answer");
        if line.trim() != "mounted" {
            let out = holder.wait_with_output().expect("wait for unshare");
            panic!(
                "could not mount a tmpfs in a user and mount namespace (unshare -Urm; are user \
                 namespaces enabled?): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        SmallDisk { holder, dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `program` run in `dir`, a folder on the disk, inside the disk's namespaces.
    fn command(&self, dir: &Path, program: &Path) -> Command {
        let mut command = Command::new("nsenter");
        command
            .args(["-t", &self.holder.id().to_string(), "--user", "--mount"])
            .args(["--preserve-credentials", "--", "sh", "-c"])
            // The folder is entered inside: outside, it is the empty folder under the mount.
            .args([r#"cd "$1" && shift && exec "$@""#, "sh"])
            .arg(dir)
            .arg(program);
        command
    }

    fn cairn(&self, dir: &Path, args: &[&str]) -> Output {
        let mut command = self.command(dir, cairn_bin());
        command.args(args);
        run(command, None, &[])
    }

    fn ok(&self, dir: &Path, args: &[&str]) -> String {
        succeeded(self.cairn(dir, args), args)
    }

    /// Runs a shell script at the disk's root; returns its standard output.
    fn sh(&self, script: &str) -> String {
        let mut command = self.command(self.path(), Path::new("sh"));
        command.args(["-c", script]);
        let out = run(command, None, &[]);
        assert_eq!(out.code, 0, "{script}: {}", out.stderr);
        out.stdout
    }

    /// Fills the disk but for about `kib` KiB.
    fn fill_leaving(&self, kib: u32) {
        self.sh(&format!(
            "rm -f filler; cat /dev/zero > filler 2>/dev/null; truncate -s -{kib}K filler"
        ));
    }

    /// Files under `dir` (relative to the disk's root) named like a write in progress.
    fn temporary_files(&self, dir: &str) -> String {
        self.sh(&format!("find {dir} -name '.tmp-*'"))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}

/// The rows of `t`, by `select count(*)`.
fn rows(disk: &SmallDisk, db: &Path) -> u64 {
    let csv = disk.ok(db, &["sql", "-q", "select count(*) from t", "-r", "csv"]);
    csv.lines().last().and_then(|l| l.parse().ok()).expect(&csv)
}

/// A value of `len` characters that zstd cannot shrink much.
fn noise(seed: u64, len: usize) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect()
}

/// Whether `cairn ARGS` succeeded; if not, it must have failed in one line for want of space.
fn fits(out: &Output, args: &[&str]) -> bool {
    if out.code == 0 {
        return true;
    }
    let error = one_line_error(out, args);
    assert!(error.contains("No space left on device"), "{error}");
    false
}

/// Free space in steps from none to more than one write needs, so that a write fails at each
/// of its steps in turn: the table file, the manifest, both done.
const LEAVE_KIB: [u32; 12] = [0, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256];

#[test]
fn a_full_disk_fails_a_write_or_a_backup_sync_in_one_line_and_loses_nothing() {
    let disk = SmallDisk::mount("16m");
    let db: PathBuf = disk.path().join("db");
    disk.sh("mkdir db");
    disk.ok(&db, &["init"]);
    let create = "create table t (id int primary key, v text)";
    disk.ok(&db, &["sql", "-q", create]);
    disk.ok(&db, &["commit", "-a", "-m", "t"]);
    let backup = format!("file://{}/bk", disk.path().display());
    disk.ok(&db, &["backup", "add", "bk", &backup]);
    disk.ok(&db, &["backup", "sync", "bk"]);

    // Writes to the database: each one is whole or not there at all.
    let (mut want, mut failed) = (0, 0);
    for (i, kib) in LEAVE_KIB.into_iter().enumerate() {
        disk.fill_leaving(kib);
        let insert = format!("insert into t values ({i}, '{}')", noise(i as u64, 6000));
        let out = disk.cairn(&db, &["sql", "-q", &insert]);
        if fits(&out, &["sql", "-q", "insert ..."]) {
            want += 1;
        } else {
            failed += 1;
        }
        assert_eq!(rows(&disk, &db), want, "{kib} KiB free: {}", out.stderr);
        assert_eq!(disk.temporary_files("db"), "", "{kib} KiB free");
        assert!(
            disk.ok(&db, &["fsck"]).contains("no problems"),
            "{kib} KiB free"
        );
    }
    assert!(
        failed > 0 && want > 0,
        "{failed} inserts failed, {want} went in"
    );

    // Backup syncs: a snapshot is whole or not there at all, and the backup always verifies.
    disk.sh("rm filler");
    for i in 0..8 {
        let insert = format!("insert into t values ({}, '{}')", 100 + i, noise(i, 6000));
        disk.ok(&db, &["sql", "-q", &insert]);
    }
    let (mut synced, mut failed) = (0, 0);
    for kib in LEAVE_KIB {
        disk.fill_leaving(kib);
        if fits(
            &disk.cairn(&db, &["backup", "sync", "bk"]),
            &["backup", "sync"],
        ) {
            synced += 1;
        } else {
            failed += 1;
        }
        assert_eq!(disk.temporary_files("bk"), "", "{kib} KiB free");
        let verified = disk.ok(&db, &["backup", "verify", "bk"]);
        assert!(
            verified.contains("no problems found"),
            "{kib} KiB free: {verified}"
        );
    }
    assert!(
        failed > 0 && synced > 0,
        "{failed} syncs failed, {synced} went through"
    );

    // With room again, the last sync restores the database's rows.
    disk.sh("rm filler");
    disk.ok(&db, &["backup", "sync", "bk"]);
    disk.ok(disk.path(), &["backup", "restore", &backup, "restored"]);
    assert_eq!(rows(&disk, &disk.path().join("restored")), want + 8);
}
