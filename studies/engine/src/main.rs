//! GlueSQL on scripts/bench.sh's database cases: the same million rows, the same statements,
//! printed as `case<TAB>gluesql (memory)<TAB>value<TAB>unit` lines beside cairn-bench's.
//!
//! `engine-study oracle SETUP < QUERIES`: GlueSQL on the SQL oracle corpus instead, one JSON
//! line a query as tests/sql_oracle/oracle.py prints SQLite's (compare.py compares them).

use std::io::BufRead;
use std::time::Instant;

use engine_study::{engine, rows, Engine};
use gluesql_core::prelude::Payload;

const ROWS: u64 = 1_000_000;

fn line(case: &str, value: f64, unit: &str) {
    println!("{case}\tgluesql (memory)\t{value:.1}\t{unit}");
}

/// The corpus's tables in GlueSQL's names for the same types: TEXT for VARCHAR(n), FLOAT for
/// DOUBLE, DECIMAL without precision, and INT (64 bits in GlueSQL) for BIGINT. A primary key
/// of several columns, which GlueSQL does not have, is left out.
fn gluesql_types(setup: &str) -> String {
    let mut setup = setup.to_owned();
    while let Some(at) = setup.find(", PRIMARY KEY (") {
        let end = at + setup[at..].find(')').expect("a closing parenthesis");
        setup.replace_range(at..=end, "");
    }
    let mut out = String::new();
    let mut rest = setup.as_str();
    while let Some(at) = rest.find(|c: char| c.is_ascii_uppercase()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let word_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        let word = &rest[..word_len];
        let args = rest[word_len..].strip_prefix('(').and_then(|a| Some(&a[..=a.find(')')?]));
        let (name, skip) = match (word, args) {
            ("VARCHAR", Some(a)) => ("TEXT", word_len + 1 + a.len()),
            ("DECIMAL", Some(a)) => ("DECIMAL", word_len + 1 + a.len()),
            ("DOUBLE", _) => ("FLOAT", word_len),
            ("BIGINT", _) => ("INT", word_len),
            _ => (word, word_len),
        };
        out.push_str(name);
        rest = &rest[skip..];
    }
    out + rest
}

fn oracle(setup_path: &str) {
    let setup = std::fs::read_to_string(setup_path).expect("read the setup");
    let mut glue: Engine = engine();
    glue.execute(gluesql_types(&setup)).expect("GlueSQL runs the setup");
    for line in std::io::stdin().lock().lines() {
        let query = line.expect("read a query");
        if query.trim().is_empty() {
            continue;
        }
        let out = match glue.execute(&query).map(|mut p| p.pop()) {
            Ok(Some(Payload::Select { rows, .. })) => {
                let rows: Result<Vec<Vec<serde_json::Value>>, _> = rows
                    .into_iter()
                    .map(|r| r.into_iter().map(serde_json::Value::try_from).collect())
                    .collect();
                match rows {
                    Ok(rows) => serde_json::json!({ "rows": rows }),
                    Err(e) => serde_json::json!({ "error": e.to_string() }),
                }
            }
            Ok(other) => serde_json::json!({ "error": format!("not a SELECT: {other:?}") }),
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        };
        println!("{out}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, mode, setup] = args.as_slice() {
        assert_eq!(mode, "oracle", "usage: engine-study [oracle SETUP < QUERIES]");
        return oracle(setup);
    }
    let mut glue = engine();
    // GlueSQL has no VARCHAR(n) or DOUBLE: TEXT and FLOAT are its names for them.
    rows(&mut glue, "create table t (id int primary key, a int, b text, c float)").unwrap();
    let mut sql = String::with_capacity(40 * ROWS as usize);
    sql.push_str("insert into t values ");
    for i in 0..ROWS {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!("({i},{},'name-{i}',{}.5)", i * 7 % 1000, i % 997));
    }
    let started = Instant::now();
    rows(&mut glue, &sql).unwrap();
    let secs = started.elapsed().as_secs_f64();
    line("insert 1,000,000 rows (one statement) and commit", ROWS as f64 / secs, "rows/s");

    let lookups = 2000u64;
    let started = Instant::now();
    for k in 0..lookups {
        let query = format!("select * from t where id = {}", k * 7919 % ROWS);
        assert_eq!(rows(&mut glue, &query).unwrap(), 1);
    }
    let secs = started.elapsed().as_secs_f64();
    line("point lookup by primary key (SQL)", secs * 1e6 / lookups as f64, "µs");

    let started = Instant::now();
    assert_eq!(rows(&mut glue, "select count(*) from t where c >= 0").unwrap(), 1);
    let secs = started.elapsed().as_secs_f64();
    line("full scan with a filter, 1,000,000 rows", ROWS as f64 / secs, "rows/s");
}
