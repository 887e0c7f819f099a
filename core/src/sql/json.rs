//! JSON functions, with MySQL's meanings: JSON_EXTRACT (and `->`, `->>`), JSON_UNQUOTE,
//! JSON_QUOTE, JSON_VALID, JSON_TYPE, JSON_LENGTH, JSON_DEPTH, JSON_KEYS, JSON_CONTAINS,
//! JSON_CONTAINS_PATH, JSON_OBJECT, JSON_ARRAY, JSON_SET, JSON_INSERT, JSON_REPLACE,
//! JSON_REMOVE, JSON_ARRAY_APPEND, JSON_ARRAY_INSERT, JSON_MERGE_PATCH,
//! JSON_MERGE_PRESERVE (JSON_MERGE), JSON_PRETTY, JSON_SEARCH, JSON_VALUE and JSON_OVERLAPS.
//! Paths are in `json_path.rs`.
//!
//! A JSON value is its text (a JSON column stores the text written, checked); the functions
//! parse it, and what they give back is written as MySQL writes JSON: `", "` and `": "`
//! between items, an object's keys shortest first and then bytewise, and a key given twice
//! holding its last value.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::Value as Json;

use crate::db::value::Value;
use crate::sql::expr::like;
use crate::sql::functions::{cast, CastTo};
use crate::sql::json_path::{self, written, Edit, Path};
use crate::sql::SqlError;

/// A JSON function. Those that take values to store carry a bit for each argument that is
/// JSON another function gave, which they embed as JSON rather than as a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonFunc {
    Extract,
    Unquote,
    Quote,
    Valid,
    Type,
    Length,
    Depth,
    Keys,
    Contains,
    ContainsPath,
    /// `value MEMBER OF (array)`.
    MemberOf(u64),
    Object(u64),
    Array(u64),
    Edit(Edit, u64),
    ArrayAppend(u64),
    ArrayInsert(u64),
    Remove,
    MergePatch,
    MergePreserve,
    Pretty,
    /// JSON_SEARCH(doc, 'one'|'all', pattern[, escape[, path ...]]).
    Search,
    /// JSON_VALUE(doc, path [RETURNING type]).
    Value(Option<CastTo>),
    Overlaps,
}

/// The function of a lower-case name, with its least and greatest argument counts.
pub fn lookup(name: &str) -> Option<(JsonFunc, usize, usize)> {
    Some(match name {
        "json_extract" => (JsonFunc::Extract, 2, usize::MAX),
        "json_unquote" => (JsonFunc::Unquote, 1, 1),
        "json_quote" => (JsonFunc::Quote, 1, 1),
        "json_valid" => (JsonFunc::Valid, 1, 1),
        "json_type" => (JsonFunc::Type, 1, 1),
        "json_length" => (JsonFunc::Length, 1, 2),
        "json_depth" => (JsonFunc::Depth, 1, 1),
        "json_keys" => (JsonFunc::Keys, 1, 2),
        "json_contains" => (JsonFunc::Contains, 2, 3),
        "json_contains_path" => (JsonFunc::ContainsPath, 3, usize::MAX),
        "json_object" => (JsonFunc::Object(0), 0, MAX_BUILT),
        "json_array" => (JsonFunc::Array(0), 0, MAX_BUILT),
        "json_set" => (JsonFunc::Edit(Edit::Set, 0), 3, MAX_BUILT),
        "json_insert" => (JsonFunc::Edit(Edit::Insert, 0), 3, MAX_BUILT),
        "json_replace" => (JsonFunc::Edit(Edit::Replace, 0), 3, MAX_BUILT),
        "json_array_append" => (JsonFunc::ArrayAppend(0), 3, MAX_BUILT),
        "json_array_insert" => (JsonFunc::ArrayInsert(0), 3, MAX_BUILT),
        "json_remove" => (JsonFunc::Remove, 2, usize::MAX),
        "json_merge_patch" => (JsonFunc::MergePatch, 2, usize::MAX),
        "json_merge_preserve" | "json_merge" => (JsonFunc::MergePreserve, 2, usize::MAX),
        "json_pretty" => (JsonFunc::Pretty, 1, 1),
        "json_search" => (JsonFunc::Search, 3, usize::MAX),
        "json_value" => (JsonFunc::Value(None), 2, 2),
        "json_overlaps" => (JsonFunc::Overlaps, 2, 2),
        _ => return None,
    })
}

