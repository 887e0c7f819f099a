//! Expressions: sqlparser's tree compiled once per statement (column names resolved to
//! indexes, constant subtrees folded to values), then evaluated per row with SQL's NULL
//! semantics. Types are stricter than MySQL's: text is never silently read as a number.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cmp::Ordering;

use sqlparser::ast::{self, BinaryOperator, UnaryOperator};

use crate::db::decimal::Decimal;
use crate::db::schema::Schema;
use crate::db::temporal::{Temporal, TimeType, MAX_FSP};
use crate::db::value::{int_value, ColumnType, Value};
use crate::sql::dates::{DateFunc, Unit};
use crate::sql::functions::{cast, CastTo, Func};
use crate::sql::history::History;
use crate::sql::json::JsonFunc;
use crate::sql::regexp::{self, RegexpFunc};
use crate::sql::session::{system_variable_name, variable_name, Session, Target};
use crate::sql::{unsupported, SqlError};

/// What names in an expression resolve to. A single table's [`Scope`] answers columns
/// only; the query planner (`query.rs`) also answers aggregates (as slots of a grouped row)
/// and subqueries.
pub trait Resolve {
    /// A column named as `c` or `t.c`: an expression reading the row.
    fn column(&self, parts: &[ast::Ident]) -> Result<Expr, SqlError>;

    /// A call this scope gives its own meaning: an aggregate (COUNT, SUM, ...) in a query
    /// that groups, `VALUES(c)` in ON DUPLICATE KEY UPDATE. None: a scalar function.
    fn function(&self, _call: &ast::Function) -> Option<Result<Expr, SqlError>> {
        None
    }

    /// A subquery used as a value, in `IN (...)` or in `EXISTS (...)`.
    fn subquery(&self, query: &ast::Query, _use: SubqueryUse) -> Result<Expr, SqlError> {
        unsupported(format!("subquery ({query}) here"))
    }

    /// The session whose user variables the expression reads and assigns; None where it
    /// may not (a table's CHECK or DEFAULT), or where a path leaves them to the general one.
    fn session(&self) -> Option<&Session> {
        None
    }

    /// The statement's clock (`History::now_ms`), which UUID() reads; None where there is no
    /// statement (a table's CHECK or DEFAULT) or the front end gave no clock.
    fn now_ms(&self) -> Option<u64> {
        None
    }
}

/// The columns of one table (or of none: INSERT's VALUES), in a statement that may read and
/// assign the session's variables, and read its clock.
pub struct InSession<'a> {
    pub scope: Option<Scope<'a>>,
    pub history: &'a History,
}

impl Resolve for InSession<'_> {
    fn column(&self, parts: &[ast::Ident]) -> Result<Expr, SqlError> {
        column(self.scope, parts)
    }

    fn session(&self) -> Option<&Session> {
        Some(&self.history.session)
    }

    fn now_ms(&self) -> Option<u64> {
        self.history.now_ms
    }
}

/// How an expression uses a subquery.
#[derive(Clone, Debug, PartialEq)]
pub enum SubqueryUse {
    /// `(SELECT ...)`: its one value, NULL when it has no row.
    Scalar,
    /// `[NOT] EXISTS (SELECT ...)`: whether it has a row.
    Exists(bool),
    /// `x [NOT] IN (SELECT ...)`.
    In(Box<Expr>, bool),
    /// `x op ANY|SOME (SELECT ...)` (`false`) and `x op ALL (SELECT ...)` (`true`).
    Compare(Box<Expr>, BinOp, bool),
}

impl Resolve for Option<Scope<'_>> {
    fn column(&self, parts: &[ast::Ident]) -> Result<Expr, SqlError> {
        column(*self, parts)
    }
}

/// The table whose columns an expression may name.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub table: &'a str,
    pub schema: &'a Schema,
}

impl Scope<'_> {
    /// A column named as `c` or `table.c`.
    pub fn column(&self, parts: &[ast::Ident]) -> Result<usize, SqlError> {
        let unknown = || {
            let names: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
            SqlError::UnknownColumn(names.join("."))
        };
        let name = match parts {
            [c] => c,
            [t, c] if t.value.eq_ignore_ascii_case(self.table) => c,
            _ => return Err(unknown()),
        };
        self.schema.column_index(&name.value).ok_or_else(unknown)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
}

impl BinOp {
    fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Eq => "=",
            BinOp::NotEq => "!=",
            BinOp::Lt => "<",
            BinOp::LtEq => "<=",
            BinOp::Gt => ">",
            BinOp::GtEq => ">=",
            BinOp::And => "AND",
            BinOp::Or => "OR",
        }
    }

    /// For a comparison operator, the test it makes of its operands' order; None for the
    /// others.
    fn ordering_test(self) -> Option<OrderTest> {
        let (order, is) = match self {
            BinOp::Eq => (Ordering::Equal, true),
            BinOp::NotEq => (Ordering::Equal, false),
            BinOp::Lt => (Ordering::Less, true),
            BinOp::LtEq => (Ordering::Greater, false),
            BinOp::Gt => (Ordering::Greater, true),
            BinOp::GtEq => (Ordering::Less, false),
            _ => return None,
        };
        Some(OrderTest { order, is })
    }
}

/// What a comparison operator asks of its operands' order: that it `is` (or is not) `order`.
/// Data, not a function pointer, so that a scan's filter tests each row's order inline.
#[derive(Clone, Copy, Debug)]
struct OrderTest {
    order: Ordering,
    is: bool,
}

impl OrderTest {
    #[inline]
    fn holds(self, order: Ordering) -> bool {
        (order == self.order) == self.is
    }
}

#[derive(Clone, Debug)]
pub enum Expr {
    Literal(Value),
    Column(usize),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    IsNull(Box<Expr>, bool),
    InList(Box<Expr>, Vec<Expr>, bool),
    Between(Box<Expr>, Box<Expr>, Box<Expr>, bool),
    /// Value, pattern, escape character, negated.
    Like(Box<Expr>, Box<Expr>, char, bool),
    /// `x [NOT] IN` a list of values of one family, looked up by key.
    InSet(Box<Expr>, Arc<KeySet>, bool),
    Call(Func, Vec<Expr>),
    /// A regular expression function whose pattern (a literal) is compiled once: see
    /// `regexp::precompiled`.
    Regexp(RegexpFunc, Arc<regex_automata::meta::Regex>, Vec<Expr>),
    /// CASE [operand] WHEN .. THEN .. [ELSE ..] END.
    Case(Option<Box<Expr>>, Vec<(Expr, Expr)>, Option<Box<Expr>>),
    Cast(Box<Expr>, CastTo),
    /// A subquery that reads the row it is evaluated on (a correlated one); the others are
    /// evaluated once, when compiled, into values.
    Subquery(Arc<dyn Correlated>),
    /// `@v := e` and LAST_INSERT_ID(e): e's value, assigned in the session as it is given.
    Assign(Session, Target, Box<Expr>),
}

/// A correlated subquery, run once per row of the query around it.
pub trait Correlated: core::fmt::Debug + Send + Sync {
    fn eval(&self, row: &[Value]) -> Result<Value, SqlError>;
}

impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        use Expr::*;
        match (self, other) {
            (Literal(a), Literal(b)) => a == b,
            (Column(a), Column(b)) => a == b,
            (Neg(a), Neg(b)) | (Not(a), Not(b)) => a == b,
            (Binary(o, a, b), Binary(p, c, d)) => o == p && a == c && b == d,
            (IsNull(a, x), IsNull(b, y)) => a == b && x == y,
            (InList(a, l, x), InList(b, m, y)) => a == b && l == m && x == y,
            (Between(a, b, c, x), Between(d, e, f, y)) => a == d && b == e && c == f && x == y,
            (Like(a, b, c, x), Like(d, e, f, y)) => a == d && b == e && c == f && x == y,
            (InSet(a, s, x), InSet(b, t, y)) => a == b && Arc::ptr_eq(s, t) && x == y,
            (Call(f, a), Call(g, b)) => f == g && a == b,
            // The pattern is among the arguments.
            (Regexp(f, _, a), Regexp(g, _, b)) => f == g && a == b,
            (Case(a, b, c), Case(d, e, f)) => a == d && b == e && c == f,
            (Cast(a, t), Cast(b, u)) => a == b && t == u,
            (Subquery(a), Subquery(b)) => Arc::ptr_eq(a, b),
            (Assign(s, t, a), Assign(r, u, b)) => s == r && t == u && a == b,
            _ => false,
        }
    }
}

