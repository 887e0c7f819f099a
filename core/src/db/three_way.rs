//! The three-way merge of two root values against their merge base: table by table, then row
//! by row over the prolly diffs of each side against the base, then cell by cell.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;

use crate::chunk_store::ChunkStore;
use crate::db::conflict::RowConflict;
use crate::db::root_value::{RootValue, TableRef};
use crate::db::row::RowLayout;
use crate::db::schema::Schema;
use crate::db::table::TableError;
use crate::db::value::Value;
use crate::db::working_set::TableConflict;
use crate::hash::Hash;
use crate::io::Storage;
use crate::prolly::{DiffEntry, ProllyError};

/// A merged root value and the tables whose conflicts it leaves to the user. A conflicting
/// table holds our side's version of what conflicts.
pub(crate) struct Merged {
    pub root: RootValue,
    pub conflicts: BTreeMap<String, TableConflict>,
}

/// `now_ms` is the clock a `DEFAULT CURRENT_TIMESTAMP` column one side added gives the other
/// side's rows, as ALTER TABLE ADD gave the rows there were (None: NULL, where it may be).
/// Errors are the caller's layer's: `cairn merge` keeps a store's failure apart from a table's,
/// SQL's COMMIT reports both as its own.
pub(crate) async fn merge_roots<S: Storage, E: From<ProllyError> + From<TableError>>(
    store: &mut ChunkStore<S>,
    base: &RootValue,
    ours: &RootValue,
    theirs: &RootValue,
    now_ms: Option<u64>,
) -> Result<Merged, E> {
    let names: BTreeSet<&String> = [base, ours, theirs]
        .iter()
        .flat_map(|r| r.tables.keys())
        .collect();
    let mut merged = Merged {
        root: RootValue::default(),
        conflicts: BTreeMap::new(),
    };
    for name in names {
        let (b, o, t) = (
            base.tables.get(name),
            ours.tables.get(name),
            theirs.tables.get(name),
        );
        let table = if o == t || t == b {
            o.cloned()
        } else if o == b {
            t.cloned()
        } else {
            match (o, t) {
                (Some(o), Some(t)) => {
                    match merge_table::<S, E>(store, name, b, o, t, now_ms).await? {
                        (table, None) => Some(table),
                        (table, Some(conflict)) => {
                            merged.conflicts.insert(name.clone(), conflict);
                            Some(table)
                        }
                    }
                }
                // Dropped on one side, changed on the other.
                _ => {
                    merged.conflicts.insert(name.clone(), TableConflict::Schema);
                    o.cloned()
                }
            }
        };
        if let Some(table) = table {
            merged.root.tables.insert(name.clone(), table);
        }
    }
    Ok(merged)
}

/// The schema both sides' rows can be merged in: the one side's that changed it, if only one
/// did; `None` if both changed it differently or the row keys would not line up.
fn merged_schema<'a>(b: Option<&Schema>, o: &'a Schema, t: &'a Schema) -> Option<&'a Schema> {
    let schema = if o == t || b == Some(t) {
        o
    } else if b == Some(o) {
        t
    } else {
        return None;
    };
    // A column renamed on one side reads as one dropped and one added: the other side's
    // changes to it would be lost, so a schema that both lost and gained names is a conflict.
    let renames = |s: &Schema| {
        b.is_some_and(|b| {
            let lost = b.columns.iter().any(|c| s.column_index(&c.name).is_none());
            let gained = s.columns.iter().any(|c| b.column_index(&c.name).is_none());
            lost && gained
        })
    };
    if o != t && renames(schema) {
        return None;
    }
    let key = |s: &Schema| -> Vec<(String, crate::db::value::ColumnType)> {
        let cols = s.primary_key.iter().map(|&i| &s.columns[i]);
        cols.map(|c| (c.name.to_ascii_lowercase(), c.ty)).collect()
    };
    let sides = [b, Some(o), Some(t)];
    let keys_agree = sides.iter().flatten().all(|s| key(s) == key(schema));
    // A keyless row's key is the hash of all its columns: only one schema keeps it.
    let keyless_ok = !schema.is_keyless() || sides.iter().flatten().all(|s| *s == schema);
    (keys_agree && keyless_ok).then_some(schema)
}

