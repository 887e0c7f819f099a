//! A stopped merge's conflicts: listing a table's, and settling them with one side's
//! versions or with the rows as the user edited them.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ops::Bound;

use super::{Repo, RepoError, Result};
use crate::db::conflict::RowConflict;
use crate::db::row::RowLayout;
use crate::db::schema::Schema;
use crate::db::three_way::Side;
use crate::db::value::Value;
use crate::db::working_set::{MergeState, TableConflict, WorkingSet};
use crate::hash::Hash;
use crate::io::Storage;

/// A table's conflicts, as `conflicts cat` shows them.
#[derive(Clone, Debug, PartialEq)]
pub enum TableConflicts {
    /// The table's schema in the base, ours and theirs (`None`: no such table there).
    Schema(Box<[Option<Schema>; 3]>),
    /// Conflicting rows in the columns of `schema`, the working table's: each row's base,
    /// ours and theirs versions (`None`: no such row there).
    Rows {
        schema: Schema,
        rows: Vec<[Option<Vec<Value>>; 3]>,
    },
}

/// How `conflicts resolve` settles a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    Ours,
    Theirs,
    /// The working table as the user left it.
    AsEdited,
}

impl<S: Storage> Repo<S> {
    /// The merge in progress on the current branch, and its working set.
    async fn merging(&self) -> Result<(WorkingSet, MergeState)> {
        let mut ws = self.working_set(&self.config.head).await?;
        let merge = ws.merge.take().ok_or(RepoError::NoMerge)?;
        Ok((ws, merge))
    }

    /// The schemas of `table` in the merge's base, ours (HEAD) and theirs.
    async fn three_schemas(&self, merge: &MergeState, table: &str) -> Result<[Option<Schema>; 3]> {
        let mut out = [None, None, None];
        for (slot, commit) in out.iter_mut().zip([merge.base, self.head()?, merge.theirs]) {
            let root = self.root_value(self.commit_at(commit).await?.root).await?;
            *slot = root.tables.get(table).map(|t| Schema::clone(&t.schema));
        }
        Ok(out)
    }

    pub async fn conflicts(&self, table: &str) -> Result<TableConflicts> {
        let (ws, merge) = self.merging().await?;
        let map = match merge.conflicts.get(table) {
            None => return Err(RepoError::NoConflicts(table.into())),
            Some(TableConflict::Schema) => {
                return Ok(TableConflicts::Schema(Box::new(
                    self.three_schemas(&merge, table).await?,
                )))
            }
            Some(TableConflict::Rows(map)) => *map,
        };
        let sides = self.three_schemas(&merge, table).await?;
        let working = self.root_value(ws.working).await?;
        let schema = match working.tables.get(table) {
            Some(t) => Schema::clone(&t.schema),
            None => sides[1].clone().unwrap_or_default(),
        };
        let mut rows = Vec::new();
        for (key, value) in self.conflict_entries(map).await? {
            let c = decode_conflict(&value)?;
            let mut shown = [None, None, None];
            for ((slot, stored), side) in
                shown.iter_mut().zip([c.base, c.ours, c.theirs]).zip(&sides)
            {
                *slot = match (stored, side) {
                    (Some(v), Some(side)) => Some(shown_in(side, &schema, &key, &v)?),
                    _ => None,
                };
            }
            rows.push(shown);
        }
        Ok(TableConflicts::Rows { schema, rows })
    }

    pub(super) async fn conflict_entries(&self, map: Hash) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut entries = Vec::new();
        let all = (Bound::Unbounded, Bound::Unbounded);
        crate::prolly::scan(&self.store, map, all, |k, v| {
            entries.push((k.to_vec(), v.to_vec()));
            true
        })
        .await?;
        Ok(entries)
    }

    /// Settles a table's conflicts: its conflicting rows (or, for a schema conflict, the whole
    /// table) take one side's version, or stay as edited; the table is staged either way.
    pub async fn resolve_conflicts(&mut self, table: &str, how: Resolution) -> Result<()> {
        let (mut ws, mut merge) = self.merging().await?;
        let conflict = merge
            .conflicts
            .remove(table)
            .ok_or_else(|| RepoError::NoConflicts(table.into()))?;
        let mut working = self.root_value(ws.working).await?;
        let side = match how {
            Resolution::Ours => Some(1),
            Resolution::Theirs => Some(2),
            Resolution::AsEdited => None,
        };
        if let Some(side) = side {
            let schemas = self.three_schemas(&merge, table).await?;
            match conflict {
                TableConflict::Schema => {
                    let commit = [merge.base, self.head()?, merge.theirs][side];
                    let root = self.root_value(self.commit_at(commit).await?.root).await?;
                    match root.tables.get(table) {
                        Some(t) => working.tables.insert(table.into(), t.clone()),
                        None => working.tables.remove(table),
                    };
                }
                TableConflict::Rows(map) => {
                    let unfit = || RepoError::Unfit(table.into());
                    let current = working.tables.get_mut(table).ok_or_else(unfit)?;
                    let from = schemas[side].as_ref().ok_or_else(unfit)?;
                    let fit = Side::new(from, &current.schema, None);
                    let layout = RowLayout::new(&current.schema);
                    let mut edits = Vec::new();
                    for (key, value) in self.conflict_entries(map).await? {
                        let c = decode_conflict(&value)?;
                        let mut versions = [c.base, c.ours, c.theirs];
                        let version = versions[side].take();
                        let value = match version {
                            None => None,
                            Some(v) if *from == *current.schema => Some(v),
                            Some(v) => {
                                Some(layout.value(&fit.project(&key, &v).ok_or_else(unfit)?))
                            }
                        };
                        edits.push((key, value));
                    }
                    current.rows =
                        crate::prolly::apply(&mut self.store, current.rows, edits).await?;
                }
            }
        }
        let mut staged = self.root_value(ws.staged).await?;
        match working.tables.get(table) {
            Some(t) => staged.tables.insert(table.into(), t.clone()),
            None => staged.tables.remove(table),
        };
        ws.working = self.put_root_value(&working).await?;
        ws.staged = self.put_root_value(&staged).await?;
        ws.merge = Some(merge);
        self.set_working_set(ws).await
    }
}

fn decode_conflict(value: &[u8]) -> Result<RowConflict> {
    RowConflict::decode(value).map_err(|why| RepoError::Corrupt {
        hash: Hash::EMPTY,
        why,
    })
}

/// A side's stored row in the columns of `shown`, by name: NULL where that side has no such
/// column.
fn shown_in(side: &Schema, shown: &Schema, key: &[u8], value: &[u8]) -> Result<Vec<Value>> {
    let row = RowLayout::new(side)
        .decode(key, value)
        .map_err(|why| RepoError::Corrupt {
            hash: Hash::EMPTY,
            why,
        })?;
    Ok(shown
        .columns
        .iter()
        .map(|c| {
            side.column_index(&c.name)
                .map_or(Value::Null, |i| row[i].clone())
        })
        .collect())
}
