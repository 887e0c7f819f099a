//! The Git workflow around remotes and history, through real `cairn` processes: tags that
//! travel, checkout of a remote's branch, upstreams, and the ways of looking at commits.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn_in, fails, new_db, new_db_with_rows, ok, query_csv, two_clones};

#[test]
fn tags_are_pushed_one_or_all_and_fetched_and_cloned_without_clobbering() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let (a, b) = two_clones(r);
    ok(&a, &["tag", "v1"]);
    ok(&a, &["tag", "v0", "HEAD~1"]);
    let out = ok(&a, &["push", "origin", "v1"]);
    assert!(out.starts_with("[new tag] v1 -> v1 ("), "{out}");
    assert_eq!(ok(&a, &["push", "origin", "v1"]), "Everything up-to-date\n");
    assert_eq!(ok(&b, &["fetch"]), "[new tag] v1 -> v1\n");
    assert_eq!(ok(&b, &["tag"]), "v1\n");

    // --tags pushes those the remote lacks; a clone brings them all.
    let out = ok(&a, &["push", "--tags", "origin"]);
    assert!(out.starts_with("[new tag] v0 -> v0 ("), "{out}");
    ok(r, &["clone", "file://remote", "c"]);
    assert_eq!(ok(&r.join("c"), &["tag"]), "v0\nv1\n");

    // A tag moved here is not pushed over the remote's, nor fetched over, without --force.
    ok(&b, &["tag", "-d", "v1"]);
    ok(&b, &["tag", "v1", "HEAD~1"]);
    let err = fails(&b, &["push", "origin", "v1"]);
    assert_eq!(
        err,
        "error: failed to push tag 'v1' to origin: the remote's tag 'v1' points at another \
         commit (use --force to replace it)\n"
    );
    let fetched = cairn_in(&b, &["fetch"], None);
    assert_eq!(fetched.code, 0, "{}", fetched.stderr);
    assert!(
        fetched
            .stderr
            .contains("warning: tag 'v1' not updated: origin's tag 'v1' points at another commit"),
        "{}",
        fetched.stderr
    );
    let v0 = ok(&b, &["log", "-n", "1", "v0"]);
    assert_eq!(ok(&b, &["log", "-n", "1", "v1"]), v0);
    let out = ok(&b, &["fetch", "--force"]);
    assert!(out.contains("(forced update)"), "{out}");
    assert_ne!(ok(&b, &["log", "-n", "1", "v1"]), v0);

    // A forced push moves the remote's tag.
    ok(&a, &["tag", "-d", "v1"]);
    ok(&a, &["tag", "v1", "HEAD~1"]);
    let out = ok(&a, &["push", "--force", "origin", "v1"]);
    assert!(out.contains("v1 -> v1 (forced update)"), "{out}");
    // A tag named and included by --tags goes once.
    ok(&a, &["tag", "v2"]);
    let out = ok(&a, &["push", "--tags", "origin", "v2"]);
    assert_eq!(out.matches("v2 -> v2").count(), 1, "{out}");
    assert_eq!(
        fails(&a, &["push", "origin", "nothing"]),
        "error: 'nothing' is not a branch, tag, remote-tracking branch or commit\n"
    );
}

#[test]
fn checkout_of_a_remote_branch_makes_a_local_one_that_tracks_it() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = two_clones(root.path());
    ok(&a, &["checkout", "-b", "feature"]);
    ok(&a, &["sql", "-q", "insert into t values (2, 'two')"]);
    ok(&a, &["commit", "-a", "-m", "two"]);
    ok(&a, &["push", "origin", "feature"]);
    ok(&b, &["fetch"]);
    assert_eq!(
        ok(&b, &["checkout", "feature"]),
        "branch 'feature' set up to track 'origin/feature'.\nSwitched to a new branch 'feature'\n"
    );
    assert_eq!(ok(&b, &["branch"]), "* feature\n  main\n");
    assert_eq!(
        ok(&b, &["status"]).lines().next(),
        Some("On branch feature")
    );
    assert_eq!(cairn_tests::query_csv(&b, "select id from t"), "id\n1\n2\n");
    // It follows origin/feature: a pull without arguments brings what a's push adds.
    ok(&a, &["sql", "-q", "insert into t values (3, 'three')"]);
    ok(&a, &["commit", "-a", "-m", "three"]);
    ok(&a, &["push", "origin", "feature"]);
    assert!(ok(&b, &["pull"]).ends_with("Fast-forward\n"));
    assert_eq!(
        cairn_tests::query_csv(&b, "select id from t"),
        "id\n1\n2\n3\n"
    );
    assert_eq!(
        fails(&b, &["checkout", "nowhere"]),
        "error: branch 'nowhere' not found\n"
    );
    // Two remotes with the branch: which one is not guessed.
    ok(&a, &["checkout", "-b", "other"]);
    ok(&a, &["push", "origin", "other"]);
    ok(&a, &["remote", "add", "mirror", "file://../mirror"]);
    ok(&a, &["push", "mirror", "other"]);
    ok(&b, &["remote", "add", "second", "file://../mirror"]);
    ok(&b, &["fetch", "origin"]);
    ok(&b, &["fetch", "second"]);
    assert_eq!(
        fails(&b, &["checkout", "other"]),
        "error: branch 'other' not found\n"
    );
}

