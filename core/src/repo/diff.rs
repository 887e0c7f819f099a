//! `diff`: which tables changed between two roots, and which rows, read from the prolly
//! trees' differing nodes only.

use alloc::string::String;
use alloc::vec::Vec;

use super::status::{changed_tables, TableChange};
use super::{Repo, RepoError, Result};
use crate::db::commit::Commit;
use crate::db::root_value::{RootValue, TableRef};
use crate::db::row::RowLayout;
use crate::db::schema::Schema;
use crate::db::value::Value;
use crate::hash::Hash;
use crate::io::Storage;

#[derive(Clone, Debug, PartialEq)]
pub enum RowChange {
    Added(Vec<Value>),
    Removed(Vec<Value>),
    Modified { old: Vec<Value>, new: Vec<Value> },
}

/// How a table's schema changed, column by column (matched by name, as MySQL does).
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaChange {
    /// A column's name and definition, as CREATE TABLE writes it (`int NOT NULL DEFAULT '5'`).
    ColumnAdded {
        name: String,
        definition: String,
    },
    ColumnDropped {
        name: String,
        definition: String,
    },
    /// A column of that name whose definition changed: type, nullability, default,
    /// AUTO_INCREMENT, ON UPDATE, an enum's members.
    ColumnChanged {
        name: String,
        old: String,
        new: String,
    },
    /// The primary key's columns, before and after.
    KeyChanged {
        old: Vec<String>,
        new: Vec<String>,
    },
    /// A secondary index, foreign key or check, as CREATE TABLE writes it.
    ConstraintAdded(String),
    ConstraintDropped(String),
    /// The table option `AUTO_INCREMENT = N` (None: not set).
    AutoIncrementStart {
        old: Option<u64>,
        new: Option<u64>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableDiff {
    pub name: String,
    pub change: TableChange,
    pub schema_changed: bool,
    /// What `schema_changed` means, column by column.
    pub schema_changes: Vec<SchemaChange>,
    /// The schema rows are shown in: the new one, or the old one for a deleted table. Rows
    /// of the old schema are shown in the new one: a dropped column's value left out, an
    /// added one's as NULL.
    pub schema: Schema,
    pub rows: Vec<RowChange>,
}

/// What `diff` compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffTarget<'a> {
    Working,
    Staged,
    Ref(&'a str),
}

impl<S: Storage> Repo<S> {
    async fn target_root(&self, target: DiffTarget<'_>) -> Result<Hash> {
        let ws = self.working_set(&self.config.head).await?;
        Ok(match target {
            DiffTarget::Working => ws.working,
            DiffTarget::Staged => ws.staged,
            DiffTarget::Ref(spec) => self.commit_at(self.resolve(spec).await?.0).await?.root,
        })
    }

    pub async fn diff(&self, from: DiffTarget<'_>, to: DiffTarget<'_>) -> Result<Vec<TableDiff>> {
        let from = self.root_value(self.target_root(from).await?).await?;
        let to = self.root_value(self.target_root(to).await?).await?;
        self.diff_roots(&from, &to).await
    }

    pub async fn diff_roots(&self, from: &RootValue, to: &RootValue) -> Result<Vec<TableDiff>> {
        let mut out = Vec::new();
        for t in changed_tables(from, to) {
            let old = from.tables.get(&t.name);
            let new = to.tables.get(&t.name);
            let schema = new
                .or(old)
                .map(|r| Schema::clone(&r.schema))
                .unwrap_or_default();
            let mut rows = self.row_changes(old, new).await?;
            let schema_changes = match old.zip(new) {
                Some((a, b)) if a.schema != b.schema => {
                    realign(&mut rows, &a.schema, &b.schema);
                    schema_changes(&a.schema, &b.schema)
                }
                _ => Vec::new(),
            };
            out.push(TableDiff {
                schema_changed: old.zip(new).is_some_and(|(a, b)| a.schema != b.schema),
                schema_changes,
                name: t.name,
                change: t.change,
                schema,
                rows,
            });
        }
        Ok(out)
    }

    /// A commit and what it changed: its diff against its first parent (against nothing
    /// for a first commit), as `git show` prints it.
    pub async fn show(&self, spec: &str) -> Result<(Hash, Commit, Vec<TableDiff>)> {
        let hash = self.resolve(spec).await?.0;
        let commit = self.commit_at(hash).await?;
        let before = match commit.parents.first() {
            Some(&p) => self.root_value(self.commit_at(p).await?.root).await?,
            None => RootValue::default(),
        };
        let after = self.root_value(commit.root).await?;
        let diffs = self.diff_roots(&before, &after).await?;
        Ok((hash, commit, diffs))
    }

    async fn row_changes(
        &self,
        old: Option<&TableRef>,
        new: Option<&TableRef>,
    ) -> Result<Vec<RowChange>> {
        let rows = |t: Option<&TableRef>| t.map_or(Hash::EMPTY, |t| t.rows);
        let layout = |t: Option<&TableRef>| t.map(|t| RowLayout::new(&t.schema));
        let (old_layout, new_layout) = (layout(old), layout(new));
        let entries = crate::prolly::diff(&self.store, rows(old), rows(new)).await?;
        let decode =
            |layout: &Option<RowLayout>, key: &[u8], value: &[u8]| -> Result<(u64, Vec<Value>)> {
                let layout = layout.as_ref().ok_or(RepoError::Corrupt {
                    hash: Hash::EMPTY,
                    why: crate::codec::CodecError::Invalid("row without a table"),
                })?;
                let decoded = if layout.is_keyless() {
                    layout.decode_keyless(value)
                } else {
                    layout.decode(key, value).map(|row| (1, row))
                };
                decoded.map_err(|why| RepoError::Corrupt {
                    hash: Hash::EMPTY,
                    why,
                })
            };
        let mut out = Vec::new();
        // Repeat counts come from chunks: a forged one must not exhaust memory.
        let room = |n: u64, out: &[RowChange]| -> Result<usize> {
            let total = (out.len() as u64).saturating_add(n);
            if total > crate::sql::select::MAX_RESULT_ROWS {
                return Err(RepoError::Sql(crate::sql::SqlError::TooManyRows(total)));
            }
            Ok(n as usize)
        };
        for e in entries {
            let before = e
                .left
                .as_deref()
                .map(|v| decode(&old_layout, &e.key, v))
                .transpose()?;
            let after = e
                .right
                .as_deref()
                .map(|v| decode(&new_layout, &e.key, v))
                .transpose()?;
            match (before, after) {
                // A keyless row's count changed: that many copies came or went.
                (Some((n, row)), Some((m, _)))
                    if old_layout.as_ref().is_some_and(RowLayout::is_keyless) =>
                {
                    let change = if m > n {
                        RowChange::Added(row)
                    } else {
                        RowChange::Removed(row)
                    };
                    let n = room(n.abs_diff(m), &out)?;
                    out.extend(core::iter::repeat_n(change, n));
                }
                (Some((_, old)), Some((_, new))) => out.push(RowChange::Modified { old, new }),
                (Some((n, row)), None) => {
                    let n = room(n, &out)?;
                    out.extend(core::iter::repeat_n(RowChange::Removed(row), n))
                }
                (None, Some((n, row))) => {
                    let n = room(n, &out)?;
                    out.extend(core::iter::repeat_n(RowChange::Added(row), n))
                }
                (None, None) => {}
            }
        }
        Ok(out)
    }
}

/// The columns added, dropped and changed from `old` to `new`, then a changed primary key,
/// the indexes, foreign keys and checks added and dropped, and a changed AUTO_INCREMENT start.
fn schema_changes(old: &Schema, new: &Schema) -> Vec<SchemaChange> {
    let mut out = Vec::new();
    for (j, c) in new.columns.iter().enumerate() {
        let definition = new.column_definition(j);
        match old.column_index(&c.name) {
            None => out.push(SchemaChange::ColumnAdded {
                name: c.name.clone(),
                definition,
            }),
            Some(i) if old.column_definition(i) != definition => {
                out.push(SchemaChange::ColumnChanged {
                    name: c.name.clone(),
                    old: old.column_definition(i),
                    new: definition,
                })
            }
            Some(_) => {}
        }
    }
    for (i, c) in old.columns.iter().enumerate() {
        if new.column_index(&c.name).is_none() {
            out.push(SchemaChange::ColumnDropped {
                name: c.name.clone(),
                definition: old.column_definition(i),
            });
        }
    }
    let key = |s: &Schema| -> Vec<String> {
        s.primary_key
            .iter()
            .filter_map(|&i| s.columns.get(i))
            .map(|c| c.name.clone())
            .collect()
    };
    let (old_key, new_key) = (key(old), key(new));
    if old_key != new_key {
        out.push(SchemaChange::KeyChanged {
            old: old_key,
            new: new_key,
        });
    }
    let (old_constraints, new_constraints) = (old.constraints_sql(), new.constraints_sql());
    for c in &old_constraints {
        if !new_constraints.contains(c) {
            out.push(SchemaChange::ConstraintDropped(c.clone()));
        }
    }
    for c in new_constraints {
        if !old_constraints.contains(&c) {
            out.push(SchemaChange::ConstraintAdded(c));
        }
    }
    let (old_start, new_start) = (old.auto_increment_start(), new.auto_increment_start());
    if old_start != new_start {
        out.push(SchemaChange::AutoIncrementStart {
            old: old_start,
            new: new_start,
        });
    }
    out
}

/// Puts the old side's rows in the new schema's columns, so that they line up with the new
/// side's when shown together.
fn realign(rows: &mut [RowChange], old: &Schema, new: &Schema) {
    let from: Vec<Option<usize>> = new
        .columns
        .iter()
        .map(|c| old.column_index(&c.name))
        .collect();
    let map = |row: &mut Vec<Value>| {
        *row = from
            .iter()
            .map(|i| i.and_then(|i| row.get(i).cloned()).unwrap_or(Value::Null))
            .collect();
    };
    for change in rows {
        match change {
            RowChange::Removed(row) | RowChange::Modified { old: row, .. } => map(row),
            RowChange::Added(_) => {}
        }
    }
}
