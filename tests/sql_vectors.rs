//! Golden vectors above the storage layer: a fixed script of SQL, commits, a branch, a tag, an
//! uncommitted change and a backup, with a fixed database id, author and clock, must give the
//! hashes and files in tests/vectors/v1/sql.json. A change to row encoding, to the prolly
//! boundary rule or to any chunk kind changes them. The wasm build replays the same steps
//! through the JS API (npm/test/vectors.test.mjs).
//!
//! `CAIRN_BLESS=1 cargo test -p cairn-tests --test sql_vectors` rewrites the file; do that only
//! with a format change, and describe the change in docs/FORMAT.md.

use std::fs;
use std::path::PathBuf;

use cairn::block_on;
use cairn_core::backup::Repair;
use cairn_core::chunk_store::ChunkStore;
use cairn_core::db::commit::Commit;
use cairn_core::db::root_value::RootValue;
use cairn_core::repo::{CommitOptions, Config, Repo, Signature};
use cairn_core::sync::Silent;
use cairn_core::{bundle, Hash, MemoryStorage, Storage};
use cairn_tests::{hex, table_entries};
use serde_json::{json, Value};

fn vectors_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors/v1/sql.json")
}

/// Rows enough that the `people` map has three levels once the `photo` updates made most rows
/// about 1 KB (a leaf holds about 4 KiB, an internal node about 130 children).
const PEOPLE: u32 = 3000;

/// The bulk insert, generated once into the vectors file so that both sides run the same text;
/// kept short, as the other columns are computed by an UPDATE.
fn people_insert() -> String {
    let rows: Vec<String> = (0..PEOPLE).map(|i| format!("({i},'p{i}')")).collect();
    format!("INSERT INTO people (id, name) VALUES {};", rows.join(","))
}

fn events_insert() -> String {
    let rows: Vec<String> = (0..600)
        .map(|i| {
            format!(
                "({}, 'kind {}', {})",
                i % 97,
                i % 5,
                f64::from(i % 13) / 4.0
            )
        })
        .collect();
    format!("INSERT INTO events VALUES {};", rows.join(", "))
}