#[test]
fn push_u_sets_the_upstream_that_push_and_pull_without_arguments_use() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let a = new_db(r);
    ok(&a, &["remote", "add", "origin", "file://../remote"]);
    let hint = "(name the remote, or set the upstream with `cairn push -u REMOTE BRANCH`)";
    assert_eq!(
        fails(&a, &["push"]),
        format!("error: the current branch 'main' has no upstream branch {hint}\n")
    );
    assert!(fails(&a, &["pull"]).contains("has no upstream branch"));
    let out = ok(&a, &["push", "-u", "origin", "main"]);
    assert!(
        out.ends_with(")\nbranch 'main' set up to track 'origin/main'.\n"),
        "{out}"
    );
    ok(&a, &["sql", "-q", "create table t (id int primary key)"]);
    ok(&a, &["commit", "-a", "-m", "t"]);
    assert!(ok(&a, &["push"]).contains(" main -> main ("));
    assert_eq!(ok(&a, &["push"]), "Everything up-to-date\n");

    // A clone's main follows origin's.
    ok(r, &["clone", "file://remote", "b"]);
    let b = r.join("b");
    ok(&b, &["sql", "-q", "insert into t values (1)"]);
    ok(&b, &["commit", "-a", "-m", "one"]);
    ok(&b, &["push"]);
    assert!(ok(&a, &["pull"]).ends_with("Fast-forward\n"));
    assert_eq!(cairn_tests::query_csv(&a, "select id from t"), "id\n1\n");

    // A new branch has none until -u (the current one by default).
    ok(&b, &["checkout", "-b", "topic"]);
    assert!(fails(&b, &["pull"]).contains("'topic' has no upstream branch"));
    assert!(ok(&b, &["push", "--set-upstream", "origin"])
        .ends_with("branch 'topic' set up to track 'origin/topic'.\n"));
    assert_eq!(ok(&b, &["pull"]), "Already up to date.\n");
}

/// A database whose table `t (id, a, b)` was committed as "base" with (1, 10, 'x') and
/// (2, 20, 'y'), then remade as `t (id, a bigint not null, c)` with rows 1 (changed) and 3,
/// committed as "remake".
fn remade(root: &Path) -> PathBuf {
    let d = new_db(root);
    ok(
        &d,
        &[
            "sql",
            "-q",
            "create table t (id int primary key, a int, b text); \
             insert into t values (1, 10, 'x'), (2, 20, 'y')",
        ],
    );
    ok(&d, &["commit", "-a", "-m", "base\n\nwith two rows"]);
    ok(
        &d,
        &[
            "sql",
            "-q",
            "drop table t; create table t (id int primary key, a bigint not null, c text); \
             insert into t values (1, 11, 'z'), (3, 30, 'w')",
        ],
    );
    ok(&d, &["commit", "-a", "-m", "remake"]);
    d
}

