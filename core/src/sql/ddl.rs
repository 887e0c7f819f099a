//! CREATE TABLE and DROP TABLE, and the column definitions and constraints ALTER TABLE
//! shares with them.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use sqlparser::ast::helpers::stmt_create_table::CreateTableBuilder;
use sqlparser::ast::{
    CharacterLength, ColumnDef, ColumnOption, CreateTable, CreateTableLikeKind, CreateTableOptions,
    DataType, EnumMember, ExactNumberInfo, Expr, ForeignKeyConstraint, FunctionArg,
    FunctionArgExpr, FunctionArguments, Ident, IndexColumn, NullsDistinctOption, ObjectName,
    ObjectType, OrderByOptions, PrimaryKeyConstraint, SqlOption, TableConstraint, TimezoneInfo,
    UniqueConstraint, Value as AstValue,
};

use crate::db::decimal::{MAX_PRECISION, MAX_SCALE};
use crate::db::root_value::{RootValue, TableRef};
use crate::db::schema::{
    valid_decimal, Check, Column, Index, Schema, MAX_CHECK_LEN, MAX_KEYS, MAX_KEY_PARTS,
    MAX_MEMBERS,
};
use crate::db::table::TableError;
use crate::db::temporal::{TimeType, MAX_FSP};
use crate::db::value::Value;
use crate::db::value::{ColumnType, IntWidth};
use crate::hash::Hash;
use crate::sql::constraints::parse_check;
use crate::sql::expr::{compile, Scope};
use crate::sql::{
    find_table, foreign_key, object_name, system_variables, unsupported, QueryResult, SqlError,
};

/// CREATE TABLE; with `key_checks` off (`foreign_key_checks = 0`) a foreign key may name a
/// parent table that does not exist yet.
pub fn create_table(
    root: &mut RootValue,
    create: CreateTable,
    key_checks: bool,
) -> Result<QueryResult, SqlError> {
    if create.temporary {
        return unsupported("CREATE TEMPORARY TABLE");
    }
    if let Some(like) = &create.like {
        return create_like(root, &create, like);
    }
    let Some(name) = new_table(root, &create)? else {
        return Ok(QueryResult::affected(0));
    };
    let mut schema = created_schema(&name, &create, Vec::new())?;
    foreign_key::resolve(root, &name, &mut schema, key_checks)?;
    let indexes = alloc::vec![Hash::EMPTY; schema.indexes.len()];
    root.tables
        .insert(name, TableRef::new(schema, Hash::EMPTY, indexes));
    Ok(QueryResult::affected(0))
}

/// The name of the table `create` makes, with its options checked; None when it exists and
/// IF NOT EXISTS says to leave it.
pub(crate) fn new_table(
    root: &RootValue,
    create: &CreateTable,
) -> Result<Option<String>, SqlError> {
    // Anything beyond name, columns, constraints, IF NOT EXISTS, table options (checked
    // below) and a query makes the statement differ from this plain one.
    let plain = CreateTableBuilder::new(create.name.clone())
        .if_not_exists(create.if_not_exists)
        .columns(create.columns.clone())
        .constraints(create.constraints.clone())
        .table_options(create.table_options.clone())
        .query(create.query.clone())
        .build();
    if plain != *create {
        return unsupported("CREATE TABLE option");
    }
    check_table_options(&create.table_options)?;
    let name = object_name(&create.name)?;
    if name.is_empty() {
        return Err(SqlError::Syntax("a table name cannot be empty".into()));
    }
    if find_table(root, &name).is_ok() {
        if create.if_not_exists {
            return Ok(None);
        }
        return Err(SqlError::TableExists(name));
    }
    Ok(Some(name))
}

/// `CREATE TABLE new LIKE old`: an empty table of `old`'s columns, keys, indexes and checks;
/// as in MySQL, not its foreign keys (the indexes they made stay).
fn create_like(
    root: &mut RootValue,
    create: &CreateTable,
    like: &CreateTableLikeKind,
) -> Result<QueryResult, SqlError> {
    let (CreateTableLikeKind::Plain(like) | CreateTableLikeKind::Parenthesized(like)) = like;
    if like.defaults.is_some() || !create.columns.is_empty() || !create.constraints.is_empty() {
        return unsupported("CREATE TABLE ... LIKE with more than the table to copy");
    }
    let name = object_name(&create.name)?;
    if find_table(root, &name).is_ok() {
        if create.if_not_exists {
            return Ok(QueryResult::affected(0));
        }
        return Err(SqlError::TableExists(name));
    }
    let source = find_table(root, &object_name(&like.name)?)?;
    let mut schema = Schema::clone(&root.tables[&source].schema);
    schema.foreign_keys.clear();
    let indexes = alloc::vec![Hash::EMPTY; schema.indexes.len()];
    root.tables
        .insert(name, TableRef::new(schema, Hash::EMPTY, indexes));
    Ok(QueryResult::affected(0))
}

