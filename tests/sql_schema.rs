//! Schema changes and column options through the real binary: ALTER TABLE rewrites the rows
//! of a committed table, defaults, AUTO_INCREMENT, CHECK and UNIQUE hold and are shown, and
//! all of it survives commit, backup and restore.

use cairn_tests::{cairn_in, new_db, ok, query_csv};

#[test]
fn alter_table_and_column_options_survive_commit_backup_and_restore() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    ok(
        &d,
        &[
            "sql",
            "-q",
            "create table p (id int primary key auto_increment, name varchar(10) not null, \
             qty int default 1 check (qty >= 0), email text, unique key mail (email)); \
             insert into p (name, email) values ('a', 'a@x'), ('b', null); \
             insert into p (name, qty, email) values ('c', 3, 'c@x')",
        ],
    );
    ok(&d, &["commit", "-a", "-m", "people"]);
    ok(
        &d,
        &[
            "sql",
            "-q",
            "alter table p add column score decimal(4,1) not null default 0 after name, \
             modify qty bigint default 2, rename column email to mail; \
             rename table p to people",
        ],
    );
    assert_eq!(
        query_csv(&d, "select * from people"),
        "id,name,score,qty,mail\n1,a,0.0,1,a@x\n2,b,0.0,1,\n3,c,0.0,3,c@x\n"
    );
    // Each refusal names what it refuses, and changes nothing.
    for (sql, error) in [
        (
            "insert into people (name, mail) values ('d', 'a@x')",
            "error: Duplicate entry 'a@x' for key 'people.mail'\n",
        ),
        (
            "insert into people (name, qty) values ('d', -1)",
            "error: Check constraint 'p_chk_1' is violated.\n",
        ),
        (
            "alter table people modify qty tinyint, modify mail varchar(2)",
            "error: type mismatch for column 'mail': value of length 3 is too long for varchar(2)\n",
        ),
        (
            "alter table people add column z int not null",
            "error: column 'z' is NOT NULL and has no DEFAULT, and the table has rows: give it \
             a DEFAULT, or add it as NULL, fill it in, then MODIFY it NOT NULL\n",
        ),
    ] {
        let out = cairn_in(&d, &["sql", "-q", sql], None);
        assert_eq!((out.code, out.stderr.as_str()), (1, error), "{sql}");
    }
    ok(&d, &["sql", "-q", "insert into people (name) values ('d')"]);
    ok(&d, &["commit", "-a", "-m", "altered"]);
    let create = "CREATE TABLE `people` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `name` \
                  varchar(10) NOT NULL,\n  `score` decimal(4,1) NOT NULL DEFAULT 0.0,\n  `qty` \
                  bigint DEFAULT 2,\n  `mail` text,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `mail` \
                  (`mail`),\n  CONSTRAINT `p_chk_1` CHECK (qty >= 0)\n)";
    let show = |dir: &std::path::Path| {
        let out = ok(
            dir,
            &["sql", "-r", "json", "-q", "show create table people"],
        );
        let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
        rows["rows"][0]["Create Table"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(show(&d), create);
    let backup = root.path().join("backup");
    let url = format!("file://{}", backup.display());
    ok(&d, &["backup", "sync-url", &url]);
    let restored = root.path().join("restored");
    ok(
        root.path(),
        &["backup", "restore", &url, restored.to_str().unwrap()],
    );
    assert_eq!(show(&restored), create);
    assert_eq!(
        query_csv(&restored, "select id, qty from people order by id"),
        "id,qty\n1,1\n2,1\n3,3\n4,2\n"
    );
}

/// The database is named after its folder, as Dolt names one: DATABASE(), `name.table`,
/// information_schema's rows.
#[test]
fn the_database_is_named_after_its_folder() {
    let root = tempfile::tempdir().unwrap();
    let d = root.path().join("my-shop");
    std::fs::create_dir(&d).unwrap();
    ok(&d, &["init"]);
    ok(
        &d,
        &["sql", "-q", "create table items (id int primary key)"],
    );
    assert_eq!(
        query_csv(
            &d,
            "select database(), table_name from information_schema.tables \
             where table_schema = database()"
        ),
        "database(),table_name\nmy_shop,items\n"
    );
    assert_eq!(
        query_csv(&d, "select count(*) from my_shop.items"),
        "count(*)\n0\n"
    );
}