impl Expr {
    /// Calls `f` on every column this expression reads, but for those a correlated
    /// subquery reads (which are of its own rows).
    pub fn for_each_column(&mut self, f: &mut dyn FnMut(&mut usize)) {
        use Expr::*;
        match self {
            Column(c) => f(c),
            Literal(_) | Subquery(_) => {}
            Neg(a) | Not(a) | IsNull(a, _) | Cast(a, _) | InSet(a, _, _) | Assign(_, _, a) => {
                a.for_each_column(f)
            }
            Binary(_, a, b) | Like(a, b, _, _) => {
                a.for_each_column(f);
                b.for_each_column(f);
            }
            Between(a, b, c, _) => {
                for e in [a, b, c] {
                    e.for_each_column(f);
                }
            }
            InList(a, list, _) => {
                a.for_each_column(f);
                list.iter_mut().for_each(|e| e.for_each_column(f));
            }
            Call(_, args) | Regexp(_, _, args) => {
                args.iter_mut().for_each(|e| e.for_each_column(f))
            }
            Case(operand, arms, otherwise) => {
                for e in operand.iter_mut().chain(otherwise.iter_mut()) {
                    e.for_each_column(f);
                }
                for (when, then) in arms {
                    when.for_each_column(f);
                    then.for_each_column(f);
                }
            }
        }
    }
}

/// Compiles an expression; without a scope, any column reference is unknown.
pub fn compile(e: &ast::Expr, scope: Option<Scope<'_>>) -> Result<Expr, SqlError> {
    compile_in(e, &scope)
}

/// Compiles an expression, its names resolved by `scope`.
pub fn compile_in(e: &ast::Expr, scope: &dyn Resolve) -> Result<Expr, SqlError> {
    let sub = |e: &ast::Expr| compile_in(e, scope).map(Box::new);
    let compiled = match e {
        ast::Expr::Identifier(ident)
            if variable_name(ident).is_none()
                && system_variable_name(core::slice::from_ref(ident)).is_none() =>
        {
            scope.column(core::slice::from_ref(ident))?
        }
        ast::Expr::CompoundIdentifier(parts) if system_variable_name(parts).is_none() => {
            scope.column(parts)?
        }
        ast::Expr::Value(v) => Expr::Literal(literal(&v.value)?),
        ast::Expr::Nested(inner) => return compile_in(inner, scope),
        ast::Expr::UnaryOp { op, expr } => match (op, expr.as_ref()) {
            // Read with its sign, so that -9223372036854775808 is a BIGINT, as in MySQL.
            (
                UnaryOperator::Minus,
                ast::Expr::Value(ast::ValueWithSpan {
                    value: ast::Value::Number(text, _),
                    ..
                }),
            ) => Expr::Literal(number(text, true)?),
            (UnaryOperator::Minus, inner) => Expr::Neg(sub(inner)?),
            (UnaryOperator::Plus, inner) => return compile_in(inner, scope),
            (UnaryOperator::Not | UnaryOperator::BangNot, inner) => Expr::Not(sub(inner)?),
            (op, _) => return unsupported(format!("operator {op}")),
        },
        // Operators on dates and JSON's `->` are compiled apart (`compile_more`).
        ast::Expr::BinaryOp { left, op, right }
            if !matches!(
                op,
                BinaryOperator::Arrow | BinaryOperator::LongArrow | BinaryOperator::Assignment
            ) && with_interval(left, op, right).is_none() =>
        {
            let op = match op {
                BinaryOperator::Plus => BinOp::Add,
                BinaryOperator::Minus => BinOp::Sub,
                BinaryOperator::Multiply => BinOp::Mul,
                BinaryOperator::Divide => BinOp::Div,
                BinaryOperator::Modulo => BinOp::Mod,
                BinaryOperator::And => BinOp::And,
                BinaryOperator::Or => BinOp::Or,
                other => match comparison(other) {
                    Some(op) => op,
                    None => return unsupported(format!("operator {other}")),
                },
            };
            Expr::Binary(op, sub(left)?, sub(right)?)
        }
        ast::Expr::IsNull(inner) => Expr::IsNull(sub(inner)?, false),
        ast::Expr::IsNotNull(inner) => Expr::IsNull(sub(inner)?, true),
        ast::Expr::Between {
            expr,
            negated,
            low,
            high,
        } => Expr::Between(sub(expr)?, sub(low)?, sub(high)?, *negated),
        other => compile_more(other, scope)?,
    };
    Ok(fold(compiled))
}

