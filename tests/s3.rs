//! `s3://` against a real S3: a throw-away single-node Ceph cluster with its RADOS Gateway on
//! 127.0.0.1 (scripts/ceph.sh), started once per test process and stopped when the process
//! ends. Each test has its own bucket (issue 12).

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use cairn::{block_on, S3Location, S3Storage};

/// The running gateway: its endpoint and credentials.
pub struct Gateway {
    pub endpoint: String,
    pub env: Vec<(String, String)>,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Starts the cluster on first use; `--until-exit` stops it when this process ends, however
/// it ends. Credentials go into this process's environment, where the AWS chain finds them.
pub fn gateway() -> &'static Gateway {
    static GATEWAY: OnceLock<Gateway> = OnceLock::new();
    GATEWAY.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("cairn-ceph-")
            .tempdir()
            .expect("temp dir")
            .keep();
        let started = Command::new(repo_root().join("scripts/ceph.sh"))
            .arg("start")
            .arg(&dir)
            .args(["--until-exit", &std::process::id().to_string()])
            .output()
            .expect("run scripts/ceph.sh");
        assert!(
            started.status.success(),
            "scripts/ceph.sh start failed (scripts/ceph.sh install installs Ceph): {}",
            String::from_utf8_lossy(&started.stderr)
        );
        let text = std::fs::read_to_string(dir.join("env")).expect("the cluster's env file");
        let env: Vec<(String, String)> = text
            .lines()
            .filter_map(|l| l.strip_prefix("export "))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        for (k, v) in &env {
            std::env::set_var(k, v);
        }
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

fn location(bucket: &str, prefix: &str) -> S3Location {
    S3Location {
        bucket: bucket.into(),
        prefix: prefix.into(),
        endpoint: Some(gateway().endpoint.clone()),
        region: Some("us-east-1".into()),
        path_style: true,
    }
}

#[test]
fn the_storage_conformance_suite_passes_on_ceph() {
    create_bucket("conformance");
    // Two handles, as two processes would have, on a store under a prefix.
    let a = S3Storage::new(&location("conformance", "stores/one")).unwrap();
    let b = S3Storage::new(&location("conformance", "stores/one")).unwrap();
    let passed = block_on(cairn_core::conformance::run(&a, &b))
        .unwrap_or_else(|f| panic!("{}: {}", f.check, f.message));
    assert!(passed.len() > 8, "{passed:?}");
    // And at the bucket's top.
    create_bucket("top");
    let a = S3Storage::new(&location("top", "")).unwrap();
    let b = S3Storage::new(&location("top", "")).unwrap();
    block_on(cairn_core::conformance::run(&a, &b))
        .unwrap_or_else(|f| panic!("{}: {}", f.check, f.message));
}
