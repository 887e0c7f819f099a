//! The SQLite oracle: every query of `sql_oracle/queries.sql` runs through the `cairn` CLI
//! (`cairn sql -r json`, over a database made by `sql_oracle/setup.sql`) and through SQLite
//! (Python's `sqlite3`, `sql_oracle/oracle.py`), and the results are compared.
//!
//! The test fails when a query outside `sql_oracle/known_failures.txt` disagrees, when a
//! listed query now agrees (so the list stays true), when SQLite refuses a corpus query (the
//! corpus is wrong), or when docs/SQL.md does not state the pass count this run measured.
//! `CAIRN_BLESS=1` rewrites the list (grouped by Cairn's error) and the count in the docs.
//!
//! How results are compared (docs/SQL.md says the same):
//! - Column names are not compared (the two name expressions differently); the number of
//!   columns and every cell are.
//! - A query whose outermost clause has ORDER BY is compared row by row in order; any other
//!   as a multiset of rows.
//! - NULL equals only NULL. Booleans are the integers 1 and 0, as MySQL and SQLite print them.
//! - Two integers must be equal. A decimal from Cairn (printed with its scale, `7200.50`)
//!   equals SQLite's number when the two differ by at most half a unit of the decimal's last
//!   place: MySQL computes exactly and rounds to the scale, SQLite computes in doubles. Any
//!   other pair of numbers must agree to a relative 1e-9.
//! - Text, dates and times (text in both) must be equal exactly.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cairn_tests::{cairn_in, new_db};
use serde_json::Value as Json;

type Rows = Vec<Vec<Json>>;
/// A query's rows, or the error its engine gave.
type Outcome = Result<Rows, String>;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sql_oracle")
}

/// The corpus's queries: one a line, ending with `;` (dropped here); `--` lines are comments.
fn queries(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("--"))
        .map(|l| {
            l.strip_suffix(';')
                .unwrap_or_else(|| panic!("a corpus query must end with ';': {l}"))
                .to_owned()
        })
        .collect()
}

fn oracle(setup: &Path, queries: &[String]) -> Vec<Outcome> {
    use std::io::Write;
    let mut child = Command::new("python3")
        .arg(corpus_dir().join("oracle.py"))
        .arg(setup)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python3 (the SQLite oracle needs it)");
    let input: String = queries.iter().map(|q| format!("{q}\n")).collect();
    let mut pipe = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("wait for python3");
    writer.join().expect("stdin writer").expect("write queries");
    assert!(
        out.status.success(),
        "oracle.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Outcome> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| {
            let v: Json = serde_json::from_str(line).expect("oracle JSON");
            match (v.get("rows"), v.get("error")) {
                (Some(Json::Array(rows)), _) => Ok(rows
                    .iter()
                    .map(|r| r.as_array().expect("a row").clone())
                    .collect()),
                (_, Some(e)) => Err(e.as_str().unwrap_or("?").to_owned()),
                _ => panic!("oracle line {line}"),
            }
        })
        .collect();
    assert_eq!(lines.len(), queries.len(), "one oracle line per query");
    lines
}

/// Cairn's `-r json` result: rows of objects whose keys keep their order (and repeats), so
/// cells are read in column order rather than through a map.
struct JsonResult(Rows);

