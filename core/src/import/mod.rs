//! Table import and export, as Dolt's `table import` and `table export` do them: CSV (RFC
//! 4180, with a header row) or JSON (`{"rows": [...]}`) in and out of one table, one
//! implementation for the command line and the JS API.
//!
//! An [`Import`] is a push parser: fed the file in pieces of any size ([`Import::feed`]),
//! it writes rows in batches as they complete, so a large file streams; [`Import::finish`]
//! puts the table into the root value given, and nothing before it touches a root, so a
//! failed import changes nothing. Values go through the column types' coercion, the one an
//! INSERT uses (after being read as SQL reads a literal), so an import never stores a
//! value an INSERT would refuse.
//!
//! NULL and the empty string: in CSV an empty field is NULL and a quoted empty field (`""`)
//! the empty string, as Dolt reads and writes them; in JSON, `null` and `""`.

mod csv;
mod export;
mod infer;
mod json;
mod value;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::ChunkStore;
use crate::db::foreign::{self, Cause};
use crate::db::root_value::{RootValue, TableRef};
use crate::db::table::{Table, TableError};
use crate::db::value::Value;
use crate::hash::Hash;
use crate::hint::Hint;
use crate::io::Storage;
use crate::sql::SqlError;

pub use export::export;

/// Rows written per batch: large enough that the tree is built in big sorted runs, small
/// enough that a batch's rows stay a few megabytes.
const BATCH: usize = 50_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Csv,
    Json,
}

impl FileType {
    /// `csv` or `json`, in any case.
    pub fn parse(name: &str) -> Option<FileType> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Some(FileType::Csv),
            "json" => Some(FileType::Json),
            _ => None,
        }
    }

    /// The type a file name's extension says.
    pub fn of_path(path: &str) -> Option<FileType> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        FileType::parse(name.rsplit_once('.')?.1)
    }
}

impl fmt::Display for FileType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileType::Csv => "csv",
            FileType::Json => "json",
        })
    }
}

/// What an import does to the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Makes the table, its column types inferred from the data, keyed by `primary_key`;
    /// with `force`, in place of a table of that name.
    Create {
        primary_key: Vec<String>,
        force: bool,
    },
    /// Inserts the file's rows, or updates the row of the same key: the columns the file
    /// has change, the others keep their values.
    Update,
    /// Replaces the table's rows with the file's, keeping its schema.
    Replace,
}

/// One value of a file, before it meets a column type.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Null,
    /// A CSV field, or a JSON string.
    Text(String),
    /// A JSON number, as written.
    Number(String),
    Bool(bool),
}

/// One record of a file: where it starts (CSV line or JSON row, from 1), its column names
/// (JSON; a CSV's come from its header) and its values.
#[derive(Clone, Debug, PartialEq)]
struct Record {
    line: u64,
    names: Option<Vec<String>>,
    cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    /// The file is not the CSV or JSON an import reads; the message says where.
    Format(String),
    /// A value its column refuses: where ("line 3", "row 3"), and why.
    Value {
        at: String,
        why: String,
    },
    /// A column the file has and the table does not.
    UnknownColumn {
        column: String,
        table: String,
    },
    /// `update` without a column of the table's primary key in the file.
    KeyColumnMissing(String),
    /// `create` without a primary key.
    NoPrimaryKey,
    /// A primary key column that is not in the file.
    KeyNotInFile(String),
    /// `create` from a file without a column (no header, no rows).
    NoColumns,
    TableExists(String),
    TableNotFound(String),
    /// The table refused the rows (a primary key twice) or could not be written.
    Table(TableError),
    Sql(SqlError),
    /// Export: a blob that is not UTF-8, which neither text format can hold.
    Unwritable {
        column: String,
        row: u64,
    },
    /// Export: the destination refused a piece.
    Output(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Format(why) => f.write_str(why),
            ImportError::Value { at, why } => write!(f, "{at}: {why}; nothing was imported"),
            ImportError::UnknownColumn { column, table } => {
                write!(
                    f,
                    "the file's column '{column}' is not a column of table '{table}'"
                )
            }
            ImportError::KeyColumnMissing(c) => {
                write!(
                    f,
                    "the file has no column '{c}', which is in the table's primary key"
                )
            }
            ImportError::NoPrimaryKey => f.write_str("a new table needs a primary key"),
            ImportError::KeyNotInFile(c) => {
                write!(f, "primary key column '{c}' is not a column of the file")
            }
            ImportError::NoColumns => f.write_str("the file has no columns to make a table of"),
            ImportError::TableExists(t) => write!(f, "table '{t}' already exists"),
            ImportError::TableNotFound(t) => write!(f, "table '{t}' not found"),
            ImportError::Table(e) => write!(f, "{e}; nothing was imported"),
            ImportError::Sql(e) => e.fmt(f),
            ImportError::Unwritable { column, row } => write!(
                f,
                "row {row}, column '{column}': the blob is not UTF-8 text, which CSV and JSON \
                 files cannot hold"
            ),
            ImportError::Output(why) => f.write_str(why),
        }
    }
}