/// A table both sides changed: its merged version, and its conflict if any.
async fn merge_table<S: Storage, E: From<ProllyError> + From<TableError>>(
    store: &mut ChunkStore<S>,
    name: &str,
    b: Option<&TableRef>,
    o: &TableRef,
    t: &TableRef,
    now_ms: Option<u64>,
) -> Result<(TableRef, Option<TableConflict>), E> {
    let Some(schema) = merged_schema(b.map(|b| &*b.schema), &o.schema, &t.schema) else {
        return Ok((o.clone(), Some(TableConflict::Schema)));
    };
    let base_rows = b.map_or(Hash::EMPTY, |b| b.rows);
    let ours = crate::prolly::diff(store, base_rows, o.rows).await?;
    let theirs = crate::prolly::diff(store, base_rows, t.rows).await?;
    let base_schema = b.map_or(schema, |b| &b.schema);
    let sides = Sides {
        base: Side::new(base_schema, schema, now_ms),
        ours: Side::new(&o.schema, schema, now_ms),
        theirs: Side::new(&t.schema, schema, now_ms),
        merged: RowLayout::new(schema),
    };
    // Rows start as ours when the merged schema is ours, so only their changes are edits.
    let ours_first = *o.schema == *schema;
    let Some((edits, conflicts)) = merge_diffs(&sides, &ours, &theirs, ours_first) else {
        return Ok((o.clone(), Some(TableConflict::Schema)));
    };
    let start = if ours_first { o } else { t };
    let rows = crate::prolly::apply(store, start.rows, edits).await?;
    // Rows of both sides may now share a unique key's values: the merge is refused then.
    let table = crate::db::index::refresh(store, name, start, schema, rows).await?;
    if conflicts.is_empty() {
        return Ok((table, None));
    }
    let map = crate::prolly::build(store, conflicts).await?;
    Ok((table, Some(TableConflict::Rows(map))))
}

/// One side's rows, read in its own schema and shown in the merged one.
pub(crate) struct Side<'a> {
    layout: RowLayout,
    schema: &'a Schema,
    merged: &'a Schema,
    now_ms: Option<u64>,
}

impl<'a> Side<'a> {
    pub(crate) fn new(schema: &'a Schema, merged: &'a Schema, now_ms: Option<u64>) -> Self {
        Side {
            layout: RowLayout::new(schema),
            schema,
            merged,
            now_ms,
        }
    }

    /// A stored row as the merged schema's columns, matched by name (a column this side
    /// lacks gets its default, or the clock, as ALTER TABLE ADD gave the other rows); `None` if
    /// it does not fit (a column of another type, or a NOT NULL column this side lacks without
    /// a default, or with the clock's and no clock given).
    pub(crate) fn project(&self, key: &[u8], value: &[u8]) -> Option<Vec<Value>> {
        let row = if self.layout.is_keyless() {
            self.layout.decode_keyless(value).ok()?.1
        } else {
            self.layout.decode(key, value).ok()?
        };
        self.merged
            .columns
            .iter()
            .map(|c| match self.schema.column_index(&c.name) {
                Some(i)
                    if self.schema.columns[i].ty == c.ty
                        && self.schema.columns[i].members == c.members =>
                {
                    Some(row[i].clone())
                }
                None => (c.default_at(self.now_ms))
                    .filter(|v| !v.is_null())
                    .or(c.nullable.then_some(Value::Null)),
                _ => None,
            })
            .collect()
    }

    fn count(&self, value: Option<&[u8]>) -> Option<u64> {
        match value {
            None => Some(0),
            Some(v) => Some(self.layout.decode_keyless(v).ok()?.0),
        }
    }
}

struct Sides<'a> {
    base: Side<'a>,
    ours: Side<'a>,
    theirs: Side<'a>,
    merged: RowLayout,
}

type Edits = Vec<(Vec<u8>, Option<Vec<u8>>)>;
/// Conflict map entries: row key, `RowConflict` encoding.
type ConflictEntries = Vec<(Vec<u8>, Vec<u8>)>;

