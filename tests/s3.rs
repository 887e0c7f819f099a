//! `s3://` against a real S3: a throw-away single-node Ceph cluster with its RADOS Gateway on
//! 127.0.0.1 (scripts/ceph.sh), started once per test process and stopped when the process
//! ends. Each test has its own bucket (issue 12).

use std::process::Command;
use std::sync::OnceLock;

use cairn::{block_on, object_storage};
use cairn_cli::url::{Bucket, Service};

/// The running gateway: its endpoint and credentials.
pub struct Gateway {
    pub endpoint: String,
    pub env: Vec<(String, String)>,
}

/// Starts the cluster on first use (see `start_server`): AWS credentials and endpoint are then
/// in this process's environment, where the AWS chain finds them.
pub fn gateway() -> &'static Gateway {
    static GATEWAY: OnceLock<Gateway> = OnceLock::new();
    GATEWAY.get_or_init(|| {
        let (_, env) = cairn_tests::start_server("scripts/ceph.sh");
        let endpoint = env
            .iter()
            .find(|(k, _)| k == "AWS_ENDPOINT_URL")
            .map(|(_, v)| v.clone())
            .expect("AWS_ENDPOINT_URL");
        Gateway { endpoint, env }
    })
}

/// Creates a bucket (signed with curl's SigV4, as Ceph wants it).
pub fn create_bucket(name: &str) {
    let gw = gateway();
    let var = |k: &str| {
        gw.env
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let user = format!(
        "{}:{}",
        var("AWS_ACCESS_KEY_ID"),
        var("AWS_SECRET_ACCESS_KEY")
    );
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT"])
        .args(["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", &user])
        .args(["-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"])
        .arg(format!("{}/{name}", gw.endpoint))
        .output()
        .expect("run curl");
    let code = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(code, "200", "creating bucket {name}");
}

fn location(bucket: &str, prefix: &str) -> Bucket {
    Bucket {
        service: Service::S3,
        bucket: bucket.into(),
        prefix: prefix.into(),
        endpoint: Some(gateway().endpoint.clone()),
        region: Some("us-east-1".into()),
        path_style: true,
    }
}

#[test]
fn a_large_table_file_goes_up_in_parts_and_reads_back_whole() {
    use cairn_core::Storage;
    create_bucket("large");
    let s = object_storage(&location("large", "db")).unwrap();
    // 40 MiB of varied bytes: five parts of 8 MiB.
    let data: Vec<u8> = (0..40u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    block_on(s.put("big", &data)).unwrap();
    assert!(block_on(s.get("big")).unwrap() == Some(data.clone()));
    let tail = block_on(s.get_range("big", (40 << 20) - 100, 100)).unwrap();
    assert_eq!(tail.as_deref(), Some(&data[data.len() - 100..]));
    // A second put of the same name and bytes is success, as for a small one.
    block_on(s.put("big", &data)).unwrap();
    let listed = block_on(s.list()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].size, 40 << 20);
}

#[test]
fn the_storage_conformance_suite_passes_on_ceph() {
    create_bucket("conformance");
    // Two handles, as two processes would have, on a store under a prefix.
    let a = object_storage(&location("conformance", "stores/one")).unwrap();
    let b = object_storage(&location("conformance", "stores/one")).unwrap();
    let passed = block_on(cairn_core::conformance::run(&a, &b))
        .unwrap_or_else(|f| panic!("{}: {}", f.check, f.message));
    assert!(passed.len() > 8, "{passed:?}");
    // And at the bucket's top.
    create_bucket("top");
    let a = object_storage(&location("top", "")).unwrap();
    let b = object_storage(&location("top", "")).unwrap();
    block_on(cairn_core::conformance::run(&a, &b))
        .unwrap_or_else(|f| panic!("{}: {}", f.check, f.message));
}

/// An `s3://` URL of a store under `prefix` in `bucket` on the local gateway.
fn url(bucket: &str, prefix: &str) -> String {
    format!(
        "s3://{bucket}/{prefix}?endpoint={}&path-style=true",
        gateway().endpoint
    )
}

#[test]
fn backups_and_remotes_on_s3_from_the_command_line() {
    use cairn_tests::{fails, fails_saying, new_db_with_rows, ok};
    create_bucket("cli");
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db_with_rows(r);
    ok(&d, &["commit", "-a", "-m", "rows"]);
    ok(
        &d,
        &["sql", "-q", "insert into t values (3, 'uncommitted')"],
    );

    let backup = url("cli", "backups/db1");
    ok(&d, &["backup", "add", "b", &backup]);
    // The same bucket and prefix, spelled otherwise, is the same place.
    let respelled = format!(
        "s3://cli//backups/db1/?path-style=true&endpoint={}",
        gateway().endpoint
    );
    assert!(fails(&d, &["backup", "add", "again", &respelled]).contains("address conflict"));
    assert!(ok(&d, &["backup", "sync", "b"]).contains("synced backup 'b'"));
    assert!(ok(&d, &["backup", "sync", "b"]).contains("up to date"));
    ok(
        &d,
        &["sql", "-q", "update t set v = 'changed' where id = 1"],
    );
    ok(&d, &["backup", "sync", "b"]);
    assert_eq!(ok(&d, &["backup", "snapshots", "b"]).lines().count(), 3);
    assert!(ok(&d, &["backup", "verify", "b"]).contains("no problems found"));

    // Restore from the bucket: the working set came along.
    ok(r, &["backup", "restore", &backup, "restored"]);
    let rows = ok(
        &r.join("restored"),
        &["sql", "-q", "select v from t order by id", "-r", "csv"],
    );
    assert_eq!(rows, "v\nchanged\ntwo\nuncommitted\n");
    ok(r, &["backup", "export", &backup, "b.cairnbak"]);
    ok(r, &["backup", "restore", "b.cairnbak", "from-file"]);
    assert!(ok(r, &["backup", "prune", "--keep-last", "1", &backup]).contains("removed 1"));
    assert!(ok(r, &["backup", "verify", &backup]).contains("no problems found"));

    // A remote in the bucket: push, clone, fetch.
    let remote = url("cli", "remotes/origin");
    ok(&d, &["remote", "add", "origin", &remote]);
    ok(&d, &["push", "origin", "main"]);
    ok(r, &["clone", &remote, "cloned"]);
    let cloned = ok(
        &r.join("cloned"),
        &["sql", "-q", "select count(*) from t", "-r", "csv"],
    );
    assert_eq!(cloned, "count(*)\n2\n");
    assert!(ok(&r.join("cloned"), &["remote", "-v"]).contains("s3://cli/remotes/origin"));
    // gc of the remote's store in the bucket keeps what its branches reach.
    ok(&d, &["gc", "--quiet", &remote]);
    ok(r, &["clone", &remote, "cloned-after-gc"]);
    let after = ok(
        &r.join("cloned-after-gc"),
        &["sql", "-q", "select count(*) from t", "-r", "csv"],
    );
    assert_eq!(after, "count(*)\n2\n");

    // One-line errors: a missing bucket, credentials in the URL.
    let err = fails(&d, &["backup", "sync-url", &url("no-such-bucket", "x")]);
    assert!(err.contains("the bucket does not exist"), "{err}");
    // Wrong credentials.
    fails_saying(
        &d,
        &["backup", "verify", "b"],
        &[("AWS_SECRET_ACCESS_KEY", "not-the-secret")],
        "refused the credentials",
    );
    let err = fails(&d, &["backup", "add", "c", "s3://AKIA:secret@cli/x"]);
    assert!(err.contains("credentials do not go in a URL"), "{err}");

    // Keys from AWS_PROFILE's section of the shared credentials file, none in the environment.
    let var = |k: &str| {
        let found = gateway().env.iter().find(|(key, _)| key == k);
        found.map(|(_, v)| v.clone()).unwrap()
    };
    let (key, secret) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"));
    let files = tempfile::tempdir().unwrap();
    let credentials = files.path().join("credentials");
    let text = format!(
        "[default]\naws_access_key_id = WRONG\naws_secret_access_key = wrong\n\n\
         [ceph]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"
    );
    std::fs::write(&credentials, text).unwrap();
    let credentials = credentials.to_str().unwrap();
    let profile_env = |profile: &'static str| {
        [
            ("AWS_ACCESS_KEY_ID", ""),
            ("AWS_SECRET_ACCESS_KEY", ""),
            ("AWS_SHARED_CREDENTIALS_FILE", credentials),
            ("AWS_PROFILE", profile),
        ]
    };
    let verify = ["backup", "verify", "b"];
    let profiled = cairn_tests::cairn_env(&d, &verify, &profile_env("ceph"));
    assert_eq!(profiled.code, 0, "{}", profiled.stderr);
    fails_saying(&d, &verify, &profile_env(""), "refused the credentials");
    fails_saying(
        &d,
        &verify,
        &profile_env("nosuch"),
        "AWS_PROFILE is 'nosuch'",
    );
    // No keys anywhere: the AWS chain ends at the instance metadata service, here a closed
    // port on this machine (the real one is not loopback), and the error says what is missing.
    fails_saying(
        &d,
        &verify,
        &[
            ("AWS_ACCESS_KEY_ID", ""),
            ("AWS_SECRET_ACCESS_KEY", ""),
            ("AWS_PROFILE", ""),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
            ("AWS_CONFIG_FILE", "/nonexistent/config"),
            ("AWS_METADATA_ENDPOINT", "http://127.0.0.1:1"),
        ],
        "no AWS credentials: set AWS_ACCESS_KEY_ID",
    );
}

