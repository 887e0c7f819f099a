//! Imports and exports over a memory store, end to end.

use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::memory::MemoryStorage;

fn block_on<F: core::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

fn store() -> ChunkStore<MemoryStorage> {
    block_on(ChunkStore::open(MemoryStorage::default())).unwrap()
}

/// Imports `data` in pieces of `piece` bytes.
fn import(
    store: &mut ChunkStore<MemoryStorage>,
    root: &mut RootValue,
    data: &str,
    file_type: FileType,
    mode: Mode,
    piece: usize,
) -> Result<Summary, ImportError> {
    let mut import = Import::new(root, "t", file_type, mode, None)?;
    for chunk in data.as_bytes().chunks(piece.max(1)) {
        block_on(import.feed(store, chunk))?;
    }
    block_on(import.finish(store, root))
}

fn export_text(store: &ChunkStore<MemoryStorage>, root: &RootValue, file_type: FileType) -> String {
    let mut out = String::new();
    block_on(super::export(store, root, "t", file_type, &mut |s| {
        out.push_str(s);
        Ok(())
    }))
    .unwrap();
    out
}

fn create(key: &str) -> Mode {
    Mode::Create {
        primary_key: alloc::vec![key.into()],
        force: false,
    }
}

const CSV: &str = "id,name,score\n1,\"a, \"\"b\"\"\",1.5\n2,\"\",\n3,\"x\ny\",-2\n";

/// Imports `data` as a new table keyed by `id`, fed in two pieces cut at `cut`.
fn import_cut(data: &[u8], cut: usize) -> Result<Summary, ImportError> {
    let (mut s, mut root) = (store(), RootValue::default());
    let mut import = Import::new(&root, "t", FileType::Csv, create("id"), None)?;
    block_on(import.feed(&mut s, &data[..cut]))?;
    block_on(import.feed(&mut s, &data[cut..]))?;
    block_on(import.finish(&mut s, &mut root))
}

#[test]
fn an_error_is_the_first_in_the_file_however_it_is_cut() {
    // A header without a name, then a line that is not UTF-8: the header's error comes first
    // whether the reader saw both lines at once or not (found by fuzzing).
    let data: &[u8] = b"id,\n\xef\xff\n";
    for cut in 0..=data.len() {
        let e = import_cut(data, cut).unwrap_err().to_string();
        assert_eq!(
            e, "line 1: the header's column 2 has no name",
            "cut at {cut}"
        );
    }
}

#[test]
fn create_export_and_import_again_give_the_same_table() {
    let mut first: Option<(RootValue, String)> = None;
    for piece in [1, 2, 3, 7, 1000] {
        let (mut s, mut root) = (store(), RootValue::default());
        let summary = import(&mut s, &mut root, CSV, FileType::Csv, create("id"), piece).unwrap();
        assert_eq!((summary.rows, summary.inserted), (3, 3));
        let schema = &root.tables["t"].schema;
        let types: Vec<String> = schema.columns.iter().map(|c| c.ty.to_string()).collect();
        assert_eq!(types, ["int", "text", "decimal(2,1)"]);
        let csv = export_text(&s, &root, FileType::Csv);
        assert_eq!(
            csv,
            "id,name,score\n1,\"a, \"\"b\"\"\",1.5\n2,\"\",\n3,\"x\ny\",-2.0\n"
        );
        match &first {
            None => first = Some((root.clone(), csv.clone())),
            Some((r, _)) => assert_eq!(r, &root, "piece {piece}"),
        }
        // JSON out, and into a new table: the same rows.
        let json = export_text(&s, &root, FileType::Json);
        assert!(
            json.starts_with("{\"rows\":[\n{\"id\":1,\"name\":\"a, \\\"b\\\"\",\"score\":\"1.5\"}"),
            "{json}"
        );
        let mut again = RootValue::default();
        import(
            &mut s,
            &mut again,
            &json,
            FileType::Json,
            create("id"),
            piece,
        )
        .unwrap();
        assert_eq!(again, root);
        let mut replaced = root.clone();
        let summary = import(
            &mut s,
            &mut replaced,
            &json,
            FileType::Json,
            Mode::Replace,
            piece,
        )
        .unwrap();
        assert_eq!((summary.inserted, summary.updated), (3, 0));
        assert_eq!(replaced, root);
    }
}