/// The schema `create` makes: its columns, then `more` (CREATE TABLE ... SELECT's), its
/// constraints, and the start its `AUTO_INCREMENT = N` option gives.
pub(crate) fn created_schema(
    table: &str,
    create: &CreateTable,
    more: Vec<Column>,
) -> Result<Schema, SqlError> {
    let mut schema = schema(table, &create.columns, more, &create.constraints)?;
    if let CreateTableOptions::Plain(options) = &create.table_options {
        for option in options {
            if let Some(n) = auto_increment_option(option)? {
                schema.set_auto_increment_start(n);
            }
        }
    }
    Ok(schema)
}

/// The value of a table option `AUTO_INCREMENT = N` (None: another option).
fn auto_increment_option(option: &SqlOption) -> Result<Option<u64>, SqlError> {
    match option {
        SqlOption::KeyValue { key, value }
            if key.to_string().eq_ignore_ascii_case("AUTO_INCREMENT") =>
        {
            let literal = match value {
                Expr::Value(v) => Some(&v.value),
                _ => None,
            };
            Ok(Some(auto_increment_start(literal, value)?))
        }
        _ => Ok(None),
    }
}

/// `AUTO_INCREMENT = N`'s N, from the literal written as `written` (None: not a literal), as
/// MySQL takes it: a whole number up to bigint unsigned's greatest.
pub(crate) fn auto_increment_start(
    literal: Option<&sqlparser::ast::Value>,
    written: &dyn core::fmt::Display,
) -> Result<u64, SqlError> {
    let number = match literal {
        Some(sqlparser::ast::Value::Number(n, _)) => n.parse().ok(),
        _ => None,
    };
    number.ok_or_else(|| {
        SqlError::Syntax(format!(
            "AUTO_INCREMENT = {written}: the start is a whole number from 0 to {}",
            u64::MAX
        ))
    })
}

/// The schema of a table of columns `defs`, then `more` (CREATE TABLE ... SELECT's), with
/// `constraints`.
pub(crate) fn schema(
    table: &str,
    defs: &[ColumnDef],
    more: Vec<Column>,
    constraints: &[TableConstraint],
) -> Result<Schema, SqlError> {
    if defs.is_empty() && more.is_empty() {
        return Err(SqlError::Syntax("a table needs at least one column".into()));
    }
    let mut schema = Schema::default();
    let mut key_names: Vec<&str> = Vec::new();
    // PRIMARY KEY clauses seen: more than one is an error, as in MySQL.
    let mut keys = 0;
    let mut specs = Vec::with_capacity(defs.len());
    for def in defs {
        let spec = column(def)?;
        if schema.column_index(&spec.column.name).is_some() {
            return Err(SqlError::DuplicateColumn(spec.column.name));
        }
        if spec.primary_key {
            key_names.push(def.name.value.as_str());
            keys += 1;
        }
        schema.columns.push(spec.column.clone());
        specs.push(spec);
    }
    for column in more {
        if column.name.is_empty() {
            return Err(SqlError::Syntax("a column name cannot be empty".into()));
        }
        if schema.column_index(&column.name).is_some() {
            return Err(SqlError::DuplicateColumn(column.name));
        }
        schema.columns.push(column);
    }
    for constraint in constraints {
        match constraint {
            TableConstraint::PrimaryKey(pk) if plain_key(pk) => {
                for col in &pk.columns {
                    key_names.push(key_column(col)?);
                }
                keys += 1;
            }
            _ => {}
        }
    }
    if keys > 1 {
        return Err(SqlError::Syntax("multiple primary keys defined".into()));
    }
    for name in key_names {
        let i = schema
            .column_index(name)
            .ok_or_else(|| SqlError::UnknownColumn(name.into()))?;
        if schema.primary_key.contains(&i) {
            return Err(SqlError::DuplicateColumn(name.into()));
        }
        schema.primary_key.push(i);
        // Primary key columns are NOT NULL, declared or not, as in MySQL.
        schema.columns[i].nullable = false;
    }
    // Column options first, then table constraints, in the order written, as MySQL names
    // them.
    for (i, spec) in specs.into_iter().enumerate() {
        spec.add_constraints(&mut schema, table, i)?;
    }
    for constraint in constraints {
        match constraint {
            TableConstraint::PrimaryKey(pk) if plain_key(pk) => {}
            other => add_constraint(&mut schema, table, other)?,
        }
    }
    valid(&schema)?;
    Ok(schema)
}