#[test]
fn log_oneline_show_and_diffs_between_refs_with_stats_and_schema_changes() {
    let root = tempfile::tempdir().unwrap();
    let d = remade(root.path());
    let log = ok(&d, &["log", "--oneline"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(lines[0].ends_with(" (HEAD -> main) remake"), "{log}");
    assert!(lines[1].ends_with(" base"), "{log}");
    assert_eq!(lines[0].split(' ').next().unwrap().len(), 8);
    // A short hash from --oneline names the commit.
    let base = lines[1].split(' ').next().unwrap();
    assert!(ok(&d, &["show", base]).contains("\tbase\n\t\n\twith two rows\n"));

    let schema = "diff --cairn a/t b/t\n\
         changed column `a`: int -> bigint NOT NULL\n\
         added column `c` text\n\
         dropped column `b` text\n";
    let rows = "+---+----+----+------+\n\
         |   | id | a  | c    |\n\
         +---+----+----+------+\n\
         | < | 1  | 10 | NULL |\n\
         | > | 1  | 11 | z    |\n\
         | - | 2  | 20 | NULL |\n\
         | + | 3  | 30 | w    |\n\
         +---+----+----+------+\n";
    let show = ok(&d, &["show"]);
    assert!(show.starts_with("commit "), "{show}");
    assert!(
        show.ends_with(&format!("\tremake\n\n{schema}{rows}")),
        "{show}"
    );
    assert_eq!(
        ok(&d, &["diff", "HEAD~1", "HEAD"]),
        format!("{schema}{rows}")
    );
    assert_eq!(
        ok(&d, &["diff", "HEAD", "HEAD~1"]).lines().nth(1),
        Some("changed column `a`: bigint NOT NULL -> int")
    );
    let stat =
        " t | +1 -1 ~1 (schema changed)\n 1 table changed, 1 row added, 1 removed, 1 modified\n";
    assert_eq!(ok(&d, &["diff", "--stat", "main~", "main"]), stat);
    assert!(ok(&d, &["show", "--stat"]).ends_with(&format!("\tremake\n\n{stat}")));
    // The first commit with tables shows them all added.
    assert!(ok(&d, &["show", "HEAD~"]).contains("diff --cairn a/t b/t\nadded table\n"));

    // `diff REF`: the working set against REF.
    ok(&d, &["sql", "-q", "insert into t values (4, 40, 'v')"]);
    assert_eq!(
        ok(&d, &["diff", "--stat", "HEAD"]),
        " t | +1 -0 ~0\n 1 table changed, 1 row added, 0 removed, 0 modified\n"
    );
    assert_eq!(
        fails(&d, &["diff", "HEAD", "nothing"]),
        "error: 'nothing' is not a branch, tag, remote-tracking branch or commit\n"
    );
}

#[test]
fn config_sets_who_commits_globally_or_per_database_and_lists_and_unsets() {
    use cairn_tests::{fails_env, ok_env};
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let home = r.join("home");
    let home_str = home.to_str().unwrap();
    // The test harness's author is unset, so the config files decide.
    let env = [
        ("HOME", home_str),
        ("XDG_CONFIG_HOME", ""),
        ("CAIRN_USER_NAME", ""),
        ("CAIRN_USER_EMAIL", ""),
    ];
    let author = |d: &Path| {
        let log = ok_env(d, &["log", "-n", "1"], &env);
        log.lines().nth(1).unwrap().to_owned()
    };
    // Before any database, as Dolt asks.
    ok_env(r, &["config", "--global", "user.name", "Ada"], &env);
    ok_env(
        r,
        &["config", "--global", "user.email", "ada@example.com"],
        &env,
    );
    assert_eq!(
        std::fs::read_to_string(home.join(".config/cairn/config")).unwrap(),
        "[user]\n\tname = Ada\n\temail = ada@example.com\n"
    );
    assert_eq!(ok_env(r, &["config", "user.name"], &env), "Ada\n");
    let d = r.join("db");
    std::fs::create_dir(&d).unwrap();
    ok_env(&d, &["init"], &env);
    assert_eq!(author(&d), "Author: Ada <ada@example.com>");

    // This database's setting wins over the global one, and the environment over both.
    ok_env(&d, &["config", "user.name", "Bob"], &env);
    ok_env(&d, &["commit", "--allow-empty", "-m", "by bob"], &env);
    assert_eq!(author(&d), "Author: Bob <ada@example.com>");
    assert_eq!(ok_env(&d, &["config", "user.name"], &env), "Bob\n");
    assert_eq!(
        ok_env(&d, &["config", "--list"], &env),
        "user.name=Ada\nuser.email=ada@example.com\nuser.name=Bob\n"
    );
    assert_eq!(
        ok_env(&d, &["config", "--global", "--list"], &env),
        "user.name=Ada\nuser.email=ada@example.com\n"
    );
    let mut with_env = env;
    with_env[2] = ("CAIRN_USER_NAME", "Cy");
    ok_env(&d, &["commit", "--allow-empty", "-m", "by cy"], &with_env);
    assert_eq!(author(&d), "Author: Cy <ada@example.com>");

    ok_env(&d, &["config", "--unset", "user.name"], &env);
    ok_env(&d, &["commit", "--allow-empty", "-m", "by ada"], &env);
    assert_eq!(author(&d), "Author: Ada <ada@example.com>");
    assert_eq!(
        fails_env(&d, &["config", "--unset", "user.name"], &env),
        "error: 'user.name' is not set\n"
    );
    assert_eq!(
        fails_env(&d, &["config", "core.head", "x"], &env),
        "error: cannot set 'core.head': cairn config sets user.name and user.email\n"
    );
    assert!(fails_env(&d, &["config", "user.name", "a\nb"], &env)
        .contains("cannot be kept in the config"));
    assert!(fails_env(r, &["config", "user.name", "Dee"], &env).contains("is not a cairn database"));
    assert_eq!(
        fails_env(&d, &["config", "--global", "user.nope"], &env),
        "error: 'user.nope' is not set\n"
    );

    // XDG_CONFIG_HOME, when set, holds the global file.
    let xdg = r.join("xdg");
    let mut xdg_env = env;
    xdg_env[1] = ("XDG_CONFIG_HOME", xdg.to_str().unwrap());
    ok_env(r, &["config", "--global", "user.name", "Eve"], &xdg_env);
    assert_eq!(
        std::fs::read_to_string(xdg.join("cairn/config")).unwrap(),
        "[user]\n\tname = Eve\n"
    );
    assert_eq!(ok_env(r, &["config", "user.name"], &xdg_env), "Eve\n");
}

/// A schema diff names every change to a table's definition, not only its columns' types: a
/// default, indexes, checks and the AUTO_INCREMENT start.
#[test]
fn a_schema_diff_names_defaults_indexes_checks_and_the_auto_increment_start() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    let create = "create table t (id int auto_increment primary key, \
                  v varchar(10) default 'a', n int, key by_n (n))";
    ok(&d, &["sql", "-q", create]);
    ok(&d, &["commit", "-a", "-m", "t"]);
    ok(
        &d,
        &[
            "sql",
            "-q",
            "alter table t alter column v set default 'b'; drop index by_n on t; \
             create unique index by_v on t (v); alter table t add constraint pos check (n > 0); \
             alter table t auto_increment = 100",
        ],
    );
    assert_eq!(
        ok(&d, &["diff"]),
        "diff --cairn a/t b/t\n\
         changed column `v`: varchar(10) DEFAULT 'a' -> varchar(10) DEFAULT 'b'\n\
         dropped KEY `by_n` (`n`)\n\
         added UNIQUE KEY `by_v` (`v`)\n\
         added CONSTRAINT `pos` CHECK (n > 0)\n\
         changed AUTO_INCREMENT start: none -> 100\n"
    );
}

#[test]
fn commit_amend_replaces_the_last_commit_keeping_its_message_unless_given() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db_with_rows(root.path());
    ok(&d, &["commit", "-am", "two rows"]);
    ok(&d, &["sql", "-q", "insert into t values (3, 'three')"]);
    let out = ok(&d, &["commit", "-a", "--amend"]);
    assert!(out.contains("\ttwo rows\n"), "{out}");
    let log = ok(&d, &["log", "--oneline"]);
    assert_eq!(
        log.lines().count(),
        2,
        "one commit replaced, none added: {log}"
    );
    assert_eq!(
        query_csv(&d, "select count(*) from t as of 'HEAD'"),
        "count(*)\n3\n"
    );
    assert_eq!(
        ok(&d, &["status"]).lines().last(),
        Some("nothing to commit, working tree clean")
    );

    ok(&d, &["commit", "--amend", "-m", "three rows"]);
    let log = ok(&d, &["log", "--oneline"]);
    assert!(
        log.lines().next().unwrap().ends_with(" three rows"),
        "{log}"
    );
    assert_eq!(log.lines().count(), 2, "{log}");
}