/// An HTTP proxy on 127.0.0.1 in front of the gateway that answers a chosen share of requests
/// with 503 Slow Down instead of passing them on: transient failures on demand. One request per
/// connection (it answers `Connection: close`), which the client's pool handles.
struct FaultProxy {
    port: u16,
    /// Requests failed per thousand.
    per_mille: std::sync::Arc<std::sync::atomic::AtomicU32>,
    failed: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

impl FaultProxy {
    fn start(upstream: &str) -> FaultProxy {
        use std::net::TcpListener;
        use std::sync::atomic::AtomicU32;
        use std::sync::Arc;
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let per_mille = Arc::new(AtomicU32::new(0));
        let failed = Arc::new(AtomicU32::new(0));
        let (share, count) = (per_mille.clone(), failed.clone());
        std::thread::spawn(move || {
            for (n, client) in listener.incoming().enumerate() {
                let Ok(client) = client else { continue };
                // A fixed spread (every k-th of each thousand), not chance: runs repeat.
                let fail =
                    (n as u32 * 389) % 1000 < share.load(std::sync::atomic::Ordering::Relaxed);
                if fail {
                    count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                let upstream = upstream.clone();
                std::thread::spawn(move || {
                    let _ = relay(client, &upstream, fail);
                });
            }
        });
        FaultProxy {
            port,
            per_mille,
            failed,
        }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Reads one request from `client`; answers 503, or passes it to `upstream` and the answer
/// back, with `Connection: close` both ways.
fn relay(mut client: std::net::TcpStream, upstream: &str, fail: bool) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let (head, body_start) = read_head(&mut client)?;
    let length = header(&head, "content-length").map_or(0, |v| v.parse().unwrap_or(0));
    let mut body = body_start;
    while body.len() < length {
        let mut buf = vec![0; length - body.len()];
        let n = client.read(&mut buf)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if fail {
        let xml = "<Error><Code>SlowDown</Code></Error>";
        let answer = format!(
            "HTTP/1.1 503 Slow Down\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
            xml.len()
        );
        return client.write_all(answer.as_bytes());
    }
    let mut server = std::net::TcpStream::connect(upstream)?;
    server.write_all(&with_close(&head))?;
    server.write_all(&body)?;
    let (head, rest) = read_head(&mut server)?;
    client.write_all(&with_close(&head))?;
    client.write_all(&rest)?;
    std::io::copy(&mut server, &mut client)?;
    Ok(())
}

/// The head of an HTTP message (up to the blank line, included) and what came after it.
fn read_head(stream: &mut std::net::TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    use std::io::Read;
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end + 4]).into_owned();
            return Ok((head, data[end + 4..].to_vec()));
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The head with its `Connection` header replaced by `Connection: close`.
fn with_close(head: &str) -> Vec<u8> {
    let mut out: Vec<&str> = head
        .trim_end()
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    out.push("Connection: close");
    (out.join("\r\n") + "\r\n\r\n").into_bytes()
}

#[test]
fn syncs_and_restores_ride_out_transient_failures_and_fail_clearly_when_they_persist() {
    use cairn_tests::{fails_saying, new_db, ok};
    use std::sync::atomic::Ordering;
    create_bucket("faults");
    let proxy = FaultProxy::start(&gateway().endpoint);
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    let values: Vec<String> = (0..3000).map(|i| format!("({i}, 'row {i}')")).collect();
    let create = format!(
        "create table t (id int primary key, v text); insert into t values {}",
        values.join(",")
    );
    assert_eq!(cairn_tests::cairn_in(&d, &["sql"], Some(&create)).code, 0);
    let through = format!(
        "s3://faults/db?endpoint={}&path-style=true",
        proxy.endpoint()
    );
    let direct = url("faults", "db");

    // One request in ten fails: every sync and the restore complete.
    proxy.per_mille.store(100, Ordering::Relaxed);
    for round in 0..4 {
        ok(
            &d,
            &[
                "sql",
                "-q",
                &format!("update t set v = 'round {round}' where id < 1000"),
            ],
        );
        ok(&d, &["backup", "sync-url", &through]);
    }
    ok(r, &["backup", "restore", &through, "restored"]);
    assert!(
        proxy.failed.load(Ordering::Relaxed) > 5,
        "faults were injected"
    );
    let rows = ok(
        &r.join("restored"),
        &[
            "sql",
            "-q",
            "select count(*) from t where v = 'round 3'",
            "-r",
            "csv",
        ],
    );
    assert_eq!(rows, "count(*)\n1000\n");
    assert!(ok(r, &["backup", "verify", &direct]).contains("no problems found"));

    // Every request fails: a clear error, in bounded time, and both sides as they were.
    proxy.per_mille.store(1000, Ordering::Relaxed);
    ok(&d, &["sql", "-q", "update t set v = 'lost'"]);
    let started = std::time::Instant::now();
    fails_saying(&d, &["backup", "sync-url", &through], &[], "SlowDown");
    assert!(
        started.elapsed().as_secs() < 60,
        "gave up in {:?}",
        started.elapsed()
    );
    assert!(ok(r, &["backup", "verify", &direct]).contains("no problems found"));
    assert_eq!(ok(r, &["backup", "snapshots", &direct]).lines().count(), 5);
    assert!(ok(&d, &["fsck"]).contains("no problems found"));
}

#[test]
fn a_sync_killed_mid_upload_leaves_both_sides_valid_and_a_rerun_completes() {
    use cairn_tests::{cairn_bin, ok};
    create_bucket("killed");
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = cairn_tests::new_db_with_many_rows(r, 20_000);
    let backup = url("killed", "db");
    ok(&d, &["backup", "add", "b", &backup]);
    ok(&d, &["backup", "sync", "b"]);
    for (round, delay_ms) in [30u64, 60, 120].into_iter().enumerate() {
        ok(
            &d,
            &["sql", "-q", &format!("update t set v = 'round {round}'")],
        );
        let mut child = Command::new(cairn_bin())
            .args(["backup", "sync", "b", "--quiet"])
            .current_dir(&d)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL: no handler runs
        child.wait().unwrap();
        assert!(ok(&d, &["backup", "verify", "b"]).contains("no problems found"));
        assert!(ok(&d, &["fsck"]).contains("no problems found"));
    }
    ok(&d, &["backup", "sync", "b"]);
    ok(r, &["backup", "restore", &backup, "restored"]);
    let rows = cairn_tests::query_csv(
        &r.join("restored"),
        "select count(*) from t where v = 'round 2'",
    );
    assert_eq!(rows, "count(*)\n20000\n");
}

/// Ctrl-C works as on `file://`: the sync stops at its next batch, exits 130 and says nothing
/// changed, and both sides still verify. When the signal comes is a matter of timing, so the
/// rounds home in on the sync's time at work until one stops it (a sync that finished first
/// is fine).
#[test]
fn ctrl_c_stops_a_sync_to_s3_and_leaves_both_sides_valid() {
    use cairn_tests::ok;
    create_bucket("interrupted");
    let root = tempfile::tempdir().unwrap();
    let d = cairn_tests::new_db_with_many_rows(root.path(), 50_000);
    ok(&d, &["backup", "add", "b", &url("interrupted", "db")]);
    ok(&d, &["backup", "sync", "b"]);
    let mut stopped = 0;
    let mut delays = cairn_tests::Delays::starting_at(10);
    for round in 0..24u64 {
        ok(
            &d,
            &["sql", "-q", &format!("update t set v = 'round {round}'")],
        );
        let sync = ["backup", "sync", "b", "--quiet"];
        if cairn_tests::ctrl_c_after(&d, &sync, &mut delays) == cairn_tests::Ending::Stopped {
            stopped += 1;
        }
        assert!(ok(&d, &["backup", "verify", "b"]).contains("no problems found"));
        if stopped >= 2 {
            break;
        }
    }
    assert!(stopped > 0, "no sync was stopped by Ctrl-C");
    assert!(ok(&d, &["fsck"]).contains("no problems found"));
    ok(&d, &["backup", "sync", "b", "--quiet"]);
    assert!(ok(&d, &["backup", "verify", "b"]).contains("no problems found"));
}

#[test]
fn the_seed_tutorial_with_its_backup_and_remote_on_s3() {
    use cairn_tests::ok;
    create_bucket("seed");
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let repo1 = r.join("repo1");
    std::fs::create_dir(&repo1).unwrap();
    let (backup, remote) = (url("seed", "backups/backup1"), url("seed", "rem1"));
    cairn_tests::seed_tutorial(&repo1, &backup, &remote);

    // The backup carries every branch, tag, remote-tracking branch and the working set.
    ok(r, &["backup", "restore", &backup, "repo3"]);
    let repo3 = r.join("repo3");
    assert!(ok(&repo3, &["status"]).contains("\tnew table:      not_committed\n"));
    assert_eq!(
        ok(&repo3, &["branch", "-a"]),
        "  feature\n* main\n  remotes/origin/main\n"
    );
    assert_eq!(ok(&repo3, &["tag"]), "v1\n");
    // The remote carries what was pushed, nothing uncommitted.
    ok(r, &["clone", &remote, "repo4"]);
    let repo4 = r.join("repo4");
    assert!(!ok(&repo4, &["status"]).contains("not_committed"));
    assert_eq!(
        ok(&repo4, &["branch", "-a"]),
        "* main\n  remotes/origin/main\n"
    );
    // restore --force replaces a database, from the bucket too.
    ok(&repo1, &["sql", "-q", "drop table not_committed"]);
    ok(&repo1, &["backup", "sync", "backup1"]);
    ok(r, &["backup", "restore", "--force", &backup, "repo3"]);
    assert!(!ok(&repo3, &["status"]).contains("not_committed"));
}
