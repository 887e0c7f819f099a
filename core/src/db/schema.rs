//! Table schemas: typed columns, nullability, defaults and AUTO_INCREMENT, an optional
//! (composite) primary key, CHECK constraints, keys and foreign keys. A table without a
//! primary key is "keyless", as in Dolt: duplicate rows are allowed.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_uvarint, CodecError, Reader};
use crate::db::decimal::{MAX_PRECISION, MAX_SCALE};
use crate::db::row::{decode_value, encode_value};
use crate::db::temporal::{Temporal, TimeType, MAX_FSP};
use crate::db::value::{ColumnType, IntWidth, TypeError, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
    /// The value an INSERT that leaves the column out stores: never NULL (no default is
    /// NULL), always at the column's type.
    pub default: Option<Value>,
    /// An INSERT of NULL, or leaving the column out, stores the column's greatest value + 1.
    pub auto_increment: bool,
    /// The table option `AUTO_INCREMENT = N`: the least value AUTO_INCREMENT gives (at least
    /// 2; None: 1). Only on the AUTO_INCREMENT column.
    pub auto_increment_start: Option<u64>,
    /// `DEFAULT CURRENT_TIMESTAMP`: an INSERT that leaves the column out stores the
    /// statement's clock (a datetime or timestamp column only; `default` is None).
    pub default_now: bool,
    /// `ON UPDATE CURRENT_TIMESTAMP`: an UPDATE that changes a row and does not set the
    /// column stores the statement's clock in it.
    pub update_now: bool,
    /// The values an enum column takes, in declared order; empty for every other type.
    pub members: Vec<String>,
}

// A default is never a NaN: no double column takes one.
impl Eq for Column {}

impl Column {
    /// A column without a default or AUTO_INCREMENT.
    pub fn new(name: impl Into<String>, ty: ColumnType, nullable: bool) -> Column {
        Column {
            name: name.into(),
            ty,
            nullable,
            default: None,
            auto_increment: false,
            auto_increment_start: None,
            default_now: false,
            update_now: false,
            members: Vec::new(),
        }
    }

    /// The clock at `now_ms` (milliseconds since the Unix epoch, UTC) as this column stores
    /// it: cut to its fractional digits, as MySQL's CURRENT_TIMESTAMP(fsp) reads. None for a
    /// column not of a date-and-time type, or a time past its range.
    pub fn clock(&self, now_ms: u64) -> Option<Value> {
        let ColumnType::Temporal(kind @ (TimeType::DateTime(fsp) | TimeType::Timestamp(fsp))) =
            self.ty
        else {
            return None;
        };
        let micros = i64::try_from(now_ms).ok()?.checked_mul(1000)?;
        let unit = 10i64.pow(u32::from(MAX_FSP.saturating_sub(fsp)));
        let value = micros - micros.rem_euclid(unit);
        let exact = Temporal {
            kind: TimeType::DateTime(MAX_FSP),
            value,
        };
        exact.convert(kind).map(Value::Temporal)
    }

    /// The value an INSERT that leaves the column out stores: its default, the clock for
    /// DEFAULT CURRENT_TIMESTAMP (None: the caller gave no clock), or NULL.
    pub fn default_at(&self, now_ms: Option<u64>) -> Option<Value> {
        if self.default_now {
            return now_ms.and_then(|now| self.clock(now));
        }
        Some(self.default.clone().unwrap_or(Value::Null))
    }

    /// A value converted to this column's type, as every write converts it: the type's
    /// coercion, and for an enum column membership (compared bytewise, as Cairn compares
    /// text).
    // Inlined, as ColumnType::coerce is: every value of a bulk INSERT passes here.
    #[inline]
    pub fn coerce(&self, value: Value) -> Result<Value, TypeError> {
        match self.ty.coerce(value)? {
            Value::Text(s) if self.ty == ColumnType::Enum && !self.members.contains(&s) => {
                Err(TypeError::NotMember { value: s })
            }
            v => Ok(v),
        }
    }

    /// CURRENT_TIMESTAMP at the column's precision, as SQL writes it.
    pub fn clock_sql(&self) -> String {
        match self.ty {
            ColumnType::Temporal(TimeType::DateTime(fsp) | TimeType::Timestamp(fsp)) if fsp > 0 => {
                format!("CURRENT_TIMESTAMP({fsp})")
            }
            _ => "CURRENT_TIMESTAMP".into(),
        }
    }

    /// The column's type as SQL writes it: `enum('a','b')` with its members.
    pub fn type_sql(&self) -> String {
        if self.ty != ColumnType::Enum {
            return self.ty.to_string();
        }
        let members: Vec<String> = self.members.iter().map(|m| sql_text(m)).collect();
        format!("enum({})", members.join(","))
    }
}

/// `CONSTRAINT name CHECK (expr)`: a row for which `expr` is false is refused (NULL passes,
/// as in MySQL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    /// The expression as SQL text, parsed again where it is enforced.
    pub expr: String,
}

/// `KEY name (columns)`: a secondary index, a prolly map of the rows by `columns` (see
/// `db::index`); `UNIQUE KEY`: also, no two rows have the same non-NULL values in `columns`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    /// Positions in the schema's columns.
    pub columns: Vec<usize>,
    pub unique: bool,
}

/// What a foreign key does to the rows that reference a parent row which a DELETE (or an
/// UPDATE) takes away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The statement fails (the default, written or not; MySQL's NO ACTION is the same).
    NoAction = 0,
    Restrict = 1,
    /// The referencing rows are deleted (or take the parent's new values).
    Cascade = 2,
    /// The referencing columns become NULL.
    SetNull = 3,
}

impl Action {
    fn from_byte(b: u8) -> Option<Action> {
        [
            Action::NoAction,
            Action::Restrict,
            Action::Cascade,
            Action::SetNull,
        ]
        .into_iter()
        .find(|a| *a as u8 == b)
    }