impl ImportError {
    /// What the user can do about it, for the front end to word.
    pub fn hint(&self) -> Option<Hint> {
        match self {
            ImportError::NoPrimaryKey => Some(Hint::GivePrimaryKey),
            ImportError::TableExists(_) => Some(Hint::ForceReplaceTable),
            ImportError::TableNotFound(_) => Some(Hint::CreateTable),
            _ => None,
        }
    }
}

impl From<TableError> for ImportError {
    fn from(e: TableError) -> Self {
        ImportError::Table(e)
    }
}

impl From<SqlError> for ImportError {
    fn from(e: SqlError) -> Self {
        match e {
            SqlError::Table(e) => ImportError::Table(e),
            e => ImportError::Sql(e),
        }
    }
}

impl From<crate::prolly::ProllyError> for ImportError {
    fn from(e: crate::prolly::ProllyError) -> Self {
        ImportError::Table(TableError::Prolly(e))
    }
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records read from the file.
    pub rows: u64,
    pub inserted: u64,
    /// Rows of a key the table had that changed (update).
    pub updated: u64,
    /// Rows of the file that matched a row already there exactly (update).
    pub unchanged: u64,
}

enum Reader {
    Csv(csv::Reader),
    Json(json::Reader),
}

impl Reader {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), ImportError> {
        match self {
            Reader::Csv(r) => r.feed(bytes, out),
            Reader::Json(r) => r.feed(bytes, out),
        }
    }

    fn finish(&mut self, out: &mut Vec<Record>) -> Result<(), ImportError> {
        match self {
            Reader::Csv(r) => r.finish(out),
            Reader::Json(r) => r.finish(out),
        }
    }
}

/// What a reader makes of `input` fed in two pieces, cut at `cut`.
#[cfg(test)]
fn read_in_two(mut reader: Reader, input: &[u8], cut: usize) -> Result<Vec<Record>, ImportError> {
    let mut out = Vec::new();
    reader.feed(&input[..cut], &mut out)?;
    reader.feed(&input[cut..], &mut out)?;
    reader.finish(&mut out)?;
    Ok(out)
}

/// The table rows go into, with what each record needs to be made a row of it.
struct Target {
    /// The table's stored name.
    name: String,
    table: Table,
    /// Per column: NULL refused.
    not_null: Vec<bool>,
    /// Per column: what a new row that the file gives no value for takes (its DEFAULT, the
    /// import's clock for DEFAULT CURRENT_TIMESTAMP); None where that needs a clock and the
    /// caller gave none.
    defaults: Vec<Option<Value>>,
}

