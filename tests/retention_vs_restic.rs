//! `retention::apply` and `cairn backup forget` against the real `restic forget`: one throw-away
//! restic repository and one Cairn backup (synced by the `cairn` binary, its clock fixed by
//! `CAIRN_TIME_MS`) hold a snapshot for each timestamp below, and for each policy in the table
//! restic's kept snapshots and their reasons (by time) must be Cairn's, both from the function
//! and from the verb's `--dry-run --json`. The one departure the verb adds: the snapshot
//! written last is always kept (`backup::forget`), with its own reason.
//!
//! restic before 0.16 (Debian's is 0.14) neither keeps the oldest snapshot for a bucket policy
//! with buckets left nor takes -1: against such a restic, Cairn's "oldest …" reasons are left out
//! of the comparison (and a snapshot kept only for them) and the -1 policies are not run. Those
//! two are checked against restic's own expected results instead, in the second test.

use std::path::Path;
use std::process::{Command, Output};

use cairn_core::retention::{apply, KeepCount, Policy, SnapshotInfo};
use cairn_tests::{cairn_env, new_db, ok};
use serde_json::Value;

/// UTC times, tags. Several a day and an hour, a tie, leap days, month ends (for keep-within's
/// month arithmetic) and ISO week 53 of 2020 (Dec 28 2020 to Jan 3 2021).
const SNAPSHOTS: &[(&str, &[&str])] = &[
    ("2019-11-15 10:00:00", &[]),
    ("2019-12-31 23:59:59", &[]),
    ("2020-01-01 00:00:00", &[]),
    ("2020-01-01 00:30:00", &[]),
    ("2020-02-28 12:00:00", &[]),
    ("2020-02-29 08:00:00", &["pre-migration"]),
    ("2020-02-29 23:59:00", &[]),
    ("2020-03-01 00:01:00", &[]),
    ("2020-03-31 06:00:00", &[]),
    ("2020-06-15 10:00:00", &[]),
    ("2020-06-15 10:20:00", &[]),
    ("2020-06-15 10:40:00", &[]),
    ("2020-06-15 11:05:00", &[]),
    ("2020-09-30 18:00:00", &[]),
    ("2020-12-27 12:00:00", &[]),
    ("2020-12-28 09:00:00", &[]),
    ("2020-12-31 23:00:00", &[]),
    ("2021-01-01 01:00:00", &[]),
    ("2021-01-03 22:00:00", &[]),
    ("2021-01-04 00:30:00", &[]),
    ("2021-02-28 12:00:00", &[]),
    ("2021-03-01 12:00:00", &[]),
    // Exactly at --keep-within 1y1m's bound: Mar 31 2022 18:00 less 1y1m is "Feb 31 2021", rolled
    // over to Mar 3; restic keeps only what is strictly newer.
    ("2021-03-03 18:00:00", &[]),
    ("2021-03-31 12:00:00", &[]),
    ("2021-05-05 05:05:05", &["pre-migration"]),
    ("2021-05-05 05:05:05", &["pre-migration"]),
    ("2021-07-04 07:00:00", &[]),
    ("2021-11-30 23:00:00", &[]),
    ("2021-12-01 00:00:00", &[]),
    ("2021-12-24 10:00:00", &[]),
    ("2021-12-31 23:30:00", &[]),
    ("2022-01-01 00:15:00", &[]),
    ("2022-01-02 13:00:00", &[]),
    ("2022-01-03 13:00:00", &[]),
    ("2022-01-31 10:00:00", &[]),
    ("2022-02-28 10:00:00", &[]),
    ("2022-03-01 09:00:00", &[]),
    ("2022-03-01 09:30:00", &[]),
    ("2022-03-01 09:45:00", &[]),
    ("2022-03-01 10:15:00", &[]),
    ("2022-03-02 08:00:00", &[]),
    ("2022-03-03 08:00:00", &[]),
    ("2022-03-03 19:00:00", &[]),
    ("2022-03-04 08:00:00", &["weekly-job"]),
    ("2022-03-05 08:00:00", &[]),
    ("2022-03-06 08:00:00", &[]),
    ("2022-03-07 08:00:00", &["weekly-job", "pre-migration"]),
    ("2022-03-08 08:00:00", &[]),
    ("2022-03-09 08:00:00", &[]),
    ("2022-03-10 08:00:00", &[]),
    ("2022-03-10 12:00:00", &[]),
    ("2022-03-30 18:00:00", &[]),
    ("2022-03-31 18:00:00", &[]),
];