    pub fn sql(self) -> &'static str {
        match self {
            Action::NoAction => "NO ACTION",
            Action::Restrict => "RESTRICT",
            Action::Cascade => "CASCADE",
            Action::SetNull => "SET NULL",
        }
    }
}

/// `CONSTRAINT name FOREIGN KEY (columns) REFERENCES parent (parent_columns)`: each row whose
/// `columns` are all non-NULL has a row in `parent` with those values (`db::foreign`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    /// Positions in this schema's columns; a key of the table starts with them.
    pub columns: Vec<usize>,
    /// The parent table and its columns, by name (the parent's positions are its own to
    /// change); a key of the parent starts with them.
    pub parent: String,
    pub parent_columns: Vec<String>,
    pub on_delete: Action,
    pub on_update: Action,
}

impl ForeignKey {
    /// As SHOW CREATE TABLE writes it, and as the errors that it fails name it.
    pub fn to_sql(&self, schema: &Schema) -> String {
        let names: Vec<String> = self
            .columns
            .iter()
            .map(|&i| quote(&schema.columns[i].name))
            .collect();
        let parent: Vec<String> = self.parent_columns.iter().map(|c| quote(c)).collect();
        let mut out = format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
            quote(&self.name),
            names.join(", "),
            quote(&self.parent),
            parent.join(", ")
        );
        for (when, action) in [("DELETE", self.on_delete), ("UPDATE", self.on_update)] {
            if action != Action::NoAction {
                out.push_str(&format!(" ON {when} {}", action.sql()));
            }
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Schema {
    pub columns: Vec<Column>,
    /// Indexes into `columns`, in key order; empty for a keyless table.
    pub primary_key: Vec<usize>,
    pub checks: Vec<Check>,
    /// The unique ones first (the order they are stored in), each group in creation order.
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
}

/// Bits of a column's flags byte (it was the nullable flag, 0 or 1, before rows encoding 3).
const NULLABLE: u8 = 1;
const HAS_DEFAULT: u8 = 2;
const AUTO_INCREMENT: u8 = 4;
/// Since rows encoding 5: DEFAULT CURRENT_TIMESTAMP, ON UPDATE CURRENT_TIMESTAMP.
const DEFAULT_NOW: u8 = 8;
const UPDATE_NOW: u8 = 16;
/// Since rows encoding 6: the AUTO_INCREMENT column's start follows (`AUTO_INCREMENT = N`).
const AUTO_INCREMENT_START: u8 = 32;

/// Bounds a reader holds a stored schema to, so a forged one cannot ask for unbounded work.
pub const MAX_CHECK_LEN: usize = 4096;
pub const MAX_KEY_PARTS: usize = 16;
/// MySQL's limit of secondary indexes per table.
pub const MAX_KEYS: usize = 64;

impl Schema {
    pub fn is_keyless(&self) -> bool {
        self.primary_key.is_empty()
    }

    /// Column names are matched without regard to case, as MySQL and Dolt do.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// How rows with the values of `columns` are found: the primary key (None) or the
    /// index (Some(i)) whose columns start with them, the primary key first.
    pub fn key_over(&self, columns: &[usize]) -> Option<Option<usize>> {
        if self.primary_key.starts_with(columns) {
            return Some(None);
        }
        let i = self
            .indexes
            .iter()
            .position(|k| k.columns.starts_with(columns))?;
        Some(Some(i))
    }

    /// The columns not in the primary key, in table order.
    pub fn value_columns(&self) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|i| !self.primary_key.contains(i))
            .collect()
    }

    /// A `CREATE TABLE` statement that makes this schema, as SHOW CREATE TABLE shows it.
    pub fn to_sql(&self, table: &str) -> String {
        let mut parts: Vec<String> = (0..self.columns.len())
            .map(|i| {
                let name = quote(&self.columns[i].name);
                format!("  {name} {}", self.column_definition(i))
            })
            .collect();
        if !self.primary_key.is_empty() {
            parts.push(format!(
                "  PRIMARY KEY ({})",
                self.column_list(&self.primary_key)
            ));
        }
        parts.extend(self.constraints_sql().into_iter().map(|c| format!("  {c}")));
        let start = self
            .auto_increment_start()
            .map_or(String::new(), |n| format!(" AUTO_INCREMENT={n}"));
        format!(
            "CREATE TABLE {} (\n{}\n){start}",
            quote(table),
            parts.join(",\n")
        )
    }

    /// The secondary indexes, foreign keys and checks, each as CREATE TABLE writes it.
    pub fn constraints_sql(&self) -> Vec<String> {
        let mut out = Vec::new();
        for k in &self.indexes {
            out.push(format!(
                "{}KEY {} ({})",
                if k.unique { "UNIQUE " } else { "" },
                quote(&k.name),
                self.column_list(&k.columns)
            ));
        }
        out.extend(self.foreign_keys.iter().map(|k| k.to_sql(self)));
        for c in &self.checks {
            out.push(format!("CONSTRAINT {} CHECK ({})", quote(&c.name), c.expr));
        }
        out
    }

    /// Columns by index, quoted and joined as CREATE TABLE lists them.
    fn column_list(&self, cols: &[usize]) -> String {
        let names: Vec<String> = cols.iter().map(|&i| quote(&self.columns[i].name)).collect();
        names.join(",")
    }

    /// The table option `AUTO_INCREMENT = n`, if set (see `set_auto_increment_start`).
    pub fn auto_increment_start(&self) -> Option<u64> {
        self.columns.iter().find_map(|c| c.auto_increment_start)
    }