/// One import, fed its file in pieces. See the module docs.
pub struct Import {
    mode: Mode,
    reader: Reader,
    /// The table's name as given.
    name: String,
    /// Records parsed and not yet taken.
    parsed: Vec<Record>,
    /// A CSV's header, once read.
    header: Option<Vec<String>>,
    /// The header's columns in the target table (CSV), once known.
    positions: Option<Vec<usize>>,
    /// `create`: every record, until the column types are known at the end.
    held: Vec<Record>,
    target: Option<Target>,
    /// Rows converted and not yet written, with the columns each gives.
    batch: Vec<(Vec<Value>, Vec<bool>)>,
    summary: Summary,
    /// The clock, read once for the whole import, as one statement reads it.
    now_ms: Option<u64>,
}

impl Import {
    /// Starts an import into table `name` of `root` (read now; written only by `finish`);
    /// `now_ms` is the clock DEFAULT CURRENT_TIMESTAMP columns the file leaves out take.
    pub fn new(
        root: &RootValue,
        name: &str,
        file_type: FileType,
        mode: Mode,
        now_ms: Option<u64>,
    ) -> Result<Import, ImportError> {
        let existing = crate::sql::find_table(root, name).ok();
        let target = match (&mode, &existing) {
            (Mode::Create { primary_key, .. }, _) if primary_key.is_empty() => {
                return Err(ImportError::NoPrimaryKey)
            }
            (Mode::Create { force: false, .. }, Some(stored)) => {
                return Err(ImportError::TableExists(stored.clone()))
            }
            (Mode::Create { .. }, _) => None,
            (_, None) => return Err(ImportError::TableNotFound(name.into())),
            (mode, Some(stored)) => {
                let mut table = root.tables[stored].clone();
                if *mode == Mode::Replace {
                    table.rows = Hash::EMPTY;
                }
                Some(Target::new(stored.clone(), &table, now_ms))
            }
        };
        Ok(Import {
            mode,
            reader: match file_type {
                FileType::Csv => Reader::Csv(csv::Reader::default()),
                FileType::Json => Reader::Json(json::Reader::default()),
            },
            name: name.into(),
            parsed: Vec::new(),
            header: None,
            positions: None,
            held: Vec::new(),
            target,
            batch: Vec::new(),
            summary: Summary::default(),
            now_ms,
        })
    }

    /// Records read so far.
    pub fn rows(&self) -> u64 {
        self.summary.rows
    }

    /// Reads the next piece of the file, writing rows once a batch is complete.
    pub async fn feed<S: Storage>(
        &mut self,
        store: &mut ChunkStore<S>,
        bytes: &[u8],
    ) -> Result<(), ImportError> {
        // The records read before a reading error are taken first: theirs are earlier in
        // the file, so the error is the same wherever the pieces were cut (found by fuzzing).
        let read = self.reader.feed(bytes, &mut self.parsed);
        self.take(store).await?;
        read
    }

    /// Ends the file: writes the last rows, and puts the table into `root`.
    pub async fn finish<S: Storage>(
        mut self,
        store: &mut ChunkStore<S>,
        root: &mut RootValue,
    ) -> Result<Summary, ImportError> {
        let read = self.reader.finish(&mut self.parsed);
        self.take(store).await?;
        read?;
        let mut next = root.clone();
        if let Mode::Create { primary_key, .. } = &self.mode {
            self.create(store, &mut next, primary_key.clone()).await?;
        }
        self.write(store).await?;
        let Some(target) = self.target else {
            return Err(ImportError::TableNotFound(self.name));
        };
        // UNIQUE keys hold across the whole table, so once every row is in.
        let stored = target.table.finish(store, &target.name).await?;
        next.tables.insert(target.name, stored);
        // So do foreign keys; a file's rows are not deleted or updated by them.
        foreign::enforce(store, root, &mut next, Cause::Check).await?;
        *root = next;
        Ok(self.summary)
    }

    /// Takes the records parsed: the header, then rows (held back for `create`).
    async fn take<S: Storage>(&mut self, store: &mut ChunkStore<S>) -> Result<(), ImportError> {
        let parsed = core::mem::take(&mut self.parsed);
        for record in parsed {
            if matches!(self.reader, Reader::Csv(_)) && self.header.is_none() {
                self.header = Some(header(record)?);
                continue;
            }
            self.summary.rows += 1;
            if self.target.is_none() {
                self.held.push(record);
                continue;
            }
            let row = self.row(record)?;
            self.batch.push(row);
            if self.batch.len() >= BATCH {
                self.write(store).await?;
            }
        }
        Ok(())
    }