/// The most arguments the functions that store values take: one bit each says whether it
/// is JSON.
const MAX_BUILT: usize = 64;

impl JsonFunc {
    /// Whether the result is JSON (rather than text or a number made from it).
    pub fn gives_json(self) -> bool {
        !matches!(
            self,
            JsonFunc::Unquote
                | JsonFunc::Quote
                | JsonFunc::Valid
                | JsonFunc::Type
                | JsonFunc::Length
                | JsonFunc::Depth
                | JsonFunc::Contains
                | JsonFunc::ContainsPath
                | JsonFunc::MemberOf(_)
                | JsonFunc::Pretty
                | JsonFunc::Value(_)
                | JsonFunc::Overlaps
        )
    }

    /// A function that stores values, told which of its arguments are JSON.
    pub fn embedding(self, json: impl Iterator<Item = bool>) -> JsonFunc {
        let mask = json
            .enumerate()
            .filter(|(_, j)| *j)
            .fold(0u64, |m, (i, _)| m | (1 << i));
        match self {
            JsonFunc::Object(_) => JsonFunc::Object(mask),
            JsonFunc::Array(_) => JsonFunc::Array(mask),
            JsonFunc::Edit(how, _) => JsonFunc::Edit(how, mask),
            JsonFunc::MemberOf(_) => JsonFunc::MemberOf(mask),
            JsonFunc::ArrayAppend(_) => JsonFunc::ArrayAppend(mask),
            JsonFunc::ArrayInsert(_) => JsonFunc::ArrayInsert(mask),
            f => f,
        }
    }

    /// Whether a NULL argument makes the result NULL. The functions that store values store
    /// it as JSON's null instead (and give NULL for a NULL document or path themselves);
    /// JSON_SEARCH's escape may be NULL.
    pub fn strict(self) -> bool {
        !matches!(
            self,
            JsonFunc::Search
                | JsonFunc::Object(_)
                | JsonFunc::Array(_)
                | JsonFunc::Edit(..)
                | JsonFunc::ArrayAppend(_)
                | JsonFunc::ArrayInsert(_)
        )
    }