/// Joins the two sides' changes by key into edits of the starting side's rows and conflict
/// map entries, both in key order; `None` if a row does not fit the merged schema.
fn merge_diffs(
    sides: &Sides<'_>,
    ours: &[DiffEntry],
    theirs: &[DiffEntry],
    ours_first: bool,
) -> Option<(Edits, ConflictEntries)> {
    let (mut edits, mut conflicts) = (Vec::new(), Vec::new());
    let (mut o, mut t) = (ours.iter().peekable(), theirs.iter().peekable());
    loop {
        let (oe, te) = match (o.peek(), t.peek()) {
            (None, None) => return Some((edits, conflicts)),
            (Some(a), Some(b)) if a.key == b.key => (o.next(), t.next()),
            (Some(a), Some(b)) if a.key < b.key => (o.next(), None),
            (Some(_), None) => (o.next(), None),
            _ => (None, t.next()),
        };
        let key = &oe.or(te)?.key;
        match (oe, te) {
            // Only one side changed the row: the other side's starting rows need its change.
            (Some(_), None) if ours_first => {}
            (None, Some(_)) if !ours_first => {}
            (Some(e), None) => edits.push((key.clone(), sides.encode(&sides.ours, e)?)),
            (None, Some(e)) => edits.push((key.clone(), sides.encode(&sides.theirs, e)?)),
            (Some(oe), Some(te)) => match sides.merge_row(oe, te)? {
                Outcome::Merged(value) => edits.push((key.clone(), value)),
                Outcome::Conflict => {
                    let conflict = RowConflict {
                        base: oe.left.clone(),
                        ours: oe.right.clone(),
                        theirs: te.right.clone(),
                    };
                    conflicts.push((key.clone(), conflict.encode()));
                    if !ours_first {
                        edits.push((key.clone(), sides.encode(&sides.ours, oe)?));
                    }
                }
            },
            (None, None) => {}
        }
    }
}

impl Sides<'_> {
    /// A side's new version of a row, stored in the merged schema (`Some(None)`: deleted).
    fn encode(&self, side: &Side<'_>, e: &DiffEntry) -> Option<Option<Vec<u8>>> {
        let Some(value) = &e.right else {
            return Some(None);
        };
        if side.schema == side.merged {
            return Some(Some(value.clone()));
        }
        Some(Some(self.merged.value(&side.project(&e.key, value)?)))
    }

    /// A row both sides changed, stored in the merged schema; `None` if a version of it does
    /// not fit that schema.
    fn merge_row(&self, o: &DiffEntry, t: &DiffEntry) -> Option<Outcome<Vec<u8>>> {
        if self.merged.is_keyless() {
            // Copies of a keyless row: each side's additions and removals both count.
            let b = self.base.count(o.left.as_deref())?;
            let n = (self.ours.count(o.right.as_deref())?
                + self.theirs.count(t.right.as_deref())?)
            .saturating_sub(b);
            let Some(row) = o.right.as_ref().or(t.right.as_ref()).filter(|_| n > 0) else {
                return Some(Outcome::Merged(None));
            };
            let row = self.ours.project(&o.key, row)?;
            let value = self.merged.keyless_entry(&row, n).1;
            return Some(Outcome::Merged(Some(value)));
        }
        let project = |side: &Side<'_>, value: &Option<Vec<u8>>| match value {
            None => Some(None),
            Some(v) => side.project(&o.key, v).map(Some),
        };
        let base = project(&self.base, &o.left)?;
        let ours = project(&self.ours, &o.right)?;
        let theirs = project(&self.theirs, &t.right)?;
        Some(match merge_cells(base, ours, theirs) {
            Outcome::Merged(row) => Outcome::Merged(row.map(|r| self.merged.value(&r))),
            Outcome::Conflict => Outcome::Conflict,
        })
    }
}

/// A row's merge: its merged version (`None`: deleted), or a conflict.
#[derive(Debug, PartialEq)]
pub(crate) enum Outcome<T> {
    Merged(Option<T>),
    Conflict,
}

/// A keyed row's three versions merged. Each cell takes the side that changed it; both
/// changing it differently, or one deleting the row the other changed, is a conflict. NULL
/// equals NULL here: a cell both sides set to NULL agrees.
pub(crate) fn merge_cells(
    base: Option<Vec<Value>>,
    ours: Option<Vec<Value>>,
    theirs: Option<Vec<Value>>,
) -> Outcome<Vec<Value>> {
    if ours == theirs || theirs == base {
        return Outcome::Merged(ours);
    }
    if ours == base {
        return Outcome::Merged(theirs);
    }
    let (Some(b), Some(o), Some(t)) = (base, ours, theirs) else {
        return Outcome::Conflict;
    };
    let cells = b.into_iter().zip(o).zip(t).map(|((b, o), t)| {
        if o == t || t == b {
            Some(o)
        } else if o == b {
            Some(t)
        } else {
            None
        }
    });
    match cells.collect::<Option<Vec<Value>>>() {
        Some(row) => Outcome::Merged(Some(row)),
        None => Outcome::Conflict,
    }
}

