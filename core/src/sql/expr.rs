//! Expressions: sqlparser's tree compiled once per statement (column names resolved to
//! indexes, constant subtrees folded to values), then evaluated per row with SQL's NULL
//! semantics. Types are stricter than MySQL's: text is never silently read as a number.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use sqlparser::ast::{self, BinaryOperator, UnaryOperator};

use crate::db::decimal::Decimal;
use crate::db::schema::Schema;
use crate::db::temporal::MAX_FSP;
use crate::db::value::{int_value, Value};
use crate::sql::{unsupported, SqlError};

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
}

#[derive(Clone, Debug, PartialEq)]
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
}

/// Compiles an expression; without a scope, any column reference is unknown.
pub fn compile(e: &ast::Expr, scope: Option<Scope<'_>>) -> Result<Expr, SqlError> {
    let sub = |e: &ast::Expr| compile(e, scope).map(Box::new);
    let compiled = match e {
        ast::Expr::Identifier(ident) => column(scope, core::slice::from_ref(ident))?,
        ast::Expr::CompoundIdentifier(parts) => column(scope, parts)?,
        ast::Expr::Value(v) => Expr::Literal(literal(&v.value)?),
        ast::Expr::Nested(inner) => return compile(inner, scope),
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
            (UnaryOperator::Plus, inner) => return compile(inner, scope),
            (UnaryOperator::Not | UnaryOperator::BangNot, inner) => Expr::Not(sub(inner)?),
            (op, _) => return unsupported(format!("operator {op}")),
        },
        ast::Expr::BinaryOp { left, op, right } => {
            let op = match op {
                BinaryOperator::Plus => BinOp::Add,
                BinaryOperator::Minus => BinOp::Sub,
                BinaryOperator::Multiply => BinOp::Mul,
                BinaryOperator::Divide => BinOp::Div,
                BinaryOperator::Modulo => BinOp::Mod,
                BinaryOperator::Eq => BinOp::Eq,
                BinaryOperator::NotEq => BinOp::NotEq,
                BinaryOperator::Lt => BinOp::Lt,
                BinaryOperator::LtEq => BinOp::LtEq,
                BinaryOperator::Gt => BinOp::Gt,
                BinaryOperator::GtEq => BinOp::GtEq,
                BinaryOperator::And => BinOp::And,
                BinaryOperator::Or => BinOp::Or,
                other => return unsupported(format!("operator {other}")),
            };
            Expr::Binary(op, sub(left)?, sub(right)?)
        }
        ast::Expr::IsNull(inner) => Expr::IsNull(sub(inner)?, false),
        ast::Expr::IsNotNull(inner) => Expr::IsNull(sub(inner)?, true),
        ast::Expr::In {
            expr,
            target: ast::InTarget::List(list),
            negated,
            global: false,
        } => {
            let list = list
                .iter()
                .map(|e| compile(e, scope))
                .collect::<Result<_, _>>()?;
            Expr::InList(sub(expr)?, list, *negated)
        }
        ast::Expr::Between {
            expr,
            negated,
            low,
            high,
        } => Expr::Between(sub(expr)?, sub(low)?, sub(high)?, *negated),
        ast::Expr::Like {
            negated,
            any: false,
            expr,
            pattern,
            escape_char,
        } => {
            let escape = match escape_char.as_deref() {
                None => '\\',
                Some(e) => match compile(e, None)? {
                    Expr::Literal(Value::Text(t)) if t.chars().count() == 1 => {
                        t.chars().next().unwrap_or('\\')
                    }
                    _ => return unsupported("LIKE ... ESCAPE other than one character"),
                },
            };
            Expr::Like(sub(expr)?, sub(pattern)?, escape, *negated)
        }
        other => return unsupported(format!("expression {other}")),
    };
    Ok(fold(compiled))
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
        ast::Value::HexStringLiteral(hex) => Value::Blob(unhex(hex)?),
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

/// Hex digits as bytes; an odd count is read with a leading zero, as MySQL reads `0xABC`.
fn unhex(hex: &str) -> Result<Vec<u8>, SqlError> {
    let digit = |c: u8| {
        (c as char)
            .to_digit(16)
            .ok_or_else(|| SqlError::Syntax(format!("invalid hex literal {hex}")))
    };
    let bytes = hex.as_bytes();
    let mut out = Vec::with_capacity(bytes.len().div_ceil(2));
    let (head, rest) = bytes.split_at(bytes.len() % 2);
    if let [c] = head {
        out.push(digit(*c)? as u8);
    }
    for pair in rest.chunks(2) {
        out.push((digit(pair[0])? * 16 + digit(pair[1])?) as u8);
    }
    Ok(out)
}

