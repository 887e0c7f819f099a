//! Row operations on one table's prolly map: checked inserts (with primary-key duplicate
//! checks, or counts for a keyless table's repeated rows), reads of a key, a key range or
//! everything, and deletes and updates of the rows a predicate picks.
//!
//! A `Table` is a working copy of a [`TableRef`]: writes move its `rows` root, and the caller
//! stores [`Table::to_ref`] back into its root value only when a whole statement succeeded.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Bound;

use crate::chunk_store::ChunkStore;
use crate::codec::CodecError;
use crate::db::root_value::TableRef;
use crate::db::row::RowLayout;
use crate::db::schema::Schema;
use crate::db::value::{TypeError, Value};
use crate::hash::Hash;
use crate::io::Storage;
use crate::prolly::{self, ProllyError};

/// Above this many keys, and above 1/`SCAN_RATIO` of the table's entries, existing keys are
/// looked up with one scan over the batch's key range rather than one `get` each: a scan
/// reads each chunk once, while every `get` walks the tree from the root again.
const SCAN_BATCH: usize = 256;
const SCAN_RATIO: u64 = 16;

#[derive(Clone, Debug, PartialEq)]
pub enum TableError {
    /// A row has a different number of values than the table has columns.
    Arity {
        expected: usize,
        found: usize,
    },
    NotNull {
        column: String,
    },
    Type {
        column: String,
        error: TypeError,
    },
    /// The primary key values of a row whose key the table (or the same batch) already has.
    DuplicateKey {
        key: Vec<Value>,
    },
    /// A CHECK constraint a row fails (`error`: why it could not be evaluated, if so).
    Check {
        name: String,
        error: Option<String>,
    },
    /// Two rows with the same values in a UNIQUE key: the values as MySQL writes them
    /// (`a-b`), and the key as `table.name`.
    DuplicateEntry {
        entry: String,
        key: String,
    },
    /// A row a foreign key refuses: one whose parent row does not exist, or (`parent_row`)
    /// a parent row that rows of `child` still reference; `constraint` as SQL writes it.
    ForeignKey {
        child: String,
        constraint: String,
        parent_row: bool,
    },
    /// A change foreign keys would carry further than they can: why.
    Cascade(String),
    /// A stored row does not decode.
    Corrupt(CodecError),
    Prolly(ProllyError),
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::Arity { expected, found } => {
                write!(f, "a row needs {expected} values, got {found}")
            }
            TableError::NotNull { column } => write!(f, "column '{column}' cannot be NULL"),
            TableError::Type {
                column,
                error: TypeError::OutOfRange { value, ty },
            } => write!(
                f,
                "value {value} is out of range for column '{column}' {ty} ({})",
                ty.range_text()
            ),
            TableError::Type {
                column,
                error: TypeError::Invalid { value, kind },
            } => write!(
                f,
                "value '{value}' is not a valid {kind} for column '{column}' (write it as {})",
                kind.form()
            ),
            TableError::Type { column, error } => {
                write!(f, "type mismatch for column '{column}': {error}")
            }
            TableError::DuplicateKey { key } => {
                // Dolt's wording, so scripts that match on it keep working.
                f.write_str("duplicate primary key given: [")?;
                for (i, v) in key.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            // MySQL's wordings.
            TableError::Check { name, error: None } => {
                write!(f, "Check constraint '{name}' is violated.")
            }
            TableError::Check {
                name,
                error: Some(e),
            } => write!(f, "Check constraint '{name}' could not be evaluated: {e}"),
            TableError::DuplicateEntry { entry, key } => {
                write!(f, "Duplicate entry '{entry}' for key '{key}'")
            }
            TableError::ForeignKey {
                child,
                constraint,
                parent_row,
            } => {
                let what = if *parent_row {
                    "delete or update a parent row"
                } else {
                    "add or update a child row"
                };
                let child = crate::db::schema::quote(child);
                write!(
                    f,
                    "Cannot {what}: a foreign key constraint fails ({child}, {constraint})"
                )
            }
            TableError::Cascade(why) => f.write_str(why),
            TableError::Corrupt(e) => write!(f, "a stored row is corrupt: {e} (run verify)"),
            TableError::Prolly(e) => e.fmt(f),
        }
    }
}

