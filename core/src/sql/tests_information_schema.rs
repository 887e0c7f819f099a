//! The database's name (DATABASE(), SHOW DATABASES, USE, `db.t`) and information_schema's
//! views (`information_schema.rs`), through a `Repo` whose front end named it.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use pollster::block_on;

use super::tests::{lines, memory_repo};
use super::{QueryResult, SqlError};
use crate::memory::MemoryStorage;
use crate::repo::{Repo, RepoError};

fn named() -> Repo<MemoryStorage> {
    let (mut repo, _) = memory_repo();
    repo.name_database_after("file:///home/ada/shop/");
    sql(
        &mut repo,
        "CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL,
           email VARCHAR(80), UNIQUE KEY by_email (email));
         CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INT, total DECIMAL(10,2) DEFAULT '0.00',
           placed DATETIME(3), KEY by_customer (customer),
           CONSTRAINT fk_customer FOREIGN KEY (customer) REFERENCES customers (id),
           CONSTRAINT positive CHECK (total >= 0))",
    );
    repo
}

fn sql(repo: &mut Repo<MemoryStorage>, script: &str) -> Vec<QueryResult> {
    block_on(repo.sql(script)).unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Every row of the one query's result, its values as text, joined by `|`.
fn rows(repo: &mut Repo<MemoryStorage>, query: &str) -> Vec<String> {
    lines(&sql(repo, query)[0].rows)
}

#[test]
fn the_database_is_named_by_the_front_end() {
    let mut repo = named();
    assert_eq!(
        rows(&mut repo, "SELECT DATABASE(), SCHEMA()"),
        ["shop|shop"]
    );
    assert_eq!(
        rows(&mut repo, "SHOW DATABASES"),
        ["information_schema", "shop"]
    );
    sql(&mut repo, "USE shop; USE `shop`");
    assert_eq!(sql(&mut repo, "SHOW TABLES")[0].columns, ["Tables_in_shop"]);
    assert_eq!(
        rows(
            &mut repo,
            "SELECT COUNT(*) FROM shop.customers c JOIN orders o ON o.customer = c.id"
        ),
        ["0"]
    );
    // A `mysqldump --databases` file begins so.
    sql(
        &mut repo,
        "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 \
         COLLATE utf8mb4_0900_bin */; USE `shop`",
    );
    for (script, says) in [
        (
            "CREATE DATABASE shop",
            "Can't create database 'shop'; database exists",
        ),
        ("CREATE DATABASE other", "a store holds one database"),
        (
            "CREATE DATABASE IF NOT EXISTS shop COLLATE utf8mb4_0900_ai_ci",
            "byte by byte",
        ),
    ] {
        let e = block_on(repo.sql(script)).unwrap_err().to_string();
        assert!(e.contains(says), "{script}: {e}");
    }
    for script in ["USE other", "SELECT * FROM other.customers"] {
        match block_on(repo.sql(script)) {
            Err(RepoError::Sql(SqlError::UnknownDatabase(db))) => assert_eq!(db, "other"),
            other => panic!("{script}: {other:?}"),
        }
    }
    // Named after a location as Dolt names a database after its folder.
    for (location, name) in [
        ("/home/ada/my-shop", "my_shop"),
        ("idb://the shop", "the_shop"),
        ("C:\\data\\shop\\", "shop"),
        ("/", "NULL"),
    ] {
        let (mut other, _) = memory_repo();
        other.name_database_after(location);
        assert_eq!(rows(&mut other, "SELECT DATABASE()"), [name], "{location}");
    }
    // Unnamed (the Rust API without a name): NULL, and only information_schema.
    let (mut unnamed, _) = memory_repo();
    assert_eq!(rows(&mut unnamed, "SELECT DATABASE()"), ["NULL"]);
    assert_eq!(rows(&mut unnamed, "SHOW DATABASES"), ["information_schema"]);
}

#[test]
fn information_schema_describes_tables_columns_and_keys() {
    let mut repo = named();
    assert_eq!(
        rows(
            &mut repo,
            "SELECT table_name, table_type FROM information_schema.tables
             WHERE table_schema = DATABASE() ORDER BY table_name"
        ),
        ["customers|BASE TABLE", "orders|BASE TABLE"]
    );
    // A table made earlier in the same script is there.
    let results = sql(
        &mut repo,
        "CREATE TABLE notes (id INT PRIMARY KEY);
         SELECT COUNT(*) FROM information_schema.TABLES t WHERE t.TABLE_NAME = 'notes'",
    );
    assert_eq!(results[1].rows[0][0].to_string(), "1");
    assert_eq!(
        rows(
            &mut repo,
            "SELECT column_name, ordinal_position, column_default, is_nullable, data_type,
                    character_maximum_length, numeric_precision, numeric_scale,
                    datetime_precision, column_type, column_key, extra
             FROM information_schema.columns
             WHERE table_schema = 'shop' AND table_name IN ('customers', 'orders')
             ORDER BY table_name, ordinal_position"
        ),
        [
            "id|1|NULL|NO|int|NULL|10|0|NULL|int|PRI|auto_increment",
            "name|2|NULL|NO|varchar|40|NULL|NULL|NULL|varchar(40)||",
            "email|3|NULL|YES|varchar|80|NULL|NULL|NULL|varchar(80)|UNI|",
            "id|1|NULL|NO|bigint|NULL|19|0|NULL|bigint|PRI|",
            "customer|2|NULL|YES|int|NULL|10|0|NULL|int|MUL|",
            "total|3|0.00|YES|decimal|NULL|10|2|NULL|decimal(10,2)||",
            "placed|4|NULL|YES|datetime|NULL|NULL|NULL|3|datetime(3)||",
        ]
    );
    assert_eq!(
        rows(
            &mut repo,
            "SELECT table_name, index_name, seq_in_index, column_name, non_unique
             FROM information_schema.statistics WHERE table_schema = 'shop'
             ORDER BY table_name, index_name, seq_in_index"
        ),
        [
            "customers|PRIMARY|1|id|0",
            "customers|by_email|1|email|0",
            "notes|PRIMARY|1|id|0",
            "orders|PRIMARY|1|id|0",
            "orders|by_customer|1|customer|1",
        ]
    );
    assert_eq!(
        rows(
            &mut repo,
            "SELECT constraint_name, constraint_type FROM information_schema.table_constraints
             WHERE table_name = 'orders' ORDER BY constraint_name"
        ),
        [
            "PRIMARY|PRIMARY KEY",
            "fk_customer|FOREIGN KEY",
            "positive|CHECK"
        ]
    );
    assert_eq!(
        rows(
            &mut repo,
            "SELECT constraint_name, column_name, referenced_table_name, referenced_column_name
             FROM information_schema.key_column_usage WHERE table_name = 'orders'
             ORDER BY constraint_name"
        ),
        ["PRIMARY|id|NULL|NULL", "fk_customer|customer|customers|id"]
    );
    assert_eq!(
        rows(
            &mut repo,
            "SELECT schema_name FROM information_schema.schemata"
        ),
        ["information_schema", "shop"]
    );
    assert_eq!(
        rows(
            &mut repo,
            "SELECT constraint_name, unique_constraint_name, update_rule, delete_rule,
                    table_name, referenced_table_name
             FROM information_schema.referential_constraints"
        ),
        ["fk_customer|PRIMARY|NO ACTION|NO ACTION|orders|customers"]
    );
    assert_eq!(
        rows(
            &mut repo,
            "SELECT constraint_name, check_clause FROM information_schema.check_constraints"
        ),
        ["positive|total >= 0"]
    );
    match block_on(repo.sql("SELECT * FROM information_schema.nope")) {
        Err(RepoError::Sql(SqlError::TableNotFound(t))) => assert!(t.contains("nope"), "{t}"),
        other => panic!("{other:?}"),
    }
}