/// restic's flags for each policy; "-1" needs restic 0.16.
const POLICIES: &[&str] = &[
    "--keep-last 5",
    "--keep-hourly 6",
    "--keep-daily 10",
    "--keep-weekly 12",
    "--keep-weekly 200",
    "--keep-monthly 6",
    "--keep-yearly 3",
    "--keep-yearly 10",
    "--keep-within 1m",
    "--keep-within 1y1m",
    "--keep-within 1d6h",
    "--keep-within 2y",
    "--keep-tag pre-migration",
    "--keep-tag pre-migration --keep-tag weekly-job --keep-last 2",
    "--keep-daily 7 --keep-weekly 4 --keep-monthly 12 --keep-yearly 2",
    "--keep-last 3 --keep-hourly 4 --keep-within 2d",
    "--keep-hourly 1000",
    "--keep-monthly 1 --keep-within 10d --keep-tag weekly-job",
    "--keep-daily 3 --keep-weekly 3 --keep-monthly 3 --keep-yearly 3 --keep-within 4d",
    "--keep-daily -1",
    "--keep-last 2 --keep-weekly -1 --keep-yearly -1",
];

#[test]
fn kept_snapshots_match_restic_forget() {
    let version = restic_version();
    let modern = version >= (0, 16);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("retention_vs_restic");
    let _ = std::fs::remove_dir_all(&dir);
    let repo = dir.join("repo");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("file"), "a snapshot's content\n").unwrap();
    run_restic(&["init", "-r", repo.to_str().unwrap()]);

    // Backups take a shared lock: a few at once, as the machine's cores allow.
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((time, tags)) = SNAPSHOTS.get(i) else {
                    break;
                };
                let mut args = vec!["-r", repo.to_str().unwrap(), "backup", "--time", time];
                args.extend(["--host", "cairn-test", data.to_str().unwrap()]);
                for tag in *tags {
                    args.extend(["--tag", tag]);
                }
                run_restic(&args);
            });
        }
    });

    let tags: Vec<Vec<String>> = SNAPSHOTS
        .iter()
        .map(|(_, tags)| tags.iter().map(|t| t.to_string()).collect())
        .collect();
    let infos: Vec<SnapshotInfo> = SNAPSHOTS
        .iter()
        .zip(&tags)
        .map(|((time, _), tags)| SnapshotInfo {
            time_ms: utc_ms(time),
            tags,
        })
        .collect();

    let backup = cairn_backup(&dir);

    let mut failures = Vec::new();
    let mut compared = 0;
    for flags in POLICIES {
        if !modern && flags.contains("-1") {
            eprintln!("restic {version:?} has no -1: not comparing {flags}");
            continue;
        }
        let mut args = vec![
            "-r",
            repo.to_str().unwrap(),
            "forget",
            "--dry-run",
            "--json",
        ];
        args.extend(flags.split(' '));
        let theirs = restic_kept(&run_restic(&args).stdout);

        let outcome = apply(&infos, &parse_policy(flags));
        let mut ours: Vec<(String, Vec<String>)> = outcome
            .keep
            .iter()
            .map(|k| {
                let reasons = k.reasons.iter().map(|r| r.to_string());
                let reasons = reasons.filter(|r| modern || !r.starts_with("oldest "));
                (
                    SNAPSHOTS[k.index].0.to_string(),
                    reasons.collect::<Vec<_>>(),
                )
            })
            .filter(|(_, reasons)| !reasons.is_empty())
            .collect();
        ours.sort();
        eprintln!(
            "{flags}: restic keeps {} of {}",
            theirs.len(),
            SNAPSHOTS.len()
        );
        if ours != theirs {
            failures.push(format!(
                "{flags}:\n  restic keeps {theirs:?}\n  cairn keeps  {ours:?}"
            ));
        }
        let verb = verb_kept(&backup, flags, modern);
        if verb != theirs {
            failures.push(format!(
                "{flags}:\n  restic keeps             {theirs:?}\n  cairn backup forget keeps {verb:?}"
            ));
        }
        compared += 1;
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        failures.is_empty(),
        "{} of {compared} policies differ from restic {version:?}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared >= 19, "only {compared} policies compared");
}