    /// The table option `AUTO_INCREMENT = n`: the least value the AUTO_INCREMENT column gives
    /// from now on. As in MySQL, 0 and 1 mean no start, and a table without such a column
    /// ignores it.
    pub fn set_auto_increment_start(&mut self, n: u64) {
        if let Some(c) = self.columns.iter_mut().find(|c| c.auto_increment) {
            c.auto_increment_start = (n > 1).then_some(n);
        }
    }

    /// The column's type and options as CREATE TABLE writes them: `int NOT NULL DEFAULT '5'`.
    pub fn column_definition(&self, i: usize) -> String {
        let c = &self.columns[i];
        let mut out = c.type_sql();
        if !c.nullable || self.primary_key.contains(&i) {
            out.push_str(" NOT NULL");
        }
        if let Some(v) = &c.default {
            out.push_str(" DEFAULT ");
            out.push_str(&sql_literal(v));
        }
        if c.default_now {
            out.push_str(" DEFAULT ");
            out.push_str(&c.clock_sql());
        }
        if c.update_now {
            out.push_str(" ON UPDATE ");
            out.push_str(&c.clock_sql());
        }
        if c.auto_increment {
            out.push_str(" AUTO_INCREMENT");
        }
        out
    }

    fn encode_as(&self, out: &mut Vec<u8>, legacy: bool) {
        put_uvarint(out, self.columns.len() as u64);
        for c in &self.columns {
            put_bytes(out, c.name.as_bytes());
            match c.ty {
                ColumnType::Integer { width, unsigned } => out.push(int_tag(width, unsigned)),
                ColumnType::Double => out.push(3),
                ColumnType::Decimal { precision, scale } => {
                    out.extend_from_slice(&[DECIMAL, precision, scale])
                }
                ColumnType::Text { max_len } => {
                    out.push(4);
                    put_uvarint(out, max_len.map_or(0, u64::from));
                }
                ColumnType::Bool => out.push(5),
                ColumnType::Json => out.push(JSON),
                ColumnType::Enum => {
                    out.push(ENUM);
                    put_uvarint(out, c.members.len() as u64);
                    for m in &c.members {
                        put_bytes(out, m.as_bytes());
                    }
                }
                ColumnType::Blob { max_len } => {
                    out.push(6);
                    put_uvarint(out, max_len.map_or(0, u64::from));
                }
                ColumnType::Temporal(kind) => match kind {
                    TimeType::Date => out.push(16),
                    TimeType::DateTime(fsp) => out.extend_from_slice(&[17, fsp]),
                    TimeType::Timestamp(fsp) => out.extend_from_slice(&[18, fsp]),
                    TimeType::Time(fsp) => out.extend_from_slice(&[19, fsp]),
                    TimeType::Year => out.push(20),
                },
            }
            let flags = c.nullable as u8
                | if c.default.is_some() { HAS_DEFAULT } else { 0 }
                | if c.auto_increment { AUTO_INCREMENT } else { 0 }
                | if c.default_now { DEFAULT_NOW } else { 0 }
                | if c.update_now { UPDATE_NOW } else { 0 }
                | if c.auto_increment_start.is_some() {
                    AUTO_INCREMENT_START
                } else {
                    0
                };
            out.push(flags);
            if let Some(v) = &c.default {
                encode_value(out, c.ty, v);
            }
            if let Some(start) = c.auto_increment_start {
                put_uvarint(out, start);
            }
        }
        put_uvarint(out, self.primary_key.len() as u64);
        for &i in &self.primary_key {
            put_uvarint(out, i as u64);
        }
        // Written only when there is something in it, so that a schema without checks or
        // keys keeps the bytes (and hash) it had under rows encoding 2; the list of keys only
        // when there are some (or foreign keys follow), so one without keeps its rows
        // encoding 3 bytes; foreign keys only when there are some, so one without keeps its
        // encoding 4 bytes.
        if self.checks.is_empty() && self.indexes.is_empty() && self.foreign_keys.is_empty() {
            return;
        }
        put_uvarint(out, self.checks.len() as u64);
        for c in &self.checks {
            put_bytes(out, c.name.as_bytes());
            put_bytes(out, c.expr.as_bytes());
        }
        let put_key = |out: &mut Vec<u8>, k: &Index| {
            put_bytes(out, k.name.as_bytes());
            put_uvarint(out, k.columns.len() as u64);
            for &i in &k.columns {
                put_uvarint(out, i as u64);
            }
        };
        if legacy {
            // Rows encoding 3's list of unique keys, which had no maps.
            put_uvarint(out, self.indexes.len() as u64);
            for k in &self.indexes {
                put_key(out, k);
            }
            return;
        }
        // Encoding 4 leaves encoding 3's list empty and lists every key after it, each with
        // its flags; encoding 5 lists the foreign keys after them.
        out.push(0);
        if !self.indexes.is_empty() || !self.foreign_keys.is_empty() {
            put_uvarint(out, self.indexes.len() as u64);
            for k in &self.indexes {
                put_bytes(out, k.name.as_bytes());
                out.push(u8::from(k.unique));
                put_uvarint(out, k.columns.len() as u64);
                for &i in &k.columns {
                    put_uvarint(out, i as u64);
                }
            }
        }
        if !self.foreign_keys.is_empty() {
            put_uvarint(out, self.foreign_keys.len() as u64);
            for k in &self.foreign_keys {
                put_bytes(out, k.name.as_bytes());
                put_uvarint(out, k.columns.len() as u64);
                for &i in &k.columns {
                    put_uvarint(out, i as u64);
                }
                put_bytes(out, k.parent.as_bytes());
                for c in &k.parent_columns {
                    put_bytes(out, c.as_bytes());
                }
                out.extend_from_slice(&[k.on_delete as u8, k.on_update as u8]);
            }
        }
    }