    pub fn call(self, args: &[Value]) -> Result<Value, SqlError> {
        let name = self.name();
        Ok(match self {
            JsonFunc::Extract => {
                let doc = document(&args[0], name, 1)?;
                let mut found = Vec::new();
                // Several paths, or one that may name several values, give an array.
                let mut several = args.len() > 2;
                for (i, p) in args[1..].iter().enumerate() {
                    let path = Path::parse(&text(p, name, i + 2)?)?;
                    several |= path.is_wild();
                    found.extend(path.find_all(&doc)?.into_iter().cloned());
                }
                match found.len() {
                    0 => Value::Null,
                    1 if !several => Value::Text(write(&found[0])),
                    _ => Value::Text(write(&Json::Array(found))),
                }
            }
            JsonFunc::Unquote => {
                let s = text(&args[0], name, 1)?;
                match serde_json::from_str::<Json>(&s) {
                    Ok(Json::String(inner)) if s.starts_with('"') => Value::Text(inner),
                    _ => Value::Text(s),
                }
            }
            JsonFunc::Quote => Value::Text(Json::String(text(&args[0], name, 1)?).to_string()),
            JsonFunc::Valid => Value::Int(match &args[0] {
                Value::Text(s) => i64::from(serde_json::from_str::<Json>(s).is_ok()),
                _ => 0,
            }),
            JsonFunc::Type => Value::Text(
                match document(&args[0], name, 1)? {
                    Json::Null => "NULL",
                    Json::Bool(_) => "BOOLEAN",
                    Json::Number(n) if n.is_f64() => "DOUBLE",
                    Json::Number(n) if n.is_u64() && !n.is_i64() => "UNSIGNED INTEGER",
                    Json::Number(_) => "INTEGER",
                    Json::String(_) => "STRING",
                    Json::Array(_) => "ARRAY",
                    Json::Object(_) => "OBJECT",
                }
                .into(),
            ),
            JsonFunc::Length => match at(args, name)? {
                None => Value::Null,
                Some(Json::Array(a)) => Value::Int(a.len() as i64),
                Some(Json::Object(o)) => Value::Int(o.len() as i64),
                Some(_) => Value::Int(1),
            },
            JsonFunc::Depth => Value::Int(depth(&document(&args[0], name, 1)?) as i64),
            JsonFunc::Keys => match at(args, name)? {
                Some(Json::Object(o)) => {
                    let keys = ordered(&o)
                        .into_iter()
                        .map(|(k, _)| Json::String(k.clone()));
                    Value::Text(write(&Json::Array(keys.collect())))
                }
                _ => Value::Null,
            },
            JsonFunc::Contains => {
                let candidate = document(&args[1], name, 2)?;
                let mut target = document(&args[0], name, 1)?;
                if let Some(p) = args.get(2) {
                    match Path::parse(&text(p, name, 3)?)?.find(&target)? {
                        Some(t) => target = t.clone(),
                        None => return Ok(Value::Null),
                    }
                }
                Value::Int(i64::from(contains(&target, &candidate)))
            }
            JsonFunc::MemberOf(json) => {
                let value = item(&args[0], json & 1 == 1, name)?;
                let member = |cell: &Json| same(cell, &value);
                Value::Int(i64::from(match document(&args[1], name, 2)? {
                    Json::Array(cells) => cells.iter().any(member),
                    other => member(&other),
                }))
            }
            JsonFunc::ContainsPath => {
                let doc = document(&args[0], name, 1)?;
                let all = one_or_all(&args[1], name)?;
                let mut found = Vec::new();
                for (i, p) in args[2..].iter().enumerate() {
                    let path = Path::parse(&text(p, name, i + 3)?)?;
                    found.push(!path.find_all(&doc)?.is_empty());
                }
                let yes = if all {
                    found.iter().all(|f| *f)
                } else {
                    found.iter().any(|f| *f)
                };
                Value::Int(i64::from(yes))
            }
            JsonFunc::Object(json) => {
                if args.len() % 2 != 0 {
                    return Err(parameter_count(name));
                }
                let mut object = serde_json::Map::new();
                for (i, pair) in args.chunks(2).enumerate() {
                    if pair[0].is_null() {
                        return Err(SqlError::TypeMismatch(
                            "JSON documents may not contain NULL member names".into(),
                        ));
                    }
                    let value = item(&pair[1], json >> (2 * i + 1) & 1 == 1, name)?;
                    object.insert(text(&pair[0], name, 2 * i + 1)?, value);
                }
                Value::Text(write(&Json::Object(object)))
            }
            JsonFunc::Array(json) => {
                let items = args
                    .iter()
                    .enumerate()
                    .map(|(i, v)| item(v, json >> i & 1 == 1, name))
                    .collect::<Result<_, _>>()?;
                Value::Text(write(&Json::Array(items)))
            }
            JsonFunc::Edit(how, json) => {
                edit_each(args, json, name, |doc, path, v| how.apply(doc, path, v))?
            }
            JsonFunc::ArrayAppend(json) => edit_each(args, json, name, json_path::append)?,
            JsonFunc::ArrayInsert(json) => edit_each(args, json, name, json_path::insert_cell)?,
            JsonFunc::Remove => {
                let mut doc = document(&args[0], name, 1)?;
                for (i, p) in args[1..].iter().enumerate() {
                    json_path::remove(&mut doc, &Path::parse(&text(p, name, i + 2)?)?)?;
                }
                Value::Text(write(&doc))
            }
            JsonFunc::MergePatch | JsonFunc::MergePreserve => {
                let mut merged = document(&args[0], name, 1)?;
                for (i, a) in args[1..].iter().enumerate() {
                    let next = document(a, name, i + 2)?;
                    merged = if self == JsonFunc::MergePatch {
                        merge_patch(merged, next)
                    } else {
                        merge_preserve(merged, next)
                    };
                }
                Value::Text(write(&merged))
            }
            JsonFunc::Pretty => {
                let mut out = String::new();
                write_pretty(&document(&args[0], name, 1)?, 0, &mut out);
                Value::Text(out)
            }
            JsonFunc::Search => search(args)?,
            JsonFunc::Value(to) => {
                let doc = document(&args[0], name, 1)?;
                // A path that may name several values is refused, as MySQL refuses it.
                let found = Path::parse(&text(&args[1], name, 2)?)?.find(&doc)?;
                // Nothing there is NULL ON EMPTY, an array or object NULL ON ERROR: MySQL's
                // defaults, the clauses being beyond sqlparser.
                let scalar = found
                    .and_then(|f| scalar(f, to.is_some()))
                    .unwrap_or(Value::Null);
                match to {
                    // A value that does not convert is NULL ON ERROR too.
                    Some(to) => cast(scalar, to).unwrap_or(Value::Null),
                    None => scalar,
                }
            }
            JsonFunc::Overlaps => Value::Int(i64::from(overlaps(
                &document(&args[0], name, 1)?,
                &document(&args[1], name, 2)?,
            ))),
        })
    }

