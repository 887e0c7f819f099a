//! What SQL reads of the history (`sql::history`): the root values `AS OF` names, and Dolt's
//! system tables, with Dolt's columns:
//!
//! - `dolt_log`: the commits reachable from HEAD, newest first;
//! - `dolt_branches` and `dolt_remote_branches`: each branch with its latest commit;
//! - `dolt_status`: the tables `status` lists, staged or not;
//! - `dolt_diff_<table>`: each commit's changes to the table against its first parent, and
//!   the working set's against HEAD (`to_commit` 'WORKING');
//! - `dolt_history_<table>`: the table's rows at each commit;
//! - `dolt_diff`: the tables each commit changed, and the uncommitted changes;
//! - `dolt_commits` and `dolt_commit_ancestors`: every commit of the database, and its parents;
//! - `dolt_tags` and `dolt_remotes`; the merge's conflicts in `conflict_tables.rs`.
//!
//! Rows of older schemas are shown in the table's current one, column by column by name (a
//! column the commit's schema lacks is NULL).

use alloc::collections::btree_map::Entry;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::conflict_tables::CONFLICTS_PREFIX;
use super::diff::RowChange;
use super::{Repo, Result};
use crate::db::commit::Commit;
use crate::db::root_value::RootValue;
use crate::db::schema::Schema;
use crate::db::table::{Span, Table};
use crate::db::temporal::{Temporal, TimeType};
use crate::db::value::Value;
use crate::hash::Hash;
use crate::io::Storage;
use crate::sql::history::{History, Needs, SystemTable, SYSTEM_PREFIX};
use crate::sql::select::MAX_RESULT_ROWS;
use crate::sql::SqlError;

const DIFF_PREFIX: &str = "dolt_diff_";
const HISTORY_PREFIX: &str = "dolt_history_";

impl<S: Storage> Repo<S> {
    /// Resolves what a SQL script reads beyond `working`, the root it runs on, and when.
    pub(crate) async fn sql_history(
        &self,
        needs: &Needs,
        working: &RootValue,
        now_ms: Option<u64>,
    ) -> Result<History> {
        let mut history = History {
            now_ms,
            branch: Some(self.config.head.clone()),
            ..History::default()
        };
        for rev in &needs.hashes {
            let (hash, _) = self.resolve(rev).await?;
            history.hashes.insert(rev.clone(), hash.to_string());
        }
        for rev in &needs.revisions {
            let (hash, _) = self.resolve(rev).await?;
            let root = self.root_value(self.commit_at(hash).await?.root).await?;
            history.roots.insert(rev.clone(), root);
        }
        for name in &needs.system_tables {
            // A table of the user's by that name is read instead, so is not computed.
            if crate::sql::find_table(working, name).is_ok() {
                continue;
            }
            if let Some(table) = crate::sql::apart(self.system_table(name, working)).await? {
                history.tables.insert(name.clone(), table);
            }
        }
        Ok(history)
    }

    /// The system table of that (lower-case) name, None if there is none.
    async fn system_table(&self, name: &str, working: &RootValue) -> Result<Option<SystemTable>> {
        debug_assert!(name.starts_with(SYSTEM_PREFIX));
        Ok(match name {
            "dolt_log" => Some(self.log_table().await?),
            "dolt_branches" => Some(self.branches_table(false).await?),
            "dolt_remote_branches" => Some(self.branches_table(true).await?),
            "dolt_status" => Some(self.status_table().await?),
            "dolt_tags" => Some(self.tags_table().await?),
            "dolt_diff" => Some(self.changes_table().await?),
            "dolt_commits" => Some(self.commits_table().await?),
            "dolt_commit_ancestors" => Some(self.ancestors_table().await?),
            "dolt_remotes" => Some(self.remotes_table()),
            "dolt_conflicts" => Some(self.conflicts_table().await?),
            "dolt_schema_conflicts" => Some(self.schema_conflicts_table().await?),
            _ => {
                if let Some(table) = name.strip_prefix(CONFLICTS_PREFIX) {
                    self.table_conflicts_table(table, working).await?
                } else if let Some(table) = name.strip_prefix(DIFF_PREFIX) {
                    self.diff_table(table, working).await?
                } else if let Some(table) = name.strip_prefix(HISTORY_PREFIX) {
                    self.history_table(table, working).await?
                } else {
                    None
                }
            }
        })
    }

    /// Commits reachable from HEAD, newest first, each with the parents' order number.
    async fn head_log(&self) -> Result<Vec<(Hash, Commit)>> {
        self.log(self.head()?, None, true).await
    }

