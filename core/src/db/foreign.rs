//! Foreign keys (`FOREIGN KEY (c) REFERENCES p (k)`), kept in one place as the index maps
//! are: [`enforce`] compares the root value before a statement (or merge, or import) with the
//! one after it, table by table through the difference of their row maps, so whatever wrote
//! the rows is held to the same rules.
//!
//! A row whose foreign key columns are all non-NULL must have a row in the parent table with
//! those values. Checked at the end of each statement (the SQL standard's rule; InnoDB checks
//! row by row, so a statement that inserts a child before its parent fails there and passes
//! here). A parent row's values that a statement takes away while rows still reference them
//! (and no other parent row holds them) set off the key's action: `RESTRICT`/`NO ACTION`
//! fail, `CASCADE` deletes the children (or gives them the parent's new values),
//! `SET NULL` clears their columns; what that changes is checked in turn, to MySQL's depth of
//! 15. Both sides find their rows through a key that starts with the columns (the schema
//! guarantees one), never by scanning.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::ops::Bound;

use crate::chunk_store::ChunkStore;
use crate::codec::CodecError;
use crate::db::index::{changed_rows, encode_part, successor, Change};
use crate::db::root_value::{RootValue, TableRef};
use crate::db::row::{encode_ordered, RowLayout};
use crate::db::schema::{Action, ForeignKey, Schema};
use crate::db::table::{Span, Table, TableError};
use crate::db::value::Value;
use crate::io::Storage;

/// What took a parent row's values away, which decides the action that follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// DELETE, TRUNCATE, REPLACE: the keys' `ON DELETE` actions.
    Delete,
    /// UPDATE, INSERT ... ON DUPLICATE KEY UPDATE: their `ON UPDATE` actions.
    Update,
    /// A merge, an import, a conflict resolved: every key acts as RESTRICT.
    Check,
}

/// MySQL's limit on how far a cascade reaches.
const MAX_DEPTH: usize = 15;

