//! Helpers shared by Cairn's native tests.

use std::path::Path;

use cairn::{block_on, FsStorage};
use cairn_core::chunk_store::{ChunkStore, Options};
use cairn_core::table_file::{decode_index, Entry, Footer, FOOTER_LEN};
use cairn_core::{Hash, MemoryStorage};

/// A chunk store on a fresh directory, with small table files so tests see several of them.
pub fn small_tables() -> Options {
    Options {
        table_target_bytes: 16 * 1024,
    }
}

pub fn open_fs(dir: &Path) -> ChunkStore<FsStorage> {
    block_on(ChunkStore::open_with(FsStorage::new(dir), small_tables())).expect("open store")
}

pub fn open_mem(storage: &MemoryStorage) -> ChunkStore<MemoryStorage> {
    block_on(ChunkStore::open_with(storage.clone(), small_tables())).expect("open store")
}

/// Deterministic chunk contents: chunk `i` of a test, a few hundred bytes.
pub fn chunk(i: u32) -> Vec<u8> {
    let len = 200 + (i as usize * 53) % 700;
    (0..len)
        .map(|j| (j as u32 ^ i.wrapping_mul(0x9e37_79b9)).to_le_bytes()[0])
        .collect()
}

/// Puts chunks `0..count` and commits with the last as root; returns their addresses.
pub fn fill<S: cairn_core::Storage>(store: &mut ChunkStore<S>, count: u32) -> Vec<Hash> {
    let hashes: Vec<Hash> = (0..count)
        .map(|i| block_on(store.put(&chunk(i))).expect("put"))
        .collect();
    let root = store.root();
    block_on(store.commit(root, *hashes.last().unwrap())).expect("commit");
    hashes
}

/// Copies a directory tree, as `cp -r` does.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The index entries of a whole table file's bytes.
pub fn table_entries(bytes: &[u8]) -> Vec<Entry> {
    let footer_at = bytes.len() - FOOTER_LEN;
    let footer = Footer::decode(&bytes[footer_at..], bytes.len() as u64).expect("a footer");
    decode_index(&bytes[footer.data_len as usize..footer_at], &footer).expect("an index")
}

/// The file holding a directory store's current manifest: its newest version.
pub fn manifest_file(store: &Path) -> std::path::PathBuf {
    let mut versions: Vec<std::path::PathBuf> = std::fs::read_dir(store.join("manifests"))
        .expect("a manifests/ folder")
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    versions.sort();
    versions.pop().expect("a manifest version")
}

/// How a command sent Ctrl-C ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// It stopped: exit 130, saying nothing changed.
    Stopped,
    /// It finished before the signal came: exit 0.
    Finished,
    /// The signal came before it took Ctrl-C over, and killed it as any process.
    Killed,
}

/// Runs `cairn ARGS` in `dir` and sends it Ctrl-C (SIGINT) after `delays.next()`
/// milliseconds, telling `delays` how it ended. Any ending but those of `Ending` fails the
/// test.
pub fn ctrl_c_after(dir: &Path, args: &[&str], delays: &mut Delays) -> Ending {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let child = Command::new(cairn_bin())
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cairn");
    std::thread::sleep(std::time::Duration::from_millis(delays.next()));
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().expect("wait for cairn");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ending = match (out.status.code(), out.status.signal()) {
        (Some(130), _) => {
            assert_eq!(stderr, "error: interrupted; nothing was changed\n");
            Ending::Stopped
        }
        (Some(0), _) => Ending::Finished,
        (None, Some(2)) => Ending::Killed,
        other => panic!("cairn {}: ended {other:?}: {stderr}", args.join(" ")),
    };
    delays.saw(ending);
    ending
}

/// Delays before Ctrl-C that home in on the time a command is at work, whatever the
/// machine's speed: later after one that came before the command took Ctrl-C over, halfway
/// back after one that came after it finished. (A fixed ladder of growing delays misses
/// every time on a machine that finishes before its first.)
pub struct Delays {
    early: u64,
    late: Option<u64>,
    next: u64,
}

impl Delays {
    pub fn starting_at(ms: u64) -> Self {
        Delays {
            early: 0,
            late: None,
            next: ms,
        }
    }

    pub fn next(&self) -> u64 {
        self.next
    }