impl Expr {
    pub fn eval(&self, row: &[Value]) -> Result<Value, SqlError> {
        Ok(match self {
            Expr::Literal(v) => v.clone(),
            Expr::Column(i) => row[*i].clone(),
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
                let a = truth(&a.eval(row)?)?;
                if a == Some(false) {
                    return Ok(Value::Bool(false));
                }
                match (a, truth(&b.eval(row)?)?) {
                    (_, Some(false)) => Value::Bool(false),
                    (Some(true), Some(true)) => Value::Bool(true),
                    _ => Value::Null,
                }
            }
            Expr::Binary(BinOp::Or, a, b) => {
                let a = truth(&a.eval(row)?)?;
                if a == Some(true) {
                    return Ok(Value::Bool(true));
                }
                match (a, truth(&b.eval(row)?)?) {
                    (_, Some(true)) => Value::Bool(true),
                    (Some(false), Some(false)) => Value::Bool(false),
                    _ => Value::Null,
                }
            }
            Expr::Binary(op, a, b) => binary(*op, a.eval(row)?, b.eval(row)?)?,
            Expr::IsNull(a, negated) => Value::Bool(a.eval(row)?.is_null() != *negated),
            Expr::InList(a, list, negated) => {
                let a = a.eval(row)?;
                let mut result = Some(false);
                for item in list {
                    match compare(&a, &item.eval(row)?)? {
                        Some(Ordering::Equal) => {
                            result = Some(true);
                            break;
                        }
                        Some(_) => {}
                        None => result = None,
                    }
                }
                negate(result, *negated)
            }
            Expr::Between(a, low, high, negated) => {
                let a = a.eval(row)?;
                let above = compare(&a, &low.eval(row)?)?.map(Ordering::is_ge);
                let below = compare(&a, &high.eval(row)?)?.map(Ordering::is_le);
                let within = match (above, below) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                negate(within, *negated)
            }
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

    /// Whether a row passes this condition: NULL (unknown) does not.
    pub fn accepts(&self, row: &[Value]) -> Result<bool, SqlError> {
        Ok(truth(&self.eval(row)?)? == Some(true))
    }
}

fn negate(v: Option<bool>, negated: bool) -> Value {
    v.map_or(Value::Null, |b| Value::Bool(b != negated))
}

/// SQL truth of a value: NULL is unknown, numbers are true when not zero.
fn truth(v: &Value) -> Result<Option<bool>, SqlError> {
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
pub fn compare(a: &Value, b: &Value) -> Result<Option<Ordering>, SqlError> {
    use Value::*;
    let bytes = |v: &Value| -> Option<Vec<u8>> {
        match v {
            Text(s) => Some(s.as_bytes().to_vec()),
            Blob(b) => Some(b.clone()),
            _ => None,
        }
    };
    Ok(Some(match (a, b) {
        (Null, _) | (_, Null) => return Ok(None),
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
        (Int(_) | Bool(_), Int(_) | Bool(_)) => numeric(a).sql_cmp(&numeric(b)),
        (Int(_) | Decimal(_) | Bool(_), Int(_) | Decimal(_) | Bool(_)) => exact(a).cmp(&exact(b)),
        (Int(_) | Double(_) | Decimal(_) | Bool(_), Int(_) | Double(_) | Decimal(_) | Bool(_)) => {
            // As floats, so that -0.0 = 0.0; NaN (which no literal makes) sorts last.
            let (x, y) = (float(a), float(b));
            x.partial_cmp(&y).unwrap_or_else(|| x.total_cmp(&y))
        }
        _ => match (bytes(a), bytes(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
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

fn numeric(v: &Value) -> Value {
    match v {
        Value::Bool(b) => Value::Int(i64::from(*b)),
        other => other.clone(),
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
fn out_of_range(ty: &str, expr: String) -> SqlError {
    SqlError::TypeMismatch(format!("{ty} value is out of range in '{expr}'"))
}

fn binary(op: BinOp, a: Value, b: Value) -> Result<Value, SqlError> {
    let ordering = |accept: fn(Ordering) -> bool| -> Result<Value, SqlError> {
        Ok(compare(&a, &b)?.map_or(Value::Null, |o| Value::Bool(accept(o))))
    };
    match op {
        BinOp::Eq => return ordering(Ordering::is_eq),
        BinOp::NotEq => return ordering(Ordering::is_ne),
        BinOp::Lt => return ordering(Ordering::is_lt),
        BinOp::LtEq => return ordering(Ordering::is_le),
        BinOp::Gt => return ordering(Ordering::is_gt),
        BinOp::GtEq => return ordering(Ordering::is_ge),
        _ => {}
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
fn like(text: &str, pattern: &str, escape: char) -> bool {
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
    use super::like;

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