/// A schema's own rules (`Schema::valid`), in MySQL's words where it has them.
pub(crate) fn valid(schema: &Schema) -> Result<(), SqlError> {
    schema
        .valid()
        .map_err(|rule| SqlError::Definition(format!("incorrect table definition: {rule}")))
}

/// A column as CREATE or ALTER TABLE declares it, with the keys and checks its options add.
#[derive(Clone, Debug)]
pub(crate) struct ColumnSpec {
    pub column: Column,
    pub primary_key: bool,
    /// `UNIQUE`, with the constraint's name if it has one.
    pub unique: Option<Option<String>>,
    /// `CHECK (expr)`, with the constraint's name if it has one.
    pub checks: Vec<(Option<String>, Expr)>,
    /// `REFERENCES parent (column)`.
    pub references: Vec<ForeignKeyConstraint>,
}

impl ColumnSpec {
    /// Adds the column's UNIQUE, CHECK and REFERENCES to `schema`, where it is column `i`.
    pub fn add_constraints(
        self,
        schema: &mut Schema,
        table: &str,
        i: usize,
    ) -> Result<(), SqlError> {
        if let Some(name) = self.unique {
            add_index(schema, name, alloc::vec![i], true)?;
        }
        for (name, expr) in self.checks {
            add_check(schema, table, name, &expr)?;
        }
        for fk in &self.references {
            foreign_key::add(schema, table, fk, Some(i))?;
        }
        Ok(())
    }
}

/// One column of a CREATE TABLE or ALTER TABLE.
pub(crate) fn column(def: &ColumnDef) -> Result<ColumnSpec, SqlError> {
    let options: Vec<(Option<&Ident>, &ColumnOption)> = def
        .options
        .iter()
        .map(|o| (o.name.as_ref(), &o.option))
        .collect();
    column_of(&def.name.value, &def.data_type, &options)
}