/// The rarer expressions: functions, CASE, CAST, subqueries. Apart from `compile_in`, so
/// that its stack frame, paid once per level of a long operator chain, stays small.
#[inline(never)]
fn compile_more(e: &ast::Expr, scope: &dyn Resolve) -> Result<Expr, SqlError> {
    let sub = |e: &ast::Expr| compile_in(e, scope).map(Box::new);
    Ok(match e {
        // A user variable, or a system variable (`@@autocommit`): its value when the
        // statement is compiled.
        ast::Expr::Identifier(ident) => match variable_name(ident) {
            Some(name) => Expr::Literal(in_session(scope, e)?.variable(&name)),
            None => system_variable(core::slice::from_ref(ident), scope, e)?,
        },
        ast::Expr::CompoundIdentifier(parts) => system_variable(parts, scope, e)?,
        ast::Expr::BinaryOp {
            left,
            op: BinaryOperator::Assignment,
            right,
        } => {
            let name = match left.as_ref() {
                ast::Expr::Identifier(ident) => variable_name(ident),
                _ => None,
            };
            let Some(name) = name else {
                return unsupported(format!("{e} (:= assigns a user variable, @name)"));
            };
            let session = in_session(scope, e)?.clone();
            Expr::Assign(session, Target::Variable(name), sub(right)?)
        }
        // DATE '2024-03-01', TIME '10:00', TIMESTAMP '2024-03-01 10:00': a temporal literal
        // (a TIMESTAMP literal is a DATETIME, as in MySQL).
        ast::Expr::TypedString(t) => {
            let text = match &t.value.value {
                ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => s,
                _ => return unsupported(format!("{e}")),
            };
            let kind = match cast_target(&t.data_type)? {
                CastTo::Type(ColumnType::Temporal(TimeType::Timestamp(fsp))) => {
                    TimeType::DateTime(fsp)
                }
                CastTo::Type(ColumnType::Temporal(kind)) => kind,
                _ => return unsupported(format!("{e}")),
            };
            let value = Temporal::parse(kind, text).ok_or_else(|| {
                SqlError::TypeMismatch(format!("'{text}' is not a valid {} literal", t.data_type))
            })?;
            Expr::Literal(Value::Temporal(value))
        }
        ast::Expr::BinaryOp { left, op, right } if with_interval(left, op, right).is_some() => {
            let Some((date, interval, minus)) = with_interval(left, op, right) else {
                return unsupported(format!("{e}"));
            };
            let (unit, amount) = Unit::of_interval(interval)?;
            let mut amount = compile_in(amount, scope)?;
            if minus {
                amount = Expr::Neg(Box::new(amount));
            }
            let date = compile_in(date, scope)?;
            Expr::Call(Func::Date(DateFunc::Add(unit)), alloc::vec![date, amount])
        }
        ast::Expr::Extract { field, expr, .. } => Expr::Call(
            Func::Date(DateFunc::Part(Unit::of_field(field)?)),
            alloc::vec![compile_in(expr, scope)?],
        ),
        ast::Expr::BinaryOp {
            left,
            op: op @ (BinaryOperator::Arrow | BinaryOperator::LongArrow),
            right,
        } => {
            // `doc->path` is JSON_EXTRACT(doc, path); `->>` unquotes it too.
            let extract = Expr::Call(
                Func::Json(JsonFunc::Extract),
                alloc::vec![*sub(left)?, *sub(right)?],
            );
            match op {
                BinaryOperator::Arrow => extract,
                _ => Expr::Call(Func::Json(JsonFunc::Unquote), alloc::vec![extract]),
            }
        }
        // POSITION(sub IN s) is LOCATE(sub, s).
        ast::Expr::Position { expr, r#in } => Expr::Call(
            Func::Str(crate::sql::strings::StrFunc::Locate),
            alloc::vec![*sub(expr)?, *sub(r#in)?],
        ),
        ast::Expr::MemberOf(m) => {
            let func = JsonFunc::MemberOf(0).embedding([gives_json(&m.value)].into_iter());
            Expr::Call(
                Func::Json(func),
                alloc::vec![*sub(&m.value)?, *sub(&m.array)?],
            )
        }
        ast::Expr::In {
            expr,
            target: ast::InTarget::List(list),
            negated,
            global: false,
        } => {
            let list = list
                .iter()
                .map(|e| compile_in(e, scope))
                .collect::<Result<_, _>>()?;
            Expr::InList(sub(expr)?, list, *negated)
        }
        ast::Expr::Like {
            negated,
            any: false,
            expr,
            pattern,
            escape_char,
        } => {
            let escape = match escape_char.as_deref() {
                None => '\\',
                Some(e) => match compile_in(e, &None)? {
                    Expr::Literal(Value::Text(t)) if t.chars().count() == 1 => {
                        t.chars().next().unwrap_or('\\')
                    }
                    _ => return unsupported("LIKE ... ESCAPE other than one character"),
                },
            };
            Expr::Like(sub(expr)?, sub(pattern)?, escape, *negated)
        }
        // `a [NOT] REGEXP p` and RLIKE: REGEXP_LIKE(a, p), true or false as LIKE is.
        ast::Expr::RLike {
            negated,
            expr,
            pattern,
            ..
        } => {
            let args = alloc::vec![compile_in(expr, scope)?, compile_in(pattern, scope)?];
            let matches = fold(regexp::precompiled(RegexpFunc::Matches, args)?);
            match negated {
                true => Expr::Not(Box::new(matches)),
                false => matches,
            }
        }
        ast::Expr::In {
            expr,
            target: ast::InTarget::Subquery(subquery),
            negated,
            global: false,
        } => scope.subquery(subquery, SubqueryUse::In(sub(expr)?, *negated))?,
        ast::Expr::Exists { subquery, negated } => {
            scope.subquery(subquery, SubqueryUse::Exists(*negated))?
        }
        ast::Expr::AnyOp {
            left,
            compare_op,
            right,
            ..
        } => quantified(scope, left, compare_op, right, false)?,
        ast::Expr::AllOp {
            left,
            compare_op,
            right,
        } => quantified(scope, left, compare_op, right, true)?,
        ast::Expr::Subquery(query) => scope.subquery(query, SubqueryUse::Scalar)?,
        ast::Expr::Function(f) => match scope.function(f) {
            Some(agg) => agg?,
            None => call(f, scope)?,
        },
        ast::Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => Expr::Case(
            operand.as_deref().map(sub).transpose()?,
            conditions
                .iter()
                .map(|w| {
                    Ok((
                        compile_in(&w.condition, scope)?,
                        compile_in(&w.result, scope)?,
                    ))
                })
                .collect::<Result<_, SqlError>>()?,
            else_result.as_deref().map(sub).transpose()?,
        ),
        ast::Expr::Cast {
            kind: ast::CastKind::Cast,
            expr,
            data_type,
            format: None,
        } => Expr::Cast(sub(expr)?, cast_target(data_type)?),
        ast::Expr::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => {
            let mut args = alloc::vec![compile_in(expr, scope)?];
            for part in [substring_from, substring_for].into_iter().flatten() {
                args.push(compile_in(part, scope)?);
            }
            if args.len() < 2 {
                return unsupported("SUBSTRING without a position");
            }
            Expr::Call(Func::Substr, args)
        }
        ast::Expr::Trim {
            trim_where: None,
            trim_what: None,
            expr,
            trim_characters: None,
        } => Expr::Call(Func::Trim, alloc::vec![compile_in(expr, scope)?]),
        ast::Expr::Ceil {
            expr,
            field: ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime),
        } => Expr::Call(Func::Ceil, alloc::vec![compile_in(expr, scope)?]),
        ast::Expr::Floor {
            expr,
            field: ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime),
        } => Expr::Call(Func::Floor, alloc::vec![compile_in(expr, scope)?]),
        other => return unsupported(format!("expression {other}")),
    })
}

/// `left op ANY (SELECT ...)` (`all` false) or `left op ALL (SELECT ...)`. As in MySQL, the
/// right side is a subquery, and the operator a comparison.
fn quantified(
    scope: &dyn Resolve,
    left: &ast::Expr,
    op: &BinaryOperator,
    right: &ast::Expr,
    all: bool,
) -> Result<Expr, SqlError> {
    let quantifier = if all { "ALL" } else { "ANY" };
    let ast::Expr::Subquery(query) = right else {
        return unsupported(format!(
            "{op} {quantifier} over a list (it takes a subquery)"
        ));
    };
    let Some(op) = comparison(op) else {
        return unsupported(format!("operator {op} {quantifier}"));
    };
    let left = Box::new(compile_in(left, scope)?);
    scope.subquery(query, SubqueryUse::Compare(left, op, all))
}

/// The comparison `op` is, if it is one.
fn comparison(op: &BinaryOperator) -> Option<BinOp> {
    Some(match op {
        BinaryOperator::Eq => BinOp::Eq,
        BinaryOperator::NotEq => BinOp::NotEq,
        BinaryOperator::Lt => BinOp::Lt,
        BinaryOperator::LtEq => BinOp::LtEq,
        BinaryOperator::Gt => BinOp::Gt,
        BinaryOperator::GtEq => BinOp::GtEq,
        _ => return None,
    })
}

/// `lhs op` each of `values`, combined as ANY (`all` false: true if one comparison is, else
/// NULL if one is NULL, else false) or ALL (false if one is, else NULL if one is NULL, else
/// true): the OR or the AND of the comparisons, as SQL defines them, so ALL over no rows is
/// true even for a NULL `lhs`.
pub(crate) fn compare_each(
    lhs: &Value,
    op: BinOp,
    all: bool,
    values: impl IntoIterator<Item = Value>,
) -> Result<Value, SqlError> {
    let mut unknown = false;
    for v in values {
        let lit = |v: Value| Box::new(Expr::Literal(v));
        match truth(&Expr::Binary(op, lit(lhs.clone()), lit(v)).eval(&[])?)? {
            Some(b) if b != all => return Ok(Value::Bool(b)),
            None => unknown = true,
            Some(_) => {}
        }
    }
    Ok(if unknown {
        Value::Null
    } else {
        Value::Bool(all)
    })
}

/// The system variable `parts` names, as a literal; a column if it names none.
fn system_variable(
    parts: &[ast::Ident],
    scope: &dyn Resolve,
    e: &ast::Expr,
) -> Result<Expr, SqlError> {
    match in_session(scope, e)?.system_variable(parts) {
        Some(value) => Ok(Expr::Literal(value?)),
        None => scope.column(parts),
    }
}

/// The session an expression that reads or assigns it (or reads the statement's clock) is
/// compiled in; refused where there is none (unsupported, so a path that lacks one leaves the
/// statement to the general one).
pub(crate) fn in_session<'a>(
    scope: &'a dyn Resolve,
    e: &dyn core::fmt::Display,
) -> Result<&'a Session, SqlError> {
    match scope.session() {
        Some(session) => Ok(session),
        None => unsupported(format!(
            "{e} here (only in a statement: a table's CHECK or DEFAULT has no session)"
        )),
    }
}