    /// Binary encoding, inside a root value chunk (docs/FORMAT.md, "Schemas").
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.encode_as(out, false);
    }

    /// As a table of rows encoding 3 whose unique keys have no maps yet stores it: its keys
    /// (all unique) in that encoding's list.
    pub fn encode_legacy(&self, out: &mut Vec<u8>) {
        self.encode_as(out, true);
    }

    /// A stored schema, and whether its keys are in rows encoding 3's list (so they have no
    /// maps yet).
    pub fn decode_stored(r: &mut Reader<'_>) -> Result<(Schema, bool), CodecError> {
        let mut legacy = false;
        let schema = Schema::decode_as(r, &mut legacy)?;
        Ok((schema, legacy))
    }

    pub fn decode(r: &mut Reader<'_>) -> Result<Schema, CodecError> {
        Schema::decode_as(r, &mut false)
    }

    fn decode_as(r: &mut Reader<'_>, legacy: &mut bool) -> Result<Schema, CodecError> {
        let n = r.count()?;
        let mut columns = Vec::with_capacity(n);
        for _ in 0..n {
            let name = r.string()?;
            let mut members = Vec::new();
            let ty = match r.u8()? {
                3 => ColumnType::Double,
                4 => ColumnType::Text {
                    max_len: max_len(r)?,
                },
                5 => ColumnType::Bool,
                6 => ColumnType::Blob {
                    max_len: max_len(r)?,
                },
                16 => ColumnType::Temporal(TimeType::Date),
                17 => ColumnType::Temporal(TimeType::DateTime(fsp(r)?)),
                18 => ColumnType::Temporal(TimeType::Timestamp(fsp(r)?)),
                19 => ColumnType::Temporal(TimeType::Time(fsp(r)?)),
                20 => ColumnType::Temporal(TimeType::Year),
                JSON => ColumnType::Json,
                ENUM => {
                    let n = r.count()?;
                    if n == 0 || n > MAX_MEMBERS {
                        return Err(CodecError::Invalid("enum member count"));
                    }
                    for _ in 0..n {
                        members.push(r.string()?);
                    }
                    ColumnType::Enum
                }
                DECIMAL => {
                    let (precision, scale) = (r.u8()?, r.u8()?);
                    if !valid_decimal(precision, scale) {
                        return Err(CodecError::Invalid("decimal precision or scale"));
                    }
                    ColumnType::Decimal { precision, scale }
                }
                tag => match INT_TAGS.iter().find(|(t, _, _)| *t == tag) {
                    Some(&(_, width, unsigned)) => ColumnType::Integer { width, unsigned },
                    None => return Err(CodecError::Invalid("column type")),
                },
            };
            let flags = r.u8()?;
            let known = NULLABLE
                | HAS_DEFAULT
                | AUTO_INCREMENT
                | DEFAULT_NOW
                | UPDATE_NOW
                | AUTO_INCREMENT_START;
            if flags & !known != 0 {
                return Err(CodecError::Invalid("column flags"));
            }
            let mut column = Column {
                name,
                ty,
                nullable: flags & NULLABLE != 0,
                default: None,
                auto_increment: flags & AUTO_INCREMENT != 0,
                auto_increment_start: None,
                default_now: flags & DEFAULT_NOW != 0,
                update_now: flags & UPDATE_NOW != 0,
                members,
            };
            if flags & HAS_DEFAULT != 0 {
                let start = r.position();
                let v = decode_value(r, ty)?;
                // Stored at the column's type, as CREATE TABLE made it, in the one encoding
                // of it (a bool's byte 49 read as true would be a second encoding: fuzzing).
                let mut again = Vec::new();
                encode_value(&mut again, ty, &v);
                if column.coerce(v.clone()).as_ref() != Ok(&v) || again != r.read_since(start) {
                    return Err(CodecError::Invalid("column default"));
                }
                column.default = Some(v);
            }
            if flags & AUTO_INCREMENT_START != 0 {
                // `valid` refuses a start below 2 (a second encoding of none) and one on
                // another column than the AUTO_INCREMENT one.
                column.auto_increment_start = Some(r.uvarint()?);
            }
            columns.push(column);
        }
        let k = r.count()?;
        let mut primary_key = Vec::with_capacity(k);
        for _ in 0..k {
            // Checked before narrowing: on wasm32, `as usize` would wrap 2^32 to column 0.
            let i = r.uvarint()?;
            if i >= columns.len() as u64 || primary_key.contains(&(i as usize)) {
                return Err(CodecError::Invalid("primary key column"));
            }
            primary_key.push(i as usize);
        }
        let mut schema = Schema {
            columns,
            primary_key,
            ..Schema::default()
        };
        if !r.is_empty() {
            *legacy = schema.decode_constraints(r)?;
        }
        schema.valid().map_err(CodecError::Invalid)?;
        Ok(schema)
    }

    /// The CHECK constraints and keys that follow the primary key since rows encoding 3:
    /// whether the keys are in that encoding's list of unique keys (else in encoding 4's).
    fn decode_constraints(&mut self, r: &mut Reader<'_>) -> Result<bool, CodecError> {
        for _ in 0..r.count()? {
            let name = r.string()?;
            let expr = r.string()?;
            if expr.len() > MAX_CHECK_LEN || !crate::sql::check_parses(&expr) {
                return Err(CodecError::Invalid("check expression"));
            }
            self.checks.push(Check { name, expr });
        }
        let legacy = r.count()?;
        for _ in 0..legacy {
            let name = r.string()?;
            let columns = self.key_columns(r)?;
            self.indexes.push(Index {
                name,
                columns,
                unique: true,
            });
        }
        if legacy == 0 && !r.is_empty() {
            let n = r.count()?;
            if n == 0 && r.is_empty() {
                // An empty list of keys would be a second encoding of none, unless foreign
                // keys follow it.
                return Err(CodecError::Invalid("empty key list"));
            }
            for _ in 0..n {
                let name = r.string()?;
                let unique = match r.u8()? {
                    0 => false,
                    1 => true,
                    _ => return Err(CodecError::Invalid("key flags")),
                };
                let columns = self.key_columns(r)?;
                self.indexes.push(Index {
                    name,
                    columns,
                    unique,
                });
            }
            if !r.is_empty() {
                self.decode_foreign_keys(r)?;
            }
        }
        if self.checks.is_empty() && self.indexes.is_empty() && self.foreign_keys.is_empty() {
            // An empty trailer would be a second encoding of the schema without one.
            return Err(CodecError::Invalid("empty constraints"));
        }
        Ok(legacy > 0)
    }

    /// Rows encoding 5's list of foreign keys, which ends the trailer.
    fn decode_foreign_keys(&mut self, r: &mut Reader<'_>) -> Result<(), CodecError> {
        let n = r.count()?;
        if n == 0 || n > MAX_KEYS {
            // An empty list would be a second encoding of none.
            return Err(CodecError::Invalid("foreign key count"));
        }
        for _ in 0..n {
            let name = r.string()?;
            let columns = self.key_columns(r)?;
            let parent = r.string()?;
            let parent_columns = (0..columns.len())
                .map(|_| r.string())
                .collect::<Result<Vec<_>, _>>()?;
            let mut action = || Action::from_byte(r.u8()?).ok_or(CodecError::Invalid("action"));
            let (on_delete, on_update) = (action()?, action()?);
            self.foreign_keys.push(ForeignKey {
                name,
                columns,
                parent,
                parent_columns,
                on_delete,
                on_update,
            });
        }
        Ok(())
    }

    fn key_columns(&self, r: &mut Reader<'_>) -> Result<Vec<usize>, CodecError> {
        let n = r.count()?;
        if n == 0 || n > MAX_KEY_PARTS {
            return Err(CodecError::Invalid("key columns"));
        }
        let mut columns = Vec::with_capacity(n);
        for _ in 0..n {
            let i = r.uvarint()?;
            if i >= self.columns.len() as u64 || columns.contains(&(i as usize)) {
                return Err(CodecError::Invalid("key column"));
            }
            columns.push(i as usize);
        }
        Ok(columns)
    }

    /// What every schema must be, whether made by CREATE or ALTER TABLE or read from a store:
    /// the rule it breaks, if any.
    pub fn valid(&self) -> Result<(), &'static str> {
        let mut auto = 0;
        for (i, c) in self.columns.iter().enumerate() {
            let distinct = c
                .members
                .iter()
                .enumerate()
                .all(|(j, m)| !c.members[..j].contains(m));
            if (c.ty == ColumnType::Enum) == c.members.is_empty() || !distinct {
                return Err("enum members (one or more, distinct, for an enum column only)");
            }
            if c.auto_increment {
                auto += 1;
                if !matches!(c.ty, ColumnType::Integer { .. })
                    || !self.primary_key.contains(&i)
                    || c.default.is_some()
                {
                    return Err("an AUTO_INCREMENT column must be an integer primary key column without a default");
                }
            }
            if c.auto_increment_start
                .is_some_and(|n| n < 2 || !c.auto_increment)
            {
                return Err("an AUTO_INCREMENT start of 2 or more, on the AUTO_INCREMENT column");
            }
        }
        if auto > 1 {
            return Err("a table has at most one AUTO_INCREMENT column");
        }
        for c in &self.columns {
            let clock = matches!(
                c.ty,
                ColumnType::Temporal(TimeType::DateTime(_) | TimeType::Timestamp(_))
            );
            if (c.default_now || c.update_now) && !clock {
                return Err("only a datetime or timestamp column reads the clock");
            }
            if c.default_now && (c.default.is_some() || c.auto_increment) {
                return Err("a column has one default");
            }
        }
        // As in MySQL: JSON text has no order or equality a key could use.
        let keys = self.indexes.iter().flat_map(|k| &k.columns);
        if self
            .primary_key
            .iter()
            .chain(keys)
            .any(|&i| self.columns[i].ty == ColumnType::Json)
        {
            return Err("a JSON column cannot be in a key");
        }
        let names_unique = |names: Vec<&str>| {
            names.iter().enumerate().all(|(i, a)| {
                !a.is_empty() && !names[..i].iter().any(|b| b.eq_ignore_ascii_case(a))
            })
        };
        if !names_unique(self.checks.iter().map(|c| c.name.as_str()).collect()) {
            return Err("check constraint names");
        }
        if !names_unique(self.indexes.iter().map(|k| k.name.as_str()).collect())
            || self
                .indexes
                .iter()
                .any(|k| k.name.eq_ignore_ascii_case("PRIMARY"))
        {
            return Err("key names");
        }
        if self.indexes.len() > MAX_KEYS {
            return Err("too many keys");
        }
        if !self.indexes.is_sorted_by_key(|k| !k.unique) {
            return Err("key order (unique keys first)");
        }
        if !names_unique(self.foreign_keys.iter().map(|k| k.name.as_str()).collect())
            || self.foreign_keys.len() > MAX_KEYS
        {
            return Err("foreign key names");
        }
        for k in &self.foreign_keys {
            let parent_names = k.parent_columns.iter().map(String::as_str).collect();
            if k.parent.is_empty()
                || k.parent_columns.len() != k.columns.len()
                || !names_unique(parent_names)
            {
                return Err("a foreign key's parent columns (one per column, distinct)");
            }
            // Its rows are found through a key when a parent row goes away.
            if self.key_over(&k.columns).is_none() {
                return Err("a foreign key's columns must start a key of the table");
            }
            let nullable = k.columns.iter().all(|&i| self.columns[i].nullable);
            if (k.on_delete == Action::SetNull || k.on_update == Action::SetNull) && !nullable {
                return Err("a foreign key that sets NULL needs columns that take NULL");
            }
        }
        Ok(())
    }
}