impl From<ProllyError> for TableError {
    fn from(e: ProllyError) -> Self {
        TableError::Prolly(e)
    }
}

impl From<CodecError> for TableError {
    fn from(e: CodecError) -> Self {
        TableError::Corrupt(e)
    }
}

/// Which entries of the row map a read visits, by encoded key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Span {
    All,
    /// One encoded primary key: a point lookup.
    Key(Vec<u8>),
    Range(Bound<Vec<u8>>, Bound<Vec<u8>>),
    /// The rows whose entries of index `.0` lie in the range, in the index's order (or every
    /// row, in key order, if that index's map is not built).
    Index(usize, Bound<Vec<u8>>, Bound<Vec<u8>>),
}

/// The CHECK constraints of a table, compiled by the SQL layer: an error for a row that fails
/// one.
pub type RowCheck = Box<dyn Fn(&[Value]) -> Result<(), TableError>>;
/// What [`Table::upsert`] did with its rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Upserted {
    pub inserted: u64,
    pub updated: u64,
    /// Rows equal to the stored row of their key.
    pub unchanged: u64,
}

pub struct Table {
    /// The table as it was opened, whose index maps [`Table::finish`] brings along; its
    /// schema is the table's (not copied apart: opening a table is part of every lookup).
    stored: TableRef,
    rows: Hash,
    layout: RowLayout,
    /// Per column: NULL is refused (declared NOT NULL, or part of the primary key).
    not_null: Vec<bool>,
    check: Option<RowCheck>,
}

impl Table {
    pub fn new(table: &TableRef) -> Table {
        let schema = &table.schema;
        let not_null = (0..schema.columns.len())
            .map(|i| !schema.columns[i].nullable || schema.primary_key.contains(&i))
            .collect();
        Table {
            stored: table.clone(),
            layout: RowLayout::new(schema),
            rows: table.rows,
            not_null,
            check: None,
        }
    }

    /// Makes the rows this table visits hold values only for the columns `wanted` marks (NULL
    /// for the others, which are not decoded), for a read that uses no others. Never for a
    /// table that writes what it read.
    pub fn read_only(&mut self, wanted: &[bool]) {
        self.layout.read_only(wanted);
    }

    /// The table, with every row it writes from now on also passing `check`.
    pub fn with_check(mut self, check: Option<RowCheck>) -> Table {
        self.check = check;
        self
    }

    pub fn schema(&self) -> &Schema {
        &self.stored.schema
    }

    /// The table as it was opened.
    pub fn stored(&self) -> &TableRef {
        &self.stored
    }

    /// The root of the row map.
    pub fn rows(&self) -> Hash {
        self.rows
    }

    /// The root of index `i`'s map as the table was opened, if it has been built.
    pub fn index_root(&self, i: usize) -> Option<Hash> {
        self.stored
            .index_root(i)
            .filter(|_| self.rows == self.stored.rows)
    }

    /// The table to store, its index maps brought up to its rows; it fails where a unique
    /// index would hold a value twice (`name` is the table's, for the error).
    pub async fn finish<S: Storage>(
        &self,
        store: &mut ChunkStore<S>,
        name: &str,
    ) -> Result<TableRef, TableError> {
        crate::db::index::refresh(store, name, &self.stored, self.schema(), self.rows).await
    }