    async fn log_table(&self) -> Result<SystemTable> {
        let log = self.head_log().await?;
        // Dolt's commit_order: 1 for a root commit, one more than its highest parent's for
        // the others. The log is topological, newest first, so parents are numbered first
        // when it is read backwards.
        let mut order: BTreeMap<Hash, i64> = BTreeMap::new();
        for (hash, commit) in log.iter().rev() {
            let parents = commit.parents.iter().filter_map(|p| order.get(p)).max();
            order.insert(*hash, parents.map_or(1, |n| n + 1));
        }
        let rows = log
            .iter()
            .map(|(hash, c)| {
                alloc::vec![
                    Value::Text(hash.to_string()),
                    Value::Text(c.author.clone()),
                    Value::Text(c.email.clone()),
                    date(c),
                    Value::Text(c.message.clone()),
                    Value::Int(order[hash]),
                ]
            })
            .collect();
        Ok(SystemTable {
            columns: names(&[
                "commit_hash",
                "committer",
                "email",
                "date",
                "message",
                "commit_order",
            ]),
            rows,
        })
    }

    async fn branches_table(&self, remote: bool) -> Result<SystemTable> {
        let mut columns = names(&[
            "name",
            "hash",
            "latest_committer",
            "latest_committer_email",
            "latest_commit_date",
            "latest_commit_message",
        ]);
        let branches = match remote {
            true => self
                .remote_branches()
                .into_iter()
                .map(|(name, hash)| (format!("remotes/{name}"), hash))
                .collect(),
            false => {
                columns.extend(names(&["remote", "branch", "dirty"]));
                self.branches()
            }
        };
        let mut rows = Vec::with_capacity(branches.len());
        for (name, hash) in branches {
            let c = self.commit_at(hash).await?;
            let mut row = alloc::vec![
                Value::Text(name.clone()),
                Value::Text(hash.to_string()),
                Value::Text(c.author.clone()),
                Value::Text(c.email.clone()),
                date(&c),
                Value::Text(c.message.clone()),
            ];
            if !remote {
                let up = self.config.upstreams.get(&name);
                let text = |s: Option<&String>| s.map_or(Value::Null, |s| Value::Text(s.clone()));
                let dirty = self.working_set(&name).await?.working != c.root;
                row.extend([
                    text(up.map(|u| &u.remote)),
                    text(up.map(|u| &u.branch)),
                    Value::Bool(dirty),
                ]);
            }
            rows.push(row);
        }
        Ok(SystemTable { columns, rows })
    }

    /// Every commit a branch, tag or remote-tracking branch reaches, once each, newest first.
    async fn all_commits(&self) -> Result<Vec<(Hash, Commit)>> {
        let refs = self.branches().into_iter().chain(self.tags());
        let mut stack: Vec<Hash> = refs.chain(self.remote_branches()).map(|(_, h)| h).collect();
        let mut found = BTreeMap::new();
        while let Some(hash) = stack.pop() {
            if found.contains_key(&hash) {
                continue;
            }
            let commit = self.commit_at(hash).await?;
            stack.extend(commit.parents.iter().copied());
            found.insert(hash, commit);
            bounded(found.len())?;
        }
        let mut all: Vec<(Hash, Commit)> = found.into_iter().collect();
        all.sort_by(|(a, x), (b, y)| y.time_ms.cmp(&x.time_ms).then(a.cmp(b)));
        Ok(all)
    }

    /// `dolt_commits`: every commit of the database (`dolt_log` has those HEAD reaches):
    /// `commit_hash`, `committer`, `email`, `date`, `message`.
    async fn commits_table(&self) -> Result<SystemTable> {
        let rows = self
            .all_commits()
            .await?
            .into_iter()
            .map(|(hash, c)| {
                alloc::vec![
                    Value::Text(hash.to_string()),
                    Value::Text(c.author.clone()),
                    Value::Text(c.email.clone()),
                    date(&c),
                    Value::Text(c.message),
                ]
            })
            .collect();
        Ok(SystemTable {
            columns: names(&["commit_hash", "committer", "email", "date", "message"]),
            rows,
        })
    }

    /// `dolt_commit_ancestors`: `commit_hash`, `parent_hash`, `parent_index` (0 for the
    /// first parent), a row per parent of every commit; a first commit's has a NULL parent.
    async fn ancestors_table(&self) -> Result<SystemTable> {
        let mut rows = Vec::new();
        for (hash, c) in self.all_commits().await? {
            let hash = Value::Text(hash.to_string());
            if c.parents.is_empty() {
                rows.push(alloc::vec![hash.clone(), Value::Null, Value::Int(0)]);
            }
            for (i, parent) in c.parents.iter().enumerate() {
                rows.push(alloc::vec![
                    hash.clone(),
                    Value::Text(parent.to_string()),
                    Value::Int(i as i64),
                ]);
            }
            bounded(rows.len())?;
        }
        Ok(SystemTable {
            columns: names(&["commit_hash", "parent_hash", "parent_index"]),
            rows,
        })
    }