/// `column` from its parts, as ALTER TABLE ... MODIFY and CHANGE give them.
pub(crate) fn column_of(
    name: &str,
    data_type: &DataType,
    options: &[(Option<&Ident>, &ColumnOption)],
) -> Result<ColumnSpec, SqlError> {
    if name.is_empty() {
        return Err(SqlError::Syntax("a column name cannot be empty".into()));
    }
    let mut column = match data_type {
        DataType::Enum(members, None) => {
            let mut column = Column::new(name, ColumnType::Enum, true);
            for m in members {
                match m {
                    EnumMember::Name(m) if !column.members.contains(m) => {
                        column.members.push(m.clone())
                    }
                    EnumMember::Name(m) => {
                        return Err(SqlError::Definition(format!(
                            "column '{name}' has a duplicated value '{m}' in ENUM"
                        )))
                    }
                    EnumMember::NamedValue(m, _) => {
                        return unsupported(format!("ENUM member '{m}' = value"))
                    }
                }
            }
            if column.members.is_empty() || column.members.len() > MAX_MEMBERS {
                return unsupported(format!("ENUM of {} members", column.members.len()));
            }
            column
        }
        ty => Column::new(name, column_type(ty)?, true),
    };
    let mut spec_default = None;
    let mut on_update = None;
    let mut primary_key = false;
    let mut unique = None;
    let mut checks = Vec::new();
    let mut references = Vec::new();
    let textual = matches!(column.ty, ColumnType::Text { .. } | ColumnType::Enum);
    for (constraint_name, option) in options {
        let constraint_name = constraint_name.map(|n| n.value.clone());
        match option {
            ColumnOption::Null => column.nullable = true,
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Default(e) => spec_default = Some(e),
            ColumnOption::OnUpdate(e) => on_update = Some(e),
            ColumnOption::PrimaryKey(pk) if pk.columns.is_empty() && plain_key(pk) => {
                primary_key = true
            }
            ColumnOption::Unique(u) if u.columns.is_empty() && plain_unique(u) => {
                unique = Some(constraint_name.or_else(|| u.name.as_ref().map(|n| n.value.clone())))
            }
            ColumnOption::Check(c) if c.enforced != Some(false) && !c.no_inherit => {
                let name = constraint_name.or_else(|| c.name.as_ref().map(|n| n.value.clone()));
                checks.push((name, (*c.expr).clone()));
            }
            ColumnOption::ForeignKey(fk) => {
                let mut fk = fk.clone();
                fk.name = fk.name.or_else(|| constraint_name.map(Ident::new));
                references.push(fk);
            }
            ColumnOption::CharacterSet(name) if textual => {
                text_as_stored(Naming::CharacterSet, &name.to_string())?
            }
            ColumnOption::Collation(name) if textual => {
                text_as_stored(Naming::Collation, &name.to_string())?
            }
            ColumnOption::DialectSpecific(tokens)
                if tokens.len() == 1
                    && tokens[0].to_string().eq_ignore_ascii_case("AUTO_INCREMENT") =>
            {
                column.auto_increment = true
            }
            other => return unsupported(format!("column option {other}")),
        }
    }
    if let Some(e) = spec_default {
        set_default(&mut column, e)?;
    }
    if let Some(e) = on_update {
        if !reads_clock(&column, e)? {
            return unsupported(format!("ON UPDATE {e} (only ON UPDATE CURRENT_TIMESTAMP)"));
        }
        column.update_now = true;
    }
    Ok(ColumnSpec {
        column,
        primary_key,
        unique,
        checks,
        references,
    })
}

/// Sets a column's DEFAULT: CURRENT_TIMESTAMP (read at each insert), or a constant.
pub(crate) fn set_default(column: &mut Column, e: &Expr) -> Result<(), SqlError> {
    column.default_now = reads_clock(column, e)?;
    column.default = match column.default_now {
        true => None,
        false => default_value(column, e)?,
    };
    Ok(())
}

/// Whether `e` is CURRENT_TIMESTAMP (or NOW(), LOCALTIME, LOCALTIMESTAMP), with the
/// column's fractional digits, on a datetime or timestamp column, as MySQL allows it in
/// DEFAULT and ON UPDATE; any other use of the clock there is refused.
fn reads_clock(column: &Column, e: &Expr) -> Result<bool, SqlError> {
    let Expr::Function(f) = e else {
        return Ok(false);
    };
    let name = f.name.to_string().to_ascii_lowercase();
    if !matches!(
        name.as_str(),
        "current_timestamp" | "now" | "localtime" | "localtimestamp"
    ) {
        return Ok(false);
    }
    let digits = match &f.args {
        FunctionArguments::None => Some(0),
        FunctionArguments::List(list) if list.args.is_empty() => Some(0),
        FunctionArguments::List(list) => match list.args.as_slice() {
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))] => match &v.value {
                AstValue::Number(n, false) => n.parse::<u8>().ok(),
                _ => None,
            },
            _ => None,
        },
        FunctionArguments::Subquery(_) => None,
    };
    let fsp = match column.ty {
        ColumnType::Temporal(TimeType::DateTime(fsp) | TimeType::Timestamp(fsp)) => Some(fsp),
        _ => None,
    };
    if digits.is_none() || digits != fsp {
        return Err(SqlError::Definition(format!(
            "invalid default value for '{}': {e} (the clock goes in a datetime or timestamp \
             column, with as many fractional digits as the column has)",
            column.name
        )));
    }
    Ok(true)
}

/// A column's DEFAULT: a constant, at the column's type (MySQL's "Invalid default value"
/// otherwise). DEFAULT NULL is no default.
pub(crate) fn default_value(column: &Column, e: &Expr) -> Result<Option<Value>, SqlError> {
    let invalid = |why: String| {
        SqlError::Definition(format!(
            "invalid default value for '{}': {why}",
            column.name
        ))
    };
    let v = compile(e, None)
        .and_then(|c| c.eval(&[]))
        .map_err(|e| invalid(format!("{e} (a default is a constant)")))?;
    if v.is_null() {
        if !column.nullable {
            return Err(invalid("NULL in a NOT NULL column".into()));
        }
        return Ok(None);
    }
    if column.auto_increment {
        return Err(invalid("an AUTO_INCREMENT column has none".into()));
    }
    match column.coerce(quoted_number(column, v)) {
        Ok(v) => Ok(Some(v)),
        Err(error) => Err(invalid(
            TableError::Type {
                column: column.name.clone(),
                error,
            }
            .to_string(),
        )),
    }
}