    /// Makes a row fit the schema: every value coerced to its column's type, NULL refused
    /// where the column does not allow it.
    pub fn check_row(&self, row: Vec<Value>) -> Result<Vec<Value>, TableError> {
        let row = self.coerce_row(row)?;
        match (0..row.len()).find(|&i| self.not_null[i] && row[i].is_null()) {
            Some(i) => Err(TableError::NotNull {
                column: self.schema().columns[i].name.clone(),
            }),
            None => Ok(row),
        }
    }

    /// Every value of a row coerced to its column's type (NULL passes).
    fn coerce_row(&self, mut row: Vec<Value>) -> Result<Vec<Value>, TableError> {
        if row.len() != self.schema().columns.len() {
            return Err(TableError::Arity {
                expected: self.schema().columns.len(),
                found: row.len(),
            });
        }
        for (i, column) in self.schema().columns.iter().enumerate() {
            let value = core::mem::replace(&mut row[i], Value::Null);
            row[i] = column.coerce(value).map_err(|error| TableError::Type {
                column: column.name.clone(),
                error,
            })?;
        }
        if let Some(check) = &self.check {
            check(&row)?;
        }
        Ok(row)
    }

    /// Number of rows, counting a keyless table's repeats.
    pub async fn count<S: Storage>(&self, store: &ChunkStore<S>) -> Result<u64, TableError> {
        if !self.layout.is_keyless() {
            return Ok(prolly::count(store, self.rows).await?);
        }
        let mut total: u64 = 0;
        self.visit(store, &Span::All, |_, _, n| {
            // Counts come from chunks: a forged one must not wrap the total around.
            total = total
                .checked_add(n)
                .ok_or(TableError::Corrupt(CodecError::Invalid(
                    "row counts past 2^64",
                )))?;
            Ok::<_, TableError>(true)
        })
        .await?;
        Ok(total)
    }

    /// Calls `f(key, row, count)` for each entry in `span`, in key order, until it returns
    /// `Ok(false)`; `count` is how many times a keyless row repeats (1 for a keyed row).
    /// Every row is decoded into the same `row`, so a scan allocates no row per entry; `f`
    /// may take the row (`mem::take`) to keep it.
    pub async fn visit<S, E, F>(
        &self,
        store: &ChunkStore<S>,
        span: &Span,
        mut f: F,
    ) -> Result<(), E>
    where
        S: Storage,
        E: From<TableError>,
        F: FnMut(&[u8], &mut Vec<Value>, u64) -> Result<bool, E>,
    {
        let mut row = Vec::new();
        let bounds = match span {
            Span::Key(key) => {
                if let Some(value) = prolly::get(store, self.rows, key)
                    .await
                    .map_err(TableError::from)?
                {
                    let count = self.decode(key, &value, &mut row)?;
                    f(key, &mut row, count)?;
                }
                return Ok(());
            }
            Span::Index(i, start, end) if self.index_root(*i).is_some() => {
                let root = self.index_root(*i).unwrap_or(Hash::EMPTY);
                let range = (
                    start.as_ref().map(Vec::as_slice),
                    end.as_ref().map(Vec::as_slice),
                );
                let mut keys = Vec::new();
                let mut damage = None;
                prolly::scan(store, root, range, |key, value| {
                    match crate::db::index::row_key(key, value) {
                        Ok(k) => keys.push(k.to_vec()),
                        Err(e) => damage = Some(e),
                    }
                    damage.is_none()
                })
                .await
                .map_err(TableError::from)?;
                if let Some(e) = damage {
                    return Err(e.into());
                }
                // A map from a store is untrusted: two entries naming one row give it once.
                let mut seen = alloc::collections::BTreeSet::new();
                keys.retain(|k| seen.insert(k.clone()));
                // A range of the index may name many rows: `lookup` reads them with one scan
                // of the row map then, where a get each would walk it from the root every
                // time. The whole index (an ORDER BY ... LIMIT) is read a row at a time, as
                // the caller may stop after a few.
                let values = if !matches!((start, end), (Bound::Unbounded, Bound::Unbounded)) {
                    let mut sorted: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
                    sorted.sort_unstable();
                    let values = self.lookup(store, &sorted).await?;
                    let found: alloc::collections::BTreeMap<&[u8], Option<Vec<u8>>> =
                        sorted.into_iter().zip(values).collect();
                    Some(found)
                } else {
                    None
                };
                for key in &keys {
                    let value = match &values {
                        Some(found) => found.get(key.as_slice()).cloned().flatten(),
                        None => prolly::get(store, self.rows, key)
                            .await
                            .map_err(TableError::from)?,
                    };
                    let Some(value) = value else {
                        // An entry without its row: the index disagrees with the table.
                        return Err(TableError::Corrupt(CodecError::Invalid("index entry")).into());
                    };
                    let count = self.decode(key, &value, &mut row)?;
                    if !f(key, &mut row, count)? {
                        break;
                    }
                }
                return Ok(());
            }
            Span::All | Span::Index(..) => (Bound::Unbounded, Bound::Unbounded),
            Span::Range(start, end) => (
                start.as_ref().map(Vec::as_slice),
                end.as_ref().map(Vec::as_slice),
            ),
        };
        let mut failure = None;
        prolly::scan(store, self.rows, bounds, |key, value| {
            let step = self
                .decode(key, value, &mut row)
                .map_err(E::from)
                .and_then(|count| f(key, &mut row, count));
            step.unwrap_or_else(|e| {
                failure = Some(e);
                false
            })
        })
        .await
        .map_err(TableError::from)?;
        failure.map_or(Ok(()), Err)
    }