    /// `dolt_diff`: which tables each commit HEAD reaches changed against its first parent,
    /// and how: `commit_hash`, `table_name`, `committer`, `email`, `date`, `message`,
    /// `data_change`, `schema_change`. The uncommitted changes come first, as commits
    /// `WORKING` (the working set against the staged tables) and `STAGED` (those against
    /// HEAD), with NULL committer, email, date and message.
    async fn changes_table(&self) -> Result<SystemTable> {
        let ws = self.working_set(&self.config.head).await?;
        let log = self.head_log().await?;
        let head_root = log.first().map_or(ws.staged, |(_, c)| c.root);
        let (working, staged) = (
            self.root_value(ws.working).await?,
            self.root_value(ws.staged).await?,
        );
        let head = self.root_value(head_root).await?;
        let mut rows = Vec::new();
        let none = || [Value::Null, Value::Null, Value::Null, Value::Null];
        for (name, new, old) in [("WORKING", &working, &staged), ("STAGED", &staged, &head)] {
            changed(&mut rows, Value::Text(name.into()), none(), new, old);
        }
        // Each root value is decoded once: a commit's first parent is in the log too, and
        // comes after it (newest first), so its root is kept until it has been the parent.
        let root_of: BTreeMap<Hash, Hash> = log.iter().map(|(h, c)| (*h, c.root)).collect();
        let mut roots: BTreeMap<Hash, RootValue> = BTreeMap::new();
        let empty = RootValue::default();
        for (hash, c) in &log {
            let parent_root = match c.parents.first() {
                Some(p) => Some(match root_of.get(p) {
                    Some(&r) => r,
                    None => self.commit_at(*p).await?.root,
                }),
                None => None,
            };
            for r in core::iter::once(c.root).chain(parent_root) {
                if let Entry::Vacant(slot) = roots.entry(r) {
                    slot.insert(self.root_value(r).await?);
                }
            }
            let root = &roots[&c.root];
            let parent = parent_root.map_or(&empty, |r| &roots[&r]);
            let about = [
                Value::Text(c.author.clone()),
                Value::Text(c.email.clone()),
                date(c),
                Value::Text(c.message.clone()),
            ];
            changed(
                &mut rows,
                Value::Text(hash.to_string()),
                about,
                root,
                parent,
            );
            if parent_root != Some(c.root) {
                roots.remove(&c.root);
            }
            bounded(rows.len())?;
        }
        Ok(SystemTable {
            columns: names(&[
                "commit_hash",
                "table_name",
                "committer",
                "email",
                "date",
                "message",
                "data_change",
                "schema_change",
            ]),
            rows,
        })
    }

    /// `dolt_tags`: `tag_name`, `tag_hash`, and the tagged commit's `tagger`, `email`,
    /// `date` and `message` (Cairn's tags are names for commits, with no message of their own).
    async fn tags_table(&self) -> Result<SystemTable> {
        let mut rows = Vec::new();
        for (name, hash) in self.tags() {
            let c = self.commit_at(hash).await?;
            rows.push(alloc::vec![
                Value::Text(name),
                Value::Text(hash.to_string()),
                Value::Text(c.author.clone()),
                Value::Text(c.email.clone()),
                date(&c),
                Value::Text(c.message.clone()),
            ]);
        }
        Ok(SystemTable {
            columns: names(&["tag_name", "tag_hash", "tagger", "email", "date", "message"]),
            rows,
        })
    }

    /// `dolt_remotes`: `name`, `url`.
    fn remotes_table(&self) -> SystemTable {
        let rows = self
            .config
            .remotes
            .iter()
            .map(|(name, url)| alloc::vec![Value::Text(name.clone()), Value::Text(url.clone())])
            .collect();
        SystemTable {
            columns: names(&["name", "url"]),
            rows,
        }
    }

