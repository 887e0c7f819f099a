//! `CREATE TABLE new [(definitions)] [AS] SELECT ...`, by MySQL's rules: the new table's
//! columns are the ones defined, then the SELECT's result columns not among them (a result
//! column named as a defined one fills it); it has the keys and indexes defined and no
//! others; its rows go in as INSERT ... SELECT puts them (`insert::run`), so keys, CHECKs, NOT
//! NULL and foreign keys hold, and a statement that fails leaves no table behind.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use sqlparser::ast::{
    self, CreateTable, JoinOperator, Query, SelectItem, SelectItemQualifiedWildcardKind, SetExpr,
    TableFactor,
};

use crate::chunk_store::ChunkStore;
use crate::db::decimal::MAX_PRECISION;
use crate::db::root_value::{RootValue, TableRef};
use crate::db::schema::{valid_decimal, Column, Schema};
use crate::db::temporal::TimeType;
use crate::db::value::{ColumnType, Value};
use crate::hash::Hash;
use crate::io::Storage;
use crate::sql::expr::gives_json;
use crate::sql::history::{as_of, History};
use crate::sql::insert::{self, InsertValues};
use crate::sql::{
    ddl, find_table, foreign_key, functions, object_name, select, unsupported, QueryResult,
    SqlError,
};

/// MySQL's longest VARCHAR of utf8mb4 characters, and VARBINARY in bytes: longer values make
/// a TEXT or BLOB column.
const MAX_VARCHAR: usize = 16383;
const MAX_VARBINARY: usize = 65535;

/// Runs the statement (`create.query` is its SELECT). IF NOT EXISTS and a table of that name:
/// nothing happens, as in MySQL 8.
pub async fn run<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    history: &History,
    create: CreateTable,
) -> Result<QueryResult, SqlError> {
    if create.temporary {
        return unsupported("CREATE TEMPORARY TABLE");
    }
    let Some(name) = ddl::new_table(root, &create)? else {
        return Ok(QueryResult::affected(0));
    };
    let Some(query) = create.query.as_deref() else {
        return unsupported("CREATE TABLE without a query here");
    };
    let origins = origins(root, history, query);
    let result = select::run(store, root, history, query.clone()).await?;
    for (i, c) in result.columns.iter().enumerate() {
        if result.columns[..i]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(c))
        {
            return Err(SqlError::DuplicateColumn(c.clone()));
        }
    }
    let origins = Some(origins).filter(|o| o.len() == result.columns.len());
    let mut rows = result.rows;
    let mut more = Vec::new();
    for (i, header) in result.columns.iter().enumerate() {
        let defined = create
            .columns
            .iter()
            .any(|d| d.name.value.eq_ignore_ascii_case(header));
        if defined {
            continue;
        }
        let origin = origins.as_ref().and_then(|o| o.get(i));
        let values = || rows.iter().filter_map(|r| r.get(i));
        let has_null = values().any(Value::is_null);
        let column = match origin.and_then(|o| o.column.as_ref()) {
            Some(source) => {
                let mut column =
                    Column::new(header.clone(), source.ty, source.nullable || has_null);
                column.members = source.members.clone();
                column
            }
            None => {
                let json = origin.and_then(|o| o.expr).is_some_and(gives_json);
                let (ty, as_text) = derived(values(), json);
                if as_text {
                    for row in &mut rows {
                        if let Some(v) = row.get_mut(i).filter(|v| !v.is_null()) {
                            *v = Value::Text(functions::text(v, "CREATE TABLE ... SELECT")?);
                        }
                    }
                }
                Column::new(header.clone(), ty, true)
            }
        };
        more.push(column);
    }
    let mut schema = ddl::created_schema(&name, &create, more)?;
    foreign_key::resolve(
        root,
        &name,
        &mut schema,
        history.session.foreign_key_checks(),
    )?;
    // Filled in a copy, so that a refused row leaves no table.
    let mut work = root.clone();
    let indexes = alloc::vec![Hash::EMPTY; schema.indexes.len()];
    work.tables
        .insert(name.clone(), TableRef::new(schema, Hash::EMPTY, indexes));
    let values = InsertValues {
        table: name,
        columns: result.columns,
        rows,
        defaults: Vec::new(),
    };
    let inserted = insert::run(store, &mut work, values, history).await?;
    *root = work;
    Ok(inserted)
}