    fn name(self) -> &'static str {
        match self {
            JsonFunc::Extract => "json_extract",
            JsonFunc::Unquote => "json_unquote",
            JsonFunc::Quote => "json_quote",
            JsonFunc::Valid => "json_valid",
            JsonFunc::Type => "json_type",
            JsonFunc::Length => "json_length",
            JsonFunc::Depth => "json_depth",
            JsonFunc::Keys => "json_keys",
            JsonFunc::Contains => "json_contains",
            JsonFunc::ContainsPath => "json_contains_path",
            JsonFunc::MemberOf(_) => "member of",
            JsonFunc::Object(_) => "json_object",
            JsonFunc::Array(_) => "json_array",
            JsonFunc::Edit(Edit::Set, _) => "json_set",
            JsonFunc::Edit(Edit::Insert, _) => "json_insert",
            JsonFunc::Edit(Edit::Replace, _) => "json_replace",
            JsonFunc::ArrayAppend(_) => "json_array_append",
            JsonFunc::ArrayInsert(_) => "json_array_insert",
            JsonFunc::Remove => "json_remove",
            JsonFunc::MergePatch => "json_merge_patch",
            JsonFunc::MergePreserve => "json_merge_preserve",
            JsonFunc::Pretty => "json_pretty",
            JsonFunc::Search => "json_search",
            JsonFunc::Value(_) => "json_value",
            JsonFunc::Overlaps => "json_overlaps",
        }
    }
}

/// JSON_CONTAINS_PATH's and JSON_SEARCH's second argument: whether it is 'all'.
fn one_or_all(v: &Value, name: &str) -> Result<bool, SqlError> {
    match text(v, name, 2)?.to_ascii_lowercase().as_str() {
        "one" => Ok(false),
        "all" => Ok(true),
        _ => Err(SqlError::TypeMismatch(format!(
            "the oneOrAll argument to {name} may take these values: 'one' or 'all'"
        ))),
    }
}