/// A default as MySQL writes every default, quoted (`DEFAULT '0'` on an int column: its SHOW
/// CREATE TABLE and dumps do): in a numeric column, text that is a plain number is that
/// number. Other text is left for the column to refuse.
fn quoted_number(column: &Column, v: Value) -> Value {
    let numeric = matches!(
        column.ty,
        ColumnType::Integer { .. } | ColumnType::Double | ColumnType::Bool
    );
    let Value::Text(text) = &v else { return v };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !whole.is_empty()
        && whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit());
    match numeric && plain {
        true => crate::sql::expr::number(digits, negative).unwrap_or(v),
        false => v,
    }
}

/// A table constraint of CREATE TABLE or ALTER TABLE ... ADD: UNIQUE, KEY (INDEX), CHECK or
/// FOREIGN KEY.
pub(crate) fn add_constraint(
    schema: &mut Schema,
    table: &str,
    constraint: &TableConstraint,
) -> Result<(), SqlError> {
    match constraint {
        TableConstraint::Unique(u) if plain_unique(u) && !u.columns.is_empty() => {
            let name = u.name.as_ref().or(u.index_name.as_ref());
            let name = name.map(|n| n.value.clone());
            add_index(schema, name, key_columns(schema, &u.columns)?, true)
        }
        TableConstraint::Index(k) if k.index_options.is_empty() && !k.columns.is_empty() => {
            let name = k.name.as_ref().map(|n| n.value.clone());
            add_index(schema, name, key_columns(schema, &k.columns)?, false)
        }
        TableConstraint::Check(c) if c.enforced != Some(false) && !c.no_inherit => add_check(
            schema,
            table,
            c.name.as_ref().map(|n| n.value.clone()),
            &c.expr,
        ),
        TableConstraint::ForeignKey(fk) => foreign_key::add(schema, table, fk, None),
        other => unsupported(format!("table constraint {other}")),
    }
}

/// A key on `columns` (UNIQUE if `unique`), named as given or, as MySQL names it, after its
/// first column (`c`, `c_2`, ...). Unique keys are kept before the others (the order they
/// are stored in), as SHOW CREATE TABLE lists them in MySQL.
pub(crate) fn add_index(
    schema: &mut Schema,
    name: Option<String>,
    columns: Vec<usize>,
    unique: bool,
) -> Result<(), SqlError> {
    if columns.len() > MAX_KEY_PARTS {
        return unsupported(format!("a key of more than {MAX_KEY_PARTS} columns"));
    }
    if schema.indexes.len() >= MAX_KEYS {
        return Err(SqlError::Definition(format!(
            "too many keys; a table has at most {MAX_KEYS}"
        )));
    }
    let taken = |schema: &Schema, n: &str| {
        n.eq_ignore_ascii_case("PRIMARY")
            || schema
                .indexes
                .iter()
                .any(|k| k.name.eq_ignore_ascii_case(n))
    };
    let name = match name {
        Some(n) if taken(schema, &n) || n.is_empty() => {
            return Err(SqlError::Definition(format!("duplicate key name '{n}'")))
        }
        Some(n) => n,
        None => {
            let base = schema.columns[columns[0]].name.clone();
            let mut name = base.clone();
            let mut n = 2;
            while taken(schema, &name) {
                name = format!("{base}_{n}");
                n += 1;
            }
            name
        }
    };
    let at = if unique {
        schema.indexes.iter().take_while(|k| k.unique).count()
    } else {
        schema.indexes.len()
    };
    schema.indexes.insert(
        at,
        Index {
            name,
            columns,
            unique,
        },
    );
    Ok(())
}

/// The columns a key lists, by position in `schema`.
pub(crate) fn key_columns(schema: &Schema, parts: &[IndexColumn]) -> Result<Vec<usize>, SqlError> {
    let names = parts
        .iter()
        .map(key_column)
        .collect::<Result<Vec<_>, _>>()?;
    column_positions(schema, &names)
}

