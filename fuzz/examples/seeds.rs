//! Writes the seed corpus, `fuzz/corpus/<target>/seed-*`, from a small real database: every
//! chunk it stores (by kind), its table files and manifest, a `.cairnbak` of it, a backup root
//! and config naming it, rows under its schemas, and SQL scripts.
//!
//!     cd fuzz && cargo run --example seeds
//!
//! A long run's finds are merged in with `cargo fuzz cmin` (docs/FUZZING.md).

use std::fs;
use std::path::Path;

use cairn_core::backup::{BackupRoot, Details, Snapshot};
use cairn_core::db::root_value::RootValue;
use cairn_core::db::row::RowLayout;
use cairn_core::db::decimal::Decimal;
use cairn_core::db::temporal::Temporal;
use cairn_core::db::value::{ColumnType, Value};
use cairn_core::db::working_set::{MergeState, Operation, TableConflict, WorkingSet};
use cairn_core::repo::config::Config;
use cairn_core::repo::{CommitOptions, Repo, Signature};
use cairn_core::table_file::{decode_index, Footer, FOOTER_LEN};
use cairn_core::{bundle, ChunkStore, Hash, MemoryStorage, Storage};
use cairn_fuzz::join;
use pollster::block_on;

const SCRIPTS: &[&str] = &[
    "CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, age INT, score DOUBLE, \
     active BOOL, photo BLOB);",
    "INSERT INTO t VALUES (4, 'dee', 2.5, true, 'blob', 7), (5, NULL, NULL, NULL, NULL, -1);",
    "insert into k (a, b) values (-12, 'it''s'), (0x10, \"q\\n\");",
    "SELECT * FROM t WHERE id > 1 AND name IS NOT NULL ORDER BY score DESC LIMIT 2;",
    "SELECT count(*), name FROM t WHERE score BETWEEN -1 AND 1e301 OR ok = false;",
    "UPDATE t SET score = score * 2, name = concat(name, 'x') WHERE id IN (1, 3);",
    "DELETE FROM k WHERE a = 1 LIMIT 1; SELECT * FROM k;",
    "SELECT 1 + 2 * 3, 'a' || 'b', -5 % 3, 7 / 2, NOT true, NULL IS NULL, length('abc');",
    "SHOW TABLES; DROP TABLE IF EXISTS k; SHOW TABLES;",
    "CREATE TABLE pk2 (a BIGINT, b VARCHAR(4), c DOUBLE, PRIMARY KEY (b, a)); \
     INSERT INTO pk2 VALUES (1, 'x', 0.5), (2, 'x', -0.5); SELECT * FROM pk2 WHERE b = 'x';",
    "SELECT name FROM t WHERE name LIKE 'a%' AND id <> 2 ORDER BY id;",
    "UPDATE t SET id = 1 WHERE id = 2; INSERT INTO t (id) VALUES (1);",
];

const INSERTS: &[&str] = &[
    "INSERT INTO t VALUES (1, 'a', 1.5, true, NULL)",
    "insert into `weird name` (c0, `c 1`) values (-3, 'x''y'), (NULL, \"\\t\")",
    "INSERT INTO t2 VALUES (1e3, -0.0, TRUE, FALSE, '') , ( 2 ,'b' ) /* c */",
    "INSERT INTO t VALUES (0x1f, 18446744073709551615, -9223372036854775808, .5)",
];

fn main() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut seeds = Seeds { out: &out };
    block_on(database(&mut seeds));
    merging_working_set(&mut seeds);
    for (i, sql) in SCRIPTS.iter().enumerate() {
        seeds.write("sql", i, sql.as_bytes());
    }
    for (i, sql) in INSERTS.iter().enumerate() {
        seeds.write("fast_insert", i, sql.as_bytes());
    }
}

struct Seeds<'a> {
    out: &'a Path,
}

impl Seeds<'_> {
    fn write(&mut self, target: &str, n: usize, bytes: &[u8]) {
        let dir = self.out.join(target);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("seed-{n}")), bytes).unwrap();
    }
}