#[test]
fn status_says_where_the_branch_stands_against_its_upstream() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = two_clones(root.path());
    let tracking = |d: &Path| {
        let status = ok(d, &["status"]);
        let lines: Vec<&str> = status
            .lines()
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect();
        lines.join("\n")
    };
    // a pushed without -u: it has no upstream, and status says nothing of one.
    assert_eq!(
        ok(&a, &["status"]),
        "On branch main\nnothing to commit, working tree clean\n"
    );
    assert_eq!(
        ok(&b, &["status"]),
        "On branch main\nYour branch is up to date with 'origin/main'.\n\
         nothing to commit, working tree clean\n"
    );
    for id in [2, 3] {
        ok(
            &b,
            &["sql", "-q", &format!("insert into t values ({id}, 'b')")],
        );
        ok(&b, &["commit", "-am", "b"]);
    }
    assert_eq!(
        tracking(&b),
        "Your branch is ahead of 'origin/main' by 2 commits.\n  \
         (use \"cairn push\" to publish your local commits)\nnothing to commit, working tree clean"
    );
    ok(&a, &["sql", "-q", "insert into t values (10, 'a')"]);
    ok(&a, &["commit", "-am", "a"]);
    ok(&a, &["push", "origin", "main"]);
    ok(&b, &["fetch"]);
    assert!(
        tracking(&b).starts_with(
            "Your branch and 'origin/main' have diverged,\n\
             and have 2 and 1 different commits each, respectively.\n"
        ),
        "{}",
        tracking(&b)
    );
    ok(&b, &["reset", "--hard", "HEAD~2"]);
    assert!(
        tracking(&b).starts_with(
            "Your branch is behind 'origin/main' by 1 commit, and can be fast-forwarded.\n"
        ),
        "{}",
        tracking(&b)
    );
    ok(&b, &["pull"]);
    assert!(tracking(&b).starts_with("Your branch is up to date with 'origin/main'.\n"));
}
