//! Property tests of the database layer's codecs: schemas and rows, commits, dataset maps,
//! working sets, root values, backup roots and the repository config. Each round trips
//! generated values, and its decoder returns an error, never a panic, on arbitrary bytes.

use cairn_core::backup::{BackupRoot, Details, Snapshot};
use cairn_core::codec::Reader;
use cairn_core::db::commit::Commit;
use cairn_core::db::datasets::Datasets;
use cairn_core::db::decimal::Decimal;
use cairn_core::db::kind::{self, Kind};
use cairn_core::db::root_value::{RootValue, TableRef};
use cairn_core::db::row::RowLayout;
use cairn_core::db::schema::{Column, Index, Schema};
use cairn_core::db::temporal::{Temporal, TimeType};
use cairn_core::db::value::{int_value, ColumnType, IntWidth, Value};
use cairn_core::db::working_set::{MergeState, Operation, TableConflict, WorkingSet};
use cairn_core::hash::{Hash, HASH_LEN};
use cairn_core::repo::config::{Config, Upstream};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::subsequence;

fn hash() -> impl Strategy<Value = Hash> {
    any::<[u8; HASH_LEN]>().prop_map(Hash)
}

/// A snapshot's details as a sync or an adoption writes them: tags sorted, no repeats.
fn details() -> impl Strategy<Value = Details> {
    (
        proptest::collection::btree_set("[a-z0-9:-]{1,12}", 0..3),
        text(),
        any::<Option<u64>>(),
        proptest::option::of(text()),
    )
        .prop_map(|(tags, message, added, adopted_by)| Details {
            tags: tags.into_iter().collect(),
            message,
            added,
            adopted_by,
        })
}

fn text() -> impl Strategy<Value = String> {
    ".{0,12}"
}

fn column_type() -> impl Strategy<Value = ColumnType> {
    let max_len = prop::option::of(1u32..);
    let widths = [
        IntWidth::Tiny,
        IntWidth::Small,
        IntWidth::Medium,
        IntWidth::Int,
        IntWidth::Big,
    ];
    let decimal = (1u8..=38)
        .prop_flat_map(|precision| (Just(precision), 0..=precision.min(30)))
        .prop_map(|(precision, scale)| ColumnType::Decimal { precision, scale });
    let temporal = prop_oneof![
        Just(TimeType::Date),
        Just(TimeType::Year),
        (0u8..=6).prop_map(TimeType::DateTime),
        (0u8..=6).prop_map(TimeType::Timestamp),
        (0u8..=6).prop_map(TimeType::Time),
    ]
    .prop_map(ColumnType::Temporal);
    prop_oneof![
        temporal,
        (prop::sample::select(widths.to_vec()), any::<bool>())
            .prop_map(|(width, unsigned)| ColumnType::Integer { width, unsigned }),
        decimal,
        Just(ColumnType::Double),
        Just(ColumnType::Bool),
        max_len
            .clone()
            .prop_map(|max_len| ColumnType::Text { max_len }),
        max_len.prop_map(|max_len| ColumnType::Blob { max_len }),
    ]
}

/// A schema of 1 to 6 columns; its key is any subset of them in any order, NOT NULL.
fn schema() -> impl Strategy<Value = Schema> {
    vec((text(), column_type(), any::<bool>()), 1..7)
        .prop_flat_map(|columns| {
            let n = columns.len();
            (
                Just(columns),
                subsequence((0..n).collect::<Vec<_>>(), 0..=n).prop_shuffle(),
            )
        })
        .prop_map(|(columns, primary_key)| Schema {
            columns: columns
                .into_iter()
                .enumerate()
                .map(|(i, (name, ty, nullable))| {
                    Column::new(name, ty, nullable && !primary_key.contains(&i))
                })
                .collect(),
            primary_key,
            ..Schema::default()
        })
}

