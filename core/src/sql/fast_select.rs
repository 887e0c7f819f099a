//! A fast path for the commonest read, one row by its primary key: `SELECT * | c, ... FROM t
//! WHERE k = literal [AND k2 = literal ...] [LIMIT n]`, the WHERE naming each primary key
//! column once and nothing else. sqlparser's tokens and tree cost as much as the rest of such
//! a lookup together (issue 16), so it is read with `fast_parse.rs` and planned directly,
//! then run by the executor of every single-table SELECT (`select::run_plan`) with the plan
//! sqlparser's tree would compile to: it answers exactly what the general path answers.
//!
//! Anything else gives None and goes the general way: other forms; a table that is not the
//! working root's (a system table, an unknown name: their answers and errors are the general
//! path's); an unknown column; a literal that does not convert exactly to its key column's
//! type (a text for a number, 1.5 for an INT, NULL), which the general path answers by a scan.
//! No function is read, so neither `AS OF` nor the clock's calls (`history.rs`) can occur.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::chunk_store::ChunkStore;
use crate::db::root_value::RootValue;
use crate::db::schema::Schema;
use crate::db::table::Span;
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::expr::{BinOp, Expr};
use crate::sql::fast_parse::Cursor;
use crate::sql::select::{run_plan, Output, Plan};
use crate::sql::{access, open_table, QueryResult, SqlError};

/// A key lookup as written.
pub(crate) struct KeyLookup {
    pub(crate) table: String,
    /// The columns listed, as written; None for `*`.
    columns: Option<Vec<String>>,
    /// The WHERE clause's `column = literal` terms, in order.
    terms: Vec<(String, Value)>,
    limit: Option<usize>,
}

/// `sql` read as a key lookup, if it has that form.
pub(crate) fn parse(sql: &str) -> Option<KeyLookup> {
    let mut p = Cursor::new(sql);
    p.keyword("SELECT")?;
    let columns = if p.eat(b'*') {
        None
    } else {
        let mut columns = Vec::new();
        loop {
            columns.push(p.column()?);
            if !p.eat(b',') {
                break;
            }
        }
        Some(columns)
    };
    p.keyword("FROM")?;
    let table = p.name()?;
    p.keyword("WHERE")?;
    let mut terms = Vec::new();
    loop {
        let column = p.column()?;
        p.expect(b'=')?;
        terms.push((column, p.literal()?));
        if !p.eat_keyword("AND") {
            break;
        }
    }
    let limit = match p.eat_keyword("LIMIT") {
        // A non-negative integer, as `select::count_value` takes it.
        true => match p.literal()? {
            Value::Int(n) => Some(usize::try_from(n).ok()?),
            _ => return None,
        },
        false => None,
    };
    p.end()?;
    Some(KeyLookup {
        table,
        columns,
        terms,
        limit,
    })
}

/// Answers `sql` if it is a key lookup of a table of `root`; None sends it the general way.
pub(crate) async fn run<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    sql: &str,
) -> Option<Result<QueryResult, SqlError>> {
    let lookup = parse(sql)?;
    let (_, mut table) = open_table(root, &lookup.table).ok()?;
    let (plan, span) = plan(lookup, table.schema())?;
    Some(
        run_plan(store, &mut table, &plan, None, Some(span))
            .await
            .map(|(r, _)| r),
    )
}

/// The plan sqlparser's tree of the lookup compiles to (see `select::plan`), if its WHERE
/// pins exactly one key, and that key's span (what `access::plan` gives for it, as a pinned
/// primary key comes first there), so that it is not worked out twice.
pub(crate) fn plan(lookup: KeyLookup, schema: &Schema) -> Option<(Plan, Span)> {
    let (columns, outputs) = match lookup.columns {
        None => (
            schema.columns.iter().map(|c| c.name.clone()).collect(),
            (0..schema.columns.len()).map(Expr::Column).collect(),
        ),
        Some(names) => {
            let outputs = names
                .iter()
                .map(|n| schema.column_index(n).map(Expr::Column))
                .collect::<Option<Vec<_>>>()?;
            (names, outputs)
        }
    };
    let mut pinned = Vec::new();
    let mut filter: Option<Expr> = None;
    for (name, value) in lookup.terms {
        let column = schema.column_index(&name)?;
        pinned.push(column);
        let term = Expr::Binary(
            BinOp::Eq,
            Box::new(Expr::Column(column)),
            Box::new(Expr::Literal(value)),
        );
        // `a AND b AND c` nests to the left, as sqlparser reads it.
        filter = Some(match filter {
            None => term,
            Some(left) => Expr::Binary(BinOp::And, Box::new(left), Box::new(term)),
        });
    }
    pinned.sort_unstable();
    let mut key = schema.primary_key.clone();
    key.sort_unstable();
    if pinned != key {
        return None;
    }
    let span = access::span(filter.as_ref(), schema);
    if !matches!(span, Span::Key(_)) {
        return None;
    }
    let plan = Plan {
        columns,
        outputs: outputs.into_iter().map(Output::Value).collect(),
        filter,
        order: Vec::new(),
        offset: 0,
        limit: lookup.limit,
    };
    Some((plan, span))
}