/// What is known of one result column before the query runs.
struct Origin<'q> {
    /// The stored column it names plainly (`a`, `t.a`, or one of `*`).
    column: Option<Column>,
    /// The expression it is, unless it comes from a `*`.
    expr: Option<&'q ast::Expr>,
}

/// Each result column's origin, for a single SELECT over stored tables; empty where the
/// columns cannot all be told (UNION, WITH, `*` over a derived table...): then every type
/// comes from the values.
fn origins<'q>(root: &RootValue, history: &History, query: &'q Query) -> Vec<Origin<'q>> {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Vec::new();
    };
    if query.with.is_some() {
        return Vec::new();
    }
    // Each FROM item's qualifier and stored schema (None: not a stored table); a column of a
    // table an outer join may pad with NULLs is not NOT NULL there.
    let mut items: Vec<(String, Option<&Schema>)> = Vec::new();
    let mut outer = false;
    for from in &select.from {
        items.push(item(root, history, &from.relation));
        for join in &from.joins {
            outer |= !matches!(
                join.join_operator,
                JoinOperator::Join(_)
                    | JoinOperator::Inner(_)
                    | JoinOperator::CrossJoin(_)
                    | JoinOperator::StraightJoin(_)
            );
            items.push(item(root, history, &join.relation));
        }
    }
    let kept = |c: &Column| {
        let mut c = c.clone();
        c.nullable |= outer;
        c
    };
    let mut out = Vec::new();
    for projected in &select.projection {
        let (qualifier, expr) = match projected {
            SelectItem::Wildcard(opts) if opts.to_string().is_empty() => (None, None),
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(n), opts)
                if opts.to_string().is_empty() =>
            {
                match object_name(n) {
                    Ok(n) => (Some(n), None),
                    Err(_) => return Vec::new(),
                }
            }
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                (None, Some(e))
            }
            _ => return Vec::new(),
        };
        let Some(expr) = expr else {
            // A `*`: every column of the items it covers, which must all be stored tables.
            for (q, schema) in &items {
                if qualifier
                    .as_ref()
                    .is_some_and(|n| !n.eq_ignore_ascii_case(q))
                {
                    continue;
                }
                let Some(schema) = schema else {
                    return Vec::new();
                };
                out.extend(schema.columns.iter().map(|c| Origin {
                    column: Some(kept(c)),
                    expr: None,
                }));
            }
            continue;
        };
        let named = match expr {
            ast::Expr::Identifier(c) => Some((None, c)),
            ast::Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [t, c] => Some((Some(&t.value), c)),
                _ => None,
            },
            _ => None,
        };
        let column = named.and_then(|(table, column)| {
            let mut found = None;
            for (q, schema) in &items {
                if table.is_some_and(|t| !t.eq_ignore_ascii_case(q)) {
                    continue;
                }
                // An item whose columns are not known may hold the name.
                let schema = (*schema)?;
                if let Some(i) = schema.column_index(&column.value) {
                    if found.is_some() {
                        return None;
                    }
                    found = Some(kept(&schema.columns[i]));
                }
            }
            found
        });
        out.push(Origin {
            column,
            expr: Some(expr),
        });
    }
    out
}

/// One FROM item: the name its columns are qualified by, and its schema if it is a stored
/// table (of the working root, or of the revision `AS OF` names).
fn item<'a>(
    root: &'a RootValue,
    history: &'a History,
    factor: &TableFactor,
) -> (String, Option<&'a Schema>) {
    match factor {
        TableFactor::Table {
            name, alias, args, ..
        } => {
            let Ok(table) = object_name(name) else {
                return (String::new(), None);
            };
            let qualifier = alias
                .as_ref()
                .map_or(table.clone(), |a| a.name.value.clone());
            let at = match as_of(args.as_ref()) {
                Ok(None) => Some(root),
                Ok(Some(rev)) => history.roots.get(rev),
                Err(_) => None,
            };
            let renamed = alias.as_ref().is_some_and(|a| !a.columns.is_empty());
            let schema = at
                .filter(|_| !renamed)
                .and_then(|at| Some(&*at.tables.get(&find_table(at, &table).ok()?)?.schema));
            (qualifier, schema)
        }
        TableFactor::Derived {
            alias: Some(alias), ..
        } => (alias.name.value.clone(), None),
        _ => (String::new(), None),
    }
}

