//! `cairn sql` on a terminal is an interactive shell: a real `cairn` on a pseudo-terminal
//! (tests/terminal.py), typed at as a user would: statements over several lines, history
//! recalled with the up arrow, an error that does not end the shell, Ctrl-C dropping a
//! half-typed statement, `quit`, and what another process saves meanwhile.

use std::path::Path;
use std::process::Command;

use cairn_tests::{cairn_bin, new_db, query_csv};

const UP: &str = "\x1b[A";
const CTRL_C: &str = "\x03";

/// Runs the shell steps on a terminal in `db` with HOME at `home`: what it showed, and its
/// exit code.
fn on_terminal(db: &Path, home: &Path, steps: &[(&str, &str)]) -> (String, i32) {
    let steps: Vec<[&str; 2]> = steps.iter().map(|&(k, t)| [k, t]).collect();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/terminal.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(serde_json::to_string(&steps).unwrap())
        .arg(cairn_bin())
        .arg("sql")
        .current_dir(db)
        .env("HOME", home)
        .env("CAIRN_USER_NAME", "Ada")
        .env("CAIRN_USER_EMAIL", "ada@example.com")
        .output()
        .expect("run python3 tests/terminal.py");
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    (shown, out.status.code().unwrap_or(-1))
}

#[test]
fn sql_on_a_terminal_is_a_shell_with_history() {
    let parent = tempfile::tempdir().unwrap();
    let db = new_db(parent.path());
    let home = tempfile::tempdir().unwrap();
    let (shown, code) = on_terminal(
        &db,
        home.path(),
        &[
            // A statement's own output, not the prompt, says it ran: the shell redraws the
            // prompt with each line typed, and keys typed while a statement runs may be lost.
            // The prompt names the database (its folder) and the branch, as Dolt's does.
            ("expect", "db/main> "),
            ("send", "create table t (a int primary key, b text);\r"),
            ("expect", "Query OK"),
            ("expect", "main> "),
            // A statement over two lines runs once its semicolon is typed.
            ("send", "insert into t values (1, 'one'),\r"),
            ("expect", "    -> "),
            ("send", "(2, 'two');\r"),
            ("expect", "Query OK"),
            ("expect", "main> "),
            ("send", "select count(*) as n from t;\r"),
            ("expect", "| 2 |"),
            ("expect", "main> "),
            // The up arrow brings the last statement back.
            ("send", UP),
            ("send", "\r"),
            ("expect", "| 2 |"),
            ("expect", "main> "),
            ("send", "selec oops;\r"),
            ("expect", "error: "),
            ("expect", "main> "),
            // Ctrl-C drops a statement half typed (an open quote): `quit` then leaves.
            ("send", "insert into t values (3, 'never\r"),
            ("expect", "    -> "),
            ("send", CTRL_C),
            ("expect", "main> "),
            ("send", "quit\r"),
        ],
    );
    assert_eq!(code, 0, "{shown}");
    // The count printed twice: once typed, once recalled.
    assert_eq!(shown.matches("| 2 |").count(), 2, "{shown}");
    assert_eq!(query_csv(&db, "select a, b from t"), "a,b\n1,one\n2,two\n");
    let history = std::fs::read_to_string(home.path().join(".cairn_sql_history")).unwrap();
    assert!(history.starts_with("#V2\n"), "{history}");
    assert!(
        history.contains("select count(*) as n from t;"),
        "{history}"
    );

    // A second session finds the first one's history: newest first `quit`, the dropped
    // line, the error, then the count.
    let (shown, code) = on_terminal(
        &db,
        home.path(),
        &[
            ("expect", "main> "),
            ("send", &UP.repeat(4)),
            ("send", "\r"),
            ("expect", "| 2 |"),
            ("expect", "main> "),
            ("send", "exit\r"),
        ],
    );
    assert_eq!(code, 0, "{shown}");
    assert_eq!(shown.matches("| 2 |").count(), 1, "{shown}");
}

#[test]
fn the_shell_sees_what_another_process_saved_and_a_transaction_its_own_state() {
    let parent = tempfile::tempdir().unwrap();
    let db = new_db(parent.path());
    let home = tempfile::tempdir().unwrap();
    let insert = |n: u32| {
        format!(
            "'{}' sql -q 'insert into t values ({n})'",
            cairn_bin().display()
        )
    };
    let (one, two) = (insert(1), insert(2));
    let (shown, code) = on_terminal(
        &db,
        home.path(),
        &[
            ("expect", "main> "),
            ("send", "create table t (a int primary key);\r"),
            ("expect", "Query OK"),
            ("expect", "main> "),
            ("run", &one),
            ("send", "select count(*) as n from t;\r"),
            ("expect", "| 1 |"),
            ("expect", "main> "),
            // A transaction keeps reading the state it began with.
            ("send", "begin; select count(*) as n from t;\r"),
            ("expect", "| 1 |"),
            ("expect", "main> "),
            ("run", &two),
            ("send", "select count(*) as before_commit from t;\r"),
            ("expect", "before_commit"),
            ("expect", "main> "),
            ("send", "commit;\r"),
            ("expect", "Query OK"),
            ("expect", "main> "),
            ("send", "select count(*) as after_commit from t;\r"),
            ("expect", "after_commit"),
            ("expect", "main> "),
            ("send", "exit\r"),
        ],
    );
    assert_eq!(code, 0, "{shown}");
    // The tables' one-number rows: `| 1 |`.
    let counts: Vec<&str> = shown
        .lines()
        .map(|l| l.trim().trim_matches('|').trim())
        .filter(|cell| cell.parse::<u32>().is_ok())
        .collect();
    assert_eq!(counts, ["1", "1", "1", "2"], "{shown}");
}