/// A call of a scalar function; an aggregate here is outside any query that could group.
fn call(f: &ast::Function, scope: &dyn Resolve) -> Result<Expr, SqlError> {
    let name = f.name.to_string();
    if crate::sql::aggregate::is_aggregate(&name) {
        return unsupported(format!("aggregate {f} here"));
    }
    let plain = f.filter.is_none()
        && f.over.is_none()
        && f.within_group.is_empty()
        && f.null_treatment.is_none()
        && matches!(f.parameters, ast::FunctionArguments::None);
    // JSON_VALUE's `RETURNING type`, the one clause a scalar call takes.
    let returning = match &f.args {
        ast::FunctionArguments::List(list) if name.eq_ignore_ascii_case("json_value") => {
            match list.clauses.as_slice() {
                [ast::FunctionArgumentClause::JsonReturningClause(r)] => {
                    Some(cast_target(&r.data_type)?)
                }
                _ => None,
            }
        }
        _ => None,
    };
    let args: Vec<&ast::Expr> = match &f.args {
        ast::FunctionArguments::List(list)
            if plain
                && list.duplicate_treatment.is_none()
                && (list.clauses.is_empty() || returning.is_some()) =>
        {
            list.args
                .iter()
                .map(|a| match a {
                    ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => Ok(e),
                    _ => unsupported(format!("argument {a} of {name}")),
                })
                .collect::<Result<_, _>>()?
        }
        ast::FunctionArguments::None if plain => Vec::new(),
        _ => return unsupported(format!("call {f}")),
    };
    if let Some(call) = unit_call(&name, &args, scope)? {
        return Ok(call);
    }
    if let Some(call) = session_call(f, &name, &args, scope)? {
        return Ok(call);
    }
    if let Some(call) = crate::sql::random::compile(&name, &args, scope)? {
        return Ok(call);
    }
    let func = match Func::lookup(&name, args.len())? {
        // JSON_OBJECT and JSON_ARRAY embed the JSON another JSON function gives as JSON, not
        // as a string, as MySQL does: which arguments do, known from how they are written
        // (constant calls are folded into text when compiled).
        Func::Json(JsonFunc::Value(_)) => Func::Json(JsonFunc::Value(returning)),
        Func::Json(f) => Func::Json(f.embedding(args.iter().map(|a| gives_json(a)))),
        f => f,
    };
    let args = args
        .into_iter()
        .map(|a| compile_in(a, scope))
        .collect::<Result<_, _>>()?;
    match func {
        Func::Regexp(f) => regexp::precompiled(f, args),
        _ => Ok(Expr::Call(func, args)),
    }
}

/// The calls that read or write the session, or describe the server: LAST_INSERT_ID(expr)
/// (LAST_INSERT_ID() is the session's value written in, `history.rs`), ROW_COUNT(),
/// CONNECTION_ID(), DATABASE() and VERSION(); None for any other.
#[inline(never)]
fn session_call(
    f: &ast::Function,
    name: &str,
    args: &[&ast::Expr],
    scope: &dyn Resolve,
) -> Result<Option<Expr>, SqlError> {
    Ok(Some(match (name.to_ascii_lowercase().as_str(), args) {
        ("last_insert_id", [arg]) => {
            let session = in_session(scope, f)?.clone();
            Expr::Assign(
                session,
                Target::LastInsertId,
                Box::new(compile_in(arg, scope)?),
            )
        }
        ("row_count", []) => Expr::Literal(Value::Int(in_session(scope, f)?.row_count())),
        ("connection_id", []) => {
            let id = in_session(scope, f)?.connection_id();
            Expr::Literal(Value::Int(i64::try_from(id).unwrap_or(i64::MAX)))
        }
        // The store's one database, by the name the front end gave (NULL without one, as
        // MySQL answers with no database chosen).
        ("database" | "schema", []) => {
            let name = in_session(scope, f)?.database();
            Expr::Literal(name.map_or(Value::Null, Value::Text))
        }
        // MySQL's version first, for tools that read it, then Cairn's.
        ("version", []) => Expr::Literal(Value::Text(crate::sql::system_variables::VERSION.into())),
        _ => return Ok(None),
    }))
}

/// Whether an expression is a call whose value is JSON (`doc->path`, JSON_EXTRACT, ...).
pub(crate) fn gives_json(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Nested(inner) => gives_json(inner),
        ast::Expr::BinaryOp {
            op: BinaryOperator::Arrow,
            ..
        } => true,
        ast::Expr::Function(f) => {
            let name = f.name.to_string().to_ascii_lowercase();
            crate::sql::json::lookup(&name).is_some_and(|(g, _, _)| g.gives_json())
        }
        _ => false,
    }
}

/// `d + INTERVAL n unit`, `INTERVAL n unit + d` or `d - INTERVAL n unit`: the date, the
/// interval, and whether it is subtracted.
fn with_interval<'a>(
    left: &'a ast::Expr,
    op: &BinaryOperator,
    right: &'a ast::Expr,
) -> Option<(&'a ast::Expr, &'a ast::Interval, bool)> {
    match (left, op, right) {
        (d, BinaryOperator::Plus, ast::Expr::Interval(i)) => Some((d, i, false)),
        (d, BinaryOperator::Minus, ast::Expr::Interval(i)) => Some((d, i, true)),
        (ast::Expr::Interval(i), BinaryOperator::Plus, d) => Some((d, i, false)),
        _ => None,
    }
}

/// The date functions whose arguments hold a unit: DATE_ADD(d, INTERVAL n unit), DATE_SUB,
/// ADDDATE and SUBDATE (also with a number of days), TIMESTAMPADD(unit, n, d) and
/// TIMESTAMPDIFF(unit, a, b). None for any other call.
fn unit_call(
    name: &str,
    args: &[&ast::Expr],
    scope: &dyn Resolve,
) -> Result<Option<Expr>, SqlError> {
    let name = name.to_ascii_lowercase();
    let unit_word = |e: &ast::Expr| match e {
        ast::Expr::Identifier(id) if id.quote_style.is_none() => Unit::named(&id.value),
        other => unsupported(format!("{other} as a unit of {name}")),
    };
    let (func, args) = match (name.as_str(), args) {
        ("date_add" | "adddate" | "date_sub" | "subdate", [date, amount]) => {
            let (unit, amount) = match amount {
                ast::Expr::Interval(i) => Unit::of_interval(i)?,
                plain if name.ends_with("date") => (Unit::Day, *plain),
                _ => return unsupported(format!("{name} without an INTERVAL")),
            };
            let mut amount = compile_in(amount, scope)?;
            if name.contains("sub") {
                amount = Expr::Neg(Box::new(amount));
            }
            (
                DateFunc::Add(unit),
                alloc::vec![compile_in(date, scope)?, amount],
            )
        }
        ("timestampadd", [unit, amount, date]) => (
            DateFunc::Add(unit_word(unit)?),
            alloc::vec![compile_in(date, scope)?, compile_in(amount, scope)?],
        ),
        ("timestampdiff", [unit, from, to]) => (
            DateFunc::Diff(unit_word(unit)?),
            alloc::vec![compile_in(from, scope)?, compile_in(to, scope)?],
        ),
        _ => return Ok(None),
    };
    Ok(Some(Expr::Call(Func::Date(func), args)))
}

/// The type of a CAST: CHAR, SIGNED, UNSIGNED, or a column type (DECIMAL(p,s), DOUBLE,
/// DATE, ...).
fn cast_target(ty: &ast::DataType) -> Result<CastTo, SqlError> {
    use ast::DataType as D;
    Ok(match ty {
        D::Char(_) | D::Character(_) | D::Varchar(_) | D::Text | D::String(_) => CastTo::Char,
        D::Signed | D::SignedInteger => CastTo::Signed,
        D::Unsigned | D::UnsignedInteger => CastTo::Unsigned,
        other => CastTo::Type(crate::sql::ddl::column_type(other)?),
    })
}