/// The positions in `schema` of the columns `names` names, each named once (a key's columns,
/// an INSERT's column list).
pub(crate) fn column_positions<S: AsRef<str>>(
    schema: &Schema,
    names: &[S],
) -> Result<Vec<usize>, SqlError> {
    let mut columns = Vec::with_capacity(names.len());
    for name in names {
        let name = name.as_ref();
        let i = schema
            .column_index(name)
            .ok_or_else(|| SqlError::UnknownColumn(name.into()))?;
        if columns.contains(&i) {
            return Err(SqlError::DuplicateColumn(name.into()));
        }
        columns.push(i);
    }
    Ok(columns)
}

/// A CHECK constraint, named as given or as MySQL names it (`t_chk_1`, `t_chk_2`, ...). Its
/// expression must compile over the table's columns, as it will for every row written.
fn add_check(
    schema: &mut Schema,
    table: &str,
    name: Option<String>,
    expr: &Expr,
) -> Result<(), SqlError> {
    compile(expr, Some(Scope { table, schema }))?;
    let text = expr.to_string();
    if let Some(unit) = crate::sql::intervals::Compound::written_in(&text) {
        return unsupported(format!("the unit {} in a CHECK constraint", unit.name()));
    }
    if text.len() > MAX_CHECK_LEN {
        return unsupported(format!(
            "a CHECK expression longer than {MAX_CHECK_LEN} bytes"
        ));
    }
    // What is stored is read back by the parser; an expression whose text does not read back
    // the same is refused rather than stored differently.
    if parse_check(&text)?.to_string() != text {
        return unsupported(format!("CHECK ({text})"));
    }
    let taken = |n: &str| schema.checks.iter().any(|c| c.name.eq_ignore_ascii_case(n));
    let name = match name {
        Some(n) if taken(&n) || n.is_empty() => {
            return Err(SqlError::Definition(format!(
                "duplicate check constraint name '{n}'"
            )))
        }
        Some(n) => n,
        None => (1..)
            .map(|n| format!("{table}_chk_{n}"))
            .find(|n| !taken(n))
            .unwrap_or_default(),
    };
    schema.checks.push(Check { name, expr: text });
    Ok(())
}

/// A UNIQUE without index options, USING or NULLS [NOT] DISTINCT.
fn plain_unique(u: &UniqueConstraint) -> bool {
    u.index_type.is_none()
        && u.include.is_empty()
        && u.index_options.is_empty()
        && u.characteristics.is_none()
        && u.nulls_distinct == NullsDistinctOption::None
}

/// A PRIMARY KEY without index options (a constraint name is allowed and ignored).
pub(crate) fn plain_key(pk: &PrimaryKeyConstraint) -> bool {
    pk.index_name.is_none()
        && pk.index_type.is_none()
        && pk.include.is_empty()
        && pk.index_options.is_empty()
        && pk.characteristics.is_none()
}

fn key_column(col: &IndexColumn) -> Result<&str, SqlError> {
    match &col.column.expr {
        Expr::Identifier(ident)
            if col.operator_class.is_none()
                && col.column.with_fill.is_none()
                && col.column.options == OrderByOptions::default() =>
        {
            Ok(ident.value.as_str())
        }
        _ => unsupported(format!("primary key part {}", col.column)),
    }
}