    /// `create`: the table, its columns those of the file with types inferred from every
    /// value, made by the same CREATE TABLE a user would type; then its rows.
    async fn create<S: Storage>(
        &mut self,
        store: &mut ChunkStore<S>,
        root: &mut RootValue,
        primary_key: Vec<String>,
    ) -> Result<(), ImportError> {
        // A CSV's columns are its header's; a JSON file's, every name its rows use, in the
        // order they first appear.
        let mut guesses = infer::Columns::new(self.header.clone().unwrap_or_default());
        for record in &self.held {
            guesses.see(record, self.header.is_some())?;
        }
        if guesses.is_empty() {
            return Err(ImportError::NoColumns);
        }
        for key in &primary_key {
            if !guesses.has(key) {
                return Err(ImportError::KeyNotInFile(key.clone()));
            }
        }
        if let Ok(stored) = crate::sql::find_table(root, &self.name) {
            root.tables.remove(&stored);
        }
        let ddl = guesses.create_table(&self.name, &primary_key);
        crate::sql::execute(store, root, &ddl).await?;
        let stored = crate::sql::find_table(root, &self.name)?;
        self.target = Some(Target::new(
            stored.clone(),
            &root.tables[&stored],
            self.now_ms,
        ));
        for record in core::mem::take(&mut self.held) {
            let row = self.row(record)?;
            self.batch.push(row);
            if self.batch.len() >= BATCH {
                self.write(store).await?;
            }
        }
        Ok(())
    }

    /// A record as a row of the target table, each value converted for its column, and
    /// which columns the file gave.
    fn row(&mut self, record: Record) -> Result<(Vec<Value>, Vec<bool>), ImportError> {
        let Some(target) = &self.target else {
            return Err(ImportError::TableNotFound(self.name.clone()));
        };
        // A CSV's columns are found once, from its header; a JSON row names its own.
        if record.names.is_none() && self.positions.is_none() {
            let header = self.header.as_deref().unwrap_or_default();
            self.positions = Some(target.positions(header)?);
        }
        let named;
        let positions: &[usize] = match &record.names {
            Some(names) => {
                named = target.positions(names)?;
                &named
            }
            None => self.positions.as_deref().unwrap_or_default(),
        };
        let line = record.line;
        let csv = matches!(self.reader, Reader::Csv(_));
        // Where the record is, for an error: made only then, not for every row.
        let at = || match csv {
            true => format!("line {line}"),
            false => format!("row {line}"),
        };
        if record.cells.len() != positions.len() {
            return Err(ImportError::Format(format!(
                "{}: {} fields, where the header has {}",
                at(),
                record.cells.len(),
                positions.len()
            )));
        }
        let schema = target.table.schema();
        let width = schema.columns.len();
        // A column left out of a new row takes its DEFAULT, as in an INSERT.
        let mut row: Vec<Value> = target
            .defaults
            .iter()
            .map(|d| d.clone().unwrap_or(Value::Null))
            .collect();
        let mut given = alloc::vec![false; width];
        for (cell, &i) in record.cells.into_iter().zip(positions) {
            let column = &schema.columns[i];
            let value = value::convert(cell, &column.ty).map_err(|why| ImportError::Value {
                at: at(),
                why: why.in_column(&column.name),
            })?;
            if value.is_null() && target.not_null[i] {
                return Err(ImportError::Value {
                    at: at(),
                    why: TableError::NotNull {
                        column: column.name.clone(),
                    }
                    .to_string(),
                });
            }
            row[i] = value;
            given[i] = true;
        }
        // A clock default left out needs the clock (for `update` too, which learns only
        // when it writes whether a row is new).
        if let Some(i) = (0..width).find(|&i| !given[i] && target.defaults[i].is_none()) {
            return Err(ImportError::Value {
                at: at(),
                why: format!(
                    "column '{}' reads the clock (DEFAULT CURRENT_TIMESTAMP), which this \
                     import was not given, and the file has no value for it",
                    schema.columns[i].name
                ),
            });
        }
        // A column left out without a default (or AUTO_INCREMENT) is NULL in a new row:
        // refused here, with the line, where it cannot be; `update` keeps an existing row's
        // value instead.
        if self.mode != Mode::Update || schema.is_keyless() {
            let filled = |i: usize| {
                let c = &schema.columns[i];
                c.default.is_some() || c.auto_increment || c.default_now
            };
            if let Some(i) = (0..width).find(|&i| !given[i] && target.not_null[i] && !filled(i)) {
                return Err(ImportError::Value {
                    at: at(),
                    why: format!(
                        "column '{}' cannot be NULL, and the file has no value for it",
                        schema.columns[i].name
                    ),
                });
            }
        }
        Ok((row, given))
    }