impl<'de> serde::Deserialize<'de> for JsonResult {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Top;
        struct RowList;
        struct Row;
        impl<'de> serde::de::Visitor<'de> for Top {
            type Value = JsonResult;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("{\"rows\": [...]}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<JsonResult, A::Error> {
                let mut rows = None;
                while let Some(key) = m.next_key::<String>()? {
                    match key.as_str() {
                        "rows" => rows = Some(m.next_value_seed(RowList)?),
                        _ => return Err(serde::de::Error::custom(format!("key {key}"))),
                    }
                }
                rows.map(JsonResult)
                    .ok_or_else(|| serde::de::Error::custom("no rows"))
            }
        }
        impl<'de> serde::de::DeserializeSeed<'de> for RowList {
            type Value = Rows;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Rows, D::Error> {
                d.deserialize_seq(self)
            }
        }
        impl<'de> serde::de::Visitor<'de> for RowList {
            type Value = Rows;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of rows")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Rows, A::Error> {
                let mut rows = Vec::new();
                while let Some(row) = s.next_element_seed(Row)? {
                    rows.push(row);
                }
                Ok(rows)
            }
        }
        impl<'de> serde::de::DeserializeSeed<'de> for Row {
            type Value = Vec<Json>;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<Json>, D::Error> {
                d.deserialize_map(self)
            }
        }
        impl<'de> serde::de::Visitor<'de> for Row {
            type Value = Vec<Json>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a row object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Vec<Json>, A::Error> {
                let mut cells = Vec::new();
                while let Some((_, v)) = m.next_entry::<String, Json>()? {
                    cells.push(v);
                }
                Ok(cells)
            }
        }
        d.deserialize_map(Top)
    }
}

/// Runs the queries through one `cairn sql` process; a failing query ends that process (the
/// CLI stops at the first error, as a script does), so the next process starts after it.
fn cairn(db: &Path, queries: &[String]) -> Vec<Outcome> {
    let mut out = Vec::with_capacity(queries.len());
    while out.len() < queries.len() {
        let rest = &queries[out.len()..];
        let script: String = rest.iter().map(|q| format!("{q};\n")).collect();
        let run = cairn_in(db, &["sql", "-r", "json"], Some(&script));
        for line in run.stdout.lines() {
            let JsonResult(rows) = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("cairn printed {line:?}: {e}"));
            out.push(Ok(rows));
        }
        if run.code != 0 {
            assert!(out.len() < queries.len(), "cairn failed after every query");
            let message = run.stderr.trim();
            let message = message.strip_prefix("error: ").unwrap_or(message);
            out.push(Err(message.to_owned()));
        } else {
            assert_eq!(out.len(), queries.len(), "one result line per query");
        }
    }
    out
}

/// Whether the outermost query has ORDER BY: the last ORDER BY outside parentheses.
fn ordered(query: &str) -> bool {
    let upper = query.to_ascii_uppercase();
    let Some(at) = upper.rfind("ORDER BY") else {
        return false;
    };
    let depth: i32 = upper[..at]
        .chars()
        .map(|c| match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        })
        .sum();
    depth == 0
}

/// A number, and for a decimal printed as text, its scale.
fn number(v: &Json) -> Option<(f64, Option<usize>, Option<i128>)> {
    match v {
        Json::Bool(b) => Some((f64::from(u8::from(*b)), None, Some(i128::from(*b)))),
        Json::Number(n) => Some((
            n.as_f64()?,
            None,
            n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)),
        )),
        Json::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
            let decimal = !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
                && !(digits.contains('.') && frac.is_empty());
            decimal.then(|| {
                let exact = if frac.is_empty() {
                    s.parse().ok()
                } else {
                    None
                };
                (s.parse().ok().unwrap_or(f64::NAN), Some(frac.len()), exact)
            })
        }
        _ => None,
    }
}

/// Whether Cairn's cell equals SQLite's, by the rules in the module docs.
fn cell_eq(cairn: &Json, sqlite: &Json) -> bool {
    match (cairn, sqlite) {
        (Json::Null, Json::Null) => return true,
        (Json::Null, _) | (_, Json::Null) => return false,
        (Json::String(a), Json::String(b)) if a == b => return true,
        _ => {}
    }
    if matches!(sqlite, Json::String(_)) {
        return false;
    }
    let (Some((a, scale, a_int)), Some((b, _, b_int))) = (number(cairn), number(sqlite)) else {
        return false;
    };
    if let (Some(x), Some(y), None) = (a_int, b_int, scale) {
        return x == y;
    }
    let diff = (a - b).abs();
    match scale {
        Some(s) => diff <= 0.5 * 10f64.powi(-(s as i32)) + 1e-9 * b.abs().max(1.0),
        None => diff <= 1e-9 * a.abs().max(b.abs()).max(1.0),
    }
}