    /// `dolt_status`: `table_name`, `staged`, `status` ('new table', 'modified', 'deleted',
    /// or 'conflict' for a table a merge in progress left conflicts in).
    async fn status_table(&self) -> Result<SystemTable> {
        let status = self.changes().await?;
        let row = |name: &str, staged: bool, label: &str| {
            alloc::vec![
                Value::Text(name.into()),
                Value::Bool(staged),
                Value::Text(label.into()),
            ]
        };
        let mut rows = Vec::new();
        for t in &status.staged {
            rows.push(row(&t.name, true, t.change.label()));
        }
        for t in &status.unstaged {
            rows.push(row(&t.name, false, t.change.label()));
        }
        for name in &status.untracked {
            rows.push(row(name, false, "new table"));
        }
        for name in status.merging.iter().flatten() {
            rows.push(row(name, false, "conflict"));
        }
        Ok(SystemTable {
            columns: names(&["table_name", "staged", "status"]),
            rows,
        })
    }

    /// `dolt_diff_<table>`: `to_<column>`s, `to_commit`, `to_commit_date`, `from_<column>`s,
    /// `from_commit`, `from_commit_date`, `diff_type` ('added', 'modified' or 'removed').
    async fn diff_table(&self, table: &str, working: &RootValue) -> Result<Option<SystemTable>> {
        let log = self.head_log().await?;
        let Some((stored, schema)) = self.current_schema(table, working, &log).await? else {
            return Ok(None);
        };
        let cols: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
        let mut columns: Vec<String> = cols.iter().map(|c| format!("to_{c}")).collect();
        columns.extend(names(&["to_commit", "to_commit_date"]));
        columns.extend(cols.iter().map(|c| format!("from_{c}")));
        columns.extend(names(&["from_commit", "from_commit_date", "diff_type"]));

        // Each commit's root, read once (a commit is the `to` of its own pair and the `from`
        // of its children's) and cut down to the table, so only it is compared.
        let only = |root: RootValue| RootValue {
            tables: root
                .tables
                .into_iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case(&stored))
                .collect(),
        };
        let mut roots: BTreeMap<Hash, RootValue> = BTreeMap::new();
        for (hash, commit) in &log {
            roots.insert(*hash, only(self.root_value(commit.root).await?));
        }
        // (to, from) pairs, newest first: the working set against HEAD, then each commit
        // against its first parent (a root commit against an empty database).
        let mut pairs: Vec<(Side, Side)> = Vec::new();
        if let Some((head, commit)) = log.first() {
            let working = only(working.clone());
            if roots[head] != working {
                let from = Side::commit(*head, commit, roots[head].clone());
                pairs.push((Side::working(working), from));
            }
        }
        let commits: BTreeMap<Hash, &Commit> = log.iter().map(|(h, c)| (*h, c)).collect();
        for (hash, commit) in &log {
            let to = Side::commit(*hash, commit, roots[hash].clone());
            let from = match commit.parents.first() {
                // A parent is reachable too, so in the log, but for a log cut short.
                Some(p) => match (commits.get(p), roots.get(p)) {
                    (Some(parent), Some(root)) => Side::commit(*p, parent, root.clone()),
                    _ => {
                        let parent = self.commit_at(*p).await?;
                        let root = only(self.root_value(parent.root).await?);
                        Side::commit(*p, &parent, root)
                    }
                },
                None => Side::empty(),
            };
            pairs.push((to, from));
        }