/// A name in backquotes, as MySQL quotes it.
pub fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A default value as SQL writes it, so that CREATE TABLE reads back the same value: numbers
/// bare, text and times quoted, blobs in hex.
pub fn sql_literal(v: &Value) -> String {
    match v {
        Value::Bool(b) => String::from(if *b { "TRUE" } else { "FALSE" }),
        Value::Int(_) | Value::Decimal(_) | Value::Double(_) => v.to_string(),
        Value::Blob(b) => format!("0x{}", crate::hex::Hex(b)),
        v => sql_text(&v.to_string()),
    }
}

/// Text as a quoted SQL literal that reads back as the same text.
fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

/// The type bytes of json, and of enum (followed by its members), since rows encoding 3.
const JSON: u8 = 21;
const ENUM: u8 = 22;

/// The most members an enum may have, as in MySQL.
pub const MAX_MEMBERS: usize = 65535;

/// The type byte of decimal(p,s), followed by p and s.
const DECIMAL: u8 = 7;

/// The type bytes of the integer types: int and bigint kept their first bytes, and tinyint,
/// smallint and mediumint, once stored as int, have their own since rows encoding 2.
const INT_TAGS: [(u8, IntWidth, bool); 10] = [
    (1, IntWidth::Int, false),
    (2, IntWidth::Big, false),
    (8, IntWidth::Tiny, false),
    (9, IntWidth::Small, false),
    (10, IntWidth::Medium, false),
    (11, IntWidth::Tiny, true),
    (12, IntWidth::Small, true),
    (13, IntWidth::Medium, true),
    (14, IntWidth::Int, true),
    (15, IntWidth::Big, true),
];