pub(crate) fn column_type(ty: &DataType) -> Result<ColumnType, SqlError> {
    // A stored schema writes "no maximum" as 0, so a maximum of 0 cannot be kept.
    let bytes = |len: Option<u64>| match len {
        None => Ok(None),
        Some(n) => match u32::try_from(n) {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => unsupported(format!("length {n}")),
        },
    };
    let length = |len: &Option<CharacterLength>| match len {
        None | Some(CharacterLength::Max) => Ok(None),
        Some(CharacterLength::IntegerLength { length, .. }) => bytes(Some(*length)),
    };
    let int = |width, unsigned| ColumnType::Integer { width, unsigned };
    Ok(match ty {
        DataType::TinyInt(_) => int(IntWidth::Tiny, false),
        DataType::SmallInt(_) => int(IntWidth::Small, false),
        DataType::MediumInt(_) => int(IntWidth::Medium, false),
        DataType::Int(_) | DataType::Integer(_) => int(IntWidth::Int, false),
        DataType::BigInt(_) => int(IntWidth::Big, false),
        DataType::TinyIntUnsigned(_) => int(IntWidth::Tiny, true),
        DataType::SmallIntUnsigned(_) => int(IntWidth::Small, true),
        DataType::MediumIntUnsigned(_) => int(IntWidth::Medium, true),
        DataType::IntUnsigned(_) | DataType::IntegerUnsigned(_) => int(IntWidth::Int, true),
        DataType::BigIntUnsigned(_) => int(IntWidth::Big, true),
        DataType::Double(_) | DataType::DoublePrecision | DataType::Float(_) | DataType::Real => {
            ColumnType::Double
        }
        DataType::Decimal(info) | DataType::Dec(info) | DataType::Numeric(info) => decimal(info)?,
        DataType::Date => ColumnType::Temporal(TimeType::Date),
        DataType::Datetime(fsp) => ColumnType::Temporal(TimeType::DateTime(precision(*fsp)?)),
        DataType::Timestamp(fsp, TimezoneInfo::None) => {
            ColumnType::Temporal(TimeType::Timestamp(precision(*fsp)?))
        }
        DataType::Time(fsp, TimezoneInfo::None) => {
            ColumnType::Temporal(TimeType::Time(precision(*fsp)?))
        }
        // sqlparser has no YEAR type: it reads it as a custom name (YEAR(4) is YEAR, as MySQL
        // reads it).
        DataType::Custom(name, args)
            if name.to_string().eq_ignore_ascii_case("year")
                && args.iter().all(|a| a.to_string() == "4")
                && args.len() <= 1 =>
        {
            ColumnType::Temporal(TimeType::Year)
        }
        DataType::Text | DataType::TinyText | DataType::MediumText | DataType::LongText => {
            ColumnType::Text { max_len: None }
        }
        DataType::Varchar(len)
        | DataType::CharVarying(len)
        | DataType::Char(len)
        | DataType::Character(len) => ColumnType::Text {
            max_len: length(len)?,
        },
        DataType::Bool | DataType::Boolean => ColumnType::Bool,
        DataType::JSON => ColumnType::Json,
        DataType::Blob(_) | DataType::TinyBlob | DataType::MediumBlob | DataType::LongBlob => {
            ColumnType::Blob { max_len: None }
        }
        DataType::Binary(len) => ColumnType::Blob {
            max_len: bytes(*len)?,
        },
        DataType::Varbinary(len) => ColumnType::Blob {
            max_len: match len {
                Some(sqlparser::ast::BinaryLength::IntegerLength { length }) => {
                    bytes(Some(*length))?
                }
                _ => None,
            },
        },
        other => return unsupported(format!("column type {other}")),
    })
}

/// Fractional-second digits of DATETIME(fsp), TIMESTAMP(fsp) or TIME(fsp): 0 to 6.
fn precision(fsp: Option<u64>) -> Result<u8, SqlError> {
    match fsp.unwrap_or(0) {
        fsp if fsp <= u64::from(MAX_FSP) => Ok(fsp as u8),
        fsp => unsupported(format!(
            "fractional-second precision {fsp}: it must be 0 to {MAX_FSP}"
        )),
    }
}

/// DECIMAL(p,s) as MySQL reads it: DECIMAL is DECIMAL(10,0), DECIMAL(p) is DECIMAL(p,0).
fn decimal(info: &ExactNumberInfo) -> Result<ColumnType, SqlError> {
    let (precision, scale) = match *info {
        ExactNumberInfo::None => (10, 0),
        ExactNumberInfo::Precision(p) => (p, 0),
        ExactNumberInfo::PrecisionAndScale(p, s) => (p, u64::try_from(s).unwrap_or(u64::MAX)),
    };
    match (u8::try_from(precision), u8::try_from(scale)) {
        (Ok(precision), Ok(scale)) if valid_decimal(precision, scale) => {
            Ok(ColumnType::Decimal { precision, scale })
        }
        _ => unsupported(format!(
            "DECIMAL({precision},{scale}): the precision must be 1 to {MAX_PRECISION}, and the \
             scale at most {MAX_SCALE} and at most the precision"
        )),
    }
}

/// What a definition names of its text.
#[derive(Clone, Copy)]
enum Naming {
    CharacterSet,
    Collation,
}