#[test]
fn update_keeps_columns_the_file_leaves_out() {
    let (mut s, mut root) = (store(), RootValue::default());
    import(&mut s, &mut root, CSV, FileType::Csv, create("id"), 64).unwrap();
    let summary = import(
        &mut s,
        &mut root,
        "id,score\n2,7\n4,8\n1,1.5\n",
        FileType::Csv,
        Mode::Update,
        5,
    )
    .unwrap();
    assert_eq!(
        (summary.inserted, summary.updated, summary.unchanged),
        (1, 1, 1)
    );
    let csv = export_text(&s, &root, FileType::Csv);
    assert_eq!(
        csv,
        "id,name,score\n1,\"a, \"\"b\"\"\",1.5\n2,\"\",7.0\n3,\"x\ny\",-2.0\n4,,8.0\n"
    );
}

#[test]
fn a_bad_value_names_its_line_and_column_and_changes_nothing() {
    let (mut s, mut root) = (store(), RootValue::default());
    import(&mut s, &mut root, CSV, FileType::Csv, create("id"), 64).unwrap();
    let before = root.clone();
    let e = import(
        &mut s,
        &mut root,
        "id,score\n5,1\n6,abc\n",
        FileType::Csv,
        Mode::Update,
        3,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 3: 'abc' is not a value of column 'score' decimal(2,1) (write a number); nothing \
         was imported"
    );
    assert_eq!(root, before);
    let e = import(
        &mut s,
        &mut root,
        "id,nope\n1,2\n",
        FileType::Csv,
        Mode::Update,
        3,
    )
    .unwrap_err();
    assert_eq!(
        e,
        ImportError::UnknownColumn {
            column: "nope".into(),
            table: "t".into()
        }
    );
    let e = import(
        &mut s,
        &mut root,
        "id\n1\n1\n",
        FileType::Csv,
        Mode::Replace,
        3,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("duplicate primary key given: [1]"),
        "{e}"
    );
    assert_eq!(root, before);
}

#[test]
fn create_needs_a_key_and_no_table_of_the_name() {
    let (mut s, mut root) = (store(), RootValue::default());
    let no_key = Mode::Create {
        primary_key: Vec::new(),
        force: false,
    };
    let e = import(&mut s, &mut root, CSV, FileType::Csv, no_key, 64).unwrap_err();
    assert_eq!(e, ImportError::NoPrimaryKey);
    import(&mut s, &mut root, CSV, FileType::Csv, create("id"), 64).unwrap();
    let e = import(&mut s, &mut root, CSV, FileType::Csv, create("id"), 64).unwrap_err();
    assert_eq!(e, ImportError::TableExists("t".into()));
    let force = Mode::Create {
        primary_key: alloc::vec!["score".into()],
        force: true,
    };
    let e = import(&mut s, &mut root, CSV, FileType::Csv, force, 64).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 3: column 'score' cannot be NULL; nothing was imported"
    );
    let mut empty = RootValue::default();
    let e = import(
        &mut s,
        &mut empty,
        "a\n1\n",
        FileType::Csv,
        create("id"),
        64,
    )
    .unwrap_err();
    assert_eq!(e, ImportError::KeyNotInFile("id".into()));
}

#[test]
fn json_rows_may_name_different_columns() {
    let (mut s, mut root) = (store(), RootValue::default());
    let json = r#"{"rows":[{},{"id":1},{"id":2,"note":"x"}]}"#;
    let e = import(&mut s, &mut root, json, FileType::Json, create("id"), 4).unwrap_err();
    assert_eq!(e, ImportError::KeyColumnMissing("id".into()));
    let json = r#"{"rows":[{"id":1},{"id":2,"note":"x"}]}"#;
    import(&mut s, &mut root, json, FileType::Json, create("id"), 4).unwrap();
    let csv = export_text(&s, &root, FileType::Csv);
    assert_eq!(csv, "id,note\n1,\n2,x\n");
}

mod never_panics {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;
    use proptest::prelude::*;