fn row_eq(a: &[Json], b: &[Json]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| cell_eq(x, y))
}

/// Why Cairn's result is not SQLite's, or None when they agree.
fn disagreement(query: &str, cairn: &Outcome, sqlite: &Rows) -> Option<String> {
    let rows = match cairn {
        Err(e) => return Some(e.clone()),
        Ok(rows) => rows,
    };
    let same = if ordered(query) {
        rows.len() == sqlite.len() && rows.iter().zip(sqlite).all(|(a, b)| row_eq(a, b))
    } else {
        // A multiset: each of Cairn's rows takes one equal row of SQLite's.
        let mut left: Vec<&Vec<Json>> = sqlite.iter().collect();
        rows.len() == sqlite.len()
            && rows
                .iter()
                .all(|r| match left.iter().position(|s| row_eq(r, s)) {
                    Some(i) => {
                        left.swap_remove(i);
                        true
                    }
                    None => false,
                })
    };
    (!same).then(|| "wrong result".to_owned())
}

/// `known_failures.txt`: `# reason` lines, each followed by the queries it explains.
fn known_failures(text: &str) -> BTreeMap<String, String> {
    let mut reason = String::new();
    let mut known = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.strip_prefix('#') {
            Some(r) => reason = r.trim().to_owned(),
            None => {
                let query = line.strip_suffix(';').unwrap_or(line).to_owned();
                known.insert(query, reason.clone());
            }
        }
    }
    known
}

fn known_failures_text(failures: &BTreeMap<String, String>) -> String {
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (query, reason) in failures {
        by_reason.entry(reason).or_default().push(query);
    }
    let mut out = String::from(
        "# Written by `CAIRN_BLESS=1 cargo test -p cairn-tests --test sql_oracle`: the corpus\n\
         # queries on which Cairn and SQLite disagree today, under Cairn's error (or \"wrong\n\
         # result\"). The test fails when this list is not exactly the disagreeing queries.\n\n",
    );
    for (reason, queries) in by_reason {
        let _ = writeln!(out, "# {reason}");
        for q in queries {
            let _ = writeln!(out, "{q};");
        }
        out.push('\n');
    }
    out
}

/// The sentence of docs/SQL.md that states the pass count.
fn pass_line(passed: usize, total: usize) -> String {
    format!("Cairn agrees with SQLite on **{passed} of {total}** corpus queries.")
}