    fn saw(&mut self, ending: Ending) {
        match ending {
            Ending::Stopped => return,
            Ending::Killed => self.early = self.next,
            Ending::Finished => self.late = Some(self.next),
        }
        self.next = match self.late {
            Some(late) => (self.early + late) / 2,
            None => self.next * 2,
        };
    }
}

/// The `cairn` binary, brought up to date once per test process: `cargo test -p cairn-tests`
/// alone would not rebuild another package's binary.
pub fn cairn_bin() -> &'static Path {
    static BIN: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "cairn", "--bin", "cairn"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building the cairn binary failed");
        // Test executables live in target/<profile>/deps; binaries one folder up.
        let exe = std::env::current_exe().expect("test executable path");
        exe.parent()
            .and_then(Path::parent)
            .expect("target dir")
            .join("cairn")
    })
}

/// What a `cairn` process printed, and how it exited.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cairn ARGS` in `dir` with a fixed author, optionally feeding `stdin`.
pub fn cairn_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    run_cairn(dir, args, stdin, &[])
}

/// `cairn_in` with environment variables set (or overridden) for the process.
pub fn cairn_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_cairn(dir, args, None, env)
}

fn run_cairn(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(cairn_bin());
    command.args(args).current_dir(dir);
    run(command, stdin, env)
}

/// Runs `command` (`cairn`, or a program that runs it) as `cairn_in` does: with a fixed
/// author and `env`, feeding it `stdin`.
pub fn run(
    mut command: std::process::Command,
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .env("CAIRN_USER_NAME", "Test Author")
        .env("CAIRN_USER_EMAIL", "test@example.com")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cairn");
    let input = stdin.unwrap_or("").to_owned();
    let mut pipe = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().expect("wait for cairn");
    writer.join().expect("stdin writer");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A new database in `parent/db`, made by `cairn init`.
pub fn new_db(parent: &Path) -> std::path::PathBuf {
    let d = parent.join("db");
    std::fs::create_dir(&d).expect("create the database folder");
    ok(&d, &["init"]);
    d
}

/// `new_db` with a table `t (id int primary key, v text)` holding (1, 'one') and (2, 'two'),
/// uncommitted.
pub fn new_db_with_rows(parent: &Path) -> std::path::PathBuf {
    let d = new_db(parent);
    ok(
        &d,
        &[
            "sql",
            "-q",
            "create table t (id int primary key, v text); insert into t values (1, 'one'), (2, 'two')",
        ],
    );
    d
}

/// `new_db` with a table `t (id int primary key, v text)` of `rows` rows, uncommitted: enough
/// data that a sync takes a while, long enough to stop it midway.
pub fn new_db_with_many_rows(parent: &Path, rows: u32) -> std::path::PathBuf {
    let d = new_db(parent);
    let values: Vec<String> = (0..rows)
        .map(|i| format!("({i}, 'a row of some length, number {i}')"))
        .collect();
    let create = format!(
        "create table t (id int primary key, v text); insert into t values {}",
        values.join(",")
    );
    assert_eq!(cairn_in(&d, &["sql"], Some(&create)).code, 0);
    d
}

/// A database `a` in `root` with a committed table and `origin` at `root/remote`, main pushed;
/// and `b`, its clone.
pub fn two_clones(root: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let a = new_db(root);
    ok(
        &a,
        &[
            "sql",
            "-q",
            "create table t (id int primary key, v text); insert into t values (1, 'one')",
        ],
    );
    ok(&a, &["commit", "-a", "-m", "one"]);
    ok(&a, &["remote", "add", "origin", "file://../remote"]);
    ok(&a, &["push", "origin", "main"]);
    ok(root, &["clone", "file://remote", "b"]);
    (a, root.join("b"))
}

/// The seed tutorial's first half in the empty folder `repo1`: a database with a branch, main
/// pushed to `remote`, a tag, an uncommitted table, and a backup at `backup` synced before
/// and after all of that.
pub fn seed_tutorial(repo1: &Path, backup: &str, remote: &str) {
    ok(repo1, &["init"]);
    ok(repo1, &["backup", "add", "backup1", backup]);
    ok(repo1, &["backup", "sync", "backup1"]);
    ok(repo1, &["branch", "feature"]);
    ok(repo1, &["remote", "add", "origin", remote]);
    ok(repo1, &["push", "origin", "main"]);
    ok(repo1, &["tag", "v1", "HEAD"]);
    ok(
        repo1,
        &[
            "sql",
            "-q",
            "create table not_committed (a int primary key)",
        ],
    );
    ok(repo1, &["backup", "sync", "backup1"]);
}

/// The ids of a backup's snapshots (`backup snapshots BACKUP` run in `dir`), oldest first.
pub fn snapshot_ids(dir: &Path, backup: &str) -> Vec<String> {
    ok(dir, &["backup", "snapshots", backup])
        .lines()
        .skip(1)
        .map(|l| l[..8].to_owned())
        .collect()
}

/// Runs `cairn ARGS` in `dir` and requires success; returns stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    ok_env(dir, args, &[])
}