/// The script, as first chosen. Each step is one call of the public API on either side.
fn fresh_steps() -> Value {
    let pad = |byte: u8, len: usize| format!("x'{}'", hex(&vec![byte; len]));
    json!([
        {"op": "init", "time_ms": 1_700_000_000_000u64},
        {"op": "sql", "sql": concat!(
            "CREATE TABLE people (id INT PRIMARY KEY, name TEXT NOT NULL, score DOUBLE, ",
            "active BOOL, born BIGINT, photo BLOB);\n",
            "CREATE TABLE events (at BIGINT, kind TEXT, weight DOUBLE, KEY kind (kind, weight));\n",
            "CREATE TABLE pairs (a BIGINT, b VARCHAR(8), note VARCHAR(40), tag VARBINARY(4), ",
            "PRIMARY KEY (b, a));",
        )},
        {"op": "sql", "sql": people_insert()},
        // Keys of rows encoding 4: one built over rows already there, one kept row by row
        // (and `events`' above, on a keyless table), unique with NULLs.
        {"op": "sql", "sql": "CREATE INDEX score ON people (score, active);\nCREATE UNIQUE INDEX note ON pairs (note);"},
        {"op": "sql", "sql": "UPDATE people SET score = id * 37 % 1000 / 8.0 - 40.0, active = id % 3 = 0, born = id * 86400017 - 1000000000000;"},
        {"op": "sql", "sql": events_insert()},
        {"op": "sql", "sql": "INSERT INTO pairs VALUES (2, 'x', 'two', x'01'), (-1, 'x', NULL, NULL), (7, '', 'empty b', x''), (0, 'a\u{0}b', 'nul', x'00ff');"},
        // The types of rows encoding 2: each integer width's bounds, bigint unsigned past
        // i64::MAX as a key, decimals negative, rounded and at scale 30, keyed and keyless;
        // dates and times at their bounds, before 1970 and negative, in a key.
        {"op": "sql", "sql": concat!(
            "CREATE TABLE prices (id BIGINT UNSIGNED PRIMARY KEY, price DECIMAL(7,2) NOT NULL, ",
            "rate DECIMAL(38,30), t TINYINT, s SMALLINT UNSIGNED, m MEDIUMINT, i INT UNSIGNED, ",
            "tu TINYINT UNSIGNED, mu MEDIUMINT UNSIGNED);\n",
            "CREATE TABLE ledger (amount DECIMAL(10,4), n BIGINT UNSIGNED, day DECIMAL(2,0) PRIMARY KEY);\n",
            "INSERT INTO prices VALUES (18446744073709551615, -12345.67, 0.1, -128, 65535, -8388608, 4294967295, 255, 16777215), ",
            "(0, 0.1 + 0.2, NULL, 127, 0, 8388607, 0, 0, 0), ",
            "(9223372036854775808, 1.995, -1.000000000000000000000000000001, NULL, NULL, NULL, NULL, NULL, NULL);\n",
            "INSERT INTO ledger VALUES (0.1 + 0.2, 1, -99), (-5, 18446744073709551615, 0), (NULL, NULL, 99);\n",
            "CREATE TABLE moments (day DATE, at TIME(3), stamp TIMESTAMP, dt DATETIME(6), y YEAR, PRIMARY KEY (day, at));\n",
            "INSERT INTO moments VALUES ('1969-07-20', '20:17:40', '1970-01-01 00:00:01', '1969-07-20 20:17:40.5', 1969 + 1), ",
            "('2024-02-29', '-838:59:59', '2038-01-19 03:14:07', '9999-12-31 23:59:59.999999', 2155), ",
            "('0001-01-01', '00:00:00.0005', NULL, NULL, 0);\n",
            // Foreign keys of rows encoding 5: to a primary key, to a composite one, to the
            // table itself; their actions run in the last steps.
            "CREATE TABLE notes (id INT PRIMARY KEY, person INT, pb TEXT, pa BIGINT, up INT, ",
            "CONSTRAINT person_fk FOREIGN KEY (person) REFERENCES people (id) ON DELETE SET NULL, ",
            "FOREIGN KEY (pb, pa) REFERENCES pairs (b, a) ON DELETE CASCADE ON UPDATE CASCADE, ",
            "FOREIGN KEY (up) REFERENCES notes (id));\n",
            "INSERT INTO notes VALUES (1, 7, 'x', 2, NULL), (2, 150, 'x', -1, 1), (3, NULL, NULL, NULL, 2);\n",
            // Columns that read the clock, rows encoding 5 too (given values: no clock here).
            "CREATE TABLE stamps (id INT PRIMARY KEY, made DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), ",
            "seen TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);\n",
            "INSERT INTO stamps VALUES (1, '2024-01-01 00:00:00.125', '2024-01-01 00:00:01');\n",
            // An AUTO_INCREMENT start, rows encoding 6.
            "CREATE TABLE tickets (id INT AUTO_INCREMENT PRIMARY KEY, what TEXT) AUTO_INCREMENT = 1000;\n",
            "INSERT INTO tickets (what) VALUES ('first'), ('second');",
        )},
        {"op": "commit", "message": "load", "time_ms": 1_700_000_001_000u64},
        // Rows over 2 KiB meet the boundary rule's cap on the threshold.
        {"op": "sql", "sql": format!(
            "UPDATE people SET photo = {} WHERE id % 4 <> 1;\nUPDATE people SET photo = {} WHERE id % 4 = 2;\nUPDATE people SET photo = {} WHERE id % 97 = 0;",
            pad(0xa5, 1000), pad(0x3c, 600), pad(0x5a, 3000),
        )},
        {"op": "sql", "sql": "UPDATE people SET score = score * 2, active = NOT active WHERE id % 7 = 0;\nDELETE FROM people WHERE id % 11 = 5;\nDELETE FROM events WHERE at % 10 = 3;"},
        {"op": "commit", "message": "update and delete", "time_ms": 1_700_000_002_000u64},
        {"op": "checkout_new", "name": "dev"},
        {"op": "sql", "sql": "INSERT INTO people VALUES (100000, 'on dev', NULL, NULL, NULL, x'00ff');\nINSERT INTO events VALUES (1, 'kind 1', 0.25);"},
        {"op": "commit", "message": "dev work", "time_ms": 1_700_000_003_000u64},
        {"op": "checkout", "name": "main"},
        {"op": "tag", "name": "v1"},
        {"op": "sql", "sql": "DELETE FROM people WHERE id < 100;\nUPDATE pairs SET note = 'changed' WHERE a = 2;\nUPDATE pairs SET a = 3 WHERE a = 2 AND b = 'x';"},
        {"op": "backup", "url": "mem://golden-backup", "time_ms": 1_700_000_004_000u64,
         "tags": ["pre-migration", "golden"], "message": "a snapshot's details"},
    ])
}

