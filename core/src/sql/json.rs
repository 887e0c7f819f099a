//! JSON functions, with MySQL's meanings: JSON_EXTRACT (and `->`, `->>`), JSON_UNQUOTE,
//! JSON_VALID, JSON_TYPE, JSON_LENGTH, JSON_KEYS, JSON_OBJECT, JSON_ARRAY.
//!
//! A JSON value is its text (a JSON column stores the text written, checked); the functions
//! parse it, and what they give back is written as MySQL writes JSON: `", "` and `": "`
//! between items, an object's keys shortest first and then bytewise, and a key given twice
//! holding its last value.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::Value as Json;

use crate::db::value::Value;
use crate::sql::SqlError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonFunc {
    Extract,
    Unquote,
    Valid,
    Type,
    Length,
    Keys,
    /// With a bit set for each argument that is JSON a function gave (embedded as JSON).
    Object(u64),
    Array(u64),
}

/// The function of a lower-case name, with its least and greatest argument counts.
pub fn lookup(name: &str) -> Option<(JsonFunc, usize, usize)> {
    Some(match name {
        "json_extract" => (JsonFunc::Extract, 2, usize::MAX),
        "json_unquote" => (JsonFunc::Unquote, 1, 1),
        "json_valid" => (JsonFunc::Valid, 1, 1),
        "json_type" => (JsonFunc::Type, 1, 1),
        "json_length" => (JsonFunc::Length, 1, 2),
        "json_keys" => (JsonFunc::Keys, 1, 2),
        "json_object" => (JsonFunc::Object(0), 0, MAX_BUILT),
        "json_array" => (JsonFunc::Array(0), 0, MAX_BUILT),
        _ => return None,
    })
}

/// The most arguments JSON_OBJECT and JSON_ARRAY take: one bit each says whether it is JSON.
const MAX_BUILT: usize = 64;

impl JsonFunc {
    /// Whether the result is JSON (rather than text or a number made from it).
    pub fn gives_json(self) -> bool {
        matches!(
            self,
            JsonFunc::Extract | JsonFunc::Keys | JsonFunc::Object(_) | JsonFunc::Array(_)
        )
    }

    /// JSON_OBJECT and JSON_ARRAY told which of their arguments are JSON.
    pub fn embedding(self, json: impl Iterator<Item = bool>) -> JsonFunc {
        let mask = json
            .enumerate()
            .filter(|(_, j)| *j)
            .fold(0u64, |m, (i, _)| m | (1 << i));
        match self {
            JsonFunc::Object(_) => JsonFunc::Object(mask),
            JsonFunc::Array(_) => JsonFunc::Array(mask),
            f => f,
        }
    }

    /// Whether a NULL argument makes the result NULL (JSON_OBJECT and JSON_ARRAY store it as
    /// JSON's null instead).
    pub fn strict(self) -> bool {
        !matches!(self, JsonFunc::Object(_) | JsonFunc::Array(_))
    }

