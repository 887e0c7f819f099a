//! `verify --read-data-subset N/T` (restic's option) and stopping a verify (issue 11).

use std::fs;
use std::path::Path;

use cairn::{block_on, FsStorage};
use cairn_core::sync::{Progress, Sink};
use cairn_core::verify::{verify_with, Options, Problem, Subset, VerifyError};
use cairn_tests::{cairn_in, fails, new_db, ok};

/// A backup in `r/b` of several syncs, so that it has several table files.
fn backup(r: &Path) -> std::path::PathBuf {
    let d = new_db(r);
    ok(
        &d,
        &["sql", "-q", "create table t (id int primary key, v text)"],
    );
    ok(&d, &["backup", "add", "b", "file://../b"]);
    for round in 0..6 {
        let values: Vec<String> = (0..400)
            .map(|i| format!("({}, 'row {round} {i}')", round * 1000 + i))
            .collect();
        let insert = format!("insert into t values {}", values.join(", "));
        ok(&d, &["sql", "-q", &insert]);
        ok(&d, &["backup", "sync", "b"]);
    }
    d
}

/// "read K of N table files" from a subset's report.
fn read_of(out: &str) -> (usize, usize) {
    let words: Vec<&str> = out.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "read").unwrap();
    (
        words[at + 1].parse().unwrap(),
        words[at + 3].parse().unwrap(),
    )
}

#[test]
fn subsets_read_every_table_file_once_over_t_runs_and_always_walk_the_nodes() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = backup(r);
    let full = ok(&d, &["backup", "verify", "b"]);
    let mut read = 0;
    for n in 1..=3 {
        let out = ok(
            &d,
            &[
                "backup",
                "verify",
                "--read-data-subset",
                &format!("{n}/3"),
                "b",
            ],
        );
        assert!(out.contains(&format!("checked subset {n}/3")), "{out}");
        assert!(out.contains("no problems found"), "{out}");
        let (k, total) = read_of(&out);
        assert!(
            full.contains(&format!("checked {total} table files")),
            "{full}"
        );
        read += k;
    }
    let total = read_of(&ok(
        &d,
        &["backup", "verify", "--read-data-subset", "1/1", "b"],
    ))
    .1;
    assert_eq!(read, total, "the three slices together read each file once");

    // A lost table file is seen by every slice: the indexes and the nodes are always read.
    let store = FsStorage::new(r.join("b"));
    let names: Vec<String> = fs::read_dir(r.join("b"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.len() == 32)
        .collect();
    let victim = names
        .iter()
        .find(|n| !Subset::parse("1/2").unwrap().holds(n))
        .expect("a file outside slice 1/2");
    fs::rename(r.join("b").join(victim), r.join("elsewhere")).unwrap();
    let err = fails(&d, &["backup", "verify", "--read-data-subset", "1/2", "b"]);
    assert!(err.contains("listed in the manifest but missing"), "{err}");
    let report = block_on(verify_with(
        &store,
        &Options {
            subset: Subset::parse("1/2"),
        },
        &mut |_: &Progress| {},
    ))
    .unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| matches!(p, Problem::MissingTable { table } if table == victim)),
        "{report:?}"
    );
}

#[test]
fn a_subset_must_be_n_of_t() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    for bad in ["0/3", "4/3", "1/0", "x", "1/"] {
        let out = cairn_in(
            r,
            &["backup", "verify", "--read-data-subset", bad, "file://b"],
            None,
        );
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(out.stderr.contains("N/T"), "{}", out.stderr);
    }
}

/// Stops at its `after`-th report.
struct StopAfter(usize);

impl Sink for StopAfter {
    fn report(&mut self, _: &Progress) {
        self.0 = self.0.saturating_sub(1);
    }
    fn interrupted(&mut self) -> bool {
        self.0 == 0
    }
}

#[test]
fn a_verify_stops_when_asked_and_reports_true_totals() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    backup(r);
    let store = FsStorage::new(r.join("b"));
    let mut events = Vec::new();
    let report = block_on(verify_with(
        &store,
        &Options::default(),
        &mut |p: &Progress| events.push(*p),
    ))
    .unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.chunks_done, last.chunks_total);
    assert_eq!(last.chunks_total, report.chunks);
    assert_eq!(last.bytes_done, report.bytes);
    assert!(events.iter().all(|e| e.chunks_total == last.chunks_total));
    let stopped = block_on(verify_with(&store, &Options::default(), &mut StopAfter(2)));
    assert_eq!(stopped.unwrap_err(), VerifyError::Interrupted);
}