/// Accepts a character set or collation a definition names when it is what Cairn's text
/// always is, UTF-8 compared byte by byte, so that MySQL and Dolt dumps load; refuses any
/// other, saying what Cairn's text is.
fn text_as_stored(naming: Naming, name: &str) -> Result<(), SqlError> {
    let name = name
        .trim_matches(|c| c == '`' || c == '\'')
        .to_ascii_lowercase();
    match naming {
        Naming::CharacterSet if system_variables::UTF8.contains(&name.as_str()) => Ok(()),
        Naming::CharacterSet => unsupported(format!(
            "CHARACTER SET {name}: Cairn's text is UTF-8 (utf8mb4)"
        )),
        Naming::Collation if system_variables::BINARY_COLLATIONS.contains(&name.as_str()) => Ok(()),
        Naming::Collation => unsupported(format!(
            "COLLATE {name}: Cairn compares text byte by byte, as utf8mb4_0900_bin does; a \
             collation that ignores case or accents would change which keys match"
        )),
    }
}

/// `CREATE DATABASE [IF NOT EXISTS] name [CHARACTER SET cs] [COLLATE c]`, as a dump of
/// `mysqldump --databases` begins: the store's own database (`database`) exists already, so
/// with IF NOT EXISTS it is accepted and changes nothing (MySQL's error 1007 without);
/// another is refused, as a store holds one database. Its character set and collation must
/// be what Cairn's text is, as a table's must.
pub(crate) fn create_database(
    name: &str,
    if_not_exists: bool,
    charset: Option<&str>,
    collation: Option<&str>,
    database: Option<&str>,
) -> Result<(), SqlError> {
    if let Some(charset) = charset {
        text_as_stored(Naming::CharacterSet, charset)?;
    }
    if let Some(collation) = collation {
        text_as_stored(Naming::Collation, collation)?;
    }
    match database {
        Some(ours) if ours == name && if_not_exists => Ok(()),
        Some(ours) if ours == name => Err(SqlError::Definition(format!(
            "Can't create database '{name}'; database exists"
        ))),
        _ => unsupported(format!(
            "CREATE DATABASE {name}: a store holds one database, named after its folder"
        )),
    }
}

/// MySQL table options that change nothing in Cairn (`ENGINE`, and the character set and
/// collation that Cairn's text has) are accepted, so that MySQL and Dolt dumps load, and
/// `AUTO_INCREMENT = N` (`created_schema` keeps it); any other is refused.
fn check_table_options(options: &CreateTableOptions) -> Result<(), SqlError> {
    let list = match options {
        CreateTableOptions::None => return Ok(()),
        CreateTableOptions::Plain(list) => list,
        other => return unsupported(format!("table options {other}")),
    };
    for option in list {
        if auto_increment_option(option)?.is_some() {
            continue;
        }
        match option {
            SqlOption::NamedParenthesizedList(l)
                if l.key.value.eq_ignore_ascii_case("ENGINE") && l.values.is_empty() => {}
            SqlOption::KeyValue {
                key,
                value: Expr::Identifier(Ident { value, .. }),
            } => match key
                .to_string()
                .to_ascii_uppercase()
                .trim_start_matches("DEFAULT ")
            {
                "CHARSET" | "CHARACTER SET" => text_as_stored(Naming::CharacterSet, value)?,
                "COLLATE" => text_as_stored(Naming::Collation, value)?,
                _ => return unsupported(format!("table option {option}")),
            },
            _ => return unsupported(format!("table option {option}")),
        }
    }
    Ok(())
}

pub fn drop(
    root: &mut RootValue,
    object_type: ObjectType,
    if_exists: bool,
    names: &[ObjectName],
) -> Result<QueryResult, SqlError> {
    if object_type != ObjectType::Table {
        return unsupported(format!("DROP {object_type}"));
    }
    let mut found = Vec::new();
    for name in names {
        let name = object_name(name)?;
        match find_table(root, &name) {
            Ok(stored) => found.push(stored),
            Err(_) if if_exists => {}
            Err(e) => return Err(e),
        }
    }
    // Every name is checked before any table goes, so a failed DROP drops nothing.
    foreign_key::check_drop(root, &found)?;
    for name in found {
        root.tables.remove(&name);
    }
    Ok(QueryResult::affected(0))
}