fn value(ty: ColumnType, nullable: bool) -> BoxedStrategy<Value> {
    let value = match ty {
        ColumnType::Integer { width, unsigned } => {
            let (lo, hi) = ColumnType::int_range(width, unsigned);
            (lo..=hi).prop_map(int_value).boxed()
        }
        // Any integer: the encodings do not depend on the value being a real date.
        ColumnType::Temporal(kind) => any::<i64>()
            .prop_map(move |value| Value::Temporal(Temporal { kind, value }))
            .boxed(),
        ColumnType::Decimal { precision, scale } => {
            let max = 10i128.pow(precision.into()) - 1;
            (-max..=max)
                .prop_map(move |units| Value::Decimal(Decimal { units, scale }))
                .boxed()
        }
        // Not NaN, which is unequal to itself; -0.0 equals 0.0, as its key encoding makes it.
        ColumnType::Double => any::<f64>()
            .prop_filter("NaN", |v| !v.is_nan())
            .prop_map(Value::Double)
            .boxed(),
        ColumnType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        ColumnType::Text { .. } | ColumnType::Json | ColumnType::Enum => {
            ".{0,8}".prop_map(Value::Text).boxed()
        }
        ColumnType::Blob { .. } => vec(any::<u8>(), 0..8).prop_map(Value::Blob).boxed(),
    };
    if nullable {
        prop_oneof![Just(Value::Null), value].boxed()
    } else {
        value
    }
}

fn schema_and_row() -> impl Strategy<Value = (Schema, Vec<Value>)> {
    schema().prop_flat_map(|schema| {
        let row: Vec<_> = schema
            .columns
            .iter()
            .map(|c| value(c.ty, c.nullable))
            .collect();
        (Just(schema), row)
    })
}

fn root_value() -> impl Strategy<Value = RootValue> {
    let table = (
        schema(),
        hash(),
        proptest::option::of((any::<bool>(), hash())),
    );
    btree_map(text(), table, 0..4).prop_map(|tables| RootValue {
        tables: tables
            .into_iter()
            .map(|(name, (mut schema, rows, key))| {
                // A key on the first column a key may hold, with its map's root.
                let keyable = schema.columns.iter().position(|c| c.ty != ColumnType::Json);
                let mut indexes = Vec::new();
                if let (Some((unique, root)), Some(i)) = (key, keyable) {
                    schema.indexes.push(Index {
                        name: "k".into(),
                        columns: vec![i],
                        unique,
                    });
                    indexes.push(root);
                }
                (name, TableRef::new(schema, rows, indexes))
            })
            .collect(),
    })
}

/// A config value as the writer leaves it: one line, no surrounding whitespace.
fn config_value() -> impl Strategy<Value = String> {
    "([!-~]([ -~]{0,10}[!-~])?)?"
}

/// A non-empty config value.
fn name() -> impl Strategy<Value = String> {
    "[!-~]([ -~]{0,10}[!-~])?"
}

fn config() -> impl Strategy<Value = Config> {
    let map = || btree_map("[!-~]([ -~]{0,10}[!-~])?", config_value(), 0..3);
    (
        ("[!-~]{1,8}", config_value()),
        prop::option::of(config_value()),
        prop::option::of(config_value()),
        (map(), map(), map()),
        prop::option::of(any::<u64>()),
        btree_map("[!-~]([ -~]{0,10}[!-~])?", (name(), name()), 0..3),
    )
        .prop_map(
            |((head, id), user_name, user_email, (remotes, backups, synced), gc_live, ups)| {
                let upstreams = ups
                    .into_iter()
                    .map(|(b, (remote, branch))| (b, Upstream { remote, branch }))
                    .collect();
                Config {
                    head,
                    id,
                    user_name,
                    user_email,
                    remotes,
                    upstreams,
                    backups,
                    synced,
                    gc_live,
                }
            },
        )
}