async fn database(seeds: &mut Seeds<'_>) {
    let author = Signature {
        name: "Ada".into(),
        email: "ada@example.com".into(),
        time_ms: 1_700_000_000_000,
    };
    let store = ChunkStore::open(MemoryStorage::new()).await.unwrap();
    let mut config = Config::new("3pmbd0ec6kq0ltd6hbq5jfp3hn9q1kd4");
    config.user_name = Some(author.name.clone());
    config
        .remotes
        .insert("origin".into(), "file://../rem1".into());
    config
        .backups
        .insert("bac1".into(), "file://../backups/b1".into());
    config
        .synced
        .insert("file://../backups/b1".into(), "k2d9s0qa".into());
    config.gc_live = Some(1_310_720);
    seeds.write("config", 0, config.encode().as_bytes());
    let mut repo = Repo::init(store, config, &author).await.unwrap();
    repo.sql(
        "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(8), score DOUBLE, ok BOOL, \
         data BLOB, big BIGINT); CREATE TABLE k (a INT, b TEXT);",
    )
    .await
    .unwrap();
    let rows: Vec<String> = (0..300)
        .map(|i| format!("({i}, 'n{i}', {i}.5, {}, 'b{i}', {})", i % 2 == 0, i * 1000))
        .collect();
    repo.sql(&format!("INSERT INTO t VALUES {}", rows.join(",")))
        .await
        .unwrap();
    repo.sql("INSERT INTO k VALUES (1, 'x'), (1, 'x'), (NULL, 'y')")
        .await
        .unwrap();
    repo.commit("tables", CommitOptions::ALL, &author).await.unwrap();
    repo.create_tag("v1", None).await.unwrap();
    repo.create_branch("dev", None).await.unwrap();
    repo.sql("UPDATE t SET name = NULL WHERE id < 5")
        .await
        .unwrap();
    repo.store_mut().flush().await.unwrap();

    let root = repo.working_root().await.unwrap();
    rows_under(seeds, &root);
    let datasets = repo.store().root();
    let backup = BackupRoot {
        owner: repo.config().id.clone(),
        snapshots: vec![
            Snapshot {
                time_ms: 1_700_000_000_000,
                datasets,
                head: "main".into(),
                details: Details::default(),
            },
            Snapshot {
                time_ms: 1_700_000_360_000,
                datasets,
                head: "dev".into(),
                details: Details {
                    tags: vec!["pre-migration".into()],
                    message: "before the rewrite".into(),
                    added: Some(4096),
                    adopted_by: Some("seed".into()),
                },
            },
        ],
    };
    seeds.write("backup_root", 0, &backup.encode());
    seeds.write("manifest", 0, &repo.store().manifest().encode());
    let parts = bundle::write(repo.store(), &mut cairn_core::sync::Silent)
        .await
        .unwrap();
    seeds.write("bundle", 0, &parts.concat());

    // Every chunk the database stored, as a seed for its kind's target; a few nodes suffice.
    let storage = repo.store().storage();
    let mut counts = [0usize; 8];
    for object in storage.list().await.unwrap() {
        let file = storage.get(&object.name).await.unwrap().unwrap();
        seeds.write("table_file", counts[0], &file);
        counts[0] += 1;
        let footer = Footer::decode(&file[file.len() - FOOTER_LEN..], file.len() as u64).unwrap();
        let start = footer.data_len as usize;
        let index = decode_index(&file[start..][..footer.index_len() as usize], &footer).unwrap();
        for e in index {
            let chunk = &file[e.offset as usize..][..e.len as usize];
            let kind = chunk[0] as usize;
            let target = match kind {
                0x01 => "prolly_node",
                0x03 => "root_value",
                0x04 => "commit",
                0x05 => "datasets",
                0x06 => "working_set",
                _ => continue,
            };
            if counts[kind] < 6 {
                seeds.write(target, counts[kind], chunk);
                counts[kind] += 1;
            }
        }
    }
}

/// A working set waiting on a cherry-pick's conflicts (its merge section), which the database
/// above never stores: a schema conflict and a table of row conflicts.
fn merging_working_set(seeds: &mut Seeds<'_>) {
    let conflicts = [
        ("k".into(), TableConflict::Schema),
        ("t".into(), TableConflict::Rows(Hash([5; 20]))),
    ];
    let ws = WorkingSet {
        working: Hash([1; 20]),
        staged: Hash([2; 20]),
        merge: Some(MergeState {
            operation: Operation::CherryPick,
            theirs: Hash([3; 20]),
            base: Hash([4; 20]),
            message: "picked".into(),
            conflicts: conflicts.into_iter().collect(),
        }),
    };
    seeds.write("working_set", 6, &ws.encode());
}

/// A row of each table of `root`, with and without NULLs, as `row` target inputs.
fn rows_under(seeds: &mut Seeds<'_>, root: &RootValue) {
    let mut n = 0;
    for table in root.tables.values() {
        let mut schema = Vec::new();
        table.schema.encode(&mut schema);
        let layout = RowLayout::new(&table.schema);
        let full: Vec<Value> = table
            .schema
            .columns
            .iter()
            .map(|c| match c.ty {
                ColumnType::Integer { unsigned: true, .. } => Value::Int(42),
                ColumnType::Integer { .. } => Value::Int(-42),
                ColumnType::Decimal { scale, .. } => Value::Decimal(Decimal { units: -1, scale }),
                ColumnType::Temporal(kind) => Value::Temporal(Temporal { kind, value: -1 }),
                ColumnType::Double => Value::Double(-0.25),
                ColumnType::Text { .. } => Value::Text("a\0b".into()),
                ColumnType::Bool => Value::Bool(true),
                ColumnType::Blob { .. } => Value::Blob(vec![0, 0xff, 0]),
                ColumnType::Json => Value::Text(r#"{"a":[1,null]}"#.into()),
                ColumnType::Enum => Value::Text(c.members[0].clone()),
            })
            .collect();
        let sparse: Vec<Value> = full
            .iter()
            .zip(&table.schema.columns)
            .map(|(v, c)| if c.nullable { Value::Null } else { v.clone() })
            .collect();
        for row in [full, sparse] {
            let (key, value) = if layout.is_keyless() {
                layout.keyless_entry(&row, 2)
            } else {
                (layout.key(&row), layout.value(&row))
            };
            seeds.write("row", n, &join(&schema, &join(&key, &value)));
            n += 1;
        }
    }
}