/// What the steps gave: the commits in order, and the two stores.
struct Replayed {
    commits: Vec<Hash>,
    database: MemoryStorage,
    backup: MemoryStorage,
    datasets: Value,
}

fn replay(vectors: &Value) -> Replayed {
    let author = |time: &Value| Signature {
        name: vectors["author"]["name"].as_str().unwrap().into(),
        email: vectors["author"]["email"].as_str().unwrap().into(),
        time_ms: time.as_u64().unwrap(),
    };
    let database = MemoryStorage::new();
    let backup = MemoryStorage::new();
    let mut repo: Option<Repo<MemoryStorage>> = None;
    let mut commits = Vec::new();
    for step in vectors["steps"].as_array().unwrap() {
        let name = || step["name"].as_str().unwrap();
        if step["op"] == "init" {
            let store = block_on(ChunkStore::open(database.clone())).unwrap();
            let config = Config::new(vectors["id"].as_str().unwrap());
            repo = Some(block_on(Repo::init(store, config, &author(&step["time_ms"]))).unwrap());
            continue;
        }
        let repo = repo.as_mut().unwrap();
        match step["op"].as_str().unwrap() {
            "sql" => drop(block_on(repo.sql(step["sql"].as_str().unwrap())).unwrap()),
            "commit" => commits.push(
                block_on(repo.commit(
                    step["message"].as_str().unwrap(),
                    CommitOptions::ALL,
                    &author(&step["time_ms"]),
                ))
                .unwrap(),
            ),
            "checkout_new" => block_on(repo.checkout_new(name(), None)).unwrap(),
            "checkout" => drop(block_on(repo.checkout(name())).unwrap()),
            "tag" => drop(block_on(repo.create_tag(name(), None)).unwrap()),
            "backup" => {
                let mut dst = block_on(ChunkStore::open(backup.clone())).unwrap();
                let (url, now) = (step["url"].as_str().unwrap(), &step["time_ms"]);
                let now = now.as_u64().unwrap();
                let note = cairn_core::backup::Note {
                    tags: serde_json::from_value(step["tags"].clone()).unwrap(),
                    message: step["message"].as_str().unwrap().into(),
                };
                block_on(repo.backup_sync(
                    &mut dst,
                    url,
                    &note,
                    now,
                    Repair::IfSeenDamaged,
                    &mut Silent,
                ))
                .unwrap();
            }
            op => panic!("unknown step {op}"),
        }
    }
    let repo = repo.unwrap();
    let datasets = repo
        .datasets()
        .map
        .iter()
        .map(|(name, hash)| (name.clone(), json!(hash.to_base32())))
        .collect::<serde_json::Map<_, _>>()
        .into();
    Replayed {
        commits,
        database,
        backup,
        datasets,
    }
}