/// restic's own policy test's snapshot times (internal/data/snapshot_policy_test.go), in its
/// order: ties at 2015-10-22 and snapshots a tenth of a second apart.
const RESTIC_TEST_TIMES: &[&str] = &[
    "2014-09-01 10:20:30",
    "2014-09-02 10:20:30",
    "2014-09-05 10:20:30",
    "2014-09-06 10:20:30",
    "2014-09-08 10:20:30",
    "2014-09-09 10:20:30",
    "2014-09-10 10:20:30",
    "2014-09-11 10:20:30",
    "2014-09-20 10:20:30",
    "2014-09-22 10:20:30",
    "2014-08-08 10:20:30",
    "2014-08-10 10:20:30",
    "2014-08-12 10:20:30",
    "2014-08-13 10:20:30",
    "2014-08-13 10:20:30.1",
    "2014-08-15 10:20:30",
    "2014-08-18 10:20:30",
    "2014-08-20 10:20:30",
    "2014-08-21 10:20:30",
    "2014-08-22 10:20:30",
    "2014-10-01 10:20:30",
    "2014-10-02 10:20:30",
    "2014-10-05 10:20:30",
    "2014-10-06 10:20:30",
    "2014-10-08 10:20:30",
    "2014-10-09 10:20:30",
    "2014-10-10 10:20:30",
    "2014-10-11 10:20:30",
    "2014-10-20 10:20:30",
    "2014-10-22 10:20:30",
    "2014-11-08 10:20:30",
    "2014-11-10 10:20:30",
    "2014-11-12 10:20:30",
    "2014-11-13 10:20:30",
    "2014-11-13 10:20:30.1",
    "2014-11-15 10:20:30",
    "2014-11-18 10:20:30",
    "2014-11-20 10:20:30",
    "2014-11-21 10:20:30",
    "2014-11-22 10:20:30",
    "2015-09-01 10:20:30",
    "2015-09-02 10:20:30",
    "2015-09-05 10:20:30",
    "2015-09-06 10:20:30",
    "2015-09-08 10:20:30",
    "2015-09-09 10:20:30",
    "2015-09-10 10:20:30",
    "2015-09-11 10:20:30",
    "2015-09-20 10:20:30",
    "2015-09-22 10:20:30",
    "2015-08-08 10:20:30",
    "2015-08-10 10:20:30",
    "2015-08-12 10:20:30",
    "2015-08-13 10:20:30",
    "2015-08-13 10:20:30.1",
    "2015-08-15 10:20:30",
    "2015-08-18 10:20:30",
    "2015-08-20 10:20:30",
    "2015-08-21 10:20:30",
    "2015-08-22 10:20:30",
    "2015-10-01 10:20:30",
    "2015-10-02 10:20:30",
    "2015-10-05 10:20:30",
    "2015-10-06 10:20:30",
    "2015-10-08 10:20:30",
    "2015-10-09 10:20:30",
    "2015-10-10 10:20:30",
    "2015-10-11 10:20:30",
    "2015-10-20 10:20:30",
    "2015-10-22 10:20:30",
    "2015-10-22 10:20:30",
    "2015-10-22 10:20:30",
    "2015-10-22 10:20:30",
    "2015-10-22 10:20:30",
    "2015-11-08 10:20:30",
    "2015-11-10 10:20:30",
    "2015-11-12 10:20:30",
    "2015-11-13 10:20:30",
    "2015-11-13 10:20:30.1",
    "2015-11-15 10:20:30",
    "2015-11-18 10:20:30",
    "2015-11-20 10:20:30",
    "2015-11-21 10:20:30",
    "2015-11-22 10:20:30",
    "2016-01-01 01:02:03",
    "2016-01-01 01:03:03",
    "2016-01-01 07:08:03",
    "2016-01-03 07:02:03",
    "2016-01-04 10:23:03",
    "2016-01-04 11:23:03",
    "2016-01-04 12:23:03",
    "2016-01-04 12:24:03",
    "2016-01-04 12:28:03",
    "2016-01-04 12:30:03",
    "2016-01-04 16:23:03",
    "2016-01-05 09:02:03",
    "2016-01-06 08:02:03",
    "2016-01-07 10:02:03",
    "2016-01-08 20:02:03",
    "2016-01-09 21:02:03",
    "2016-01-12 21:02:03",
    "2016-01-12 21:08:03",
    "2016-01-18 12:02:03",
];