proptest! {
    #[test]
    fn schemas_round_trip(schema in schema()) {
        let mut bytes = Vec::new();
        schema.encode(&mut bytes);
        let mut r = Reader::new(&bytes);
        prop_assert_eq!(Schema::decode(&mut r), Ok(schema));
        prop_assert!(r.end().is_ok());
    }

    #[test]
    fn rows_round_trip((schema, row) in schema_and_row(), count in 1u64..) {
        let layout = RowLayout::new(&schema);
        if layout.is_keyless() {
            let (key, value) = layout.keyless_entry(&row, count);
            prop_assert_eq!(key, Hash::of(&layout.value(&row)).0.to_vec());
            prop_assert_eq!(layout.decode_keyless(&value), Ok((count, row)));
        } else {
            let decoded = layout.decode(&layout.key(&row), &layout.value(&row));
            prop_assert_eq!(decoded, Ok(row));
        }
    }

    #[test]
    fn schema_and_row_decode_never_panic(schema in schema(), key in vec(any::<u8>(), 0..40), value in vec(any::<u8>(), 0..40), junk in vec(any::<u8>(), 0..60)) {
        let _ = Schema::decode(&mut Reader::new(&junk));
        let layout = RowLayout::new(&schema);
        let _ = layout.decode(&key, &value);
        let _ = layout.decode_keyless(&value);
    }

    #[test]
    fn commits_round_trip(
        root in hash(),
        parents in vec(hash(), 0..3),
        (author, email, message) in (text(), text(), text()),
        time_ms in any::<u64>(),
    ) {
        let commit = Commit { root, parents, author, email, time_ms, message };
        prop_assert_eq!(Commit::decode(&commit.encode()), Ok(commit));
    }

    #[test]
    fn datasets_round_trip(map in btree_map(text(), hash(), 0..6)) {
        let datasets = Datasets { map };
        prop_assert_eq!(Datasets::decode(&datasets.encode()), Ok(datasets));
    }

    #[test]
    fn working_sets_round_trip(
        working in hash(),
        staged in hash(),
        merge in prop::option::of((hash(), hash(), btree_map(text(), prop::option::of(hash()), 0..4))),
        operation in prop::sample::select(vec![Operation::Merge, Operation::CherryPick, Operation::Revert]),
        message in text(),
    ) {
        // A conflict map is never empty: an empty hash stands for a schema conflict here.
        let merge = merge.map(|(theirs, base, tables)| MergeState {
            operation,
            theirs,
            base,
            message: message.clone(),
            conflicts: tables
                .into_iter()
                .map(|(name, map)| match map.filter(|m| !m.is_empty()) {
                    Some(map) => (name, TableConflict::Rows(map)),
                    None => (name, TableConflict::Schema),
                })
                .collect(),
        });
        let ws = WorkingSet { working, staged, merge };
        prop_assert_eq!(WorkingSet::decode(&ws.encode()), Ok(ws));
    }

    #[test]
    fn root_values_round_trip(root in root_value()) {
        prop_assert_eq!(RootValue::decode(&root.encode()), Ok(root));
    }

    #[test]
    fn backup_roots_round_trip(
        owner in text(),
        snapshots in vec((any::<u64>(), hash(), text(), details()), 0..4),
    ) {
        let backup = BackupRoot {
            owner,
            snapshots: snapshots
                .into_iter()
                .map(|(time_ms, datasets, head, details)| Snapshot { time_ms, datasets, head, details })
                .collect(),
        };
        prop_assert_eq!(BackupRoot::decode(&backup.encode()), Ok(backup));
    }

    /// Every chunk decoder, through the kind dispatch that sync and verify use too, on
    /// arbitrary bytes after each kind byte.
    #[test]
    fn chunk_decoders_never_panic(
        kind in prop::sample::select(vec![Kind::ProllyNode, Kind::RootValue, Kind::Commit, Kind::Datasets, Kind::WorkingSet, Kind::Backup]),
        body in vec(any::<u8>(), 0..200),
    ) {
        let mut chunk = vec![kind as u8];
        chunk.extend_from_slice(&body);
        for bytes in [&chunk[..], &body[..]] {
            let _ = kind::refs(bytes);
            let _ = Commit::decode(bytes);
            let _ = Datasets::decode(bytes);
            let _ = WorkingSet::decode(bytes);
            let _ = RootValue::decode(bytes);
            let _ = BackupRoot::decode(bytes);
        }
    }

    #[test]
    fn configs_round_trip(config in config()) {
        prop_assert_eq!(Config::decode(&config.encode()), Ok(config));
    }

    #[test]
    fn config_decode_never_panics(text in "[\\[\\]\" =#;a-z\n\t]{0,120}") {
        if let Ok(config) = Config::decode(&text) {
            prop_assert_eq!(Config::decode(&config.encode()), Ok(config));
        }
    }
}