/// The addresses of every chunk in the store's table files (reachable or not), sorted.
fn chunk_addresses(store: &ChunkStore<MemoryStorage>) -> Vec<Hash> {
    let mut all = Vec::new();
    for spec in &store.manifest().tables {
        let bytes = block_on(store.storage().get(&spec.name)).unwrap().unwrap();
        all.extend(table_entries(&bytes).iter().map(|e| e.hash));
    }
    all.sort();
    all
}

/// What a store holds: its root and the root chunk's bytes (for a database, the dataset map
/// and the format parameters it records), its table files (their names hash their indexes,
/// so they pin the chunk set and its grouping) and its chunks' addresses.
fn describe(storage: &MemoryStorage) -> Value {
    let store = block_on(ChunkStore::open(storage.clone())).unwrap();
    let addresses = chunk_addresses(&store);
    let joined: Vec<u8> = addresses.iter().flat_map(|h| h.0).collect();
    let tables: Vec<Value> = store
        .manifest()
        .tables
        .iter()
        .map(|t| json!({"name": t.name, "chunks": t.chunk_count, "size": t.size}))
        .collect();
    let root_chunk = block_on(store.get(&store.root())).unwrap().unwrap();
    json!({
        "root": store.root().to_base32(),
        "root_chunk": hex(&root_chunk),
        "tables": tables,
        "chunks": {"count": addresses.len(), "addresses_blake3_160": Hash::of(&joined).to_base32()},
    })
}

fn expected(vectors: &Value) -> Value {
    let replayed = replay(vectors);
    let backup = block_on(ChunkStore::open(replayed.backup.clone())).unwrap();
    let file: Vec<u8> = block_on(bundle::write(&backup, &mut Silent))
        .unwrap()
        .concat();
    json!({
        "commits": replayed.commits.iter().map(|h| h.to_base32()).collect::<Vec<_>>(),
        "datasets": replayed.datasets,
        "database": describe(&replayed.database),
        "backup": describe(&replayed.backup),
        "cairnbak": {"size": file.len(), "blake3_160": Hash::of(&file).to_base32()},
    })
}

/// The script with its fixed id and author, without the expected values.
fn fresh() -> Value {
    json!({
        "format": "chunk kinds, rows and schemas, prolly boundary rule: see docs/FORMAT.md",
        "id": "g01denvect0rs0000000000000000000",
        "author": {"name": "Ada Lovelace", "email": "ada@example.com"},
        "steps": fresh_steps(),
    })
}

#[test]
fn the_same_script_gives_the_same_hashes() {
    if std::env::var_os("CAIRN_BLESS").is_some() {
        let mut vectors = fresh();
        vectors["expected"] = expected(&vectors);
        let text = serde_json::to_string_pretty(&vectors).unwrap() + "\n";
        fs::write(vectors_file(), text).unwrap();
    }
    let vectors: Value = serde_json::from_slice(&fs::read(vectors_file()).unwrap()).unwrap();
    let got = expected(&vectors);
    let want = &vectors["expected"];
    // Field by field, so that a failure says which part moved.
    for field in ["commits", "datasets", "database", "backup", "cairnbak"] {
        assert_eq!(got[field], want[field], "{field} differs from the vector");
    }
}

/// The script keeps exercising several boundaries at two levels (checked on the fresh script,
/// so it also guards a blessing).
#[test]
fn the_script_builds_deep_trees() {
    let replayed = replay(&fresh());
    let store = block_on(ChunkStore::open(replayed.database)).unwrap();
    let commit = block_on(store.get(&replayed.commits[1])).unwrap().unwrap();
    let commit = Commit::decode(&commit).unwrap();
    let root = block_on(store.get(&commit.root)).unwrap().unwrap();
    let people = RootValue::decode(&root).unwrap().tables["people"].rows;
    let node = block_on(store.get(&people)).unwrap().unwrap();
    // Byte 1 of a prolly node is its level: a root at 2 means boundaries at two levels.
    assert!(
        node[1] >= 2,
        "people's tree has only {} levels",
        node[1] + 1
    );
}