fn column(scope: Option<Scope<'_>>, parts: &[ast::Ident]) -> Result<Expr, SqlError> {
    match scope {
        Some(scope) => scope.column(parts).map(Expr::Column),
        None => {
            let names: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
            Err(SqlError::UnknownColumn(names.join(".")))
        }
    }
}

/// A node whose operands are all values is replaced by its value (unless evaluating it
/// fails: then the error is left for evaluation, where it is reported per row).
fn fold(e: Expr) -> Expr {
    let lit = |e: &Expr| matches!(e, Expr::Literal(_));
    let constant = match &e {
        Expr::Literal(_) | Expr::Column(_) => false,
        Expr::Neg(a) | Expr::Not(a) | Expr::IsNull(a, _) => lit(a),
        Expr::Binary(_, a, b) | Expr::Like(a, b, _, _) => lit(a) && lit(b),
        Expr::InList(a, list, _) => lit(a) && list.iter().all(lit),
        Expr::Between(a, b, c, _) => lit(a) && lit(b) && lit(c),
        Expr::InSet(a, _, _) => lit(a),
        Expr::Call(_, args) | Expr::Regexp(_, _, args) => args.iter().all(lit),
        Expr::Case(a, whens, otherwise) => {
            a.as_deref().is_none_or(lit)
                && whens.iter().all(|(w, t)| lit(w) && lit(t))
                && otherwise.as_deref().is_none_or(lit)
        }
        Expr::Cast(a, _) => lit(a),
        Expr::Subquery(_) | Expr::Assign(..) => false,
    };
    match constant.then(|| e.eval(&[])) {
        Some(Ok(v)) => Expr::Literal(v),
        _ => e,
    }
}

/// A literal as sqlparser read it.
pub fn literal(v: &ast::Value) -> Result<Value, SqlError> {
    Ok(match v {
        ast::Value::Number(text, _) => number(text, false)?,
        ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
            Value::Text(s.clone())
        }
        ast::Value::Boolean(b) => Value::Bool(*b),
        ast::Value::Null => Value::Null,
        ast::Value::HexStringLiteral(hex) => Value::Blob(
            crate::hex::decode(hex.as_bytes())
                .ok_or_else(|| SqlError::Syntax(format!("invalid hex literal {hex}")))?,
        ),
        // Bound values replace placeholders before parsing: one left here had none given.
        ast::Value::Placeholder(p) => {
            return Err(SqlError::Parameter(format!("no value was given for {p}")))
        }
        other => return unsupported(format!("literal {other}")),
    })
}

/// A numeric literal as MySQL reads it: a BIGINT when it is an integer that fits, an exact
/// DECIMAL when it has no exponent (`1.5`, and integers past 64 bits) and at most 38 digits,
/// else a DOUBLE (`1e3`).
pub fn number(text: &str, negative: bool) -> Result<Value, SqlError> {
    if let Some(d) = Decimal::parse(text) {
        let d = if negative {
            d.checked_neg().unwrap_or(d)
        } else {
            d
        };
        return Ok(match d.scale {
            0 => int_value(d.units),
            _ => Value::Decimal(d),
        });
    }
    match text.parse::<f64>() {
        Ok(d) => Ok(Value::Double(if negative { -d } else { d })),
        Err(_) => Err(SqlError::Syntax(format!("invalid number {text}"))),
    }
}

impl Expr {
    pub fn eval(&self, row: &[Value]) -> Result<Value, SqlError> {
        Ok(match self {
            Expr::Literal(v) => v.clone(),
            Expr::Column(i) => column_of(row, *i)?.clone(),
            Expr::Neg(a) => match a.eval(row)? {
                Value::Null => Value::Null,
                Value::Double(d) => Value::Double(-d),
                Value::Decimal(d) => Value::Decimal(
                    d.checked_neg()
                        .ok_or_else(|| out_of_range("DECIMAL", format!("-({d})")))?,
                ),
                v => {
                    let n = integer(&v, "-")?;
                    Value::Int(
                        n.checked_neg()
                            .ok_or_else(|| out_of_range("BIGINT", format!("-({v})")))?,
                    )
                }
            },
            Expr::Not(a) => match truth(&a.eval(row)?)? {
                Some(b) => Value::Bool(!b),
                None => Value::Null,
            },
            Expr::Binary(BinOp::And, a, b) => {
                let a = a.truth_in(row)?;
                if a == Some(false) {
                    return Ok(Value::Bool(false));
                }
                match (a, b.truth_in(row)?) {
                    (_, Some(false)) => Value::Bool(false),
                    (Some(true), Some(true)) => Value::Bool(true),
                    _ => Value::Null,
                }
            }
            Expr::Binary(BinOp::Or, a, b) => {
                let a = a.truth_in(row)?;
                if a == Some(true) {
                    return Ok(Value::Bool(true));
                }
                match (a, b.truth_in(row)?) {
                    (_, Some(true)) => Value::Bool(true),
                    (Some(false), Some(false)) => Value::Bool(false),
                    _ => Value::Null,
                }
            }
            Expr::Binary(op, a, b) => match op.ordering_test() {
                Some(test) => compared(test, a, b, row)?.map_or(Value::Null, Value::Bool),
                None => binary(*op, a.eval(row)?, b.eval(row)?)?,
            },
            Expr::IsNull(a, negated) => Value::Bool(a.eval(row)?.is_null() != *negated),
            Expr::InList(a, list, negated) => {
                let a = a.operand(row)?;
                let items = list.iter().map(|item| item.operand(row));
                negate(in_list(&a, items)?, *negated)
            }
            Expr::Between(a, low, high, negated) => {
                let a = a.operand(row)?;
                let above = compare(&a, &*low.operand(row)?)?.map(Ordering::is_ge);
                let below = compare(&a, &*high.operand(row)?)?.map(Ordering::is_le);
                let within = match (above, below) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                negate(within, *negated)
            }
            Expr::InSet(..)
            | Expr::Call(..)
            | Expr::Regexp(..)
            | Expr::Case(..)
            | Expr::Cast(..)
            | Expr::Subquery(_)
            | Expr::Assign(..) => self.eval_more(row)?,
            Expr::Like(a, pattern, escape, negated) => match (a.eval(row)?, pattern.eval(row)?) {
                (Value::Null, _) | (_, Value::Null) => Value::Null,
                (Value::Text(s), Value::Text(p)) => negate(Some(like(&s, &p, *escape)), *negated),
                (a, p) => {
                    return Err(SqlError::TypeMismatch(format!(
                        "LIKE needs text, found {} LIKE {}",
                        a.kind(),
                        p.kind()
                    )))
                }
            },
        })
    }

