//! `cairn serve` (issue 13, docs/PROTOCOL.md) against a real server process on 127.0.0.1, on
//! a port it picks itself (it prints the address as its first line) and stopped by its PID.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use cairn::{block_on, FsStorage, HttpStorage};
use cairn_cli::url::{parse, Location};
use cairn_core::backup::{Repair, SyncOutcome};
use cairn_core::chunk_store::ChunkStore;
use cairn_core::conformance::Instrumented;
use cairn_core::io::Storage;
use cairn_core::repo::{Config, Repo, Signature};
use cairn_core::sync::Silent;
use cairn_core::table_file::TableWriter;
use cairn_core::Hash;
use cairn_core::MemoryStorage;
use cairn_tests::{cairn_bin, cairn_env, cairn_in, fails, new_db_with_rows, ok, Output};

/// A running `cairn serve DIR`, killed when dropped.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` (`https://` with `--tls-cert`)
    url: String,
    log: PathBuf,
}

impl Server {
    fn start(dir: &Path, flags: &[&str]) -> Server {
        Server::start_at("127.0.0.1:0", dir, flags)
    }

    fn start_at(listen: &str, dir: &Path, flags: &[&str]) -> Server {
        let log = dir.with_extension("log");
        let mut child = Command::new(cairn_bin())
            .args(["serve", "--listen", listen])
            .args(flags)
            .arg(dir)
            .stdout(Stdio::piped())
            // A file, not a pipe nobody reads: the log must never block the server.
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&log)
                    .unwrap(),
            )
            .spawn()
            .expect("spawn cairn serve");
        let mut first = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut first).unwrap();
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("no address from cairn serve: {first:?}"))
            .to_owned();
        // The rest of standard output ("stopped") is read by `stop`.
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = out.read_to_string(&mut rest);
        });
        Server { child, url, log }
    }

    fn at(&self, path: &str) -> String {
        format!("{}/{path}", self.url)
    }

    /// `host:port`, for raw requests.
    fn addr(&self) -> &str {
        self.url.split_once("://").unwrap().1
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder to serve, `served` in a new temporary folder (which the caller keeps).
fn folder() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("served");
    std::fs::create_dir(&dir).unwrap();
    (root, dir)
}

/// A new token for `dir` (`cairn serve token add`): its id and the secret printed once.
fn token(dir: &Path, scope: &str, path: &str) -> (String, String) {
    let dir = dir.to_str().unwrap();
    let printed = ok(
        Path::new("."),
        &[
            "serve", "token", "add", "--scope", scope, "--path", path, dir,
        ],
    );
    let id = printed.split_whitespace().nth(2).unwrap().to_owned();
    (id, printed.lines().last().unwrap().to_owned())
}