/// The type of a computed column, from the values it holds, as near to MySQL's as the kinds
/// of values tell: integers BIGINT; exact decimals (with integers) DECIMAL of as many digits
/// as the widest needs (DOUBLE past 38); any double among numbers DOUBLE; text VARCHAR of the
/// longest value's length (JSON where the expression gives JSON; TEXT past 16383
/// characters); blobs VARBINARY likewise (BLOB past 65535 bytes); dates and times their own
/// type; booleans BOOL. A column of only NULLs (or of no rows) is TEXT: MySQL's BINARY(0)
/// holds nothing but NULL and '' (and Cairn cannot store a length of 0). Values of kinds that
/// mix otherwise are written as text (the second answer says so) in a VARCHAR wide enough.
fn derived<'v>(values: impl Iterator<Item = &'v Value>, json: bool) -> (ColumnType, bool) {
    #[derive(Default)]
    struct Seen {
        ints: bool,
        decimals: bool,
        doubles: bool,
        bools: bool,
        texts: bool,
        blobs: bool,
        temporal: Option<TimeType>,
        temporals_differ: bool,
        int_digits: usize,
        scale: usize,
        chars: usize,
        bytes: usize,
    }
    let digits = |n: u128| n.checked_ilog10().map_or(1, |d| d as usize + 1);
    let mut seen = Seen::default();
    for v in values {
        match v {
            Value::Null => continue,
            Value::Int(n) => {
                seen.ints = true;
                seen.int_digits = seen.int_digits.max(digits(n.unsigned_abs().into()));
            }
            Value::Decimal(d) => {
                seen.decimals = true;
                let scale = usize::from(d.scale);
                let whole = digits(d.units.unsigned_abs()).saturating_sub(scale).max(1);
                seen.int_digits = seen.int_digits.max(whole);
                seen.scale = seen.scale.max(scale);
            }
            Value::Double(_) => seen.doubles = true,
            Value::Bool(_) => seen.bools = true,
            Value::Text(s) => {
                seen.texts = true;
                seen.bytes = seen.bytes.max(s.len());
            }
            Value::Blob(b) => {
                seen.blobs = true;
                seen.bytes = seen.bytes.max(b.len());
            }
            Value::Temporal(t) => {
                seen.temporals_differ |= seen.temporal.is_some_and(|k| k != t.kind);
                seen.temporal = Some(t.kind);
            }
        }
        // Text as MySQL converts the value (`functions::text`), for a column of mixed kinds.
        let chars = match v {
            Value::Text(s) => s.chars().count(),
            Value::Bool(_) => 1,
            v => v.to_string().chars().count(),
        };
        seen.chars = seen.chars.max(chars);
    }
    let numbers = seen.ints || seen.decimals || seen.doubles;
    let others = [
        numbers,
        seen.bools,
        seen.texts || seen.blobs,
        seen.temporal.is_some(),
    ];
    let varchar = |n: usize| ColumnType::Text {
        max_len: u32::try_from(n.max(1))
            .ok()
            .filter(|&n| n as usize <= MAX_VARCHAR),
    };
    let ty = match others.iter().filter(|k| **k).count() {
        0 => ColumnType::Text { max_len: None },
        1 if numbers && seen.doubles => ColumnType::Double,
        1 if numbers && !seen.decimals => ColumnType::BIGINT,
        1 if numbers => {
            let precision = u8::try_from(seen.int_digits + seen.scale).unwrap_or(u8::MAX);
            let scale = u8::try_from(seen.scale).unwrap_or(u8::MAX);
            match valid_decimal(precision, scale) && precision <= MAX_PRECISION {
                true => ColumnType::Decimal { precision, scale },
                false => ColumnType::Double,
            }
        }
        1 if seen.bools => ColumnType::Bool,
        1 if seen.blobs => ColumnType::Blob {
            max_len: u32::try_from(seen.bytes.max(1))
                .ok()
                .filter(|&n| n as usize <= MAX_VARBINARY),
        },
        1 if seen.texts && json => ColumnType::Json,
        1 if seen.texts => varchar(seen.chars),
        1 => match seen.temporal {
            Some(kind) if !seen.temporals_differ => ColumnType::Temporal(kind),
            _ => return (varchar(seen.chars), true),
        },
        _ => return (varchar(seen.chars), true),
    };
    (ty, false)
}