    /// Decodes an entry into `row` (see `RowLayout::decode_into`): the row's count.
    fn decode(&self, key: &[u8], value: &[u8], row: &mut Vec<Value>) -> Result<u64, TableError> {
        if self.layout.is_keyless() {
            Ok(self.layout.decode_keyless_into(value, row)?)
        } else {
            self.layout.decode_into(key, value, row)?;
            Ok(1)
        }
    }

    /// Inserts rows, checking each against the schema. Into a keyed table a key that the
    /// table or the batch already has fails the whole insert; a keyless table counts repeats.
    pub async fn insert<S: Storage>(
        &mut self,
        store: &mut ChunkStore<S>,
        rows: Vec<Vec<Value>>,
    ) -> Result<u64, TableError> {
        let mut batch = Batch::with_capacity(rows.len());
        self.add_rows(rows, &mut batch)?;
        self.insert_batch(store, batch).await
    }

    /// Checks rows against the schema and adds their entries to `batch`, for `insert_batch`:
    /// a statement's rows may come a group at a time.
    pub(crate) fn add_rows(
        &self,
        rows: Vec<Vec<Value>>,
        batch: &mut Batch,
    ) -> Result<(), TableError> {
        for row in rows {
            let row = self.check_row(row)?;
            if self.layout.is_keyless() {
                let (key, value) = self.layout.keyless_entry(&row, 1);
                batch.push(
                    |out| out.extend_from_slice(&key),
                    |out| out.extend_from_slice(&value),
                );
            } else {
                batch.push(
                    |out| self.layout.push_key(out, &row),
                    |out| self.layout.push_value(out, &row),
                );
            }
        }
        Ok(())
    }

    /// Inserts the rows `add_rows` put in `batch`, as `insert` does: how many.
    pub(crate) async fn insert_batch<S: Storage>(
        &mut self,
        store: &mut ChunkStore<S>,
        mut batch: Batch,
    ) -> Result<u64, TableError> {
        let inserted = batch.spans.len() as u64;
        // Generated keys often arrive in order already, and then they are also distinct:
        // one pass checks both, cheaper than sorting.
        let increasing = batch.spans.is_sorted_by(|a, b| batch.key(a) < batch.key(b));
        if !increasing {
            batch.sort();
        }
        if self.layout.is_keyless() {
            let entries = batch.spans.iter();
            let entries = entries.map(|s| (batch.key(s).to_vec(), batch.value(s).to_vec()));
            self.insert_keyless(store, entries.collect()).await?;
            return Ok(inserted);
        }
        if !increasing {
            let spans = &batch.spans;
            if let Some(pair) = spans
                .windows(2)
                .find(|w| batch.key(&w[0]) == batch.key(&w[1]))
            {
                return Err(self.duplicate(batch.key(&pair[1]), batch.value(&pair[1])));
            }
        }
        self.insert_keyed(store, &batch).await?;
        Ok(inserted)
    }