/// Holds `after` (changed from `before` by one statement) to every foreign key it has,
/// carrying out the keys' actions in it; fails, leaving `after` partly changed (the caller
/// discards it), where a key refuses the change.
pub async fn enforce<S: Storage>(
    store: &mut ChunkStore<S>,
    before: &RootValue,
    after: &mut RootValue,
    cause: Cause,
) -> Result<(), TableError> {
    if after
        .tables
        .values()
        .all(|t| t.schema.foreign_keys.is_empty())
    {
        return Ok(());
    }
    // Tables to look at, each with the version the comparison starts from, and the depth
    // of the cascade that changed it.
    let mut queue: Vec<(String, Option<TableRef>, usize)> = Vec::new();
    for (name, old) in &before.tables {
        if after.tables.get(name) != Some(old) {
            queue.push((name.clone(), Some(old.clone()), 0));
        }
    }
    for name in after.tables.keys() {
        if !before.tables.contains_key(name) {
            queue.push((name.clone(), None, 0));
        }
    }
    while let Some((name, old, depth)) = queue.pop() {
        let new = after.tables.get(&name).cloned();
        // A table no key involves costs nothing (a bulk load beside tables that have keys).
        let own_keys = new
            .as_ref()
            .is_some_and(|t| !t.schema.foreign_keys.is_empty());
        let references = references(after, &name);
        if !own_keys && references.is_empty() {
            continue;
        }
        match (old, new) {
            (Some(old), Some(new)) if old.schema == new.schema => {
                let changes =
                    changed_rows(store, &RowLayout::new(&new.schema), old.rows, new.rows).await?;
                check_children(store, after, &name, &new.schema, &changes).await?;
                for (child, key) in references {
                    if let Some(child_before) =
                        act(store, after, &name, &changes, (&child, &key), cause).await?
                    {
                        if depth >= MAX_DEPTH {
                            return Err(TableError::Cascade(format!(
                                "Foreign key cascade delete/update exceeds max depth of {MAX_DEPTH}."
                            )));
                        }
                        queue.push((child, Some(child_before), depth + 1));
                    }
                }
            }
            // A new table, a new schema (ALTER TABLE) or a table dropped: every row of every
            // key it is part of, either side.
            (_, new) => {
                if let Some(new) = &new {
                    for key in &new.schema.foreign_keys {
                        check_all(store, after, &name, new, key).await?;
                    }
                }
                for (child, key) in references {
                    if child != name || new.is_none() {
                        check_all(store, after, &child, &after.tables[&child], &key).await?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Every foreign key of `after` whose parent is `parent`, with its table's name.
fn references(after: &RootValue, parent: &str) -> Vec<(String, ForeignKey)> {
    let mut found = Vec::new();
    for (name, table) in &after.tables {
        for key in &table.schema.foreign_keys {
            if key.parent == parent {
                found.push((name.clone(), key.clone()));
            }
        }
    }
    found
}

/// The error a key gives for a row of `child` it refuses.
fn refused(child: &str, schema: &Schema, key: &ForeignKey, parent_row: bool) -> TableError {
    TableError::ForeignKey {
        child: child.to_string(),
        constraint: key.to_sql(schema),
        parent_row,
    }
}

/// A key's values in `row`, None if one is NULL (such a row references nothing).
fn values(row: &[Value], columns: &[usize]) -> Option<Vec<Value>> {
    columns
        .iter()
        .map(|&i| (!row[i].is_null()).then(|| row[i].clone()))
        .collect()
}

/// The rows of `table` written or changed by `changes` each have their parent rows.
async fn check_children<S: Storage>(
    store: &ChunkStore<S>,
    after: &RootValue,
    name: &str,
    schema: &Schema,
    changes: &[Change],
) -> Result<(), TableError> {
    for key in &schema.foreign_keys {
        let mut wanted = Wanted::default();
        for c in changes {
            let Some(new) = c
                .new
                .as_ref()
                .and_then(|(row, _)| values(row, &key.columns))
            else {
                continue;
            };
            let old = c
                .old
                .as_ref()
                .and_then(|(row, _)| values(row, &key.columns));
            if old.as_ref() != Some(&new) {
                wanted.add(schema, key, new);
            }
        }
        wanted.check(store, after, name, schema, key).await?;
    }
    Ok(())
}

/// Values of `columns` as an index of them orders them: equal values, equal bytes.
fn encoded(schema: &Schema, columns: &[usize], values: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for (&c, v) in columns.iter().zip(values) {
        encode_part(&mut out, schema, c, v);
    }
    out
}

/// Distinct values of a key's columns, whose parent rows are to be looked up once each.
#[derive(Default)]
struct Wanted(BTreeMap<Vec<u8>, Vec<Value>>);

impl Wanted {
    fn add(&mut self, schema: &Schema, key: &ForeignKey, values: Vec<Value>) {
        self.0
            .entry(encoded(schema, &key.columns, &values))
            .or_insert(values);
    }

    /// Fails with `key`'s error unless each has its parent row.
    async fn check<S: Storage>(
        self,
        store: &ChunkStore<S>,
        after: &RootValue,
        name: &str,
        schema: &Schema,
        key: &ForeignKey,
    ) -> Result<(), TableError> {
        for values in self.0.into_values() {
            if !parent_has(store, after, key, &values).await? {
                return Err(refused(name, schema, key, false));
            }
        }
        Ok(())
    }
}

/// Every row of `table` (named `name`) has its parent row under `key`.
async fn check_all<S: Storage>(
    store: &ChunkStore<S>,
    after: &RootValue,
    name: &str,
    table: &TableRef,
    key: &ForeignKey,
) -> Result<(), TableError> {
    let mut wanted = Wanted::default();
    Table::new(table)
        .visit(store, &Span::All, |_, row, _| {
            if let Some(values) = values(row, &key.columns) {
                wanted.add(&table.schema, key, values);
            }
            Ok::<_, TableError>(true)
        })
        .await?;
    wanted.check(store, after, name, &table.schema, key).await
}

/// Whether `key`'s parent table has a row with `values` in its referenced columns.
async fn parent_has<S: Storage>(
    store: &ChunkStore<S>,
    after: &RootValue,
    key: &ForeignKey,
    values: &[Value],
) -> Result<bool, TableError> {
    let Some(parent) = after.tables.get(&key.parent) else {
        return Ok(false);
    };
    let columns = parent_columns(&parent.schema, key)?;
    Ok(!rows_with(store, parent, &columns, values, true)
        .await?
        .is_empty())
}

/// The positions of `key`'s referenced columns in its parent's schema. The SQL layer keeps
/// them there; a store that does not is damaged.
fn parent_columns(parent: &Schema, key: &ForeignKey) -> Result<Vec<usize>, TableError> {
    key.parent_columns
        .iter()
        .map(|c| parent.column_index(c))
        .collect::<Option<Vec<_>>>()
        .filter(|cols| parent.key_over(cols).is_some())
        .ok_or(TableError::Corrupt(CodecError::Invalid(
            "a foreign key's parent columns",
        )))
}

/// The rows of `table` whose `columns` hold `values` (each converted to its column's type;
/// one that does not convert matches nothing): their keys and rows, or only the first if
/// `one`. Read through the key that starts with `columns`.
async fn rows_with<S: Storage>(
    store: &ChunkStore<S>,
    table: &TableRef,
    columns: &[usize],
    values: &[Value],
    one: bool,
) -> Result<Vec<(Vec<u8>, Vec<Value>)>, TableError> {
    let schema = &table.schema;
    let mut converted = Vec::with_capacity(values.len());
    for (&c, v) in columns.iter().zip(values) {
        match schema.columns[c].coerce(v.clone()) {
            Ok(v) => converted.push(v),
            Err(_) => return Ok(Vec::new()),
        }
    }
    let span = match schema.key_over(columns) {
        Some(None) => {
            let mut prefix = Vec::new();
            for (&c, v) in columns.iter().zip(&converted) {
                encode_ordered(&mut prefix, schema.columns[c].ty, v);
            }
            if columns.len() == schema.primary_key.len() {
                Span::Key(prefix)
            } else {
                let end = successor(prefix.clone()).map_or(Bound::Unbounded, Bound::Excluded);
                Span::Range(Bound::Included(prefix), end)
            }
        }
        Some(Some(i)) => {
            let prefix = encoded(schema, columns, &converted);
            let end = successor(prefix.clone()).map_or(Bound::Unbounded, Bound::Excluded);
            Span::Index(i, Bound::Included(prefix), end)
        }
        None => Span::All,
    };
    let mut found = Vec::new();
    Table::new(table)
        .visit(store, &span, |key, row, _| {
            // The span is exact; the values are compared anyway, as an index map from a
            // store is untrusted and an unbuilt one reads every row.
            if columns.iter().zip(&converted).all(|(&c, v)| &row[c] == v) {
                found.push((key.to_vec(), core::mem::take(row)));
            }
            Ok::<_, TableError>(!one || found.is_empty())
        })
        .await?;
    Ok(found)
}

/// A parent row's old values of a key, and its new ones if it is still there.
type Moved = (Vec<Value>, Option<Vec<Value>>);

/// Carries out `key`'s action (its table `child` referencing `parent`) for the values
/// `changes` took from `parent`'s rows: the child table as it was before, if it changed.
async fn act<S: Storage>(
    store: &mut ChunkStore<S>,
    after: &mut RootValue,
    parent: &str,
    changes: &[Change],
    (child, key): (&str, &ForeignKey),
    cause: Cause,
) -> Result<Option<TableRef>, TableError> {
    let parent_table = after.tables[parent].clone();
    let columns = parent_columns(&parent_table.schema, key)?;
    // A row whose primary key an UPDATE changed is a row gone and a row new: with one of
    // each, they are the same row (an UPDATE adds and removes none).
    let only = |keep: fn(&Change) -> bool| {
        let mut found = changes.iter().filter(|c| keep(c));
        match (found.next(), found.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    };
    let moved = only(|c| c.old.is_none()).filter(|_| only(|c| c.new.is_none()).is_some());
    // By the old values' encoding: each once, with the values its row took instead.
    let mut gone: BTreeMap<Vec<u8>, Moved> = BTreeMap::new();
    for c in changes {
        let Some(old) = c.old.as_ref().and_then(|(row, _)| values(row, &columns)) else {
            continue;
        };
        let new_row = match (&c.new, moved) {
            (Some((row, _)), _) => Some(row),
            (None, Some(m)) if cause == Cause::Update => m.new.as_ref().map(|(row, _)| row),
            (None, _) => None,
        };
        let new = new_row.map(|row| columns.iter().map(|&i| row[i].clone()).collect());
        if new.as_ref() != Some(&old) {
            let at = encoded(&parent_table.schema, &columns, &old);
            gone.entry(at).or_insert((old, new));
        }
    }
    let child_table = after.tables[child].clone();
    let action = match cause {
        Cause::Delete => key.on_delete,
        Cause::Update => key.on_update,
        Cause::Check => Action::NoAction,
    };
    let mut edits: Vec<(Vec<u8>, Option<Vec<Value>>)> = Vec::new();
    for (old, new) in gone.into_values() {
        // Another parent row may hold the same values (a key that is not unique).
        if !rows_with(store, &parent_table, &columns, &old, true)
            .await?
            .is_empty()
        {
            continue;
        }
        let children = rows_with(store, &child_table, &key.columns, &old, false).await?;
        for (row_key, mut row) in children {
            let replace = match (action, cause) {
                (Action::NoAction | Action::Restrict, _) => {
                    return Err(refused(child, &child_table.schema, key, true));
                }
                (Action::Cascade, Cause::Delete) => None,
                (Action::Cascade, _) => {
                    let Some(new) = &new else {
                        return Err(TableError::Cascade(format!(
                            "ON UPDATE CASCADE of {} follows a change of one row's primary key \
                             at a time, and this UPDATE changed several of '{parent}'",
                            key.name
                        )));
                    };
                    Some(new.clone())
                }
                (Action::SetNull, _) => Some(alloc::vec![Value::Null; key.columns.len()]),
            };
            let row = replace.map(|values| {
                for (&c, v) in key.columns.iter().zip(values) {
                    row[c] = v;
                }
                row
            });
            edits.push((row_key, row));
        }
    }
    if edits.is_empty() {
        return Ok(None);
    }
    let mut table = Table::new(&child_table);
    for (row_key, row) in edits {
        let span = Span::Key(row_key);
        match row {
            None => {
                table
                    .delete_where(store, &span, |_| Ok::<_, TableError>(true))
                    .await?;
            }
            Some(row) => {
                table
                    .update_where(store, &span, |_| Ok::<_, TableError>(Some(row.clone())))
                    .await?;
            }
        }
    }
    let finished = table.finish(store, child).await?;
    after.tables.insert(child.to_string(), finished);
    Ok(Some(child_table))
}
