//! `cairn table import` and `cairn table export` through the real binary: create, update and
//! replace from CSV and JSON, round trips, quoting, and refusals that change nothing.

use std::path::Path;

use cairn_tests::{cairn_in, fails, ok, query_csv};

fn new_db() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["init"]);
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// `people.csv` imported as a new table `people`, keyed by `id`.
fn import_people(d: &Path) -> String {
    ok(
        d,
        &[
            "table",
            "import",
            "-c",
            "--pk",
            "id",
            "people",
            "people.csv",
        ],
    )
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// Commas, quotes, line breaks (LF and CRLF inside a field), unicode, NULL and the empty
/// string, and a CRLF line end.
const PEOPLE: &str = "id,name,score,active\n\
    1,\"Smith, \"\"Al\"\"\",1.50,true\r\n\
    2,\"\",,false\n\
    3,\"two\nlines\r\nhere\",-2,\n\
    4,Zoë 😀 ü,10,TRUE\n";

#[test]
fn create_from_csv_infers_types_and_keeps_every_value() {
    let db = new_db();
    let d = db.path();
    write(d, "people.csv", PEOPLE);
    let out = import_people(d);
    assert_eq!(
        out,
        "Rows Processed: 4, Additions: 4, Modifications: 0, Had No Effect: 0\n\
         Import completed successfully.\n"
    );
    let schema = ok(d, &["sql", "-q", "show create table people"]);
    for column in [
        "`id` int NOT NULL",
        "`name` text",
        "`score` decimal(4,2)",
        "`active` bool",
        "PRIMARY KEY (`id`)",
    ] {
        assert!(schema.contains(column), "{column}: {schema}");
    }
    // NULL and the empty string stay apart.
    assert_eq!(
        query_csv(d, "select id from people where name = ''"),
        "id\n2\n"
    );
    assert_eq!(
        query_csv(d, "select id from people where score is null"),
        "id\n2\n"
    );
    assert_eq!(
        query_csv(d, "select name from people where id = 4"),
        "name\nZoë 😀 ü\n"
    );
    assert_eq!(
        query_csv(d, "select length(name) from people where id = 3"),
        "length(name)\n15\n"
    );
    // The new table is untracked in the working set, like one made by CREATE TABLE.
    assert!(ok(d, &["status"]).contains("people"));
}

#[test]
fn csv_round_trip_export_import_export_is_equal() {
    let db = new_db();
    let d = db.path();
    write(d, "people.csv", PEOPLE);
    import_people(d);
    ok(d, &["table", "export", "people", "out.csv"]);
    let exported = read(d, "out.csv");
    assert_eq!(
        exported,
        "id,name,score,active\n\
         1,\"Smith, \"\"Al\"\"\",1.50,true\n\
         2,\"\",,false\n\
         3,\"two\nlines\r\nhere\",-2.00,\n\
         4,Zoë 😀 ü,10.00,true\n"
    );
    // Into a second table, and out again: the same file.
    ok(
        d,
        &["table", "import", "-c", "--pk", "id", "again", "out.csv"],
    );
    ok(d, &["table", "export", "again", "again.csv"]);
    assert_eq!(read(d, "again.csv"), exported);
    // And replacing the first table's rows with its own export changes nothing.
    ok(d, &["commit", "-a", "-m", "people"]);
    ok(d, &["table", "import", "-r", "people", "out.csv"]);
    assert!(ok(d, &["status"]).contains("working tree clean"));
    // Standard output, and an existing file only with -f.
    assert_eq!(
        ok(d, &["table", "export", "people", "-", "--file-type", "csv"]),
        exported
    );
    let e = fails(d, &["table", "export", "people", "out.csv"]);
    assert!(e.contains("already exists (use -f to overwrite it)"), "{e}");
    ok(d, &["table", "export", "-f", "people", "out.csv"]);
}

#[test]
fn create_from_json_and_json_round_trip() {
    let db = new_db();
    let d = db.path();
    write(
        d,
        "items.json",
        r#"{"rows": [
            {"sku": "a-1", "qty": 3, "price": 9.99, "note": "say \"hi\", then\nleave"},
            {"sku": "b-2", "qty": 12, "price": 0.5, "note": null},
            {"sku": "c-3", "qty": -1, "price": 100, "note": ""}
        ]}"#,
    );
    ok(
        d,
        &[
            "table",
            "import",
            "-c",
            "--pk",
            "sku",
            "items",
            "items.json",
        ],
    );
    assert_eq!(
        query_csv(
            d,
            "select sku, qty, price, note is null from items order by sku"
        ),
        "sku,qty,price,note IS NULL\na-1,3,9.99,false\nb-2,12,0.50,true\nc-3,-1,100.00,false\n"
    );
    ok(d, &["table", "export", "items", "out.json"]);
    let json = read(d, "out.json");
    assert_eq!(
        json,
        "{\"rows\":[\n\
         {\"sku\":\"a-1\",\"qty\":3,\"price\":\"9.99\",\"note\":\"say \\\"hi\\\", then\\nleave\"},\n\
         {\"sku\":\"b-2\",\"qty\":12,\"price\":\"0.50\",\"note\":null},\n\
         {\"sku\":\"c-3\",\"qty\":-1,\"price\":\"100.00\",\"note\":\"\"}\n]}\n"
    );
    ok(
        d,
        &["table", "import", "-c", "--pk", "sku", "copy", "out.json"],
    );
    ok(d, &["table", "export", "copy", "copy.json"]);
    assert_eq!(read(d, "copy.json"), json);
    // A .txt file says nothing of its format: --file-type does.
    write(d, "rows.txt", "sku,qty\nd-4,1\n");
    let e = fails(d, &["table", "import", "-u", "items", "rows.txt"]);
    assert!(e.contains("give --file-type csv|json"), "{e}");
    ok(
        d,
        &[
            "table",
            "import",
            "-u",
            "--file-type",
            "csv",
            "items",
            "rows.txt",
        ],
    );
    assert_eq!(
        query_csv(d, "select qty, price from items where sku = 'd-4'"),
        "qty,price\n1,\n"
    );
}