    /// Inserts a batch sorted by key, no two of one key.
    async fn insert_keyed<S: Storage>(
        &mut self,
        store: &mut ChunkStore<S>,
        batch: &Batch,
    ) -> Result<(), TableError> {
        let entries = batch.spans.iter().map(|s| (batch.key(s), batch.value(s)));
        if self.rows.is_empty() {
            // The bulk path: a new map straight from the sorted rows.
            self.rows = prolly::build(store, entries).await?;
            return Ok(());
        }
        let keys: Vec<&[u8]> = batch.spans.iter().map(|s| batch.key(s)).collect();
        let found = self.lookup(store, &keys).await?;
        if let Some(i) = found.iter().position(Option::is_some) {
            let span = &batch.spans[i];
            return Err(self.duplicate(batch.key(span), batch.value(span)));
        }
        let edits = entries
            .map(|(k, v)| (k.to_vec(), Some(v.to_vec())))
            .collect();
        self.rows = prolly::apply(store, self.rows, edits).await?;
        Ok(())
    }

    /// A table of `schema` holding `rows`, each with its repeat count, written anew: for
    /// ALTER TABLE, which changes every row's encoding. Each row is checked as an insert
    /// checks it, so one that does not fit the new schema (or a primary key that two rows
    /// now share) fails the whole rebuild; equal keyless rows merge their counts.
    pub async fn rebuild<S: Storage>(
        store: &mut ChunkStore<S>,
        schema: Schema,
        rows: Vec<(Vec<Value>, u64)>,
        check: Option<RowCheck>,
    ) -> Result<Table, TableError> {
        let mut table =
            Table::new(&TableRef::new(schema, Hash::EMPTY, Vec::new())).with_check(check);
        let mut entries: Vec<(Vec<u8>, Vec<Value>, u64)> = Vec::with_capacity(rows.len());
        for (row, count) in rows {
            let row = table.check_row(row)?;
            let key = if table.layout.is_keyless() {
                table.layout.keyless_entry(&row, count).0
            } else {
                table.layout.key(&row)
            };
            entries.push((key, row, count));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(entries.len());
        let mut last: Option<(Vec<u8>, Vec<Value>, u64)> = None;
        for (key, row, count) in entries {
            match last.as_mut() {
                Some(prev) if prev.0 == key && table.layout.is_keyless() => {
                    // Counts come from chunks: a forged one must not wrap around.
                    prev.2 = prev.2.checked_add(count).ok_or(TableError::Corrupt(
                        CodecError::Invalid("keyless row count"),
                    ))?;
                }
                Some(prev) if prev.0 == key => {
                    let value = table.layout.value(&row);
                    return Err(table.duplicate(&key, &value));
                }
                _ => {
                    if let Some(prev) = last.replace((key, row, count)) {
                        out.push(table.entry(prev));
                    }
                }
            }
        }
        if let Some(prev) = last {
            out.push(table.entry(prev));
        }
        table.rows = prolly::build(store, out).await?;
        Ok(table)
    }

    /// The map entry of a row of this table seen `count` times.
    fn entry(&self, (key, row, count): (Vec<u8>, Vec<Value>, u64)) -> (Vec<u8>, Vec<u8>) {
        if self.layout.is_keyless() {
            self.layout.keyless_entry(&row, count)
        } else {
            (key, self.layout.value(&row))
        }
    }

    /// Into a keyed table: inserts each row, or updates the stored row of its key. Each row
    /// comes with the columns it gives (a key column always does); the others keep the
    /// stored row's values, or are NULL in a new row. Two rows of one key are an error.
    pub async fn upsert<S: Storage>(
        &mut self,
        store: &mut ChunkStore<S>,
        rows: Vec<(Vec<Value>, Vec<bool>)>,
    ) -> Result<Upserted, TableError> {
        let mut keyed = Vec::with_capacity(rows.len());
        for (row, given) in rows {
            let row = self.coerce_row(row)?;
            keyed.push((self.layout.key(&row), row, given));
        }
        if !keyed.is_sorted_by(|a, b| a.0 < b.0) {
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
        }
        if let Some(pair) = keyed.windows(2).find(|w| w[0].0 == w[1].0) {
            let key = self.schema().primary_key.iter();
            return Err(TableError::DuplicateKey {
                key: key.map(|&i| pair[1].1[i].clone()).collect(),
            });
        }
        let found = if self.rows.is_empty() {
            alloc::vec![None; keyed.len()]
        } else {
            let keys: Vec<&[u8]> = keyed.iter().map(|k| k.0.as_slice()).collect();
            self.lookup(store, &keys).await?
        };
        let mut done = Upserted::default();
        let mut edits = Vec::with_capacity(keyed.len());
        for ((key, mut row, given), stored) in keyed.into_iter().zip(found) {
            let old = match stored {
                Some(value) => Some(self.layout.decode(&key, &value)?),
                None => None,
            };
            if let Some(old) = &old {
                for (i, kept) in old.iter().enumerate() {
                    if !given.get(i).copied().unwrap_or(false) {
                        row[i] = kept.clone();
                    }
                }
            }
            let row = self.check_row(row)?;
            match &old {
                Some(old) if *old == row => {
                    done.unchanged += 1;
                    continue;
                }
                Some(_) => done.updated += 1,
                None => done.inserted += 1,
            }
            edits.push((key, self.layout.value(&row)));
        }
        self.rows = if self.rows.is_empty() {
            prolly::build(store, edits).await?
        } else if edits.is_empty() {
            self.rows
        } else {
            let edits = edits.into_iter().map(|(k, v)| (k, Some(v))).collect();
            prolly::apply(store, self.rows, edits).await?
        };
        Ok(done)
    }

    /// Sorted count-1 entries become one entry per distinct row, with the count it will have.
    async fn insert_keyless<S: Storage>(
        &mut self,
        store: &mut ChunkStore<S>,
        entries: Vec<(Vec<u8>, Vec<u8>)>,
    ) -> Result<(), TableError> {
        let mut grouped: Vec<(Vec<u8>, Vec<u8>, u64)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match grouped.last_mut() {
                Some(last) if last.0 == key => last.2 += 1,
                _ => grouped.push((key, value, 1)),
            }
        }
        let existing = if self.rows.is_empty() {
            alloc::vec![None; grouped.len()]
        } else {
            let keys: Vec<&[u8]> = grouped.iter().map(|g| g.0.as_slice()).collect();
            self.lookup(store, &keys).await?
        };
        let mut out = Vec::with_capacity(grouped.len());
        for ((key, value, added), old) in grouped.into_iter().zip(existing) {
            let before = match old {
                Some(old) => self.layout.decode_keyless(&old)?.0,
                None => 0,
            };
            // `before` comes from a chunk: a forged count must not wrap around.
            let after =
                before
                    .checked_add(added)
                    .ok_or(TableError::Corrupt(CodecError::Invalid(
                        "keyless row count",
                    )))?;
            let value = if after == 1 {
                value
            } else {
                let (_, row) = self.layout.decode_keyless(&value)?;
                self.layout.keyless_entry(&row, after).1
            };
            out.push((key, value));
        }
        self.rows = if self.rows.is_empty() {
            prolly::build(store, out).await?
        } else {
            let edits = out.into_iter().map(|(k, v)| (k, Some(v))).collect();
            prolly::apply(store, self.rows, edits).await?
        };
        Ok(())
    }