    /// Every way of reading the same bytes gives the same answer, and none panics.
    fn records(bytes: &[u8], cut: usize, file_type: FileType) -> Result<Vec<Record>, String> {
        let cut = cut.min(bytes.len());
        let mut out = Vec::new();
        let run = |out: &mut Vec<Record>| -> Result<(), ImportError> {
            match file_type {
                FileType::Csv => {
                    let mut r = csv::Reader::default();
                    r.feed(&bytes[..cut], out)?;
                    r.feed(&bytes[cut..], out)?;
                    r.finish(out)
                }
                FileType::Json => {
                    let mut r = json::Reader::default();
                    r.feed(&bytes[..cut], out)?;
                    r.feed(&bytes[cut..], out)?;
                    r.finish(out)
                }
            }
        };
        run(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }

    proptest! {
        #[test]
        fn csv_reads_any_bytes_the_same_however_cut(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'"'), Just(b','), Just(b'\n'), Just(b'\r'), Just(b'a'), any::<u8>()],
                0..64,
            ),
            cut in 0usize..64,
        ) {
            let whole = records(&bytes, bytes.len(), FileType::Csv);
            prop_assert_eq!(records(&bytes, cut, FileType::Csv), whole);
        }

        #[test]
        fn json_reads_any_bytes_the_same_however_cut(
            body in proptest::collection::vec(
                prop_oneof![
                    Just("{".to_string()), Just("}".to_string()), Just("\"a\"".to_string()),
                    Just(":".to_string()), Just(",".to_string()), Just("1.5".to_string()),
                    Just("[".to_string()), Just("]".to_string()), Just("\\".to_string()),
                    Just("\"".to_string()), any::<char>().prop_map(|c| c.to_string()),
                ],
                0..24,
            ),
            cut in 0usize..200,
        ) {
            let text = alloc::format!("{{\"rows\":[{}]}}", body.concat());
            let bytes = text.as_bytes();
            let whole = records(bytes, bytes.len(), FileType::Json);
            prop_assert_eq!(records(bytes, cut, FileType::Json), whole);
        }

        #[test]
        fn imports_of_any_csv_never_panic(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'"'), Just(b','), Just(b'\n'), Just(b'1'), Just(b'-'), Just(b'.'), Just(b'e'), any::<u8>()],
                0..80,
            ),
        ) {
            let (mut s, mut root) = (store(), RootValue::default());
            let mut text = String::from("id,b\n");
            text.push_str(&String::from_utf8_lossy(&bytes));
            let _ = import(&mut s, &mut root, &text, FileType::Csv, create("id"), 7);
        }
    }
}

/// An import is held to the table's foreign keys, both ways: rows naming no parent, and a
/// replacement that takes away parents other rows reference, are refused and change nothing.
#[test]
fn an_import_keeps_foreign_keys() {
    let mut s = store();
    let mut root = RootValue::default();
    block_on(crate::sql::execute(
        &mut s,
        &mut root,
        "CREATE TABLE p (id INT PRIMARY KEY); INSERT INTO p VALUES (1), (2); \
         CREATE TABLE t (id INT PRIMARY KEY, pid INT, \
         CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE); \
         INSERT INTO t VALUES (10, 1)",
    ))
    .unwrap();
    let before = root.clone();
    let err = import(
        &mut s,
        &mut root,
        "id,pid\n11,2\n12,3\n",
        FileType::Csv,
        Mode::Update,
        64,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Cannot add or update a child row"),
        "{err}"
    );
    assert_eq!(root, before);
    import(
        &mut s,
        &mut root,
        "id,pid\n11,2\n12,\n",
        FileType::Csv,
        Mode::Update,
        64,
    )
    .unwrap();
    // A replacement of the parent's rows is not a DELETE: its key does not cascade.
    let mut parent = Import::new(&root, "p", FileType::Csv, Mode::Replace, None).unwrap();
    block_on(parent.feed(&mut s, b"id\n1\n")).unwrap();
    let err = block_on(parent.finish(&mut s, &mut root)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Cannot delete or update a parent row"),
        "{err}"
    );
}

#[test]
fn a_clock_default_the_file_leaves_out_takes_the_imports_clock() {
    let mut s = store();
    let mut root = RootValue::default();
    block_on(crate::sql::execute(
        &mut s,
        &mut root,
        "CREATE TABLE t (id INT PRIMARY KEY, name TEXT, \
         created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, seen DATETIME(3) DEFAULT NOW(3))",
    ))
    .unwrap();
    // 2024-02-29 23:59:59.500 UTC.
    let now = 1_709_251_199_500;
    let mut run = |data: &str, now_ms: Option<u64>, root: &mut RootValue| {
        let mut import = Import::new(root, "t", FileType::Csv, Mode::Update, now_ms)?;
        block_on(import.feed(&mut s, data.as_bytes()))?;
        block_on(import.finish(&mut s, root))
    };
    // Without a clock a new row that needs one is refused, naming the column.
    let e = run("id,name\n1,a\n", None, &mut root).unwrap_err();
    assert!(
        e.to_string().contains("column 'created' reads the clock"),
        "{e}"
    );
    run(
        "id,name,seen\n1,a,2020-01-01 00:00:00\n2,b,\n",
        Some(now),
        &mut root,
    )
    .unwrap();
    let rows = block_on(crate::sql::execute(
        &mut s,
        &mut root,
        "SELECT id, created, seen FROM t ORDER BY id",
    ))
    .unwrap();
    let printed: Vec<String> = rows[0]
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert_eq!(
        printed,
        [
            "1|2024-02-29 23:59:59|2020-01-01 00:00:00.000",
            "2|2024-02-29 23:59:59|NULL"
        ]
    );
}