/// A file in `at` named `name` holding `text` (a token, for `--token-file`): its path.
fn text_file(at: &Path, name: &str, text: &str) -> String {
    let path = at.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `cairn ARGS` in `dir` with `CAIRN_TOKEN`.
fn with(dir: &Path, secret: &str, args: &[&str]) -> Output {
    cairn_env(dir, args, &[("CAIRN_TOKEN", secret)])
}

fn ok_with(dir: &Path, secret: &str, args: &[&str]) -> String {
    let out = with(dir, secret, args);
    assert_eq!(out.code, 0, "cairn {args:?}: {}{}", out.stdout, out.stderr);
    out.stdout
}

/// Requires a one-line failure; returns it.
fn fails_with(dir: &Path, secret: &str, args: &[&str]) -> String {
    let out = with(dir, secret, args);
    assert_eq!(out.code, 1, "cairn {args:?} should fail: {}", out.stdout);
    let last = out.stderr.lines().last().unwrap_or("").to_owned();
    assert!(last.starts_with("error: "), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    last
}

fn client(url: &str, secret: Option<&str>) -> HttpStorage {
    match parse(url, Path::new("/")) {
        Ok(Location::Http(location)) => {
            HttpStorage::new(&location, secret.map(str::to_owned)).unwrap()
        }
        other => panic!("{url}: {other:?}"),
    }
}

/// Sends `request` (head lines without the final blank line) and answers the status code.
fn raw(addr: &str, head: &str, body: &[u8]) -> u16 {
    let answer = raw_answer(addr, head, body);
    let status = answer.split_whitespace().nth(1).unwrap_or("0");
    status.parse().unwrap_or_else(|_| panic!("{answer:?}"))
}

/// Sends `request` as `raw` does; answers the whole answer, head and body.
fn raw_answer(addr: &str, head: &str, body: &[u8]) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let head = format!(
        "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (and close) before taking a refused body.
    let _ = stream.write_all(body);
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

/// The value of header `name` in a raw answer's head, if it has one.
fn header_of(answer: &str, name: &str) -> Option<String> {
    let head = answer.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

/// A table file holding `chunks`: its name and bytes.
fn table_file(chunks: &[&[u8]]) -> (String, Vec<u8>) {
    let mut writer = TableWriter::new();
    for c in chunks {
        writer.add(Hash::of(c), c);
    }
    let (footer, bytes, _) = writer.finish();
    (footer.name(), bytes.to_vec())
}

#[test]
fn the_storage_conformance_suite_passes_through_the_server() {
    let (_root, dir) = folder();
    let (_, secret) = token(&dir, "admin", "*");
    let server = Server::start(&dir, &[]);
    // Two clients of one store, as two processes would be: round trips, ranges, listing,
    // deletes, names, and compare-and-swap races decided by the server's folder.
    let url = server.at("team/conformance");
    let (a, b) = (client(&url, Some(&secret)), client(&url, Some(&secret)));
    let passed = block_on(cairn_core::conformance::run(&a, &b))
        .unwrap_or_else(|f| panic!("{}: {}", f.check, f.message));
    assert!(
        passed.contains(&"concurrent swaps lose no update"),
        "{passed:?}"
    );
    // The store on the server's disk is the folder store those requests made: the same
    // manifest, version and objects read directly.
    let disk = FsStorage::new(dir.join("team/conformance"));
    let served = block_on(a.read_manifest()).unwrap().unwrap();
    assert_eq!(block_on(disk.read_manifest()).unwrap(), Some(served));
    let names = |s: &dyn Storage| {
        let mut names: Vec<_> = block_on(s.list()).unwrap();
        names.sort_by(|x, y| x.name.cmp(&y.name));
        names
    };
    assert_eq!(names(&a), names(&disk));
}

#[test]
fn of_clients_swapping_from_one_version_at_once_exactly_one_wins_each_round() {
    let (_root, dir) = folder();
    let (_, secret) = token(&dir, "write", "*");
    let server = Server::start(&dir, &[]);
    let url = server.at("race");
    let clients: Vec<HttpStorage> = (0..6).map(|_| client(&url, Some(&secret))).collect();
    let mut expected = None;
    for round in 0..5 {
        let barrier = std::sync::Barrier::new(clients.len());
        let results: Vec<_> = std::thread::scope(|scope| {
            let racers: Vec<_> = clients
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let (barrier, expected) = (&barrier, expected.clone());
                    scope.spawn(move || {
                        let bytes = format!("round {round} client {i}").into_bytes();
                        barrier.wait();
                        (
                            bytes.clone(),
                            block_on(c.swap_manifest(expected.as_ref(), &bytes)),
                        )
                    })
                })
                .collect();
            racers.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let winners: Vec<_> = results
            .into_iter()
            .filter_map(|(bytes, swapped)| swapped.unwrap().map(|v| (bytes, v)))
            .collect();
        assert_eq!(winners.len(), 1, "round {round}");
        let (bytes, version) = winners.into_iter().next().unwrap();
        let now = block_on(clients[0].read_manifest()).unwrap().unwrap();
        assert_eq!((now.bytes, &now.version), (bytes, &version));
        expected = Some(version);
    }
}

#[test]
fn backups_and_remotes_over_http_from_the_command_line() {
    let (root, dir) = folder();
    let r = root.path();
    let (_, secret) = token(&dir, "admin", "*");
    let server = Server::start(&dir, &[]);
    let d = new_db_with_rows(r);
    ok(&d, &["commit", "-a", "-m", "rows"]);
    ok(
        &d,
        &["sql", "-q", "insert into t values (3, 'uncommitted')"],
    );

    let backup = server.at("backups/db1");
    ok_with(&d, &secret, &["backup", "add", "b", &backup]);
    assert!(ok_with(&d, &secret, &["backup", "sync", "b"]).contains("synced backup 'b'"));
    assert!(ok_with(&d, &secret, &["backup", "sync", "b"]).contains("up to date"));
    ok(
        &d,
        &["sql", "-q", "update t set v = 'changed' where id = 1"],
    );
    ok_with(&d, &secret, &["backup", "sync", "b"]);
    let snapshots = ok_with(&d, &secret, &["backup", "snapshots", "b"]);
    assert_eq!(snapshots.lines().count(), 3, "{snapshots}");
    assert!(ok_with(&d, &secret, &["backup", "verify", "b"]).contains("no problems found"));
    // The served folder is a file:// backup too.
    let on_disk = format!("file://{}", dir.join("backups/db1").display());
    assert!(ok(r, &["backup", "verify", &on_disk]).contains("no problems found"));

    // Restore over HTTP: the uncommitted rows came along.
    ok_with(r, &secret, &["backup", "restore", &backup, "restored"]);
    let rows = ok(
        &r.join("restored"),
        &["sql", "-q", "select v from t order by id", "-r", "csv"],
    );
    assert_eq!(rows, "v\nchanged\ntwo\nuncommitted\n");
    // A backup is not a remote, over HTTP as on a folder.
    let refused = fails_with(r, &secret, &["clone", &backup, "not-a-clone"]);
    assert!(refused.contains("is a backup, not a remote"), "{refused}");
    assert!(ok_with(
        r,
        &secret,
        &["backup", "prune", "--keep-last", "1", &backup]
    )
    .contains("removed 1"));
    assert!(ok_with(r, &secret, &["backup", "verify", &backup]).contains("no problems found"));

    // A remote: push, clone, push again, fetch into the clone.
    let remote = server.at("remotes/origin");
    ok_with(&d, &secret, &["remote", "add", "origin", &remote]);
    ok_with(&d, &secret, &["push", "origin", "main"]);
    ok_with(r, &secret, &["clone", &remote, "cloned"]);
    let c = r.join("cloned");
    let count = |dir: &Path| ok(dir, &["sql", "-q", "select count(*) from t", "-r", "csv"]);
    assert_eq!(count(&c), "count(*)\n2\n");
    assert!(ok(&c, &["remote", "-v"]).contains(&remote));
    ok(&d, &["commit", "-a", "-m", "more rows"]);
    ok_with(&d, &secret, &["push", "origin", "main"]);
    ok_with(&c, &secret, &["fetch", "origin"]);
    let log = ok(&c, &["log", "origin/main"]);
    assert!(log.contains("more rows"), "{log}");
    ok_with(r, &secret, &["gc", &remote]);
    assert_eq!(count(&c), "count(*)\n2\n");

    // Each change is one line of the server's log, naming the token.
    let log = server.log();
    assert!(
        log.contains("swapped the manifest of remotes/origin"),
        "{log}"
    );
    assert!(log.contains("deleted"), "{log}");
}

#[test]
fn requests_without_a_valid_token_for_the_store_and_scope_are_refused() {
    let (root, dir) = folder();
    let r = root.path();
    let (_, writer) = token(&dir, "write", "team/*");
    let (_, reader) = token(&dir, "read", "*");
    let (_, elsewhere) = token(&dir, "admin", "other/db");
    let (removed_id, removed) = token(&dir, "admin", "*");
    let server = Server::start(&dir, &[]);
    let d = new_db_with_rows(r);
    ok(&d, &["commit", "-a", "-m", "rows"]);
    let remote = server.at("team/db");
    ok_with(&d, &writer, &["remote", "add", "origin", &remote]);
    ok_with(&d, &writer, &["push", "origin", "main"]);
    let pushed = std::fs::read_dir(dir.join("team/db")).unwrap().count();

    let push = ["push", "origin", "main"];
    ok(&d, &["commit", "--allow-empty", "-m", "one more"]);
    let no_token = cairn_in(&d, &push, None);
    assert_eq!(no_token.code, 1);
    assert!(no_token.stderr.contains("401"), "{}", no_token.stderr);
    assert!(
        no_token
            .stderr
            .contains("pass --token-file or set CAIRN_TOKEN"),
        "{}",
        no_token.stderr
    );
    let wrong = fails_with(&d, "cairn_notatokenofthisserver", &push);
    assert!(wrong.contains("does not know this token"), "{wrong}");
    let read_only = fails_with(&d, &reader, &push);
    assert!(
        read_only.contains("403") && read_only.contains("may only read"),
        "{read_only}"
    );
    let other_path = fails_with(&d, &elsewhere, &push);
    assert!(
        other_path.contains("does not give access to 'team/db'"),
        "{other_path}"
    );
    // A removed token stops working at once, without a restart.
    ok_with(&d, &removed, &["backup", "sync-url", &server.at("team/b")]);
    ok(
        r,
        &[
            "serve",
            "token",
            "remove",
            &removed_id,
            dir.to_str().unwrap(),
        ],
    );
    let gone = fails_with(&d, &removed, &["backup", "sync-url", &server.at("team/b2")]);
    assert!(gone.contains("does not know this token"), "{gone}");
    // Nothing the refused requests sent was stored.
    assert_eq!(
        std::fs::read_dir(dir.join("team/db")).unwrap().count(),
        pushed
    );
    assert!(!dir.join("team/b2").exists());
    // A write token may not delete: gc needs admin. Two commits pushed, then dropped by a
    // forced push, leave a file for it to delete. (Its copy and swap went through, which a
    // push could do too; the files it meant to delete stay.)
    ok(
        &d,
        &["commit", "--allow-empty", "-m", "pushed, then dropped"],
    );
    ok_with(&d, &writer, &push);
    ok(&d, &["reset", "--hard", "HEAD~2"]);
    ok_with(&d, &writer, &["push", "--force", "origin", "main"]);
    let gc = fails_with(r, &writer, &["gc", &remote]);
    assert!(gc.contains("needs the admin scope"), "{gc}");
    assert!(ok_with(r, &writer, &["backup", "verify", &remote]).contains("no problems"));
    // Reads work with the read token, and what the forced push dropped is gone.
    let log = ok_with(r, &reader, &["clone", &remote, "cloned"]);
    assert!(log.contains("cloned"), "{log}");
    assert!(!ok(&r.join("cloned"), &["log"]).contains("one more"));

    // The token file holds hashes only.
    let stored = std::fs::read_to_string(dir.join(".cairn-serve/tokens")).unwrap();
    for secret in [&writer, &reader, &elsewhere] {
        assert!(!stored.contains(secret.as_str()));
    }
    // Over plain http:// a token goes to this machine only.
    let far = fails_with(r, &writer, &["backup", "verify", "http://192.0.2.1:7878/x"]);
    assert!(far.contains("refusing to send a token"), "{far}");
}

#[test]
fn tokens_come_from_a_file_the_environment_or_the_credentials_of_a_remote_or_backup() {
    let (root, dir) = folder();
    let r = root.path();
    let ((_, writer), (_, reader)) = (token(&dir, "admin", "*"), token(&dir, "read", "*"));
    let write_file = text_file(r, "w.token", &format!("{writer}\n"));
    let read_file = text_file(r, "r.token", &reader);
    let server = Server::start(&dir, &[]);
    let d = new_db_with_rows(r);
    ok(&d, &["commit", "-a", "-m", "rows"]);

    // Stored with the backup and the remote when added: later commands need nothing more.
    let backup = server.at("team/b");
    ok(
        &d,
        &["backup", "add", "b", &backup, "--token-file", &write_file],
    );
    ok(&d, &["backup", "sync", "b"]);
    let remote = server.at("team/origin");
    ok(
        &d,
        &[
            "--token-file",
            &write_file,
            "remote",
            "add",
            "origin",
            &remote,
        ],
    );
    ok(&d, &["push", "origin", "main"]);
    ok(&d, &["fetch", "origin"]);
    assert!(ok(&d, &["backup", "verify", "b"]).contains("no problems found"));
    // Never in the config, never printed; the credentials file is its owner's alone.
    let meta = d.join(".cairn");
    let config = std::fs::read_to_string(meta.join("config")).unwrap();
    let listed = ok(&d, &["remote", "-v"]) + &ok(&d, &["backup", "-v"]);
    for shown in [&config, &listed] {
        assert!(!shown.contains(&writer), "{shown}");
    }
    assert!(
        listed.contains(&remote) && listed.contains(&backup),
        "{listed}"
    );
    let stored = std::fs::read_to_string(meta.join("credentials")).unwrap();
    assert_eq!(
        stored,
        format!("remote origin {writer}\nbackup b {writer}\n")
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(meta.join("credentials"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // CAIRN_TOKEN comes before a stored token, --token-file before both.
    ok(&d, &["commit", "--allow-empty", "-m", "two"]);
    let env = fails_with(&d, &reader, &["push", "origin", "main"]);
    assert!(env.contains("may only read"), "{env}");
    let flag = with(
        &d,
        &reader,
        &["push", "origin", "main", "--token-file", &write_file],
    );
    assert_eq!(flag.code, 0, "{}", flag.stderr);
    let flag = with(
        &d,
        &writer,
        &["backup", "sync", "b", "--token-file", &read_file],
    );
    assert!(flag.stderr.contains("may only read"), "{}", flag.stderr);
    // A URL named directly takes the flag (no stored token is looked for).
    let restored = [
        "backup",
        "restore",
        &backup,
        "restored",
        "--token-file",
        &read_file,
    ];
    ok(r, &restored);

    // Removing forgets the token; adding again without a file stores none.
    ok(&d, &["remote", "remove", "origin"]);
    assert_eq!(
        std::fs::read_to_string(meta.join("credentials")).unwrap(),
        format!("backup b {writer}\n")
    );
    ok(&d, &["remote", "add", "origin", &remote]);
    let unstored = cairn_in(&d, &["fetch", "origin"], None);
    assert!(unstored.stderr.contains("401"), "{}", unstored.stderr);
    // A clone keeps the file's token for its origin.
    ok(r, &["clone", &remote, "cloned", "--token-file", &read_file]);
    ok(&r.join("cloned"), &["fetch", "origin"]);

    // Bad token sources: one line each, nothing stored.
    let missing = fails(&d, &["fetch", "origin", "--token-file", "no-such-file"]);
    assert!(missing.contains("cannot read token file"), "{missing}");
    let empty = text_file(r, "empty.token", "\n");
    let blank = fails(&d, &["fetch", "origin", "--token-file", &empty]);
    assert!(blank.contains("holds no token"), "{blank}");
    let spaced = fails_with(&d, "two words", &["fetch", "origin"]);
    assert!(
        spaced.contains("CAIRN_TOKEN does not hold a token"),
        "{spaced}"
    );
    let on_disk = format!("file://{}", r.join("plain").display());
    let pointless = fails(
        &d,
        &["remote", "add", "p", &on_disk, "--token-file", &write_file],
    );
    assert!(
        pointless.contains("--token-file is for http://"),
        "{pointless}"
    );
    assert!(!ok(&d, &["remote"]).contains('p'));
}

/// Whether the destination holds a table file or a chunk is answered from its manifest and
/// the indexes of its table files, read once when it is opened: a sync asks the server
/// nothing per chunk or per object, however much it copies (docs/PROTOCOL.md, "Existence").
#[test]
fn a_sync_learns_what_the_server_holds_from_its_manifest_and_indexes_not_object_by_object() {
    let (_root, dir) = folder();
    let (_, secret) = token(&dir, "write", "*");
    let server = Server::start(&dir, &[]);
    let author = Signature {
        name: "a".into(),
        email: "a@example.com".into(),
        time_ms: 0,
    };
    let store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    let mut repo = block_on(Repo::init(store, Config::new("db"), &author)).unwrap();
    let backup = Instrumented::new(client(&server.at("b"), Some(&secret)));
    let mut copied = Vec::new();
    for round in 0..5 {
        // Each round copies more chunks than the one before.
        let values: Vec<String> = (0..2000 * (round + 1))
            .map(|i| format!("({i}, 'round {round} row {i}')"))
            .collect();
        let sql = format!(
            "create table t{round} (id int primary key, v text); insert into t{round} values {}",
            values.join(",")
        );
        block_on(repo.sql(&sql)).unwrap();
        let tables = block_on(ChunkStore::open(&backup.inner))
            .unwrap()
            .manifest()
            .tables
            .len();
        backup.take_reads();
        backup.take_asked();
        // As `cairn backup sync` does it.
        let mut dst = block_on(ChunkStore::open_damaged(backup.clone())).unwrap();
        let synced = block_on(repo.backup_sync(
            &mut dst,
            "http://b",
            &cairn_core::backup::Note::default(),
            round as u64,
            Repair::IfSeenDamaged,
            &mut Silent,
        ));
        match synced.unwrap() {
            SyncOutcome::Synced { stats, .. } => copied.push(stats.chunks),
            other => panic!("{other:?}"),
        }
        // One manifest read; one ranged read per listed table file (its index) and a few of
        // the backup's own root chunks (its snapshots), however many chunks the sync copies;
        // no listing, no whole-object read.
        let [manifests, lists, gets] = backup.take_asked();
        assert_eq!((manifests, lists, gets), (1, 0, 0), "round {round}");
        let reads = backup.take_reads();
        assert!(
            reads <= tables + 3,
            "round {round}: {reads} reads, {tables} tables"
        );
    }
    assert!(copied[4] > 2 * copied[0], "{copied:?}");
}

#[test]
fn an_append_only_server_keeps_everything_and_a_read_only_one_takes_nothing() {
    let (root, dir) = folder();
    let r = root.path();
    let (_, admin) = token(&dir, "admin", "*");
    let server = Server::start(&dir, &["--append-only"]);
    let d = new_db_with_rows(r);
    let backup = server.at("b");
    ok_with(&d, &admin, &["backup", "add", "b", &backup]);
    ok_with(&d, &admin, &["backup", "sync", "b"]);
    ok(&d, &["commit", "-a", "-m", "rows"]);
    ok_with(&d, &admin, &["backup", "sync", "b"]);
    let files = |dir: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let before = files(&dir.join("b"));
    // Prune would drop a snapshot and delete its files: refused, even with an admin token.
    // (The new file it wrote first stays, unlisted, as after any interrupted prune.)
    let prune = fails_with(r, &admin, &["backup", "prune", "--keep-last", "1", &backup]);
    assert!(prune.contains("append-only"), "{prune}");
    let after = files(&dir.join("b"));
    assert!(
        before.iter().all(|f| after.contains(f)),
        "{before:?} {after:?}"
    );
    assert_eq!(
        ok_with(&d, &admin, &["backup", "snapshots", "b"])
            .lines()
            .count(),
        3
    );
    let storage = client(&backup, Some(&admin));
    let table = before
        .iter()
        .map(|n| n.to_string_lossy().into_owned())
        .find(|n| Hash::parse(n).is_some())
        .unwrap();
    let delete = block_on(storage.delete(&table)).unwrap_err().to_string();
    assert!(
        delete.contains("403") && delete.contains("append-only"),
        "{delete}"
    );
    // Objects are never overwritten: the same bytes again are fine, others are refused.
    let scratch = client(&server.at("scratch"), Some(&admin));
    block_on(scratch.put("notes", b"first")).unwrap();
    block_on(scratch.put("notes", b"first")).unwrap();
    let overwrite = block_on(scratch.put("notes", b"other"))
        .unwrap_err()
        .to_string();
    assert!(overwrite.contains("409"), "{overwrite}");
    assert_eq!(std::fs::read(dir.join("scratch/notes")).unwrap(), b"first");
    ok_with(&d, &admin, &["backup", "sync", "b"]);
    assert!(ok_with(&d, &admin, &["backup", "verify", "b"]).contains("no problems found"));
    drop(server);

    let server = Server::start(&dir, &["--read-only"]);
    let write = fails_with(&d, &admin, &["backup", "sync-url", &server.at("fresh")]);
    assert!(write.contains("read-only"), "{write}");
    assert!(!dir.join("fresh").exists());
    let backup = server.at("b");
    assert!(ok_with(r, &admin, &["backup", "verify", &backup]).contains("no problems found"));
}

#[test]
fn paths_outside_the_served_folder_are_unreachable() {
    let (root, dir) = folder();
    let r = root.path();
    let (_, admin) = token(&dir, "admin", "*");
    // A store outside the served folder, and symlinks to it and to one of its files.
    let d = new_db_with_rows(r);
    let outside = r.join("outside");
    ok(
        &d,
        &[
            "backup",
            "sync-url",
            &format!("file://{}", outside.display()),
        ],
    );
    let table = std::fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| Hash::parse(n).is_some())
        .unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("link")).unwrap();
    std::fs::create_dir(dir.join("real")).unwrap();
    std::os::unix::fs::symlink(outside.join(&table), dir.join("real").join(&table)).unwrap();
    let server = Server::start(&dir, &[]);
    let bearer = format!("Authorization: Bearer {admin}");
    let get = |path: &str| {
        raw(
            server.addr(),
            &format!("GET {path} HTTP/1.1\r\n{bearer}"),
            b"",
        )
    };
    // The symlinked store is a store when read directly, but not through the server.
    assert_eq!(get("/v1/link/manifest"), 403);
    assert_eq!(get(&format!("/v1/real/objects/{table}")), 403);
    assert_eq!(get("/v1/link/objects"), 403);
    for path in [
        "/v1/../outside/manifest",
        "/v1/real/../../outside/manifest",
        "/v1/%2e%2e/outside/manifest",
        "/v1/%2E%2E%2Foutside/manifest",
        "/v1/real/objects/%2e%2e",
        "/v1//tmp/manifest",
        "/v1/.cairn-serve/objects/tokens",
        "/v2/real/manifest",
    ] {
        let status = get(path);
        assert!(status == 400 || status == 404, "{path}: {status}");
    }
    // The absolute path of the outside store, appended to the prefix.
    let absolute = format!("/v1/{}/manifest", outside.display());
    assert_eq!(get(&absolute), 400, "{absolute}");
    // Through the CLI too: a symlinked store is refused with a one-line error.
    let linked = fails_with(r, &admin, &["backup", "verify", &server.at("link")]);
    assert!(linked.contains("symlink"), "{linked}");
    // Writing through the symlink changes nothing outside.
    let before = std::fs::read_dir(&outside).unwrap().count();
    let put = raw(
        server.addr(),
        &format!("PUT /v1/link/objects/x HTTP/1.1\r\n{bearer}"),
        b"x",
    );
    assert_eq!(put, 403);
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), before);
}

#[test]
fn uploads_that_are_not_what_their_name_says_or_too_large_are_refused() {
    let (_root, dir) = folder();
    let (_, admin) = token(&dir, "admin", "*");
    let server = Server::start(&dir, &["--max-body-size", "100000"]);
    let storage = client(&server.at("s"), Some(&admin));
    let (name, bytes) = table_file(&[b"one", b"two"]);
    let (other, _) = table_file(&[b"three"]);
    // Another file's name.
    let e = block_on(storage.put(&other, &bytes))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("422") && e.contains("belong to table file"),
        "{e}"
    );
    // The right name, a chunk's bytes changed: the last of the first record ("one", stored
    // as it is: codec byte and three bytes).
    let mut flipped = bytes.clone();
    flipped[3] ^= 1;
    let e = block_on(storage.put(&name, &flipped))
        .unwrap_err()
        .to_string();
    assert!(e.contains("do not hash to its address"), "{e}");
    // Not a table file at all, under a table file's name.
    let e = block_on(storage.put(&name, b"garbage"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("422"), "{e}");
    assert!(!dir.join("s").join(&name).exists() && !dir.join("s").join(&other).exists());
    block_on(storage.put(&name, &bytes)).unwrap();
    assert_eq!(std::fs::read(dir.join("s").join(&name)).unwrap(), bytes);

    // Larger than --max-body-size: refused from its declared length, before it is read.
    let bearer = format!("Authorization: Bearer {admin}");
    let big = vec![7u8; 200_000];
    let status = raw(
        server.addr(),
        &format!("PUT /v1/s/objects/big HTTP/1.1\r\n{bearer}"),
        &big,
    );
    assert_eq!(status, 413);
    let e = block_on(storage.put("big", &big)).unwrap_err().to_string();
    assert!(e.contains("413"), "{e}");
    assert!(!dir.join("s/big").exists());
    // A manifest swap without a condition is refused too.
    let status = raw(
        server.addr(),
        &format!("PUT /v1/s/manifest HTTP/1.1\r\n{bearer}"),
        b"m",
    );
    assert_eq!(status, 428);
}

#[test]
fn the_server_stops_cleanly_on_sigterm_and_refuses_to_listen_in_the_open_without_tls() {
    let (root, dir) = folder();
    let mut server = Server::start(&dir, &["--public-read"]);
    // --public-read: reads without a token (of a store that does not exist: 404).
    assert_eq!(raw(server.addr(), "GET /v1/x/manifest HTTP/1.1", b""), 404);
    assert_eq!(
        raw(server.addr(), "PUT /v1/x/objects/y HTTP/1.1", b"y"),
        401
    );
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = server.child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{}", server.log());

    let open = cairn_in(
        root.path(),
        &["serve", "--listen", "0.0.0.0:0", dir.to_str().unwrap()],
        None,
    );
    assert_eq!(open.code, 1);
    assert!(open.stderr.contains("without TLS"), "{}", open.stderr);
}

/// Issue 13's load test: K clients against one server for a few seconds, each with its own
/// database and backup, syncing the backup and pushing its own branch to one shared remote
/// after every commit. Pushes race on the remote's manifest: one that loses to a push of
/// another branch starts again from the remote's new state (Git's per-ref updates would not
/// conflict either), so every push lands; syncs never race (a backup has one writer). Then
/// every acknowledged snapshot is in its backup, every acknowledged push in the remote, and
/// every store verifies clean. Nothing about time is asserted: scripts/bench_serve.py measures.
#[test]
fn k_clients_syncing_and_pushing_against_one_server_lose_nothing() {
    const K: usize = 4;
    let (root, dir) = folder();
    let r = root.path();
    let (_, secret) = token(&dir, "write", "*");
    let token_file = &text_file(r, "token", &secret);
    let server = Server::start(&dir, &[]);
    let remote = server.at("shared/origin");
    let clients: Vec<PathBuf> = (0..K)
        .map(|k| {
            let d = r.join(format!("c{k}"));
            std::fs::create_dir(&d).unwrap();
            ok(&d, &["init"]);
            ok(&d, &["checkout", "-b", &format!("c{k}")]);
            ok(
                &d,
                &["sql", "-q", "create table t (id int primary key, v text)"],
            );
            let backup = server.at(&format!("backups/c{k}"));
            ok(
                &d,
                &["backup", "add", "b", &backup, "--token-file", token_file],
            );
            ok(
                &d,
                &[
                    "remote",
                    "add",
                    "origin",
                    &remote,
                    "--token-file",
                    token_file,
                ],
            );
            d
        })
        .collect();

    // One round of client `k`: a commit, a sync, a push. Answers the snapshot synced and the
    // commit pushed.
    let round = |d: &Path, k: usize, n: usize| {
        let insert = format!("insert into t values ({n}, 'client {k} round {n}')");
        ok(d, &["sql", "-q", &insert]);
        ok(d, &["commit", "-a", "-m", &format!("c{k} round {n}")]);
        // "synced backup 'b': snapshot ID, ..."
        let synced = ok(d, &["backup", "sync", "b", "--quiet"]);
        let synced = synced.split("snapshot ").nth(1).unwrap()[..8].to_owned();
        // "OLD..NEW cK -> cK (...)"
        let pushed = ok(d, &["push", "origin", &format!("c{k}"), "--quiet"]);
        let pushed = pushed.split("..").nth(1).unwrap()[..8].to_owned();
        (synced, pushed)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(4);
    let done: Vec<Vec<(String, String)>> = std::thread::scope(|scope| {
        let runs: Vec<_> = clients
            .iter()
            .enumerate()
            .map(|(k, d)| {
                let round = &round;
                scope.spawn(move || {
                    let mut rounds = Vec::new();
                    while rounds.len() < 2 || std::time::Instant::now() < deadline {
                        rounds.push(round(d, k, rounds.len()));
                    }
                    rounds
                })
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });

    let cloned = r.join("cloned");
    ok(r, &["clone", &remote, "cloned", "--token-file", token_file]);
    for (k, rounds) in done.iter().enumerate() {
        let d = &clients[k];
        let snapshots = ok(d, &["backup", "snapshots", "b"]);
        let log = ok(&cloned, &["log", &format!("origin/c{k}")]);
        for (synced, pushed) in rounds {
            assert!(
                snapshots.contains(synced.as_str()),
                "client {k}: {synced} lost"
            );
            assert!(
                log.contains(&format!("commit {pushed}")),
                "client {k}: {pushed} lost"
            );
        }
        assert!(ok(d, &["backup", "verify", "b"]).contains("no problems found"));
    }
    let verified = ok(
        r,
        &["backup", "verify", &remote, "--token-file", token_file],
    );
    assert!(verified.contains("no problems found"), "{verified}");
}

/// A self-signed certificate for 127.0.0.1 and its key, as PEM files in `dir`: their paths.
fn certificate(dir: &Path, name: &str) -> (String, String) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert, key) = (
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    );
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let path = |p: PathBuf| p.to_str().unwrap().to_owned();
    (path(cert), path(key))
}

#[test]
fn with_a_certificate_the_server_serves_https_to_clients_that_trust_it() {
    let (root, dir) = folder();
    let r = root.path();
    let (_, secret) = token(&dir, "write", "*");
    let token_file = &text_file(r, "token", &secret);
    let (cert, key) = certificate(r, "server");
    let server = Server::start(&dir, &["--tls-cert", &cert, "--tls-key", &key]);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let backup = server.at("b");

    // SSL_CERT_FILE, as for curl, git and OpenSSL: the certificates this client trusts.
    let trusting = [("SSL_CERT_FILE", cert.as_str())];
    let d = new_db_with_rows(r);
    let run = |dir: &Path, args: &[&str]| {
        let out = cairn_env(dir, args, &trusting);
        assert_eq!(out.code, 0, "cairn {args:?}: {}", out.stderr);
        out.stdout
    };
    run(
        &d,
        &["backup", "add", "b", &backup, "--token-file", token_file],
    );
    assert!(run(&d, &["backup", "sync", "b"]).contains("synced backup 'b'"));
    ok(&d, &["commit", "-a", "-m", "rows"]);
    assert!(run(&d, &["backup", "sync", "b"]).contains("synced backup 'b'"));
    run(
        r,
        &[
            "backup",
            "restore",
            &backup,
            "restored",
            "--token-file",
            token_file,
        ],
    );
    let rows = cairn_tests::query_csv(&r.join("restored"), "select v from t order by id");
    assert_eq!(rows, "v\none\ntwo\n");
    assert!(run(&d, &["backup", "verify", "b"]).contains("no problems found"));

    // A client that does not trust the certificate (another one's, or the system's roots
    // only) is told so in one line, at once, and sends nothing.
    let (other, _) = certificate(r, "other");
    for env in [vec![("SSL_CERT_FILE", other.as_str())], vec![]] {
        let out = cairn_env(&d, &["backup", "sync", "b"], &env);
        assert_eq!(out.code, 1, "{}", out.stdout);
        let line = out.stderr.trim_end();
        assert!(
            !line.contains('\n') && line.starts_with("error: "),
            "{line}"
        );
        assert!(
            line.contains("certificate") && line.contains("SSL_CERT_FILE"),
            "{line}"
        );
    }
    // Plain http:// to the TLS port: refused cleanly too.
    let plain = format!("http://{}/b", server.addr());
    let out = cairn_env(r, &["backup", "snapshots", &plain], &[]);
    assert_eq!(
        (out.code, out.stderr.lines().count()),
        (1, 1),
        "{}",
        out.stderr
    );
    let snapshots = run(
        r,
        &["backup", "snapshots", &backup, "--token-file", token_file],
    );
    assert_eq!(snapshots.lines().count(), 3, "{snapshots}");

    // With TLS the server may listen where other machines reach it (it has no token for them).
    let (_empty, bare) = folder();
    let open = Server::start_at(
        "0.0.0.0:0",
        &bare,
        &["--tls-cert", &cert, "--tls-key", &key],
    );
    assert!(open.url.starts_with("https://0.0.0.0:"), "{}", open.url);
    drop(open);

    // Files that are not a certificate and its key: one line, no server.
    let (_, other_key) = certificate(r, "third");
    let dir = dir.to_str().unwrap();
    for (flags, why) in [
        (
            ["--tls-cert", &key, "--tls-key", &key],
            "holds no certificate",
        ),
        (["--tls-cert", &cert, "--tls-key", &cert], "--tls-key"),
        (
            ["--tls-cert", &cert, "--tls-key", &other_key],
            "cannot serve TLS",
        ),
        (
            ["--tls-cert", "missing.pem", "--tls-key", &key],
            "missing.pem",
        ),
    ] {
        let out = cairn_in(
            r,
            &[&["serve", "--listen", "127.0.0.1:0"], &flags[..], &[dir]].concat(),
            None,
        );
        assert_eq!(out.code, 1, "{flags:?}: {}", out.stdout);
        assert!(
            out.stderr.starts_with("error: ") && out.stderr.contains(why),
            "{}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    }
}

#[test]
fn a_server_killed_mid_upload_and_restarted_leaves_every_store_valid_and_a_rerun_completes() {
    let (root, dir) = folder();
    let r = root.path();
    let (_, secret) = token(&dir, "write", "*");
    let mut server = Server::start(&dir, &[]);
    let d = cairn_tests::new_db_with_many_rows(r, 20_000);
    let backup = server.at("db");
    ok_with(&d, &secret, &["backup", "add", "b", &backup]);
    ok_with(&d, &secret, &["backup", "sync", "b"]);
    let on_disk = format!("file://{}", dir.join("db").display());
    for round in 0..3 {
        ok(
            &d,
            &["sql", "-q", &format!("update t set v = 'round {round}'")],
        );
        let puts = |log: &str| log.matches(" put ").count();
        let before = puts(&server.log());
        let mut sync = Command::new(cairn_bin())
            .args(["backup", "sync", "b", "--quiet"])
            .current_dir(&d)
            .env("CAIRN_TOKEN", &secret)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Kill the server (SIGKILL: no handler runs) once the upload is under way, or the sync
        // is over, and start it again on the same port at once: the client's retries reach the
        // new one, or run out.
        while puts(&server.log()) == before && sync.try_wait().unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let addr = server.addr().to_owned();
        drop(server);
        server = Server::start_at(&addr, &dir, &[]);
        let out = sync.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {}
            Some(1) => assert!(
                stderr.lines().count() == 1 && stderr.starts_with("error: "),
                "{stderr}"
            ),
            other => panic!("sync ended with {other:?}: {stderr}"),
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(ok(r, &["backup", "verify", &on_disk]).contains("no problems found"));
        assert!(ok(&d, &["fsck"]).contains("no problems found"));
    }
    ok_with(&d, &secret, &["backup", "sync", "b"]);
    assert!(ok_with(&d, &secret, &["backup", "verify", "b"]).contains("no problems found"));
    ok_with(r, &secret, &["backup", "restore", &backup, "restored"]);
    let rows = cairn_tests::query_csv(
        &r.join("restored"),
        "select count(*) from t where v = 'round 2'",
    );
    assert_eq!(rows, "count(*)\n20000\n");
}

#[test]
fn pages_from_a_cors_origin_may_use_the_server_and_no_other_page_may() {
    let (root, dir) = folder();
    let page = "http://127.0.0.1:8080";
    let server = Server::start(&dir, &["--cors-origin", "HTTP://127.0.0.1:8080"]);
    let preflight = |origin: &str| {
        raw_answer(
            server.addr(),
            &format!(
                "OPTIONS /v1/db/manifest HTTP/1.1\r\nOrigin: {origin}\r\n\
                 Access-Control-Request-Method: PUT\r\n\
                 Access-Control-Request-Headers: authorization, if-match, cache-control"
            ),
            b"",
        )
    };
    let allowed = preflight(page);
    assert_eq!(
        header_of(&allowed, "access-control-allow-origin").as_deref(),
        Some(page),
        "{allowed}"
    );
    let methods = header_of(&allowed, "access-control-allow-methods").unwrap_or_default();
    assert!(
        methods.contains("PUT") && methods.contains("DELETE"),
        "{allowed}"
    );
    let headers = header_of(&allowed, "access-control-allow-headers").unwrap_or_default();
    for needed in [
        "authorization",
        "if-match",
        "if-none-match",
        "range",
        "cache-control",
    ] {
        assert!(headers.contains(needed), "{needed}: {allowed}");
    }
    // Another page gets no permission: the browser then keeps it out.
    let other = preflight("http://evil.example");
    assert_eq!(
        header_of(&other, "access-control-allow-origin"),
        None,
        "{other}"
    );

    // A refusal reaches the allowed page readable, with the headers the client reads exposed.
    let refused = raw_answer(
        server.addr(),
        &format!("GET /v1/db/manifest HTTP/1.1\r\nOrigin: {page}"),
        b"",
    );
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    assert_eq!(
        header_of(&refused, "access-control-allow-origin").as_deref(),
        Some(page)
    );
    let exposed = header_of(&refused, "access-control-expose-headers").unwrap_or_default();
    assert!(
        exposed.contains("etag") && exposed.contains("content-range"),
        "{refused}"
    );

    // Without --cors-origin nothing is allowed.
    let (_root2, dir2) = folder();
    let closed = Server::start(&dir2, &[]);
    let answer = raw_answer(
        closed.addr(),
        &format!("GET /v1/db/manifest HTTP/1.1\r\nOrigin: {page}"),
        b"",
    );
    assert_eq!(
        header_of(&answer, "access-control-allow-origin"),
        None,
        "{answer}"
    );

    for wrong in [
        "127.0.0.1:8080",
        "http://127.0.0.1:8080/",
        "https://a.example/app",
        "*",
    ] {
        let out = cairn_in(
            root.path(),
            &["serve", "--cors-origin", wrong, dir.to_str().unwrap()],
            None,
        );
        assert_eq!(out.code, 1, "{wrong}");
        assert!(
            out.stderr.contains("is not an origin"),
            "{wrong}: {}",
            out.stderr
        );
    }
}