/// `ok` with environment variables set for the process.
pub fn ok_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    succeeded(cairn_env(dir, args, env), args)
}

/// Requires that `cairn ARGS` succeeded; returns stdout.
pub fn succeeded(out: Output, args: &[&str]) -> String {
    assert_eq!(
        out.code, 0,
        "cairn {args:?} failed ({}): {}{}",
        out.code, out.stdout, out.stderr
    );
    out.stdout
}

/// The answer of one SQL query in `dir`, as CSV.
pub fn query_csv(dir: &Path, query: &str) -> String {
    ok(dir, &["sql", "-q", query, "-r", "csv"])
}

/// Runs `cairn ARGS` in `dir` and requires failure with exit code 1; returns stderr.
pub fn fails(dir: &Path, args: &[&str]) -> String {
    fails_env(dir, args, &[])
}

/// `fails` with environment variables set for the process.
pub fn fails_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    one_line_error(&cairn_env(dir, args, env), args)
}

/// Requires that `cairn ARGS` failed with exit code 1 and one line of error, its last; returns
/// stderr.
pub fn one_line_error(out: &Output, args: &[&str]) -> String {
    assert_eq!(
        out.code, 1,
        "cairn {args:?} should fail: {}{}",
        out.stdout, out.stderr
    );
    // Progress lines may come first; the error is the last line, and the only one.
    let last = out.stderr.lines().last().unwrap_or("");
    assert!(
        last.starts_with("error: "),
        "one-line error expected: {}",
        out.stderr
    );
    assert_eq!(out.stderr.matches("error: ").count(), 1, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out.stderr.clone()
}

/// Runs cairn, expecting it to fail with exit code 1 and an error that mentions `needed`;
/// unlike [`fails_env`], the message may span lines or quote a server's own "error: ".
pub fn fails_saying(dir: &Path, args: &[&str], env: &[(&str, &str)], needed: &str) -> String {
    let out = cairn_env(dir, args, env);
    assert_eq!(
        out.code, 1,
        "cairn {args:?} should fail: {}{}",
        out.stdout, out.stderr
    );
    assert!(
        out.stderr.contains(needed),
        "{needed:?} expected: {}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out.stderr
}

/// Starts a throw-away server with one of the repository's scripts (`scripts/ceph.sh`,
/// `scripts/azurite.sh`) in a new folder, stopped by the script's watcher when this process
/// ends, however it ends. Sets the variables of the `env` file it writes in this process (the
/// `cairn` children inherit them) and answers them and the folder.
pub fn start_server(script: &str) -> (std::path::PathBuf, Vec<(String, String)>) {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::Builder::new()
        .prefix("cairn-server-")
        .tempdir()
        .expect("temp dir")
        .keep();
    let started = std::process::Command::new(root.join(script))
        .arg("start")
        .arg(&dir)
        .args(["--until-exit", &std::process::id().to_string()])
        .output()
        .expect("run the start script");
    assert!(
        started.status.success(),
        "{script} start failed (scripts/setup.sh installs what it needs): {}",
        String::from_utf8_lossy(&started.stderr)
    );
    let text = std::fs::read_to_string(dir.join("env")).expect("the server's env file");
    let env: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    for (k, v) in &env {
        std::env::set_var(k, v);
    }
    (dir, env)
}

/// Bytes as lower-case hex, as the vector files write them.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes a hex string spells.
pub fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