    pub fn call(self, args: &[Value]) -> Result<Value, SqlError> {
        let name = self.name();
        Ok(match self {
            JsonFunc::Extract => {
                let doc = document(&args[0], name, 1)?;
                let mut found = Vec::new();
                for (i, p) in args[1..].iter().enumerate() {
                    let path = Path::parse(&text(p, name, i + 2)?)?;
                    found.extend(path.find(&doc).cloned());
                }
                // One path gives its value; several, an array of those found.
                match (args.len(), found.len()) {
                    (_, 0) => Value::Null,
                    (2, _) => Value::Text(write(&found[0])),
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
            JsonFunc::Keys => match at(args, name)? {
                Some(Json::Object(o)) => {
                    let keys = ordered(&o)
                        .into_iter()
                        .map(|(k, _)| Json::String(k.clone()));
                    Value::Text(write(&Json::Array(keys.collect())))
                }
                _ => Value::Null,
            },
            JsonFunc::Object(json) => {
                if args.len() % 2 != 0 {
                    return Err(SqlError::Syntax(
                        "incorrect parameter count in the call to native function 'json_object'"
                            .into(),
                    ));
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
        })
    }

    fn name(self) -> &'static str {
        match self {
            JsonFunc::Extract => "json_extract",
            JsonFunc::Unquote => "json_unquote",
            JsonFunc::Valid => "json_valid",
            JsonFunc::Type => "json_type",
            JsonFunc::Length => "json_length",
            JsonFunc::Keys => "json_keys",
            JsonFunc::Object(_) => "json_object",
            JsonFunc::Array(_) => "json_array",
        }
    }
}

/// The document of argument 1, or the value at the path of argument 2 in it (None: no value
/// there).
fn at(args: &[Value], name: &str) -> Result<Option<Json>, SqlError> {
    let doc = document(&args[0], name, 1)?;
    match args.get(1) {
        None => Ok(Some(doc)),
        Some(p) => Ok(Path::parse(&text(p, name, 2)?)?.find(&doc).cloned()),
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

/// Argument `n` as a JSON document; text that is not JSON is MySQL's "Invalid JSON text".
fn document(v: &Value, name: &str, n: usize) -> Result<Json, SqlError> {
    let s = match v {
        Value::Text(s) => s,
        _ => {
            return Err(SqlError::TypeMismatch(format!(
                "invalid data type for JSON data in argument {n} to function {name}"
            )))
        }
    };
    serde_json::from_str(s).map_err(|e| {
        SqlError::TypeMismatch(format!(
            "invalid JSON text in argument {n} to function {name}: {e}"
        ))
    })
}

/// An argument of JSON_OBJECT or JSON_ARRAY: JSON another function gave, as itself; any
/// other value by `to_json`.
fn item(v: &Value, json: bool, name: &str) -> Result<Json, SqlError> {
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
fn ordered(o: &serde_json::Map<String, Json>) -> Vec<(&String, &Json)> {
    let mut members: Vec<(&String, &Json)> = o.iter().collect();
    members.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(b.0)));
    members
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

/// A JSON path: `$` followed by `.key`, `."key"` and `[n]` steps. Wildcards are refused.
struct Path(Vec<Step>);

enum Step {
    Key(String),
    Index(usize),
}

/// A path longer than this is refused, so a forged one costs little.
const MAX_PATH: usize = 1024;

impl Path {
    fn parse(text: &str) -> Result<Path, SqlError> {
        let invalid = || SqlError::TypeMismatch(format!("invalid JSON path expression '{text}'"));
        if text.len() > MAX_PATH {
            return Err(invalid());
        }
        let mut rest = text
            .trim()
            .strip_prefix('$')
            .ok_or_else(invalid)?
            .trim_start();
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                let after = after.trim_start();
                if let Some(quoted) = after.strip_prefix('"') {
                    // A quoted key ends at the first unescaped quote.
                    let end = quoted
                        .char_indices()
                        .scan(false, |escaped, (i, c)| {
                            let done = c == '"' && !*escaped;
                            *escaped = c == '\\' && !*escaped;
                            Some((i, done))
                        })
                        .find(|(_, done)| *done)
                        .map(|(i, _)| i)
                        .ok_or_else(invalid)?;
                    let key: String = serde_json::from_str(&format!("\"{}\"", &quoted[..end]))
                        .map_err(|_| invalid())?;
                    steps.push(Step::Key(key));
                    rest = &quoted[end + 1..];
                } else {
                    let end = after
                        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                        .unwrap_or(after.len());
                    if end == 0 {
                        return Err(invalid());
                    }
                    steps.push(Step::Key(after[..end].into()));
                    rest = &after[end..];
                }
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').ok_or_else(invalid)?;
                let n = after[..end].trim().parse().map_err(|_| invalid())?;
                steps.push(Step::Index(n));
                rest = &after[end + 1..];
            } else {
                return Err(invalid());
            }
            rest = rest.trim_start();
        }
        Ok(Path(steps))
    }

    fn find<'a>(&self, doc: &'a Json) -> Option<&'a Json> {
        let mut at = doc;
        for step in &self.0 {
            at = match (step, at) {
                (Step::Key(k), Json::Object(o)) => o.get(k)?,
                (Step::Index(i), Json::Array(a)) => a.get(*i)?,
                // MySQL reads a scalar as an array of itself.
                (Step::Index(0), scalar) if !scalar.is_array() => scalar,
                _ => return None,
            };
        }
        Some(at)
    }
}
