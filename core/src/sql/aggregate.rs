//! Aggregates over groups of rows: COUNT(*), COUNT, SUM, AVG, MIN, MAX, each optionally over
//! DISTINCT values, GROUP_CONCAT, JSON_ARRAYAGG and JSON_OBJECTAGG. As in MySQL, SUM and AVG
//! of exact values stay exact (SUM of integers is a DECIMAL, AVG adds four decimal places),
//! NULLs are skipped (JSON_ARRAYAGG keeps them as JSON's null), and over no rows every
//! aggregate but COUNT is NULL.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use serde_json::Value as Json;

use crate::db::decimal::Decimal;
use crate::db::value::Value;
use crate::sql::expr::{binary, compare, BinOp, Expr};
use crate::sql::functions::text;
use crate::sql::json;
use crate::sql::window::compare_keys;
use crate::sql::SqlError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFunc {
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    GroupConcat,
    JsonArrayAgg,
    JsonObjectAgg,
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
            "group_concat" => AggFunc::GroupConcat,
            "json_arrayagg" => AggFunc::JsonArrayAgg,
            "json_objectagg" => AggFunc::JsonObjectAgg,
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
    /// GROUP_CONCAT's further arguments (joined to the first), JSON_OBJECTAGG's value.
    pub more: Vec<Expr>,
    /// GROUP_CONCAT's ORDER BY: keys, each maybe descending.
    pub order: Vec<(Expr, bool)>,
    /// GROUP_CONCAT's SEPARATOR.
    pub separator: String,
    /// The value JSON_ARRAYAGG or JSON_OBJECTAGG collects is JSON another function gave,
    /// embedded as JSON (as JSON_ARRAY embeds it).
    pub json: bool,
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
    /// What GROUP_CONCAT (with its order keys) and the JSON aggregates collect.
    items: Vec<(Vec<Value>, Value)>,
}

impl Aggregate {
    /// An aggregate over `arg` with GROUP_CONCAT's defaults.
    pub fn new(func: AggFunc, arg: Option<Expr>, distinct: bool) -> Aggregate {
        Aggregate {
            func,
            arg,
            distinct,
            more: Vec::new(),
            order: Vec::new(),
            separator: ",".into(),
            json: false,
        }
    }

    pub fn start(&self) -> State {
        State {
            count: 0,
            acc: Value::Null,
            seen: BTreeSet::new(),
            items: Vec::new(),
        }
    }

    /// Takes in one source row.
    pub fn add(&self, state: &mut State, row: &[Value]) -> Result<(), SqlError> {
        let Some(arg) = &self.arg else {
            state.count += 1;
            return Ok(());
        };
        let v = arg.eval(row)?;
        match self.func {
            AggFunc::GroupConcat => return self.add_concat(state, row, v),
            AggFunc::Count if !self.more.is_empty() => return self.add_tuple(state, row, v),
            AggFunc::JsonArrayAgg => {
                state.items.push((Vec::new(), v));
                return Ok(());
            }
            AggFunc::JsonObjectAgg => {
                if v.is_null() {
                    return Err(SqlError::TypeMismatch(
                        "JSON documents may not contain NULL member names".into(),
                    ));
                }
                let value = self.more.first().map_or(Ok(Value::Null), |e| e.eval(row))?;
                state.items.push((alloc::vec![v], value));
                return Ok(());
            }
            _ => {}
        }
        if v.is_null() {
            return Ok(());
        }
        if self.distinct && !state.seen.insert(format!("{}:{v}", v.kind())) {
            return Ok(());
        }
        state.count += 1;
        state.acc = match self.func {
            AggFunc::CountStar
            | AggFunc::Count
            | AggFunc::GroupConcat
            | AggFunc::JsonArrayAgg
            | AggFunc::JsonObjectAgg => Value::Null,
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
            _ if state.items.is_empty() => Value::Null,
            AggFunc::GroupConcat => {
                let mut items = state.items;
                // Stable: rows whose keys tie keep the order they came in.
                items.sort_by(|a, b| compare_keys(&a.0, &b.0, self.order.iter().map(|o| o.1)));
                let parts: Vec<String> = items
                    .into_iter()
                    .map(|(_, v)| match v {
                        Value::Text(s) => s,
                        _ => String::new(),
                    })
                    .collect();
                Value::Text(parts.join(&self.separator))
            }
            AggFunc::JsonArrayAgg => {
                let items = state
                    .items
                    .iter()
                    .map(|(_, v)| json::item(v, self.json, "json_arrayagg"))
                    .collect::<Result<_, _>>()?;
                Value::Text(json::write(&Json::Array(items)))
            }
            AggFunc::JsonObjectAgg => {
                let mut object = serde_json::Map::new();
                for (key, v) in &state.items {
                    let name = text(&key[0], "JSON_OBJECTAGG")?;
                    object.insert(name, json::item(v, self.json, "json_objectagg")?);
                }
                Value::Text(json::write(&Json::Object(object)))
            }
        })
    }

    /// The arguments of a row whose first is `first`: None if one is NULL or, under
    /// DISTINCT, if they came before (GROUP_CONCAT and COUNT(DISTINCT a, b) skip such rows).
    fn arguments(
        &self,
        state: &mut State,
        row: &[Value],
        first: Value,
    ) -> Result<Option<Vec<Value>>, SqlError> {
        let mut values = alloc::vec![first];
        for e in &self.more {
            values.push(e.eval(row)?);
        }
        if values.iter().any(Value::is_null) {
            return Ok(None);
        }
        if self.distinct {
            let key: Vec<String> = values.iter().map(|v| format!("{}:{v}", v.kind())).collect();
            if !state.seen.insert(key.join("\u{0}")) {
                return Ok(None);
            }
        }
        Ok(Some(values))
    }

    /// COUNT(DISTINCT a, b, ...) takes in a row.
    fn add_tuple(&self, state: &mut State, row: &[Value], first: Value) -> Result<(), SqlError> {
        if self.arguments(state, row, first)?.is_some() {
            state.count += 1;
        }
        Ok(())
    }

    /// GROUP_CONCAT takes in a row whose first argument is `first`: its arguments' text
    /// joined, skipped if one is NULL, with the row's order keys.
    fn add_concat(&self, state: &mut State, row: &[Value], first: Value) -> Result<(), SqlError> {
        let Some(values) = self.arguments(state, row, first)? else {
            return Ok(());
        };
        let mut joined = String::new();
        for v in &values {
            joined.push_str(&text(v, "GROUP_CONCAT")?);
        }
        let keys = self
            .order
            .iter()
            .map(|(e, _)| e.eval(row))
            .collect::<Result<_, _>>()?;
        state.items.push((keys, Value::Text(joined)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(func: AggFunc, distinct: bool, values: &[Value]) -> Value {
        let agg = Aggregate::new(func, Some(Expr::Column(0)), distinct);
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