    /// Functions, CASE, CAST and subqueries, apart from `eval` so that its stack frame (paid
    /// once per level of a long operator chain) stays small.
    #[inline(never)]
    fn eval_more(&self, row: &[Value]) -> Result<Value, SqlError> {
        Ok(match self {
            Expr::Call(func, args) if func.lazy() => {
                // COALESCE, IFNULL and IF evaluate only the argument they return.
                match func {
                    Func::If => {
                        let pick = if truth(&args[0].eval(row)?)? == Some(true) {
                            &args[1]
                        } else {
                            &args[2]
                        };
                        pick.eval(row)?
                    }
                    _ => {
                        for a in args {
                            let v = a.eval(row)?;
                            if !v.is_null() {
                                return Ok(v);
                            }
                        }
                        Value::Null
                    }
                }
            }
            Expr::Call(func, args) => {
                let values = args
                    .iter()
                    .map(|a| a.eval(row))
                    .collect::<Result<Vec<_>, _>>()?;
                func.call(&values)?
            }
            Expr::Case(operand, whens, otherwise) => {
                let operand = operand.as_ref().map(|o| o.eval(row)).transpose()?;
                for (when, then) in whens {
                    let w = when.eval(row)?;
                    let hit = match &operand {
                        // CASE x WHEN v: x = v, so NULL matches nothing.
                        Some(x) => compare(x, &w)? == Some(Ordering::Equal),
                        None => truth(&w)? == Some(true),
                    };
                    if hit {
                        return then.eval(row);
                    }
                }
                match otherwise {
                    Some(e) => e.eval(row)?,
                    None => Value::Null,
                }
            }
            Expr::Regexp(func, re, args) => {
                let values = args
                    .iter()
                    .map(|a| a.eval(row))
                    .collect::<Result<Vec<_>, _>>()?;
                func.run(re, &values)?
            }
            Expr::Cast(a, to) => cast(a.eval(row)?, *to)?,
            Expr::InSet(a, set, negated) => negate(set.contains(&*a.operand(row)?)?, *negated),
            Expr::Subquery(q) => q.eval(row)?,
            Expr::Assign(session, target, a) => session.assign(target, a.eval(row)?)?,
            _ => return unsupported("expression"),
        })
    }

    /// Whether a row passes this condition: NULL (unknown) does not.
    #[inline]
    pub fn accepts(&self, row: &[Value]) -> Result<bool, SqlError> {
        Ok(self.truth_in(row)? == Some(true))
    }

    /// The SQL truth (see `truth`) of this expression's value on a row; a comparison's is
    /// worked out without making a value of it, the most common filter being one.
    #[inline]
    fn truth_in(&self, row: &[Value]) -> Result<Option<bool>, SqlError> {
        match self {
            Expr::Binary(op, a, b) => match op.ordering_test() {
                Some(test) => compared(test, a, b, row),
                None => truth(&self.eval(row)?),
            },
            _ => truth(&self.eval(row)?),
        }
    }

    /// This expression's value on a row, borrowed where it is a literal or a column: a
    /// comparison reads those in place rather than copying them (a scan's filter, per row).
    fn operand<'a>(&'a self, row: &'a [Value]) -> Result<Cow<'a, Value>, SqlError> {
        Ok(match self {
            Expr::Literal(v) => Cow::Borrowed(v),
            Expr::Column(i) => Cow::Borrowed(column_of(row, *i)?),
            e => Cow::Owned(e.eval(row)?),
        })
    }

    /// The value in place, for a literal or a column within the row; None for anything
    /// else (which `operand` works out, or says is wrong).
    fn in_place<'a>(&'a self, row: &'a [Value]) -> Option<&'a Value> {
        match self {
            Expr::Literal(v) => Some(v),
            Expr::Column(i) => row.get(*i),
            _ => None,
        }
    }
}

/// Column `i` of a row. A compiled column is within its rows; say so rather than panic if
/// one is not.
fn column_of(row: &[Value], i: usize) -> Result<&Value, SqlError> {
    row.get(i)
        .ok_or_else(|| SqlError::Unsupported(format!("column {i} past a row of {}", row.len())))
}

/// `a op b` for a comparison operator (its `ordering_test`), NULL (None) when either side
/// is, as `binary` answers it but with both operands read in place.
#[inline]
fn compared(test: OrderTest, a: &Expr, b: &Expr, row: &[Value]) -> Result<Option<bool>, SqlError> {
    // A column against a literal, the commonest filter, without a `Cow` per row.
    if let (Some(a), Some(b)) = (a.in_place(row), b.in_place(row)) {
        return Ok(compare(a, b)?.map(|o| test.holds(o)));
    }
    let a = a.operand(row)?;
    Ok(compare(&a, &*b.operand(row)?)?.map(|o| test.holds(o)))
}

/// `a IN (items)`: true on an equal item, else NULL if an item (or `a`) is NULL, else false.
fn in_list<'a>(
    a: &Value,
    items: impl Iterator<Item = Result<Cow<'a, Value>, SqlError>>,
) -> Result<Option<bool>, SqlError> {
    let mut result = Some(false);
    for item in items {
        match compare(a, &*item?)? {
            Some(Ordering::Equal) => return Ok(Some(true)),
            Some(_) => {}
            None => result = None,
        }
    }
    Ok(result)
}

/// A value's key for grouping, hash joins and IN sets: within one family (see
/// `key_family`) two values have the same key exactly when SQL calls them equal (1, 1.0,
/// 1.00 and TRUE alike; text by its bytes). None for NULL, which equals nothing.
pub(crate) fn value_key(v: &Value) -> Option<String> {
    let exact = match v {
        Value::Null => return None,
        // An integral double prints as its integer, as the equal decimal does below.
        Value::Double(d) => return Some(format!("n{}", if *d == 0.0 { 0.0 } else { *d })),
        Value::Int(n) => Decimal::from_int((*n).into()),
        Value::Bool(b) => Decimal::from_int((*b).into()),
        Value::Decimal(d) => *d,
        other => return Some(format!("{}:{other}", other.kind())),
    };
    // Without trailing zeros, so that 1.50 and 1.5 meet.
    let text = exact.to_string();
    let text = match text.contains('.') {
        true => text.trim_end_matches('0').trim_end_matches('.').into(),
        false => text,
    };
    Some(format!("n{text}"))
}

/// The family of values whose keys compare as the values do: 1 for exact numbers and
/// booleans, 2 for text, 3 for doubles (a double and a decimal past 2^53 can be equal as
/// doubles with different digits); 0 for the others (dates, blobs), whose keys are not
/// trusted; None for NULL.
pub(crate) fn key_family(v: &Value) -> Option<u8> {
    match v {
        Value::Null => None,
        Value::Int(_) | Value::Decimal(_) | Value::Bool(_) => Some(1),
        Value::Text(_) => Some(2),
        Value::Double(_) => Some(3),
        _ => Some(0),
    }
}

/// The one trusted family of all the non-NULL values (1 when all are NULL), or None.
pub(crate) fn one_family<'a>(values: impl Iterator<Item = &'a Value>) -> Option<u8> {
    let mut seen = None;
    for v in values {
        match (key_family(v), seen) {
            (None, _) => {}
            (Some(0), _) => return None,
            (Some(f), None) => seen = Some(f),
            (Some(f), Some(s)) if f == s => {}
            _ => return None,
        }
    }
    Some(seen.unwrap_or(1))
}

/// The values of an IN list of one family, with their keys.
#[derive(Debug)]
pub struct KeySet {
    values: Vec<Value>,
    keys: alloc::collections::BTreeSet<String>,
    has_null: bool,
    family: Option<u8>,
}

impl KeySet {
    pub fn new(values: Vec<Value>) -> KeySet {
        KeySet {
            keys: values.iter().filter_map(value_key).collect(),
            has_null: values.iter().any(Value::is_null),
            family: one_family(values.iter()),
            values,
        }
    }

    /// `a IN (values)`, as `in_list` answers it.
    fn contains(&self, a: &Value) -> Result<Option<bool>, SqlError> {
        match (
            a.is_null() || self.values.is_empty(),
            key_family(a) == self.family,
        ) {
            (false, true) => Ok(match value_key(a) {
                Some(k) if self.keys.contains(&k) => Some(true),
                _ if self.has_null => None,
                _ => Some(false),
            }),
            // Another family (or NULL): item by item, with compare's conversions and errors.
            _ => in_list(a, self.values.iter().map(|v| Ok(Cow::Borrowed(v)))),
        }
    }
}

fn negate(v: Option<bool>, negated: bool) -> Value {
    v.map_or(Value::Null, |b| Value::Bool(b != negated))
}

/// SQL truth of a value: NULL is unknown, numbers are true when not zero.
pub(crate) fn truth(v: &Value) -> Result<Option<bool>, SqlError> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Int(n) => Ok(Some(*n != 0)),
        Value::Double(d) => Ok(Some(*d != 0.0)),
        Value::Decimal(d) => Ok(Some(!d.is_zero())),
        other => Err(SqlError::TypeMismatch(format!(
            "expected a condition, found {}",
            other.kind()
        ))),
    }
}