/// JSON_SEARCH: the path of the first string in the document (or under its paths) that
/// matches the LIKE pattern, or with 'all' of each (an array if several), in document
/// order, each once; NULL if none does, or if the document, pattern or a path is NULL.
fn search(args: &[Value]) -> Result<Value, SqlError> {
    let name = JsonFunc::Search.name();
    let paths = args.get(4..).unwrap_or_default();
    if args[..3].iter().chain(paths).any(Value::is_null) {
        return Ok(Value::Null);
    }
    let doc = document(&args[0], name, 1)?;
    let all = one_or_all(&args[1], name)?;
    let pattern = text(&args[2], name, 3)?;
    // No escape, NULL or '' is `\`, as in MySQL.
    let escape = match args.get(3).filter(|e| !e.is_null()) {
        None => '\\',
        Some(e) => {
            let e = text(e, name, 4)?;
            let mut chars = e.chars();
            match (chars.next(), chars.next()) {
                (None, _) => '\\',
                (Some(c), None) => c,
                _ => {
                    return Err(SqlError::TypeMismatch(format!(
                        "incorrect arguments to ESCAPE in {name}"
                    )))
                }
            }
        }
    };
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    let mut visit = |trail: &[json_path::Place<'_>], v: &Json| {
        if let Json::String(s) = v {
            if (all || found.is_empty())
                && seen.insert(v as *const Json)
                && like(s, &pattern, escape)
            {
                found.push(Json::String(written(trail)));
            }
        }
    };
    match paths {
        [] => Path::parse("$")?.search(&doc, &mut visit)?,
        paths => {
            for (i, p) in paths.iter().enumerate() {
                Path::parse(&text(p, name, i + 5)?)?.search(&doc, &mut visit)?;
            }
        }
    }
    Ok(match found.len() {
        0 => Value::Null,
        1 => Value::Text(write(&found[0])),
        _ => Value::Text(write(&Json::Array(found))),
    })
}

/// JSON_OVERLAPS: two arrays share a cell, two objects a member (name and value), two
/// scalars are equal; an array and anything else share it if the array holds it.
fn overlaps(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Array(a), Json::Array(b)) => a.iter().any(|x| b.iter().any(|y| same(x, y))),
        (Json::Array(a), other) | (other, Json::Array(a)) => a.iter().any(|x| same(x, other)),
        (Json::Object(a), Json::Object(b)) => {
            a.iter().any(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        (a, b) => same(a, b),
    }
}

fn parameter_count(name: &str) -> SqlError {
    SqlError::Syntax(format!(
        "incorrect parameter count in the call to native function '{name}'"
    ))
}

/// A function that edits a document at each of its path and value pairs in turn, each
/// edit seeing the ones before it. A NULL document or path gives NULL.
fn edit_each(
    args: &[Value],
    json: u64,
    name: &str,
    edit: impl Fn(&mut Json, &Path, Json) -> Result<(), SqlError>,
) -> Result<Value, SqlError> {
    if args.len() % 2 == 0 {
        return Err(parameter_count(name));
    }
    if args[0].is_null() || args[1..].iter().step_by(2).any(Value::is_null) {
        return Ok(Value::Null);
    }
    let mut doc = document(&args[0], name, 1)?;
    for (i, pair) in args[1..].chunks(2).enumerate() {
        let path = Path::parse(&text(&pair[0], name, 2 * i + 2)?)?;
        let value = item(&pair[1], json >> (2 * i + 2) & 1 == 1, name)?;
        edit(&mut doc, &path, value)?;
    }
    Ok(Value::Text(write(&doc)))
}

/// Whether `candidate` is in `target` as JSON_CONTAINS decides: a scalar equals it, each
/// cell of an array is in some cell of the target array, each member of an object is in
/// the target object's member of that name, and anything is in an array holding it.
fn contains(target: &Json, candidate: &Json) -> bool {
    match (target, candidate) {
        (Json::Array(t), Json::Array(c)) => c.iter().all(|c| t.iter().any(|t| contains(t, c))),
        (Json::Array(t), c) => t.iter().any(|t| contains(t, c)),
        (Json::Object(t), Json::Object(c)) => c
            .iter()
            .all(|(k, c)| t.get(k).is_some_and(|t| contains(t, c))),
        (a, b) => same(a, b),
    }
}