#[test]
fn update_inserts_and_updates_and_replace_replaces() {
    let db = new_db();
    let d = db.path();
    write(d, "people.csv", PEOPLE);
    import_people(d);
    // Only some columns: the others keep their values; a new row gets NULL in them.
    write(d, "scores.csv", "score,id\n5,2\n1.5,1\n7,9\n");
    let out = ok(d, &["table", "import", "-u", "people", "scores.csv"]);
    assert_eq!(
        out,
        "Rows Processed: 3, Additions: 1, Modifications: 1, Had No Effect: 1\n\
         Import completed successfully.\n"
    );
    assert_eq!(
        query_csv(
            d,
            "select id, name, score from people where id in (1, 2, 9) order by id"
        ),
        "id,name,score\n1,\"Smith, \"\"Al\"\"\",1.50\n2,,5.00\n9,,7.00\n"
    );
    // JSON rows name their own columns.
    write(
        d,
        "more.json",
        r#"{"rows":[{"id":3,"active":true},{"id":10,"name":"new"}]}"#,
    );
    ok(d, &["table", "import", "-u", "people", "more.json"]);
    assert_eq!(
        query_csv(
            d,
            "select id, name, active from people where id in (3, 10) order by id"
        ),
        "id,name,active\n3,\"two\nlines\r\nhere\",true\n10,new,\n"
    );
    // Replace: the file's rows and nothing else, in the same schema.
    write(d, "two.csv", "id,name\n7,seven\n8,\"\"\n");
    let out = ok(d, &["table", "import", "-r", "people", "two.csv"]);
    assert!(out.starts_with("Rows Processed: 2, Additions: 2"), "{out}");
    assert_eq!(
        query_csv(d, "select id, name, score from people order by id"),
        "id,name,score\n7,seven,\n8,,\n"
    );
    assert!(ok(d, &["sql", "-q", "show create table people"]).contains("decimal(4,2)"));
}

#[test]
fn a_bad_value_is_refused_with_its_line_and_the_table_is_unchanged() {
    let db = new_db();
    let d = db.path();
    write(d, "people.csv", PEOPLE);
    import_people(d);
    let before = query_csv(d, "select * from people order by id");
    // The quoted field of line 4 spans two lines, so the bad record is line 6.
    write(
        d,
        "bad.csv",
        "id,name,score\n20,a,1\n21,b,2\n22,\"x\ny\",3\n23,c,lots\n24,d,5\n",
    );
    let e = fails(d, &["table", "import", "-u", "people", "bad.csv"]);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("line 6:"), "{e}");
    assert!(e.contains("column 'score'"), "{e}");
    assert!(e.contains("nothing was imported"), "{e}");
    assert_eq!(query_csv(d, "select * from people order by id"), before);
    write(d, "bad2.csv", "id,score\n20,1\n21,lots\n");
    let e = fails(d, &["table", "import", "-u", "people", "bad2.csv"]);
    assert!(
        e.starts_with("error: line 3: 'lots' is not a value of column 'score' decimal(4,2)"),
        "{e}"
    );
    // Out of range, as INSERT refuses it; and in JSON, by row.
    write(
        d,
        "big.json",
        r#"{"rows":[{"id":30,"score":1},{"id":31,"score":12345}]}"#,
    );
    let e = fails(d, &["table", "import", "-u", "people", "big.json"]);
    assert!(
        e.contains("row 2: value 12345 is out of range for column 'score'"),
        "{e}"
    );
    let insert = fails(
        d,
        &[
            "sql",
            "-q",
            "insert into people (id, score) values (31, 12345)",
        ],
    );
    assert!(insert.contains("out of range"), "{insert}");
    // Malformed files.
    write(d, "open.csv", "id,name\n40,\"never closed\n");
    let e = fails(d, &["table", "import", "-u", "people", "open.csv"]);
    assert!(e.contains("line 2: a quoted field is not closed"), "{e}");
    write(d, "cols.csv", "id,nope\n1,2\n");
    let e = fails(d, &["table", "import", "-u", "people", "cols.csv"]);
    assert!(
        e.contains("the file's column 'nope' is not a column of table 'people'"),
        "{e}"
    );
    write(d, "dup.csv", "id\n50\n50\n");
    let e = fails(d, &["table", "import", "-r", "people", "dup.csv"]);
    assert!(e.contains("duplicate primary key given: [50]"), "{e}");
    assert_eq!(query_csv(d, "select * from people order by id"), before);
}