/// What restic 0.14 cannot show: the oldest snapshot kept while a bucket policy has buckets left,
/// and -1. The expectations are restic's golden files for the same policies
/// (internal/data/testdata/policy_keep_snapshots_16, 17, 36, 37, 38 and 39).
#[test]
fn oldest_snapshot_and_keep_all_match_restics_own_expectations() {
    let infos: Vec<SnapshotInfo> = RESTIC_TEST_TIMES
        .iter()
        .map(|time| SnapshotInfo {
            time_ms: utc_ms(time),
            tags: &[],
        })
        .collect();
    let kept = |flags: &str| -> Vec<(&str, Vec<String>)> {
        let outcome = apply(&infos, &parse_policy(flags));
        assert_eq!(outcome.keep.len() + outcome.remove.len(), infos.len());
        outcome
            .keep
            .iter()
            .map(|k| {
                let reasons = k.reasons.iter().map(|r| r.to_string()).collect();
                (RESTIC_TEST_TIMES[k.index], reasons)
            })
            .collect()
    };
    let expect = |rows: &[(&'static str, &[&str])]| -> Vec<(&'static str, Vec<String>)> {
        rows.iter()
            .map(|(time, reasons)| (*time, reasons.iter().map(|r| r.to_string()).collect()))
            .collect()
    };
    let y = "yearly snapshot";
    let m = "monthly snapshot";
    let w = "weekly snapshot";
    let d = "daily snapshot";
    assert_eq!(
        kept("--keep-yearly 10"),
        expect(&[
            ("2016-01-18 12:02:03", &[y]),
            ("2015-11-22 10:20:30", &[y]),
            ("2014-11-22 10:20:30", &[y]),
            ("2014-08-08 10:20:30", &["oldest yearly snapshot"]),
        ])
    );
    assert_eq!(
        kept("--keep-daily 7 --keep-weekly 2 --keep-monthly 3 --keep-yearly 10"),
        expect(&[
            ("2016-01-18 12:02:03", &[d, w, m, y]),
            ("2016-01-12 21:08:03", &[d, w]),
            ("2016-01-09 21:02:03", &[d]),
            ("2016-01-08 20:02:03", &[d]),
            ("2016-01-07 10:02:03", &[d]),
            ("2016-01-06 08:02:03", &[d]),
            ("2016-01-05 09:02:03", &[d]),
            ("2015-11-22 10:20:30", &[m, y]),
            ("2015-10-22 10:20:30", &[m]),
            ("2014-11-22 10:20:30", &[y]),
            ("2014-08-08 10:20:30", &["oldest yearly snapshot"]),
        ])
    );
    assert_eq!(
        kept("--keep-daily 3 --keep-weekly 2 --keep-monthly -1 --keep-yearly -1"),
        expect(&[
            ("2016-01-18 12:02:03", &[d, w, m, y]),
            ("2016-01-12 21:08:03", &[d, w]),
            ("2016-01-09 21:02:03", &[d]),
            ("2015-11-22 10:20:30", &[m, y]),
            ("2015-10-22 10:20:30", &[m]),
            ("2015-09-22 10:20:30", &[m]),
            ("2015-08-22 10:20:30", &[m]),
            ("2014-11-22 10:20:30", &[m, y]),
            ("2014-10-22 10:20:30", &[m]),
            ("2014-09-22 10:20:30", &[m]),
            ("2014-08-22 10:20:30", &[m]),
            (
                "2014-08-08 10:20:30",
                &["oldest monthly snapshot", "oldest yearly snapshot"]
            ),
        ])
    );

    // -1 keeps every bucket: every snapshot for --keep-last, the newest of each of the 90 hours
    // for --keep-hourly; these 13 are the ones restic's golden file drops.
    let not_newest_of_their_hour = [
        "2016-01-12 21:02:03",
        "2016-01-04 12:28:03",
        "2016-01-04 12:24:03",
        "2016-01-04 12:23:03",
        "2016-01-01 01:02:03",
        "2015-11-13 10:20:30",
        "2015-10-22 10:20:30",
        "2015-10-22 10:20:30",
        "2015-10-22 10:20:30",
        "2015-10-22 10:20:30",
        "2015-08-13 10:20:30",
        "2014-11-13 10:20:30",
        "2014-08-13 10:20:30",
    ];
    let last_all = kept("--keep-last -1");
    assert_eq!(last_all.len(), infos.len());
    assert!(last_all.iter().all(|(_, r)| *r == ["last snapshot"]));
    let hourly_all = kept("--keep-hourly -1");
    assert_eq!(hourly_all.len(), 90);
    assert!(hourly_all.iter().all(|(_, r)| *r == ["hourly snapshot"]));
    let both = kept("--keep-last -1 --keep-hourly -1");
    assert_eq!(both.len(), infos.len());
    let last_only: Vec<&str> = both
        .iter()
        .filter(|(_, r)| *r == ["last snapshot"])
        .map(|(time, _)| *time)
        .collect();
    assert_eq!(last_only, not_newest_of_their_hour);
    assert_eq!(
        both.iter()
            .filter(|(_, r)| *r == ["last snapshot", "hourly snapshot"])
            .count(),
        90
    );
}

/// A database in `dir/db` synced to the backup `dir/backup` once for each of `SNAPSHOTS`, at its
/// time and with its tags (a row changed before each, so that each sync adds a snapshot).
fn cairn_backup(dir: &Path) -> std::path::PathBuf {
    let db = new_db(dir);
    ok(&db, &["sql", "-q", "create table t (id int primary key)"]);
    for (i, (time, tags)) in SNAPSHOTS.iter().enumerate() {
        ok(&db, &["sql", "-q", &format!("insert into t values ({i})")]);
        let mut args = vec!["backup", "sync-url", "file://../backup"];
        for tag in *tags {
            args.extend(["--tag", tag]);
        }
        let at = utc_ms(time).to_string();
        let out = cairn_env(&db, &args, &[("CAIRN_TIME_MS", &at)]);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    db
}

/// What `cairn backup forget --dry-run --json FLAGS` keeps, as `restic_kept` gives restic's;
/// the reason Cairn adds for the snapshot written last is checked and left out.
fn verb_kept(db: &Path, flags: &str, modern: bool) -> Vec<(String, Vec<String>)> {
    let mut args = vec![
        "backup",
        "forget",
        "--dry-run",
        "--json",
        "file://../backup",
    ];
    args.extend(flags.split(' '));
    let json: Value = serde_json::from_str(&ok(db, &args)).unwrap();
    let newest = SNAPSHOTS.last().unwrap().0;
    let mut kept: Vec<(String, Vec<String>)> = json["keep"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let time = k["time"].as_str().unwrap();
            let time = time[..19].replace('T', " ");
            let reasons = k["reasons"].as_array().unwrap().iter();
            let reasons = reasons.map(|r| r.as_str().unwrap().to_string());
            let reasons = reasons.filter(|r| modern || !r.starts_with("oldest "));
            (time, reasons.collect::<Vec<_>>())
        })
        .collect();
    let writer = "written last (the next sync continues from it)";
    for (time, reasons) in &mut kept {
        if reasons.iter().any(|r| r == writer) {
            assert_eq!((time.as_str(), reasons.len()), (newest, 1), "{flags}");
            reasons.clear();
        }
    }
    assert!(
        kept.iter().any(|(t, _)| t == newest),
        "{flags}: the newest is kept"
    );
    let removed = json["remove"].as_array().unwrap().len();
    assert_eq!(kept.len() + removed, SNAPSHOTS.len(), "{flags}");
    kept.retain(|(_, reasons)| !reasons.is_empty());
    kept.sort();
    kept
}

/// The same policy as restic's flags, for Cairn.
fn parse_policy(flags: &str) -> Policy {
    let mut policy = Policy::default();
    let words: Vec<&str> = flags.split(' ').collect();
    for pair in words.chunks(2) {
        let [flag, value] = pair else {
            panic!("{flags}: flags come in pairs");
        };
        let count = || Some(value.parse::<KeepCount>().unwrap());
        match *flag {
            "--keep-last" => policy.keep_last = count(),
            "--keep-hourly" => policy.keep_hourly = count(),
            "--keep-daily" => policy.keep_daily = count(),
            "--keep-weekly" => policy.keep_weekly = count(),
            "--keep-monthly" => policy.keep_monthly = count(),
            "--keep-yearly" => policy.keep_yearly = count(),
            "--keep-within" => policy.keep_within = Some(value.parse().unwrap()),
            "--keep-tag" => policy.keep_tags.push(value.to_string()),
            other => panic!("unknown flag {other}"),
        }
    }
    policy
}

/// Milliseconds of "YYYY-MM-DD HH:MM:SS" (and optional tenths) in UTC, counted day by day:
/// independent of the module's calendar.
fn utc_ms(s: &str) -> u64 {
    let n = |r: std::ops::Range<usize>| s[r].parse::<u64>().unwrap();
    let (year, month, day) = (n(0..4), n(5..7), n(8..10));
    let leap = |y: u64| y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
    let mut days = (1970..year).map(|y| 365 + u64::from(leap(y))).sum::<u64>();
    let lengths = [
        31,
        28 + u64::from(leap(year)),
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    days += lengths[..month as usize - 1].iter().sum::<u64>() + day - 1;
    let tenths = if s.len() > 19 { n(20..21) } else { 0 };
    ((days * 24 + n(11..13)) * 60 + n(14..16)) * 60_000 + n(17..19) * 1000 + tenths * 100
}

fn restic_version() -> (u32, u32) {
    let out = run_restic(&["version"]);
    let text = String::from_utf8_lossy(&out.stdout);
    // "restic 0.14.0 compiled with go1.19.8 on linux/amd64"
    let version = text.split_whitespace().nth(1).unwrap_or_default();
    let mut parts = version.split('.').map(|p| p.parse::<u32>());
    match (parts.next(), parts.next()) {
        (Some(Ok(major)), Some(Ok(minor))) => (major, minor),
        _ => panic!("cannot read restic's version from {text:?}"),
    }
}

fn run_restic(args: &[&str]) -> Output {
    let out = Command::new("restic")
        .args(args)
        .args(["--no-cache", "--quiet"])
        .env("RESTIC_PASSWORD", "throw-away")
        // restic buckets in the local time zone; Cairn's are UTC.
        .env("TZ", "UTC")
        .env_remove("RESTIC_REPOSITORY")
        .env_remove("RESTIC_PASSWORD_FILE")
        .env_remove("RESTIC_PASSWORD_COMMAND")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "this test compares with the real restic and could not run it ({e}): \
                 install it (apt-get install restic) and put it on PATH"
            )
        });
    assert!(
        out.status.success(),
        "restic {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// restic's kept snapshots as (UTC time, reasons), reasons in Cairn's words, sorted.
fn restic_kept(stdout: &[u8]) -> Vec<(String, Vec<String>)> {
    let text = std::str::from_utf8(stdout).unwrap();
    let groups: Value = serde_json::from_str(text.trim()).unwrap();
    let [group] = groups.as_array().unwrap().as_slice() else {
        panic!("expected one snapshot group from restic: {text}");
    };
    // restic writes an empty list as null.
    let keep = group["keep"].as_array().map_or(0, Vec::len);
    let reasons = group["reasons"].as_array().cloned().unwrap_or_default();
    let mut kept: Vec<(String, Vec<String>)> = reasons
        .iter()
        .map(|reason| {
            let time = reason["snapshot"]["time"].as_str().unwrap();
            let matches = reason["matches"].as_array().unwrap().iter().map(|m| {
                let m = m.as_str().unwrap();
                // restic writes a tag list "has tags [pre-migration]", Cairn "tag pre-migration".
                match m
                    .strip_prefix("has tags [")
                    .and_then(|t| t.strip_suffix(']'))
                {
                    Some(tag) => format!("tag {tag}"),
                    None => m.to_string(),
                }
            });
            (time[..19].replace('T', " "), matches.collect())
        })
        .collect();
    assert_eq!(kept.len(), keep, "a reason for each kept snapshot: {text}");
    kept.sort();
    kept
}
