//! `az://` against Azurite, Microsoft's Azure Blob emulator (scripts/azurite.sh), started once
//! per test process on 127.0.0.1 and stopped when the process ends (issue 12).

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use cairn::{block_on, object_storage};
use cairn_cli::url::{Bucket, Service};
use cairn_tests::{fails, new_db_with_rows, ok};

/// The emulator's folder and its blob endpoint (`http://127.0.0.1:PORT/devstoreaccount1`).
fn emulator() -> &'static (PathBuf, String) {
    static EMULATOR: OnceLock<(PathBuf, String)> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        let (dir, env) = cairn_tests::start_server("scripts/azurite.sh");
        let endpoint = env
            .iter()
            .find(|(k, _)| k == "AZURITE_ENDPOINT")
            .map(|(_, v)| v.clone())
            .expect("AZURITE_ENDPOINT");
        (dir, endpoint)
    })
}

fn create_container(name: &str) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/azurite.sh");
    let made = Command::new(script)
        .arg("container")
        .arg(&emulator().0)
        .arg(name)
        .output()
        .expect("run scripts/azurite.sh");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

#[test]
fn the_storage_conformance_suite_passes_on_azurite() {
    create_container("conformance");
    let location = Bucket {
        service: Service::Azure,
        bucket: "conformance".into(),
        prefix: "stores/one".into(),
        endpoint: Some(emulator().1.clone()),
        region: None,
        path_style: false,
    };
    let a = object_storage(&location).unwrap();
    let b = object_storage(&location).unwrap();
    block_on(cairn_core::conformance::run(&a, &b))
        .unwrap_or_else(|f| panic!("{}: {}", f.check, f.message));
}

#[test]
fn a_backup_on_azure_syncs_verifies_and_restores() {
    create_container("cli");
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db_with_rows(r);
    let url = format!("az://cli/backups/db?endpoint={}", emulator().1);
    ok(&d, &["backup", "add", "b", &url]);
    ok(&d, &["backup", "sync", "b"]);
    ok(&d, &["sql", "-q", "delete from t where id = 1"]);
    ok(&d, &["backup", "sync", "b"]);
    assert_eq!(ok(&d, &["backup", "snapshots", "b"]).lines().count(), 3);
    assert!(ok(&d, &["backup", "verify", "b"]).contains("no problems found"));
    ok(r, &["backup", "restore", &url, "restored"]);
    let rows = ok(
        &r.join("restored"),
        &["sql", "-q", "select v from t", "-r", "csv"],
    );
    assert_eq!(rows, "v\ntwo\n");
    let err = fails(&d, &["backup", "add", "c", "az://Not_A_Container/x"]);
    assert!(err.contains("a container name is"), "{err}");
}