    /// The stored values of sorted, distinct `keys` (None where absent).
    async fn lookup<S: Storage>(
        &self,
        store: &ChunkStore<S>,
        keys: &[&[u8]],
    ) -> Result<Vec<Option<Vec<u8>>>, TableError> {
        let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
            return Ok(Vec::new());
        };
        if keys.len() < SCAN_BATCH
            || (keys.len() as u64) < prolly::count(store, self.rows).await? / SCAN_RATIO
        {
            let mut out = Vec::with_capacity(keys.len());
            for key in keys {
                out.push(prolly::get(store, self.rows, key).await?);
            }
            return Ok(out);
        }
        let mut out = alloc::vec![None; keys.len()];
        let mut next = 0;
        let range = (Bound::Included(*first), Bound::Included(*last));
        prolly::scan(store, self.rows, range, |key, value| {
            while next < keys.len() && keys[next] < key {
                next += 1;
            }
            if next < keys.len() && keys[next] == key {
                out[next] = Some(value.to_vec());
            }
            next < keys.len()
        })
        .await?;
        Ok(out)
    }

    fn duplicate(&self, key: &[u8], value: &[u8]) -> TableError {
        match self.layout.decode(key, value) {
            Ok(row) => TableError::DuplicateKey {
                key: self
                    .schema()
                    .primary_key
                    .iter()
                    .map(|&i| row[i].clone())
                    .collect(),
            },
            Err(e) => TableError::Corrupt(e),
        }
    }

    /// Deletes the rows in `span` that `pred` accepts; returns how many (repeats included).
    pub async fn delete_where<S, E, P>(
        &mut self,
        store: &mut ChunkStore<S>,
        span: &Span,
        mut pred: P,
    ) -> Result<u64, E>
    where
        S: Storage,
        E: From<TableError>,
        P: FnMut(&[Value]) -> Result<bool, E>,
    {
        let mut edits = Vec::new();
        let mut deleted = 0;
        self.visit(store, span, |key, row, count| {
            if pred(row)? {
                edits.push((key.to_vec(), None));
                deleted += count;
            }
            Ok::<_, E>(true)
        })
        .await?;
        if !edits.is_empty() {
            self.rows = prolly::apply(store, self.rows, edits)
                .await
                .map_err(TableError::from)?;
        }
        Ok(deleted)
    }

    /// Replaces each row in `span` for which `f` returns a new row; returns how many rows
    /// changed (repeats included). A changed primary key must not collide with a row the
    /// update leaves in place, nor with another updated row's new key.
    pub async fn update_where<S, E, F>(
        &mut self,
        store: &mut ChunkStore<S>,
        span: &Span,
        mut f: F,
    ) -> Result<u64, E>
    where
        S: Storage,
        E: From<TableError>,
        F: FnMut(&[Value]) -> Result<Option<Vec<Value>>, E>,
    {
        let mut changes = Vec::new();
        self.visit(store, span, |key, row, count| {
            if let Some(new) = f(row)? {
                let new = self.check_row(new)?;
                if new != *row {
                    changes.push((key.to_vec(), new, count));
                }
            }
            Ok::<_, E>(true)
        })
        .await?;
        let changed = changes.iter().map(|c| c.2).sum();
        let edits = if self.layout.is_keyless() {
            self.keyless_update_edits(store, changes).await?
        } else {
            self.keyed_update_edits(store, changes).await?
        };
        if !edits.is_empty() {
            self.rows = prolly::apply(store, self.rows, edits)
                .await
                .map_err(TableError::from)?;
        }
        Ok(changed)
    }

    async fn keyed_update_edits<S: Storage>(
        &self,
        store: &ChunkStore<S>,
        changes: Vec<(Vec<u8>, Vec<Value>, u64)>,
    ) -> Result<Vec<(Vec<u8>, Option<Vec<u8>>)>, TableError> {
        let mut edits = alloc::collections::BTreeMap::new();
        let rows: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> = changes
            .into_iter()
            .map(|(old, row, _)| (old, self.layout.key(&row), self.layout.value(&row)))
            .collect();
        // Every key moved away from is free for another updated row to take.
        for (old, new, _) in &rows {
            if old != new {
                edits.insert(old.clone(), None);
            }
        }
        for (old, new, value) in rows {
            let taken = match edits.get(&new) {
                Some(Some(_)) => true,
                Some(None) => false,
                None => old != new && prolly::get(store, self.rows, &new).await?.is_some(),
            };
            if taken {
                return Err(self.duplicate(&new, &value));
            }
            edits.insert(new, Some(value));
        }
        Ok(edits.into_iter().collect())
    }

    /// Moves each changed keyless row's count from its old entry to its new one.
    async fn keyless_update_edits<S: Storage>(
        &self,
        store: &ChunkStore<S>,
        changes: Vec<(Vec<u8>, Vec<Value>, u64)>,
    ) -> Result<Vec<(Vec<u8>, Option<Vec<u8>>)>, TableError> {
        // key -> (change in count, the row, when the key gains rows)
        let mut deltas: alloc::collections::BTreeMap<Vec<u8>, (i128, Option<Vec<Value>>)> =
            alloc::collections::BTreeMap::new();
        for (old, row, count) in changes {
            deltas.entry(old).or_insert((0, None)).0 -= i128::from(count);
            let (new, _) = self.layout.keyless_entry(&row, count);
            let slot = deltas.entry(new).or_insert((0, None));
            slot.0 += i128::from(count);
            slot.1 = Some(row);
        }
        let mut edits = Vec::with_capacity(deltas.len());
        for (key, (delta, row)) in deltas {
            let stored = prolly::get(store, self.rows, &key).await?;
            let (before, row) = match (stored, row) {
                (Some(v), _) => {
                    let (n, r) = self.layout.decode_keyless(&v)?;
                    (i128::from(n), r)
                }
                (None, Some(r)) => (0, r),
                (None, None) => continue,
            };
            let after = u64::try_from(before + delta).unwrap_or(0);
            edits.push(if after == 0 {
                (key, None)
            } else {
                (key, Some(self.layout.keyless_entry(&row, after).1))
            });
        }
        Ok(edits)
    }
}