/// Orders two values for comparison operators: None when either is NULL. Numbers (and
/// booleans, as 0 and 1) compare by value; text and blobs compare bytewise.
// A hint LLVM took: 35 instructions a row of a scan's filter down to 22 (callgrind).
#[inline]
pub fn compare(a: &Value, b: &Value) -> Result<Option<Ordering>, SqlError> {
    use Value::*;
    // The pairs a scan's filter meets per row, inline in it; the others out of line.
    Ok(Some(match (a, b) {
        (Null, _) | (_, Null) => return Ok(None),
        // The commonest pair, as the integer arm of `compare_other` orders it, without its
        // conversions.
        (Int(x), Int(y)) => x.cmp(y),
        (Double(x), Double(y)) => float_order(*x, *y),
        (Double(x), Int(y)) => float_order(*x, *y as f64),
        (Int(x), Double(y)) => float_order(*x as f64, *y),
        _ => return compare_other(a, b),
    }))
}

/// Orders two numbers one of which is a double, as floats, so that -0.0 = 0.0; NaN (which no
/// literal makes) sorts last.
#[inline]
fn float_order(x: f64, y: f64) -> Ordering {
    x.partial_cmp(&y).unwrap_or_else(|| x.total_cmp(&y))
}

/// `compare` for the pairs it does not order inline.
fn compare_other(a: &Value, b: &Value) -> Result<Option<Ordering>, SqlError> {
    use Value::*;
    fn bytes(v: &Value) -> Option<&[u8]> {
        match v {
            Text(s) => Some(s.as_bytes()),
            Blob(b) => Some(b),
            _ => None,
        }
    }
    Ok(Some(match (a, b) {
        (Null, _) | (_, Null) => return Ok(None),
        (Double(_), Int(_) | Double(_) | Decimal(_) | Bool(_))
        | (Int(_) | Decimal(_) | Bool(_), Double(_)) => float_order(float(a), float(b)),
        (Text(x), Text(y)) => x.cmp(y),
        (Temporal(_), _) | (_, Temporal(_)) => match temporal_order(a, b) {
            Some(o) => o,
            None => {
                return Err(SqlError::TypeMismatch(format!(
                    "cannot compare {} with {}",
                    a.kind(),
                    b.kind()
                )))
            }
        },
        (Int(_) | Bool(_), Int(_) | Bool(_)) => integer(a, "=")?.cmp(&integer(b, "=")?),
        (Int(_) | Decimal(_) | Bool(_), Int(_) | Decimal(_) | Bool(_)) => exact(a).cmp(&exact(b)),
        _ => match (bytes(a), bytes(b)) {
            (Some(x), Some(y)) => x.cmp(y),
            _ => {
                return Err(SqlError::TypeMismatch(format!(
                    "cannot compare {} with {}",
                    a.kind(),
                    b.kind()
                )))
            }
        },
    }))
}

fn float(v: &Value) -> f64 {
    match v {
        Value::Double(d) => *d,
        Value::Int(n) => *n as f64,
        Value::Decimal(d) => d.to_f64(),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => f64::NAN,
    }
}

/// The order of a date or time and another value, as MySQL compares them: text read as a
/// value of the same family (a date against a datetime's text as that datetime), a year
/// against a number.
fn temporal_order(a: &Value, b: &Value) -> Option<Ordering> {
    use crate::db::temporal::{Temporal as T, TimeType};
    // A date's family reads text at its finest, so that a date is before the same day's noon.
    let read = |t: &T, s: &str| match t.kind.family() {
        0 => T::parse(TimeType::DateTime(MAX_FSP), s),
        _ => T::parse(t.kind, s),
    };
    match (a, b) {
        (Value::Temporal(x), Value::Temporal(y)) => x.compare(y),
        (Value::Temporal(t), Value::Text(s)) => t.compare(&read(t, s)?),
        (Value::Text(s), Value::Temporal(t)) => read(t, s)?.compare(t),
        (Value::Temporal(t), Value::Int(n)) if t.kind == TimeType::Year => Some(t.value.cmp(n)),
        (Value::Int(n), Value::Temporal(t)) if t.kind == TimeType::Year => Some(n.cmp(&t.value)),
        _ => None,
    }
}

/// An integer, boolean or decimal as a decimal.
fn exact(v: &Value) -> Decimal {
    match v {
        Value::Decimal(d) => *d,
        Value::Int(n) => Decimal::from_int((*n).into()),
        Value::Bool(b) => Decimal::from_int((*b).into()),
        _ => Decimal::from_int(0),
    }
}

fn integer(v: &Value, op: &str) -> Result<i64, SqlError> {
    match v {
        Value::Int(n) => Ok(*n),
        Value::Bool(b) => Ok(i64::from(*b)),
        other => Err(SqlError::TypeMismatch(format!(
            "cannot apply '{op}' to {}",
            other.kind()
        ))),
    }
}

/// MySQL's words for an arithmetic result that its type cannot hold.
pub(crate) fn out_of_range(ty: &str, expr: String) -> SqlError {
    SqlError::TypeMismatch(format!("{ty} value is out of range in '{expr}'"))
}

pub(crate) fn binary(op: BinOp, a: Value, b: Value) -> Result<Value, SqlError> {
    if let Some(test) = op.ordering_test() {
        return Ok(compare(&a, &b)?.map_or(Value::Null, |o| Value::Bool(test.holds(o))));
    }
    if a.is_null() || b.is_null() {
        return Ok(Value::Null);
    }
    let sym = op.symbol();
    if let (Value::Int(_) | Value::Bool(_), Value::Int(_) | Value::Bool(_)) = (&a, &b) {
        let (x, y) = (integer(&a, sym)?, integer(&b, sym)?);
        let checked = match op {
            BinOp::Add => x.checked_add(y),
            BinOp::Sub => x.checked_sub(y),
            BinOp::Mul => x.checked_mul(y),
            // `/` of integers is an exact decimal with 4 places, as in MySQL (below).
            BinOp::Div => return decimal_op(op, &a, &b),
            // Division by zero is NULL in MySQL.
            BinOp::Mod if y == 0 => return Ok(Value::Null),
            BinOp::Mod => Some(x.wrapping_rem(y)),
            _ => None,
        };
        return checked
            .map(Value::Int)
            .ok_or_else(|| out_of_range("BIGINT", format!("{a} {sym} {b}")));
    }
    // Exact when neither side is a double, as MySQL computes DECIMAL with DECIMAL or integer.
    if let (
        Value::Int(_) | Value::Bool(_) | Value::Decimal(_),
        Value::Int(_) | Value::Bool(_) | Value::Decimal(_),
    ) = (&a, &b)
    {
        return decimal_op(op, &a, &b);
    }
    let operand = |v: &Value| match v {
        Value::Double(d) => Ok(*d),
        Value::Decimal(d) => Ok(d.to_f64()),
        other => integer(other, sym).map(|n| n as f64),
    };
    let (x, y) = (operand(&a)?, operand(&b)?);
    Ok(match op {
        BinOp::Add => Value::Double(x + y),
        BinOp::Sub => Value::Double(x - y),
        BinOp::Mul => Value::Double(x * y),
        BinOp::Div | BinOp::Mod if y == 0.0 => Value::Null,
        BinOp::Div => Value::Double(x / y),
        _ => Value::Double(x % y),
    })
}

/// `a op b` in exact decimals; division by zero is NULL, as in MySQL.
fn decimal_op(op: BinOp, a: &Value, b: &Value) -> Result<Value, SqlError> {
    let (x, y) = (exact(a), exact(b));
    let checked = match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::Div | BinOp::Mod if y.is_zero() => return Ok(Value::Null),
        BinOp::Div => x.checked_div(y),
        BinOp::Mod => x.checked_rem(y),
        _ => None,
    };
    checked
        .map(Value::Decimal)
        .ok_or_else(|| out_of_range("DECIMAL", format!("{a} {} {b}", op.symbol())))
}