#[test]
fn cairn_agrees_with_sqlite() {
    let dir = corpus_dir();
    let setup_path = dir.join("setup.sql");
    let setup = std::fs::read_to_string(&setup_path).expect("setup.sql");
    let queries = queries(&std::fs::read_to_string(dir.join("queries.sql")).expect("queries"));
    let expected = oracle(&setup_path, &queries);
    let refused: Vec<String> = queries
        .iter()
        .zip(&expected)
        .filter_map(|(q, r)| r.as_ref().err().map(|e| format!("{q}: {e}")))
        .collect();
    assert!(
        refused.is_empty(),
        "SQLite refuses corpus queries:\n{}",
        refused.join("\n")
    );

    let tmp = tempfile::tempdir().expect("temp dir");
    let db = new_db(tmp.path());
    let made = cairn_in(&db, &["sql"], Some(&setup));
    assert_eq!(made.code, 0, "setup.sql failed in cairn: {}", made.stderr);
    let got = cairn(&db, &queries);

    let mut failures = BTreeMap::new();
    for ((query, cairn), sqlite) in queries.iter().zip(&got).zip(&expected) {
        let sqlite = sqlite.as_ref().expect("checked above");
        if let Some(why) = disagreement(query, cairn, sqlite) {
            failures.insert(query.clone(), why);
        }
    }
    let passed = queries.len() - failures.len();
    println!(
        "sql oracle: {passed} of {} queries agree with SQLite",
        queries.len()
    );

    let known_path = dir.join("known_failures.txt");
    let docs_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/SQL.md");
    let docs = std::fs::read_to_string(&docs_path).expect("docs/SQL.md");
    let line = pass_line(passed, queries.len());
    if std::env::var_os("CAIRN_BLESS").is_some() {
        std::fs::write(&known_path, known_failures_text(&failures)).expect("write list");
        let updated: Vec<String> = docs
            .lines()
            .map(|l| {
                if l.starts_with("Cairn agrees with SQLite on ") {
                    line.clone()
                } else {
                    l.to_owned()
                }
            })
            .collect();
        std::fs::write(&docs_path, updated.join("\n") + "\n").expect("write docs");
        return;
    }

    let known = known_failures(&std::fs::read_to_string(&known_path).unwrap_or_default());
    let mut problems = Vec::new();
    for (query, why) in &failures {
        if !known.contains_key(query) {
            let rows = match (
                got.iter().zip(&queries).find(|(_, q)| *q == query),
                expected.iter().zip(&queries).find(|(_, q)| *q == query),
            ) {
                (Some((c, _)), Some((s, _))) => format!("\n    cairn:  {c:?}\n    sqlite: {s:?}"),
                _ => String::new(),
            };
            problems.push(format!("now fails ({why}): {query}{rows}"));
        }
    }
    for query in known.keys() {
        if !queries.contains(query) {
            problems.push(format!("listed but not in the corpus: {query}"));
        } else if !failures.contains_key(query) {
            problems.push(format!("listed as failing but agrees now: {query}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s); if intended, re-bless with CAIRN_BLESS=1:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        docs.contains(&line),
        "docs/SQL.md must say: {line} (re-bless with CAIRN_BLESS=1)"
    );
}

#[test]
fn comparison_rules() {
    use serde_json::json;
    // Decimals within half a unit of their last place; doubles to 1e-9; integers exactly.
    assert!(cell_eq(&json!("0.3"), &json!(0.30000000000000004)));
    assert!(!cell_eq(&json!("0.3"), &json!(0.36)));
    assert!(cell_eq(&json!("2.3333"), &json!(2.3333333333)));
    assert!(!cell_eq(&json!("2"), &json!(3)));
    assert!(cell_eq(&json!(true), &json!(1)));
    assert!(!cell_eq(&json!(false), &json!(1)));
    assert!(!cell_eq(&json!(null), &json!(0)));
    assert!(cell_eq(&json!(null), &json!(null)));
    assert!(!cell_eq(&json!("1"), &json!("01")));
    // Text that looks like a number is still text when SQLite says text.
    assert!(!cell_eq(&json!("1.0"), &json!("1")));
    assert!(cell_eq(&json!(2.5), &json!(2.5)));
    assert!(!cell_eq(&json!(2.5), &json!(2.6)));
    assert!(cell_eq(
        &json!(9000000000000000000i64),
        &json!(9000000000000000000i64)
    ));
    assert!(!cell_eq(
        &json!(9000000000000000001i64),
        &json!(9000000000000000000i64)
    ));
    assert!(ordered("SELECT a FROM t ORDER BY a"));
    assert!(!ordered("SELECT a FROM (SELECT a FROM t ORDER BY a) AS x"));
    // Multisets: order does not matter, counts do.
    let q = "SELECT a FROM t";
    let rows = |v: &[i64]| -> Rows { v.iter().map(|n| vec![json!(n)]).collect() };
    assert!(disagreement(q, &Ok(rows(&[1, 2, 2])), &rows(&[2, 1, 2])).is_none());
    assert!(disagreement(q, &Ok(rows(&[1, 1, 2])), &rows(&[2, 1, 2])).is_some());
    assert!(disagreement(
        "SELECT a FROM t ORDER BY a",
        &Ok(rows(&[2, 1])),
        &rows(&[1, 2])
    )
    .is_some());
}