/// Whether two JSON values are equal, numbers by value.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(a), Json::Number(b)) => same_number(a, b),
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        (a, b) => a == b,
    }
}

/// Numbers are equal by value, whether written as integers or not (1 and 1.0).
fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    let whole = |n: &serde_json::Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (whole(a), whole(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

/// 1 for a scalar or an empty array or object, else one more than its deepest value.
fn depth(v: &Json) -> usize {
    let inner = match v {
        Json::Array(a) => a.iter().map(depth).max(),
        Json::Object(o) => o.values().map(depth).max(),
        _ => None,
    };
    inner.map_or(1, |d| d + 1)
}

/// RFC 7396, as JSON_MERGE_PATCH applies it: an object patches an object member by member
/// (a null member removes one); anything else replaces what it patches.
fn merge_patch(target: Json, patch: Json) -> Json {
    let Json::Object(patch) = patch else {
        return patch;
    };
    let mut target = match target {
        Json::Object(o) => o,
        _ => serde_json::Map::new(),
    };
    for (k, v) in patch {
        if v.is_null() {
            target.remove(&k);
        } else {
            let old = target.remove(&k).unwrap_or(Json::Null);
            target.insert(k, merge_patch(old, v));
        }
    }
    Json::Object(target)
}

/// JSON_MERGE_PRESERVE: two objects merge member by member (a name in both merges its two
/// values); anything else joins as arrays, a value that is not one as an array of itself.
fn merge_preserve(a: Json, b: Json) -> Json {
    match (a, b) {
        (Json::Object(mut a), Json::Object(b)) => {
            for (k, v) in b {
                let merged = match a.remove(&k) {
                    Some(old) => merge_preserve(old, v),
                    None => v,
                };
                a.insert(k, merged);
            }
            Json::Object(a)
        }
        (a, b) => {
            let cells = |v: Json| match v {
                Json::Array(items) => items,
                other => alloc::vec![other],
            };
            let mut items = cells(a);
            items.extend(cells(b));
            Json::Array(items)
        }
    }
}

/// The document of argument 1, or the value at the path of argument 2 in it (None: no value
/// there).
fn at(args: &[Value], name: &str) -> Result<Option<Json>, SqlError> {
    let doc = document(&args[0], name, 1)?;
    match args.get(1) {
        None => Ok(Some(doc)),
        Some(p) => Ok(Path::parse(&text(p, name, 2)?)?.find(&doc)?.cloned()),
    }
}

fn text(v: &Value, name: &str, n: usize) -> Result<String, SqlError> {
    match v {
        Value::Text(s) => Ok(s.clone()),
        Value::Blob(_) => Err(SqlError::TypeMismatch(format!(
            "invalid data type for JSON data in argument {n} to function {name}"
        ))),
        other => Ok(other.to_string()),
    }
}

/// A JSON scalar as the SQL value JSON_VALUE and JSON_TABLE convert to a type: a string's
/// text, a number's digits, true and false as 1 and 0 where `numeric` (else as their words);
/// None for null, an array or an object.
pub(crate) fn scalar(found: &Json, numeric: bool) -> Option<Value> {
    match found {
        Json::String(s) => Some(Value::Text(s.clone())),
        Json::Bool(b) if numeric => Some(Value::Int(i64::from(*b))),
        n @ (Json::Number(_) | Json::Bool(_)) => Some(Value::Text(n.to_string())),
        _ => None,
    }
}

/// Argument `n` as a JSON document; text that is not JSON is MySQL's "Invalid JSON text".
pub(crate) fn document(v: &Value, name: &str, n: usize) -> Result<Json, SqlError> {
    let s = match v {
        Value::Text(s) => s,
        _ => {
            return Err(SqlError::TypeMismatch(format!(
                "invalid data type for JSON data in argument {n} to function {name}"
            )))
        }
    };
    read(s, format_args!("argument {n} to function {name}"))
}

/// JSON text as a document; the error names `place`, where the text was written (formatted
/// only then, as documents are read per row).
pub(crate) fn read(text: &str, place: core::fmt::Arguments<'_>) -> Result<Json, SqlError> {
    serde_json::from_str(text)
        .map_err(|e| SqlError::TypeMismatch(format!("invalid JSON text in {place}: {e}")))
}

/// An argument of JSON_OBJECT or JSON_ARRAY: JSON another function gave, as itself; any
/// other value by `to_json`.
pub(crate) fn item(v: &Value, json: bool, name: &str) -> Result<Json, SqlError> {
    match (v, json) {
        (Value::Text(s), true) => serde_json::from_str(s)
            .map_err(|e| SqlError::TypeMismatch(format!("invalid JSON in {name}: {e}"))),
        _ => to_json(v, name),
    }
}

/// An SQL value as JSON_OBJECT and JSON_ARRAY store it: text as a string (even text that
/// is JSON, as MySQL does for a string argument), numbers as numbers, dates as strings.
fn to_json(v: &Value, name: &str) -> Result<Json, SqlError> {
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(n) => Json::from(*n),
        Value::Double(d) => serde_json::Number::from_f64(*d).map_or(Json::Null, Json::Number),
        Value::Decimal(d) => serde_json::from_str(&d.to_string())
            .map_err(|e| SqlError::TypeMismatch(format!("{d} in {name}: {e}")))?,
        Value::Text(s) => Json::String(s.clone()),
        Value::Temporal(t) => Json::String(t.to_string()),
        Value::Blob(_) => {
            return Err(SqlError::TypeMismatch(format!(
                "a blob has no JSON form in {name}"
            )))
        }
    })
}