#[cfg(test)]
mod tests {
    use super::merge_cells;
    use super::Outcome::{Conflict, Merged};
    use crate::db::value::Value::{self, Int, Null, Text};
    use alloc::vec::Vec;

    fn row(cells: &[Value]) -> Option<Vec<Value>> {
        Some(cells.to_vec())
    }

    #[test]
    fn different_cells_of_one_row_merge() {
        let base = row(&[Int(1), Text("a".into()), Int(10)]);
        let ours = row(&[Int(1), Text("b".into()), Int(10)]);
        let theirs = row(&[Int(1), Text("a".into()), Int(20)]);
        assert_eq!(
            merge_cells(base, ours, theirs),
            Merged(row(&[Int(1), Text("b".into()), Int(20)]))
        );
    }

    #[test]
    fn the_same_cell_changed_differently_conflicts() {
        let base = row(&[Int(1), Int(10)]);
        assert_eq!(
            merge_cells(base, row(&[Int(1), Int(11)]), row(&[Int(1), Int(12)])),
            Conflict
        );
    }

    #[test]
    fn nulls_are_values_like_any_other() {
        // One side sets NULL, the other changes another cell: both land.
        let base = row(&[Int(1), Int(10), Int(5)]);
        let merged = merge_cells(
            base.clone(),
            row(&[Int(1), Null, Int(5)]),
            row(&[Int(1), Int(10), Int(6)]),
        );
        assert_eq!(merged, Merged(row(&[Int(1), Null, Int(6)])));
        // Both set the same cell to NULL: they agree.
        let both_null = merge_cells(
            base.clone(),
            row(&[Int(1), Null, Int(5)]),
            row(&[Int(1), Null, Int(7)]),
        );
        assert_eq!(both_null, Merged(row(&[Int(1), Null, Int(7)])));
        // NULL against a value is a change of its own.
        let base = row(&[Int(1), Null]);
        assert_eq!(
            merge_cells(base, row(&[Int(1), Int(2)]), row(&[Int(1), Int(3)])),
            Conflict
        );
    }

    #[test]
    fn a_delete_against_an_update_conflicts_and_two_deletes_agree() {
        let base = row(&[Int(1), Int(10)]);
        let updated = row(&[Int(1), Int(11)]);
        assert_eq!(merge_cells(base.clone(), None, updated.clone()), Conflict);
        assert_eq!(merge_cells(base.clone(), updated, None), Conflict);
        assert_eq!(merge_cells(base.clone(), None, None), Merged(None));
        // Deleted on one side, untouched on the other: deleted.
        assert_eq!(merge_cells(base.clone(), None, base), Merged(None));
    }

    #[test]
    fn identical_changes_are_clean() {
        let base = row(&[Int(1), Int(10)]);
        let same = row(&[Int(1), Int(99)]);
        assert_eq!(
            merge_cells(base, same.clone(), same.clone()),
            Merged(same.clone())
        );
        // Both inserted the same row.
        assert_eq!(merge_cells(None, same.clone(), same.clone()), Merged(same));
        // Both inserted different rows under one key.
        assert_eq!(
            merge_cells(None, row(&[Int(1), Int(1)]), row(&[Int(1), Int(2)])),
            Conflict
        );
    }
}

/// Whole root values merged, over an in-memory store.
#[cfg(test)]
mod root_tests {
    use alloc::string::String;
    use alloc::vec::Vec;

    use pollster::block_on;

    use super::{merge_roots, Merged};
    use crate::chunk_store::ChunkStore;
    use crate::db::conflict::RowConflict;
    use crate::db::root_value::RootValue;
    use crate::db::working_set::TableConflict;
    use crate::memory::MemoryStorage;
    use crate::sql::{execute, format::format_csv};

    type Store = ChunkStore<MemoryStorage>;