/// An insert's entries, encoded into one buffer rather than two allocations a row.
#[derive(Default)]
pub(crate) struct Batch {
    bytes: Vec<u8>,
    /// Each entry's key start, value start (the key's end) and value end in `bytes`.
    spans: Vec<[usize; 3]>,
}

impl Batch {
    fn with_capacity(entries: usize) -> Self {
        Batch {
            bytes: Vec::with_capacity(entries * 32),
            spans: Vec::with_capacity(entries),
        }
    }

    fn push(&mut self, key: impl FnOnce(&mut Vec<u8>), value: impl FnOnce(&mut Vec<u8>)) {
        let start = self.bytes.len();
        key(&mut self.bytes);
        let middle = self.bytes.len();
        value(&mut self.bytes);
        self.spans.push([start, middle, self.bytes.len()]);
    }

    fn sort(&mut self) {
        let mut spans = core::mem::take(&mut self.spans);
        spans.sort_by(|a, b| self.key(a).cmp(self.key(b)));
        self.spans = spans;
    }

    fn key(&self, span: &[usize; 3]) -> &[u8] {
        &self.bytes[span[0]..span[1]]
    }

    fn value(&self, span: &[usize; 3]) -> &[u8] {
        &self.bytes[span[1]..span[2]]
    }
}