#[test]
fn create_refuses_without_a_key_or_over_a_table() {
    let db = new_db();
    let d = db.path();
    write(d, "people.csv", PEOPLE);
    let e = fails(d, &["table", "import", "-c", "people", "people.csv"]);
    assert!(
        e.contains("a new table needs a primary key (name its columns with --pk"),
        "{e}"
    );
    let e = fails(
        d,
        &[
            "table",
            "import",
            "-c",
            "--pk",
            "nope",
            "people",
            "people.csv",
        ],
    );
    assert!(
        e.contains("primary key column 'nope' is not a column of the file"),
        "{e}"
    );
    assert_eq!(ok(d, &["ls"]), "No tables in working set\n");
    import_people(d);
    let e = fails(
        d,
        &[
            "table",
            "import",
            "-c",
            "--pk",
            "id",
            "people",
            "people.csv",
        ],
    );
    assert!(
        e.contains("table 'people' already exists (use -f to replace it)"),
        "{e}"
    );
    // -f replaces it, with a key of two columns.
    write(d, "pairs.csv", "a,b,v\n1,x,first\n1,y,second\n");
    ok(
        d,
        &[
            "table",
            "import",
            "-c",
            "-f",
            "--pk",
            "a,b",
            "people",
            "pairs.csv",
        ],
    );
    assert_eq!(
        query_csv(d, "select * from people"),
        "a,b,v\n1,x,first\n1,y,second\n"
    );
    let e = fails(d, &["table", "import", "-u", "nope", "pairs.csv"]);
    assert!(
        e.contains("table 'nope' not found (use -c to create it"),
        "{e}"
    );
    let out = cairn_in(d, &["table", "import", "-c", "-u", "t", "pairs.csv"], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn import_reads_standard_input() {
    let db = new_db();
    let d = db.path();
    let out = cairn_in(
        d,
        &[
            "table",
            "import",
            "-c",
            "--pk",
            "k",
            "--file-type",
            "csv",
            "t",
            "-",
        ],
        Some("k,v\n1,one\n2,two\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(query_csv(d, "select * from t"), "k,v\n1,one\n2,two\n");
}

#[test]
fn imported_rows_take_defaults_and_keep_checks_unique_keys_and_auto_increment() {
    let db = new_db();
    let d = db.path();
    ok(
        d,
        &[
            "sql",
            "-q",
            "create table t (id int primary key auto_increment, email varchar(20) unique, \
             n int not null default 5 check (n < 100)); insert into t (email) values ('a@x')",
        ],
    );
    // A column the file leaves out takes its DEFAULT in a new row.
    write(d, "new.csv", "id,email\n2,b@x\n");
    ok(d, &["table", "import", "-u", "t", "new.csv"]);
    assert_eq!(
        query_csv(d, "select * from t order by id"),
        "id,email,n\n1,a@x,5\n2,b@x,5\n"
    );
    // A CHECK, and a UNIQUE key across the file and the table, refuse the import whole.
    write(d, "big.csv", "id,email,n\n3,c@x,100\n");
    let err = fails(d, &["table", "import", "-u", "t", "big.csv"]);
    assert!(
        err.contains("Check constraint 't_chk_1' is violated"),
        "{err}"
    );
    write(d, "dup.csv", "id,email\n3,c@x\n4,a@x\n");
    let err = fails(d, &["table", "import", "-u", "t", "dup.csv"]);
    assert!(
        err.contains("Duplicate entry 'a@x' for key 't.email'"),
        "{err}"
    );
    assert_eq!(query_csv(d, "select count(*) from t"), "count(*)\n2\n");
    // A replace keeps the schema, so its rules too; then inserts number on from the file's.
    write(d, "all.csv", "id,email\n7,q@x\n");
    ok(d, &["table", "import", "-r", "t", "all.csv"]);
    ok(d, &["sql", "-q", "insert into t (email) values ('r@x')"]);
    assert_eq!(
        query_csv(d, "select * from t order by id"),
        "id,email,n\n7,q@x,5\n8,r@x,5\n"
    );
}