    /// Writes the batch of rows.
    async fn write<S: Storage>(&mut self, store: &mut ChunkStore<S>) -> Result<(), ImportError> {
        let batch = core::mem::take(&mut self.batch);
        let Some(target) = &mut self.target else {
            return Ok(());
        };
        if batch.is_empty() {
            return Ok(());
        }
        if self.mode == Mode::Update && !target.table.schema().is_keyless() {
            let counts = target.table.upsert(store, batch).await?;
            self.summary.inserted += counts.inserted;
            self.summary.updated += counts.updated;
            self.summary.unchanged += counts.unchanged;
        } else {
            let mut rows: Vec<Vec<Value>> = batch.into_iter().map(|(row, _)| row).collect();
            // An import keeps a file's 0, so that what `table export` wrote comes back as it was.
            crate::sql::constraints::auto_increment(store, &target.table, &mut rows, false).await?;
            self.summary.inserted += target.table.insert(store, rows).await?;
        }
        Ok(())
    }
}

impl Target {
    /// The table to write, with its CHECK constraints, which every row written must pass.
    fn new(name: String, table: &TableRef, now_ms: Option<u64>) -> Target {
        let schema = &table.schema;
        let not_null = (0..schema.columns.len())
            .map(|i| !schema.columns[i].nullable || schema.primary_key.contains(&i))
            .collect();
        let check = crate::sql::constraints::row_check(&name, schema);
        Target {
            table: Table::new(table).with_check(check),
            name,
            not_null,
            defaults: schema
                .columns
                .iter()
                .map(|c| c.default_at(now_ms))
                .collect(),
        }
    }

    /// The table's columns for a file's column names; every key column must be among them
    /// (a row cannot be found or made without its key).
    fn positions(&self, names: &[String]) -> Result<Vec<usize>, ImportError> {
        let schema = self.table.schema();
        let positions = names
            .iter()
            .map(|name| {
                schema
                    .column_index(name)
                    .ok_or_else(|| ImportError::UnknownColumn {
                        column: name.clone(),
                        table: self.name.clone(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(&k) = schema.primary_key.iter().find(|k| !positions.contains(k)) {
            return Err(ImportError::KeyColumnMissing(
                schema.columns[k].name.clone(),
            ));
        }
        Ok(positions)
    }
}

/// A CSV's header: its column names, none empty nor twice.
fn header(record: Record) -> Result<Vec<String>, ImportError> {
    let mut names: Vec<String> = Vec::with_capacity(record.cells.len());
    for cell in record.cells {
        let name = match cell {
            Cell::Text(name) if !name.is_empty() => name,
            _ => {
                return Err(ImportError::Format(format!(
                    "line {}: the header's column {} has no name",
                    record.line,
                    names.len() + 1
                )))
            }
        };
        if names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            return Err(ImportError::Format(format!(
                "line {}: the header names column '{name}' twice",
                record.line
            )));
        }
        names.push(name);
    }
    Ok(names)
}

#[cfg(test)]
mod tests;