fn int_tag(width: IntWidth, unsigned: bool) -> u8 {
    INT_TAGS
        .iter()
        .find(|(_, w, u)| (*w, *u) == (width, unsigned))
        .map_or(1, |(tag, _, _)| *tag)
}

/// What decimal(precision, scale) may be: 1 to 38 digits, at most 30 (and at most all of
/// them) decimals.
pub fn valid_decimal(precision: u8, scale: u8) -> bool {
    (1..=MAX_PRECISION).contains(&precision) && scale <= precision.min(MAX_SCALE)
}

/// Fractional-second digits, 0 to 6.
fn fsp(r: &mut Reader<'_>) -> Result<u8, CodecError> {
    match r.u8()? {
        fsp if fsp <= MAX_FSP => Ok(fsp),
        _ => Err(CodecError::Invalid("fractional-second precision")),
    }
}

/// A text or blob column's maximum length; 0 stands for none.
fn max_len(r: &mut Reader<'_>) -> Result<Option<u32>, CodecError> {
    match r.uvarint()? {
        0 => Ok(None),
        m => u32::try_from(m)
            .map(Some)
            .map_err(|_| CodecError::Invalid("column length")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// docs/FORMAT.md, "Schemas": the type bytes of the types that rows encoding 2 added.
    #[test]
    fn new_types_in_docs_format() {
        let column = |name: &str, ty| Column::new(name, ty, false);
        let schema = Schema {
            columns: vec![
                column(
                    "d",
                    ColumnType::Decimal {
                        precision: 5,
                        scale: 2,
                    },
                ),
                column(
                    "u",
                    ColumnType::Integer {
                        width: IntWidth::Big,
                        unsigned: true,
                    },
                ),
                column(
                    "t",
                    ColumnType::Integer {
                        width: IntWidth::Tiny,
                        unsigned: false,
                    },
                ),
                column("i", ColumnType::INT),
                column("a", ColumnType::Temporal(TimeType::Date)),
                column("b", ColumnType::Temporal(TimeType::DateTime(3))),
                column("c", ColumnType::Temporal(TimeType::Timestamp(0))),
                column("e", ColumnType::Temporal(TimeType::Time(6))),
                column("f", ColumnType::Temporal(TimeType::Year)),
            ],
            primary_key: vec![0],
            ..Schema::default()
        };
        let mut out = Vec::new();
        schema.encode(&mut out);
        let mut want = vec![
            9, 1, b'd', 7, 5, 2, 0, 1, b'u', 15, 0, 1, b't', 8, 0, 1, b'i', 1, 0,
        ];
        want.extend_from_slice(&[1, b'a', 16, 0, 1, b'b', 17, 3, 0, 1, b'c', 18, 0, 0]);
        want.extend_from_slice(&[1, b'e', 19, 6, 0, 1, b'f', 20, 0, 1, 0]);
        assert_eq!(out, want);
        let bad_fsp = [1, 1, b'x', 17, 7, 0, 0];
        assert_eq!(
            Schema::decode(&mut Reader::new(&bad_fsp)),
            Err(CodecError::Invalid("fractional-second precision"))
        );
        assert_eq!(Schema::decode(&mut Reader::new(&out)), Ok(schema));
        for (p, s) in [(0, 0), (39, 2), (5, 6), (38, 31)] {
            let bad = [1, 1, b'd', 7, p, s, 0, 0];
            assert_eq!(
                Schema::decode(&mut Reader::new(&bad)),
                Err(CodecError::Invalid("decimal precision or scale"))
            );
        }
        assert_eq!(
            Schema::decode(&mut Reader::new(&[1, 1, b'x', 23, 0, 0])),
            Err(CodecError::Invalid("column type"))
        );
    }

    /// docs/FORMAT.md, "Schemas": the clock's flags rows encoding 5 added.
    #[test]
    fn clock_defaults_in_docs_format() {
        let mut at = Column::new("at", ColumnType::Temporal(TimeType::DateTime(3)), true);
        at.default_now = true;
        at.update_now = true;
        let schema = Schema {
            columns: vec![at],
            ..Schema::default()
        };
        let mut out = Vec::new();
        schema.encode(&mut out);
        assert_eq!(out, [1, 2, b'a', b't', 17, 3, 0x19, 0]);
        assert_eq!(Schema::decode(&mut Reader::new(&out)), Ok(schema));
        let refused = |bytes: &[u8], why: &'static str| {
            assert_eq!(
                Schema::decode(&mut Reader::new(bytes)),
                Err(CodecError::Invalid(why)),
                "{bytes:?}"
            );
        };
        // Not on an int column, and not with a default value as well.
        refused(
            &[1, 1, b'a', 1, 0x09, 0],
            "only a datetime or timestamp column reads the clock",
        );
        refused(
            &[1, 2, b'a', b't', 17, 0, 0x0b, 0, 0],
            "a column has one default",
        );
        refused(&[1, 1, b'a', 1, 0x41, 0], "column flags");
    }

    /// docs/FORMAT.md, "Schemas": the AUTO_INCREMENT start rows encoding 6 added.
    #[test]
    fn auto_increment_start_in_docs_format() {
        let mut id = Column::new("id", ColumnType::INT, false);
        id.auto_increment = true;
        let mut schema = Schema {
            columns: vec![id],
            primary_key: vec![0],
            ..Schema::default()
        };
        schema.set_auto_increment_start(1000);
        let mut out = Vec::new();
        schema.encode(&mut out);
        assert_eq!(out, [1, 2, b'i', b'd', 1, 0x24, 0xe8, 0x07, 1, 0]);
        assert_eq!(Schema::decode(&mut Reader::new(&out)), Ok(schema.clone()));
        // 0 and 1 are no start: the schema keeps its encoding 5 bytes.
        schema.set_auto_increment_start(1);
        out.clear();
        schema.encode(&mut out);
        assert_eq!(out, [1, 2, b'i', b'd', 1, 0x04, 1, 0]);
        let why = "an AUTO_INCREMENT start of 2 or more, on the AUTO_INCREMENT column";
        for bytes in [
            &[1, 2, b'i', b'd', 1, 0x24, 1, 1, 0][..],
            &[1, 2, b'i', b'd', 1, 0x20, 5, 1, 0],
            &[
                1, 2, b'i', b'd', 1, 0x24, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            ],
        ] {
            assert!(
                Schema::decode(&mut Reader::new(bytes)).is_err(),
                "{bytes:?}"
            );
        }
        assert_eq!(
            Schema::decode(&mut Reader::new(&[1, 2, b'i', b'd', 1, 0x24, 1, 1, 0])),
            Err(CodecError::Invalid(why))
        );
    }

    /// docs/FORMAT.md, "Schemas": the foreign keys rows encoding 5 added.
    #[test]
    fn foreign_keys_in_docs_format() {
        let schema = Schema {
            columns: vec![
                Column::new("id", ColumnType::INT, false),
                Column::new("p", ColumnType::INT, true),
            ],
            primary_key: vec![0],
            foreign_keys: vec![ForeignKey {
                name: "f".into(),
                columns: vec![0],
                parent: "t".into(),
                parent_columns: vec!["id".into()],
                on_delete: Action::Cascade,
                on_update: Action::Restrict,
            }],
            ..Schema::default()
        };
        let mut out = Vec::new();
        schema.encode(&mut out);
        let head = [2, 2, b'i', b'd', 1, 0, 1, b'p', 1, 1, 1, 0];
        // No checks, encoding 3's empty list, no keys, then one foreign key.
        let tail = [0, 0, 0, 1, 1, b'f', 1, 0, 1, b't', 2, b'i', b'd', 2, 1];
        assert_eq!(out, [&head[..], &tail[..]].concat());
        assert_eq!(Schema::decode(&mut Reader::new(&out)), Ok(schema.clone()));
        let refused = |tail: &[u8], why: &'static str| {
            let bytes = [&head[..], tail].concat();
            assert_eq!(
                Schema::decode(&mut Reader::new(&bytes)),
                Err(CodecError::Invalid(why)),
                "{tail:?}"
            );
        };
        refused(&[0, 0, 0], "empty key list");
        refused(&[0, 0, 0, 0], "foreign key count");
        refused(
            &[0, 0, 0, 1, 1, b'f', 1, 0, 1, b't', 2, b'i', b'd', 2, 4],
            "action",
        );
        // Its columns must start a key: column 1 has none.
        refused(
            &[0, 0, 0, 1, 1, b'f', 1, 1, 1, b't', 2, b'i', b'd', 0, 0],
            "a foreign key's columns must start a key of the table",
        );
    }

    /// docs/FORMAT.md, "Schemas": the bytes rows encoding 3 added, and what a reader refuses.
    #[test]
    fn options_and_constraints_in_docs_format() {
        let mut id = Column::new("id", ColumnType::INT, false);
        id.auto_increment = true;
        let mut n = Column::new("n", ColumnType::INT, true);
        n.default = Some(Value::Int(-2));
        let mut s = Column::new("s", ColumnType::Text { max_len: Some(3) }, false);
        s.default = Some(Value::Text("ab".into()));
        let schema = Schema {
            columns: vec![id, n, s],
            primary_key: vec![0],
            checks: vec![Check {
                name: "c".into(),
                expr: "n > 0".into(),
            }],
            indexes: vec![Index {
                name: "u".into(),
                columns: vec![2, 1],
                unique: true,
            }],
            foreign_keys: vec![],
        };
        let mut out = Vec::new();
        schema.encode(&mut out);
        let mut want = vec![3, 2, b'i', b'd', 1, 4, 1, b'n', 1, 3, 3, 1, b's', 4, 3, 2];
        want.extend_from_slice(&[2, b'a', b'b', 1, 0]);
        want.extend_from_slice(&[1, 1, b'c', 5, b'n', b' ', b'>', b' ', b'0']);
        want.extend_from_slice(&[0, 1, 1, b'u', 1, 2, 2, 1]);
        assert_eq!(out, want);
        assert_eq!(Schema::decode(&mut Reader::new(&out)), Ok(schema.clone()));
        // Without options or constraints a schema keeps its rows encoding 2 bytes.
        let plain = Schema {
            columns: vec![Column::new("a", ColumnType::INT, true)],
            ..Schema::default()
        };
        let mut old = Vec::new();
        plain.encode(&mut old);
        assert_eq!(old, [1, 1, b'a', 1, 1, 0]);
        let refused = |bytes: &[u8], why: &'static str| {
            assert_eq!(
                Schema::decode(&mut Reader::new(bytes)),
                Err(CodecError::Invalid(why)),
                "{bytes:?}"
            );
        };
        refused(&[1, 1, b'a', 1, 0x40, 0], "column flags");
        // A default past its column's type: 300 in a tinyint, 'abcd' in varchar(3).
        refused(&[1, 1, b'a', 8, 2, 0xd8, 0x04, 0], "column default");
        refused(
            &[1, 1, b'a', 4, 3, 2, 4, b'a', b'b', b'c', b'd', 0],
            "column default",
        );
        // AUTO_INCREMENT outside the key, or on text.
        refused(
            &[1, 1, b'a', 1, 4, 0],
            "an AUTO_INCREMENT column must be an integer primary key column without a default",
        );
        refused(
            &[1, 1, b'a', 4, 0, 4, 1, 0],
            "an AUTO_INCREMENT column must be an integer primary key column without a default",
        );
        let trailer = |t: &[u8]| [&[1, 1, b'a', 1, 1, 0][..], t].concat();
        refused(&trailer(&[0, 0]), "empty constraints");
        refused(
            &trailer(&[1, 1, b'c', 3, b'a', b' ', b'>', 0]),
            "check expression",
        );
        refused(
            &trailer(&[1, 1, b'c', 3, b'1', b' ', b'2', 0]),
            "check expression",
        );
        refused(&trailer(&[0, 1, 1, b'u', 1, 1]), "key column");
        refused(&trailer(&[0, 1, 1, b'u', 0]), "key columns");
        refused(&trailer(&[0, 1, 1, b'u', 2, 0, 0]), "key column");
        refused(&trailer(&[0, 2, 1, b'u', 1, 0, 1, b'U', 1, 0]), "key names");
        refused(&trailer(&[0, 1, 0, 1, 0]), "key names");
        // Rows encoding 4: encoding 3's list of unique keys left empty, then every key with
        // its flags (1: unique), when there are some.
        let keyed = trailer(&[0, 0, 2, 1, b'u', 1, 1, 0, 1, b'k', 0, 1, 0]);
        let (schema, legacy) = Schema::decode_stored(&mut Reader::new(&keyed)).unwrap();
        assert!(!legacy);
        let key = |name: &str, unique| Index {
            name: name.into(),
            columns: vec![0],
            unique,
        };
        assert_eq!(schema.indexes, [key("u", true), key("k", false)]);
        let mut again = Vec::new();
        schema.encode(&mut again);
        assert_eq!(again, keyed);
        // A table of encoding 3 keeps its unique keys in that encoding's list until their
        // maps are built.
        let old = trailer(&[0, 1, 1, b'u', 1, 0]);
        let (schema, legacy) = Schema::decode_stored(&mut Reader::new(&old)).unwrap();
        assert!(legacy);
        assert_eq!(schema.indexes, [key("u", true)]);
        let mut again = Vec::new();
        schema.encode_legacy(&mut again);
        assert_eq!(again, old);
        refused(&trailer(&[0, 0, 0]), "empty key list");
        refused(&trailer(&[0, 0, 1, 1, b'k', 2, 1, 0]), "key flags");
        refused(&trailer(&[0, 0, 1, 1, b'k', 0, 0]), "key columns");
        refused(
            &trailer(&[0, 0, 2, 1, b'k', 0, 1, 0, 1, b'u', 1, 1, 0]),
            "key order (unique keys first)",
        );
        let primary = [&[0, 0, 1, 7][..], b"PRIMARY", &[0, 1, 0]].concat();
        refused(&trailer(&primary), "key names");
        // json is byte 21; enum byte 22, its member count and members.
        let mut e = Column::new("e", ColumnType::Enum, true);
        e.members = vec!["a".into(), "b".into()];
        e.default = Some(Value::Text("b".into()));
        let typed = Schema {
            columns: vec![Column::new("j", ColumnType::Json, true), e],
            ..Schema::default()
        };
        let mut out = Vec::new();
        typed.encode(&mut out);
        let want = [
            2, 1, b'j', 21, 1, 1, b'e', 22, 2, 1, b'a', 1, b'b', 3, 1, b'b', 0,
        ];
        assert_eq!(out, want);
        assert_eq!(Schema::decode(&mut Reader::new(&out)), Ok(typed));
        refused(&[1, 1, b'e', 22, 0, 1, 0], "enum member count");
        refused(
            &[1, 1, b'e', 22, 2, 1, b'a', 1, b'a', 1, 0],
            "enum members (one or more, distinct, for an enum column only)",
        );
        refused(
            &[1, 1, b'e', 22, 1, 1, b'a', 3, 1, b'z', 0],
            "column default",
        );
        // A JSON default must be JSON.
        refused(&[1, 1, b'j', 21, 3, 1, b'{', 0], "column default");
        // A bool default of byte 49: true, but not as a bool is written (found by fuzzing).
        refused(&[1, 1, b'b', 5, 3, 49, 0], "column default");
        // Nested deeper than a statement may be (a forged schema must not overflow the stack).
        let deep = [
            &[1, 1, b'c', 0xc9, 1][..],
            &[b'('; 100],
            b"1",
            &[b')'; 100],
            &[0],
        ]
        .concat();
        refused(&trailer(&deep), "check expression");
    }
}