/// LIKE matching: `%` any run of characters, `_` one character, `escape` makes the next
/// pattern character literal. Case-sensitive, as Dolt's default binary collation is.
pub(crate) fn like(text: &str, pattern: &str, escape: char) -> bool {
    enum Tok {
        Any,
        One,
        Lit(char),
    }
    let mut toks = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        toks.push(match c {
            '%' => Tok::Any,
            '_' => Tok::One,
            c if c == escape => Tok::Lit(chars.next().unwrap_or(escape)),
            c => Tok::Lit(c),
        });
    }
    let text: Vec<char> = text.chars().collect();
    // Greedy match with backtracking to the last `%`: O(len(text) × len(pattern)) at worst.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match toks.get(p) {
            Some(Tok::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Tok::One) => {
                t += 1;
                p += 1;
            }
            Some(Tok::Lit(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    star = Some((sp, st + 1));
                    p = sp + 1;
                    t = st + 1;
                }
                None => return false,
            },
        }
    }
    toks[p..].iter().all(|t| matches!(t, Tok::Any))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::temporal::Temporal;
    use alloc::vec;

    /// Values of every kind a comparison meets, with the edges of their rules: NULL,
    /// integers, booleans, an unsigned value past i64 (a decimal), decimals of other scales,
    /// doubles (-0.0 too), text with trailing spaces, digits as text, blobs, dates.
    fn mixed_values() -> Vec<Value> {
        let date = |kind, value| Value::Temporal(Temporal { kind, value });
        vec![
            Value::Null,
            Value::Int(-1),
            Value::Int(0),
            Value::Int(1),
            Value::Int(2),
            Value::Int(i64::MAX),
            Value::Int(i64::MIN),
            Value::Bool(false),
            Value::Bool(true),
            int_value(u64::MAX.into()),
            Value::Decimal(Decimal {
                units: 150,
                scale: 2,
            }),
            Value::Decimal(Decimal {
                units: 15,
                scale: 1,
            }),
            Value::Decimal(Decimal {
                units: -5,
                scale: 1,
            }),
            Value::Decimal(Decimal {
                units: 100,
                scale: 2,
            }),
            Value::Double(1.5),
            Value::Double(1.0),
            Value::Double(-0.0),
            Value::Double(0.0),
            Value::Double(1e300),
            Value::Text("".into()),
            Value::Text("a".into()),
            Value::Text("a ".into()),
            Value::Text("a  ".into()),
            Value::Text("b".into()),
            Value::Text("1".into()),
            Value::Text("2024-03-01".into()),
            Value::Text("2024-03-01 12:00:00".into()),
            Value::Blob(b"a".to_vec()),
            Value::Blob(b"a ".to_vec()),
            date(TimeType::Date, 19_783),
            date(TimeType::DateTime(0), 19_783 * 86_400_000_000),
            date(TimeType::Year, 2024),
            Value::Int(2024),
        ]
    }

    /// A comparison reads a column or a literal in place (`operand`); over every pair of
    /// mixed values and every comparison operator it answers what `binary` answers of the
    /// values themselves (errors alike), and a filter accepts exactly where that is true.
    #[test]
    fn comparisons_in_place_agree_with_comparing_values() {
        let ops = [
            BinOp::Eq,
            BinOp::NotEq,
            BinOp::Lt,
            BinOp::LtEq,
            BinOp::Gt,
            BinOp::GtEq,
        ];
        let values = mixed_values();
        let col = |i| Box::new(Expr::Column(i));
        let lit = |v: &Value| Box::new(Expr::Literal(v.clone()));
        for x in &values {
            for y in &values {
                let row = [x.clone(), y.clone()];
                for op in ops {
                    let want = binary(op, x.clone(), y.clone());
                    let forms = [
                        Expr::Binary(op, col(0), col(1)),
                        Expr::Binary(op, col(0), lit(y)),
                        Expr::Binary(op, lit(x), col(1)),
                        Expr::Binary(op, lit(x), lit(y)),
                        // Not an operand read in place: a computed value.
                        Expr::Binary(op, col(0), Box::new(Expr::Cast(col(1), CastTo::Char))),
                    ];
                    for (n, e) in forms.iter().enumerate() {
                        let want = match n {
                            4 => binary(op, x.clone(), cast(y.clone(), CastTo::Char).unwrap()),
                            _ => want.clone(),
                        };
                        let what = format!("{x:?} {} {y:?}, form {n}", op.symbol());
                        assert_eq!(e.eval(&row), want, "{what}");
                        let accepted = want.map(|v| v == Value::Bool(true));
                        assert_eq!(e.accepts(&row), accepted, "{what}");
                    }
                }
                // Integers and booleans compare as the integers they are.
                if let (Value::Int(_) | Value::Bool(_), Value::Int(_) | Value::Bool(_)) = (x, y) {
                    let int = |v: &Value| match v {
                        Value::Bool(b) => Value::Int(i64::from(*b)),
                        other => other.clone(),
                    };
                    assert_eq!(compare(x, y), Ok(Some(int(x).sql_cmp(&int(y)))));
                }
            }
        }
    }

    /// AND, OR, NOT, BETWEEN and IN over comparisons read in place answer as the same
    /// operators over the comparisons' values (literals folded by `binary`).
    #[test]
    fn conditions_over_comparisons_agree_with_their_values() {
        let values = mixed_values();
        let col = |i| Box::new(Expr::Column(i));
        let lit = |v: Value| Box::new(Expr::Literal(v));
        for x in &values {
            for y in &values {
                let row = [x.clone(), y.clone()];
                let lt = binary(BinOp::Lt, x.clone(), y.clone());
                let eq = binary(BinOp::Eq, x.clone(), y.clone());
                let (Ok(lt), Ok(eq)) = (lt, eq) else {
                    continue;
                };
                for op in [BinOp::And, BinOp::Or] {
                    let in_place = Expr::Binary(
                        op,
                        Box::new(Expr::Binary(BinOp::Lt, col(0), col(1))),
                        Box::new(Expr::Binary(BinOp::Eq, col(0), col(1))),
                    );
                    let of_values = Expr::Binary(op, lit(lt.clone()), lit(eq.clone()));
                    assert_eq!(in_place.eval(&row), of_values.eval(&[]), "{x:?} {y:?}");
                    assert_eq!(in_place.accepts(&row), of_values.accepts(&[]));
                }
                let not = Expr::Not(Box::new(Expr::Binary(BinOp::Lt, col(0), col(1))));
                assert_eq!(not.eval(&row), Expr::Not(lit(lt.clone())).eval(&[]));
                // x BETWEEN y AND y is x = y; x IN (y, y) too.
                let between = Expr::Between(col(0), col(1), col(1), false);
                assert_eq!(between.eval(&row), Ok(eq.clone()), "{x:?} {y:?}");
                let listed = Expr::InList(col(0), vec![Expr::Column(1), Expr::Column(1)], false);
                assert_eq!(listed.eval(&row), Ok(eq.clone()), "{x:?} {y:?}");
                let set = Expr::InSet(col(0), Arc::new(KeySet::new(vec![y.clone()])), false);
                assert_eq!(set.eval(&row), Ok(eq), "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn like_patterns() {
        let cases = [
            ("abc", "abc", true),
            ("abc", "a%", true),
            ("abc", "%c", true),
            ("abc", "%b%", true),
            ("abc", "a_c", true),
            ("abc", "a_", false),
            ("abc", "ABC", false),
            ("", "%", true),
            ("", "_", false),
            ("a%c", "a\\%c", true),
            ("abc", "a\\%c", false),
            ("aXbXc", "%X%X%", true),
            ("mississippi", "%iss%ppi", true),
            ("héllo", "h_llo", true),
        ];
        for (text, pattern, want) in cases {
            assert_eq!(like(text, pattern, '\\'), want, "{text} LIKE {pattern}");
        }
    }
}