        let mut rows = Vec::new();
        for (to, from) in pairs {
            let diffs = self.diff_roots(&from.root, &to.root).await?;
            let Some(diff) = diffs.iter().find(|d| d.name.eq_ignore_ascii_case(&stored)) else {
                continue;
            };
            for change in &diff.rows {
                let (new, old, kind) = match change {
                    RowChange::Added(row) => (Some(row), None, "added"),
                    RowChange::Removed(row) => (None, Some(row), "removed"),
                    RowChange::Modified { old, new } => (Some(new), Some(old), "modified"),
                };
                let mut row = in_schema(new, &diff.schema, &schema);
                row.extend([to.name.clone(), to.date.clone()]);
                row.extend(in_schema(old, &diff.schema, &schema));
                row.extend([from.name.clone(), from.date.clone()]);
                row.push(Value::Text(kind.into()));
                rows.push(row);
                bounded(rows.len())?;
            }
        }
        Ok(Some(SystemTable { columns, rows }))
    }

    /// `dolt_history_<table>`: the table's columns, `commit_hash`, `committer`, `commit_date`.
    async fn history_table(&self, table: &str, working: &RootValue) -> Result<Option<SystemTable>> {
        let log = self.head_log().await?;
        let Some((stored, schema)) = self.current_schema(table, working, &log).await? else {
            return Ok(None);
        };
        let mut columns: Vec<String> = schema.columns.iter().map(|c| c.name.clone()).collect();
        columns.extend(names(&["commit_hash", "committer", "commit_date"]));
        let mut rows = Vec::new();
        for (hash, commit) in &log {
            let root = self.root_value(commit.root).await?;
            let Some(tref) = root.tables.get(&stored) else {
                continue;
            };
            let extra = [
                Value::Text(hash.to_string()),
                Value::Text(commit.author.clone()),
                date(commit),
            ];
            let mut failed = None;
            Table::new(tref)
                .visit(&self.store, &Span::All, |_, row, times| {
                    for _ in 0..times {
                        let mut out = in_schema(Some(row), &tref.schema, &schema);
                        out.extend(extra.iter().cloned());
                        rows.push(out);
                        if let Err(e) = bounded(rows.len()) {
                            failed = Some(e);
                            return Ok::<bool, crate::db::table::TableError>(false);
                        }
                    }
                    Ok(true)
                })
                .await
                .map_err(SqlError::from)?;
            if let Some(e) = failed {
                return Err(e.into());
            }
        }
        Ok(Some(SystemTable { columns, rows }))
    }

    /// The stored name and schema of a table, as the working root has it, or else as the
    /// newest commit that has it does.
    async fn current_schema(
        &self,
        table: &str,
        working: &RootValue,
        log: &[(Hash, Commit)],
    ) -> Result<Option<(String, Schema)>> {
        if let Ok(name) = crate::sql::find_table(working, table) {
            return Ok(Some((
                name.clone(),
                Schema::clone(&working.tables[&name].schema),
            )));
        }
        for (_, commit) in log {
            let root = self.root_value(commit.root).await?;
            if let Ok(name) = crate::sql::find_table(&root, table) {
                let schema = Schema::clone(&root.tables[&name].schema);
                return Ok(Some((name, schema)));
            }
        }
        Ok(None)
    }
}

/// One side of a `dolt_diff_<table>` row: what it is called, when it was made, its root.
struct Side {
    name: Value,
    date: Value,
    root: RootValue,
}

impl Side {
    fn commit(hash: Hash, commit: &Commit, root: RootValue) -> Side {
        Side {
            name: Value::Text(hash.to_string()),
            date: date(commit),
            root,
        }
    }

    fn working(root: RootValue) -> Side {
        Side {
            name: Value::Text("WORKING".into()),
            date: Value::Null,
            root,
        }
    }

    /// Before the first commit: no tables.
    fn empty() -> Side {
        Side {
            name: Value::Text("EMPTY".into()),
            date: Value::Null,
            root: RootValue::default(),
        }
    }
}

/// A `dolt_diff` row for each table that differs between `old` and `new`: whether its rows
/// and whether its schema changed (a table added or dropped: its schema, and its rows if
/// it has any).
fn changed(
    rows: &mut Vec<Vec<Value>>,
    commit: Value,
    about: [Value; 4],
    new: &RootValue,
    old: &RootValue,
) {
    let names: alloc::collections::BTreeSet<&String> =
        new.tables.keys().chain(old.tables.keys()).collect();
    for name in names {
        let (data, schema) = match (old.tables.get(name), new.tables.get(name)) {
            (Some(a), Some(b)) => (a.rows != b.rows, a.schema != b.schema),
            (Some(t), None) | (None, Some(t)) => (t.rows != Hash::EMPTY, true),
            (None, None) => continue,
        };
        if data || schema {
            let mut row = alloc::vec![commit.clone(), Value::Text(name.clone())];
            row.extend(about.iter().cloned());
            row.extend([Value::Bool(data), Value::Bool(schema)]);
            rows.push(row);
        }
    }
}

/// A row of schema `from` in the columns of `to`, matched by name; all NULL for no row.
fn in_schema(row: Option<&Vec<Value>>, from: &Schema, to: &Schema) -> Vec<Value> {
    to.columns
        .iter()
        .map(|c| match (row, from.column_index(&c.name)) {
            (Some(row), Some(i)) => row.get(i).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        })
        .collect()
}

/// A commit's time as a datetime to the millisecond.
fn date(commit: &Commit) -> Value {
    let micros = i64::try_from(commit.time_ms).unwrap_or(i64::MAX / 1000) * 1000;
    Value::Temporal(Temporal {
        kind: TimeType::DateTime(3),
        value: micros,
    })
}

pub(super) fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| String::from(*s)).collect()
}

/// System tables are results too: as bounded.
fn bounded(rows: usize) -> core::result::Result<(), SqlError> {
    match rows as u64 > MAX_RESULT_ROWS {
        true => Err(SqlError::TooManyRows(rows as u64)),
        false => Ok(()),
    }
}