    /// Runs `setup` for the base, then `ours` and `theirs` each on a copy of it; merges.
    fn merge(setup: &str, ours: &str, theirs: &str) -> (Store, Merged) {
        let mut store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
        let mut base = RootValue::default();
        block_on(execute(&mut store, &mut base, setup)).unwrap();
        let mut side = |sql: &str| {
            let mut root = base.clone();
            block_on(execute(&mut store, &mut root, sql)).unwrap();
            root
        };
        let (o, t) = (side(ours), side(theirs));
        let merged = block_on(merge_roots::<_, crate::db::table::TableError>(
            &mut store, &base, &o, &t, None,
        ))
        .unwrap();
        (store, merged)
    }

    fn csv(store: &mut Store, root: &RootValue, query: &str) -> String {
        let mut root = root.clone();
        let mut results = block_on(execute(store, &mut root, query)).unwrap();
        format_csv(&results.pop().unwrap())
    }

    const T: &str = "create table t (id int primary key, a int, b text); \
                     insert into t values (1, 10, 'x'), (2, 20, 'y')";

    #[test]
    fn rows_and_cells_of_both_sides_land_and_a_conflict_is_recorded_with_its_three_versions() {
        let (mut store, m) = merge(
            T,
            "update t set a = 11 where id = 1; update t set b = null where id = 2",
            "update t set b = 'X' where id = 1; update t set b = 'Y' where id = 2; \
             insert into t values (3, null, null)",
        );
        let Some(TableConflict::Rows(map)) = m.conflicts.get("t").copied() else {
            panic!("row 2's b is a conflict: {:?}", m.conflicts);
        };
        // The conflicting row keeps ours until it is resolved.
        assert_eq!(
            csv(&mut store, &m.root, "select * from t"),
            "id,a,b\n1,11,X\n2,20,\n3,,\n"
        );
        let mut entries = Vec::new();
        let all = (core::ops::Bound::Unbounded, core::ops::Bound::Unbounded);
        block_on(crate::prolly::scan(&store, map, all, |k, v| {
            entries.push((k.to_vec(), RowConflict::decode(v).unwrap()));
            true
        }))
        .unwrap();
        assert_eq!(entries.len(), 1);
        let c = &entries[0].1;
        assert!(c.base.is_some() && c.ours.is_some() && c.theirs.is_some());
        assert_ne!(c.ours, c.theirs);
    }

    #[test]
    fn a_column_one_side_added_takes_the_other_sides_changes_with_nulls() {
        let (mut store, m) = merge(
            T,
            "drop table t; create table t (id int primary key, a int, b text, c int); \
             insert into t values (1, 10, 'x', null), (2, 20, 'y', 7)",
            "update t set a = 11 where id = 1; insert into t values (3, 30, 'z')",
        );
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        assert_eq!(
            csv(&mut store, &m.root, "select * from t"),
            "id,a,b,c\n1,11,x,\n2,20,y,7\n3,30,z,\n"
        );
    }

    #[test]
    fn rows_that_cannot_fill_a_new_not_null_column_make_a_schema_conflict() {
        let (_, m) = merge(
            T,
            "drop table t; create table t (id int primary key, a int, b text, c int not null); \
             insert into t values (1, 10, 'x', 1), (2, 20, 'y', 2)",
            "insert into t values (3, 30, 'z')",
        );
        assert_eq!(m.conflicts.get("t"), Some(&TableConflict::Schema));
    }

    #[test]
    fn keyless_copies_added_and_removed_on_both_sides_all_count() {
        let (mut store, m) = merge(
            "create table k (a int); insert into k values (1), (1), (2)",
            "insert into k values (1), (3)",
            "delete from k where a = 2; insert into k values (3)",
        );
        assert!(m.conflicts.is_empty());
        assert_eq!(
            csv(&mut store, &m.root, "select a from k order by a"),
            "a\n1\n1\n1\n3\n3\n"
        );
    }

    #[test]
    fn identical_changes_on_both_sides_are_clean() {
        let same = "update t set a = 99 where id = 1; delete from t where id = 2";
        let (mut store, m) = merge(T, same, same);
        assert!(m.conflicts.is_empty());
        assert_eq!(
            csv(&mut store, &m.root, "select * from t"),
            "id,a,b\n1,99,x\n"
        );
    }
}
