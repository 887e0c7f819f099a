//! Aggregates over groups of rows: COUNT(*), COUNT, SUM, AVG, MIN, MAX, each optionally over
//! DISTINCT values. As in MySQL, SUM and AVG of exact values stay exact (SUM of integers is a
//! DECIMAL, AVG adds four decimal places), NULLs are skipped, and over no rows every
//! aggregate but COUNT is NULL.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use core::cmp::Ordering;

use crate::db::decimal::Decimal;
use crate::db::value::Value;
use crate::sql::expr::{binary, compare, BinOp, Expr};
use crate::sql::SqlError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFunc {
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

/// Whether a function name is an aggregate's.
pub fn is_aggregate(name: &str) -> bool {
    AggFunc::named(name, false).is_some()
}

impl AggFunc {
    /// The aggregate of a name; `star` for COUNT(*).
    pub fn named(name: &str, star: bool) -> Option<AggFunc> {
        Some(match name.to_ascii_lowercase().as_str() {
            "count" if star => AggFunc::CountStar,
            "count" => AggFunc::Count,
            "sum" => AggFunc::Sum,
            "avg" => AggFunc::Avg,
            "min" => AggFunc::Min,
            "max" => AggFunc::Max,
            _ => return None,
        })
    }
}

/// One aggregate of a query: what it computes over which expression of the source rows.
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub func: AggFunc,
    /// None for COUNT(*).
    pub arg: Option<Expr>,
    pub distinct: bool,
}

/// An aggregate's running state over one group.
#[derive(Clone, Debug)]
pub struct State {
    count: i64,
    /// The sum (SUM, AVG) or the least or greatest value so far (MIN, MAX).
    acc: Value,
    /// DISTINCT's values seen, by their printed form and kind (equal values of one column
    /// print alike).
    seen: BTreeSet<String>,
}

impl Aggregate {
    pub fn start(&self) -> State {
        State {
            count: 0,
            acc: Value::Null,
            seen: BTreeSet::new(),
        }
    }

    /// Takes in one source row.
    pub fn add(&self, state: &mut State, row: &[Value]) -> Result<(), SqlError> {
        let Some(arg) = &self.arg else {
            state.count += 1;
            return Ok(());
        };
        let v = arg.eval(row)?;
        if v.is_null() {
            return Ok(());
        }
        if self.distinct && !state.seen.insert(format!("{}:{v}", v.kind())) {
            return Ok(());
        }
        state.count += 1;
        state.acc = match self.func {
            AggFunc::CountStar | AggFunc::Count => Value::Null,
            AggFunc::Sum | AggFunc::Avg => {
                // Integers add as decimals, so that a SUM past BIGINT is still exact.
                let v = match v {
                    Value::Int(n) => Value::Decimal(Decimal::from_int(n.into())),
                    Value::Bool(b) => Value::Decimal(Decimal::from_int(b.into())),
                    Value::Decimal(_) | Value::Double(_) => v,
                    other => {
                        return Err(SqlError::TypeMismatch(format!(
                            "SUM and AVG need numbers, found {}",
                            other.kind()
                        )))
                    }
                };
                match &state.acc {
                    Value::Null => v,
                    acc => binary(BinOp::Add, acc.clone(), v)?,
                }
            }
            AggFunc::Min | AggFunc::Max => {
                let keep_new = match &state.acc {
                    Value::Null => true,
                    acc => {
                        let o = compare(&v, acc)?.unwrap_or(Ordering::Equal);
                        (self.func == AggFunc::Min) == o.is_lt() && o.is_ne()
                    }
                };
                if keep_new {
                    v
                } else {
                    core::mem::replace(&mut state.acc, Value::Null)
                }
            }
        };
        Ok(())
    }

    pub fn finish(&self, state: State) -> Result<Value, SqlError> {
        Ok(match self.func {
            AggFunc::CountStar | AggFunc::Count => Value::Int(state.count),
            AggFunc::Sum | AggFunc::Min | AggFunc::Max => state.acc,
            AggFunc::Avg if state.count == 0 => Value::Null,
            AggFunc::Avg => binary(BinOp::Div, state.acc, Value::Int(state.count))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(func: AggFunc, distinct: bool, values: &[Value]) -> Value {
        let agg = Aggregate {
            func,
            arg: Some(Expr::Column(0)),
            distinct,
        };
        let mut state = agg.start();
        for v in values {
            agg.add(&mut state, core::slice::from_ref(v)).unwrap();
        }
        agg.finish(state).unwrap()
    }

    #[test]
    fn aggregates_skip_nulls_and_stay_exact() {
        let ints = [Value::Int(1), Value::Null, Value::Int(2), Value::Int(2)];
        let dec = |s: &str| Value::Decimal(Decimal::parse_signed(s).unwrap());
        assert_eq!(run(AggFunc::Count, false, &ints), Value::Int(3));
        assert_eq!(run(AggFunc::Count, true, &ints), Value::Int(2));
        assert_eq!(run(AggFunc::Sum, false, &ints), dec("5"));
        assert_eq!(run(AggFunc::Sum, true, &ints), dec("3"));
        assert_eq!(run(AggFunc::Avg, false, &ints), dec("1.6667"));
        assert_eq!(run(AggFunc::Min, false, &ints), Value::Int(1));
        assert_eq!(run(AggFunc::Max, false, &ints), Value::Int(2));
        assert_eq!(run(AggFunc::Sum, false, &[Value::Null]), Value::Null);
        assert_eq!(run(AggFunc::Avg, false, &[]), Value::Null);
        // Past BIGINT a sum of integers is still exact.
        let big = [Value::Int(i64::MAX), Value::Int(i64::MAX)];
        assert_eq!(run(AggFunc::Sum, false, &big), dec("18446744073709551614"));
        let d = [dec("0.1"), dec("0.2")];
        assert_eq!(run(AggFunc::Sum, false, &d), dec("0.3"));
        assert_eq!(
            run(
                AggFunc::Max,
                false,
                &[Value::Text("a".into()), Value::Text("b".into())]
            ),
            Value::Text("b".into())
        );
    }
}