/// An object's members in MySQL's order: shorter keys first, then bytewise.
pub(crate) fn ordered(o: &serde_json::Map<String, Json>) -> Vec<(&String, &Json)> {
    let mut members: Vec<(&String, &Json)> = o.iter().collect();
    members.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(b.0)));
    members
}

/// JSON as JSON_PRETTY writes it: each member and cell on a line of its own, indented by
/// two spaces a level.
fn write_pretty(v: &Json, level: usize, out: &mut String) {
    let (open, close, items): (char, char, Vec<(Option<&String>, &Json)>) = match v {
        Json::Array(a) if !a.is_empty() => ('[', ']', a.iter().map(|v| (None, v)).collect()),
        Json::Object(o) if !o.is_empty() => (
            '{',
            '}',
            ordered(o).into_iter().map(|(k, v)| (Some(k), v)).collect(),
        ),
        other => return write_into(other, out),
    };
    out.push(open);
    for (i, (key, item)) in items.into_iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.extend(core::iter::repeat_n(' ', 2 * (level + 1)));
        if let Some(k) = key {
            out.push_str(&Json::String(k.clone()).to_string());
            out.push_str(": ");
        }
        write_pretty(item, level + 1, out);
    }
    out.push('\n');
    out.extend(core::iter::repeat_n(' ', 2 * level));
    out.push(close);
}

/// JSON as MySQL writes it.
pub fn write(v: &Json) -> String {
    let mut out = String::new();
    write_into(v, &mut out);
    out
}

fn write_into(v: &Json, out: &mut String) {
    match v {
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_into(item, out);
            }
            out.push(']');
        }
        Json::Object(o) => {
            out.push('{');
            for (i, (k, item)) in ordered(o).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&Json::String(k.clone()).to_string());
                out.push_str(": ");
                write_into(item, out);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}
