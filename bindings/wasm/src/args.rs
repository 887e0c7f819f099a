//! Arguments from JavaScript, checked before use: JS can pass anything, and a wrong type must
//! become an INVALID_ARGUMENT error, not a trap in wasm-bindgen's glue or a silent conversion.

use cairn_core::chunk_store::Options;
use cairn_core::db::value::Value;
use cairn_core::repo::{FastForward, Resolution};
use cairn_core::retention::{KeepCount, Policy, PolicyError};
use cairn_core::sql::Params;
use cairn_core::sync::{Progress, Sink};
use cairn_core::Hash;
use js_sys::{Array, Function, Uint8Array};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::storage::JsStorage;
use crate::{convert, js};

const ADAPTER_METHODS: [&str; 7] = [
    "get",
    "getRange",
    "put",
    "list",
    "delete",
    "readManifest",
    "swapManifest",
];

pub fn invalid(message: String) -> Error {
    Error::InvalidArgument(message)
}

/// A copy of a Uint8Array's bytes, taken now: the caller may reuse the array at once.
pub fn bytes(value: &JsValue) -> Result<Vec<u8>, Error> {
    match value.dyn_ref::<Uint8Array>() {
        Some(array) => Ok(array.to_vec()),
        None => Err(invalid(format!(
            "expected a Uint8Array, got {}",
            js::describe(value)
        ))),
    }
}

/// Values for a query's placeholders: an array for `?`, a plain object for `:name`, or
/// undefined for none.
pub fn params(value: &JsValue) -> Result<Params, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(Params::None);
    }
    if let Some(list) = value.dyn_ref::<Array>() {
        return list
            .iter()
            .map(|v| sql_value(&v))
            .collect::<Result<_, _>>()
            .map(Params::Positional);
    }
    if !value.is_object() || value.is_instance_of::<Uint8Array>() {
        let value = js::describe(value);
        return Err(invalid(format!(
            "params must be an array or an object, got {value}"
        )));
    }
    let mut named = BTreeMap::new();
    for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
        let pair = Array::from(&entry);
        let name = pair.get(0).as_string().unwrap_or_default();
        named.insert(name, sql_value(&pair.get(1))?);
    }
    Ok(Params::Named(named))
}

/// A JS value as SQL: numbers (integers as BIGINT), bigints, strings, booleans, null or
/// undefined, Uint8Arrays.
fn sql_value(v: &JsValue) -> Result<Value, Error> {
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::Text(s));
    }
    if let Some(x) = v.as_f64() {
        let integral = x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_991.0;
        return Ok(if integral {
            Value::Int(x as i64)
        } else {
            Value::Double(x)
        });
    }
    if v.is_bigint() {
        return i64::try_from(v.clone())
            .map(Value::Int)
            .map_err(|_| invalid(format!("{} does not fit a BIGINT", js::describe(v))));
    }
    if let Some(bytes) = v.dyn_ref::<Uint8Array>() {
        return Ok(Value::Blob(bytes.to_vec()));
    }
    Err(invalid(format!(
        "{} cannot be bound to SQL",
        js::describe(v)
    )))
}

pub fn hash(value: &JsValue) -> Result<Hash, Error> {
    value
        .as_string()
        .and_then(|text| Hash::parse(&text))
        .ok_or_else(|| {
            let value = js::describe(value);
            invalid(format!(
                "{value} is not a chunk hash (32 base32 characters)"
            ))
        })
}

pub fn hashes(value: &JsValue) -> Result<Vec<Hash>, Error> {
    match value.dyn_ref::<Array>() {
        Some(array) => array.iter().map(|h| hash(&h)).collect(),
        None => Err(invalid(format!(
            "expected an array of hashes, got {}",
            js::describe(value)
        ))),
    }
}

/// A storage adapter: any object with the `StorageAdapter` methods.
pub fn adapter(value: JsValue) -> Result<JsStorage, Error> {
    if let Some(missing) = ADAPTER_METHODS
        .iter()
        .find(|m| !js::get(&value, m).is_function())
    {
        return Err(invalid(format!(
            "a storage adapter needs a {missing}() method; got {}",
            js::describe(&value)
        )));
    }
    Ok(JsStorage::new(value.unchecked_into()))
}

/// `ChunkStore.open`'s options: `{ tableTargetBytes? }`, or undefined.
pub fn options(value: &JsValue) -> Result<Options, Error> {
    let mut options = Options::default();
    let target = js::get(value, "tableTargetBytes");
    if !target.is_undefined() {
        match target.as_f64() {
            Some(n) if (1.0..=u32::MAX as f64).contains(&n) => {
                options.table_target_bytes = n as usize
            }
            _ => {
                return Err(invalid(
                    "tableTargetBytes must be a number of bytes from 1 to 4 GiB".into(),
                ))
            }
        }
    }
    Ok(options)
}

/// A JS number of milliseconds since the epoch (a clock reading passed in: the core has none).
pub fn time_ms(value: f64) -> Result<u64, Error> {
    if value.is_finite() && (0.0..=9.0e15).contains(&value) {
        Ok(value as u64)
    } else {
        Err(invalid(format!(
            "{value} is not a time in milliseconds since the epoch"
        )))
    }
}

/// The sink of a long operation: calls `callback` with a `SyncProgress`, if given, and stops
/// the operation when `signal` (an AbortSignal) is aborted or the callback throws.
pub fn progress(callback: Option<Function>, signal: JsValue) -> JsProgress {
    JsProgress {
        callback,
        signal,
        thrown: None,
    }
}

pub struct JsProgress {
    callback: Option<Function>,
    signal: JsValue,
    thrown: Option<JsValue>,
}

impl Sink for JsProgress {
    fn report(&mut self, p: &Progress) {
        if let (Some(f), None) = (&self.callback, &self.thrown) {
            if let Err(thrown) = f.call1(&JsValue::NULL, &convert::progress(p)) {
                self.thrown = Some(thrown);
            }
        }
    }

    fn interrupted(&mut self) -> bool {
        self.thrown.is_some() || js::get(&self.signal, "aborted").is_truthy()
    }
}

impl JsProgress {
    /// The operation's result, with a stop turned into its cause: what the callback threw,
    /// else the signal's reason (an AbortError unless the caller gave another).
    pub fn settle<T, E: Into<Error>>(self, result: Result<T, E>) -> Result<T, Error> {
        result.map_err(|e| match (e.into(), self.thrown) {
            (e, _) if !e.is_interruption() => e,
            (_, Some(thrown)) => Error::Stopped(thrown),
            (e, None) => match js::get(&self.signal, "reason") {
                reason if reason.is_undefined() => e,
                reason => Error::Stopped(reason),
            },
        })
    }
}

/// The `same_place(a, b)` of remote and backup URLs, answered by JS (which resolves them).
pub fn same_place(callback: Function) -> impl Fn(&str, &str) -> bool {
    move |a, b| {
        callback
            .call2(&JsValue::NULL, &a.into(), &b.into())
            .is_ok_and(|same| same.is_truthy())
    }
}

/// A string argument: anything else from JS would reach wasm-bindgen's glue unchecked.
pub fn string(value: &JsValue, what: &str) -> Result<String, Error> {
    value.as_string().ok_or_else(|| {
        let value = js::describe(value);
        invalid(format!("{what} must be a string, got {value}"))
    })
}

/// A table import's or export's file type: "csv" or "json".
pub fn file_type(value: &JsValue) -> Result<cairn_core::import::FileType, Error> {
    let name = string(value, "fileType")?;
    cairn_core::import::FileType::parse(&name)
        .ok_or_else(|| invalid(format!("fileType is 'csv' or 'json', not '{name}'")))
}

/// A table import's mode: "create" (keyed by `pk`, an array of column names; `force`: in
/// place of a table of the name), "update" or "replace".
pub fn import_mode(
    mode: &JsValue,
    pk: &JsValue,
    force: bool,
) -> Result<cairn_core::import::Mode, Error> {
    use cairn_core::import::Mode;
    match string(mode, "mode")?.as_str() {
        "create" => Ok(Mode::Create {
            primary_key: opt_strings(pk, "pk")?.unwrap_or_default(),
            force,
        }),
        "update" => Ok(Mode::Update),
        "replace" => Ok(Mode::Replace),
        other => Err(invalid(format!(
            "mode is 'create', 'update' or 'replace', not '{other}'"
        ))),
    }
}

/// A merge's fast-forward mode: "allow", "only" or "never".
pub fn fast_forward(value: &JsValue) -> Result<FastForward, Error> {
    match string(value, "fast-forward mode")?.as_str() {
        "allow" => Ok(FastForward::Allow),
        "only" => Ok(FastForward::Only),
        "never" => Ok(FastForward::Never),
        other => Err(invalid(format!(
            "fast-forward mode must be \"allow\", \"only\" or \"never\", got \"{other}\""
        ))),
    }
}

/// How conflicts are settled: "ours", "theirs" or "edited".
pub fn resolution(value: &JsValue) -> Result<Resolution, Error> {
    match string(value, "resolution")?.as_str() {
        "ours" => Ok(Resolution::Ours),
        "theirs" => Ok(Resolution::Theirs),
        "edited" => Ok(Resolution::AsEdited),
        other => Err(invalid(format!(
            "resolution must be \"ours\", \"theirs\" or \"edited\", got \"{other}\""
        ))),
    }
}

/// An optional string: undefined or null is `None`.
pub fn opt_string(value: &JsValue, what: &str) -> Result<Option<String>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    string(value, what).map(Some)
}

/// An array of strings.
pub fn strings(value: &JsValue, what: &str) -> Result<Vec<String>, Error> {
    match value.dyn_ref::<Array>() {
        Some(array) => array.iter().map(|s| string(&s, what)).collect(),
        None => Err(invalid(format!(
            "{what} must be an array of strings, got {}",
            js::describe(value)
        ))),
    }
}

/// An optional count (undefined or null: `None`): a whole number from 0 to 2^32 - 1.
pub fn opt_count(value: &JsValue, what: &str) -> Result<Option<usize>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&n) => Ok(Some(n as usize)),
        _ => Err(invalid(format!(
            "{what} must be a whole number, got {}",
            js::describe(value)
        ))),
    }
}

/// An optional array of strings: undefined or null is `None`.
pub fn opt_strings(value: &JsValue, what: &str) -> Result<Option<Vec<String>>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    strings(value, what).map(Some)
}

/// A retention policy as JS gives it: `{ keepLast, keepHourly, keepDaily, keepWeekly,
/// keepMonthly, keepYearly }` whole numbers (-1: every one), `keepWithin` a duration string
/// (`'1y2m3d4h'`), `keepTags` an array of tags. Any other key is refused: a misspelt one
/// would otherwise keep less than meant.
pub fn policy(value: &JsValue) -> Result<Policy, Error> {
    if !value.is_object() || value.is_instance_of::<Array>() {
        let value = js::describe(value);
        return Err(invalid(format!("a policy must be an object, got {value}")));
    }
    let mut policy = Policy::default();
    let object: &js_sys::Object = value.unchecked_ref();
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        let part = js::get(value, &key);
        if part.is_undefined() {
            continue;
        }
        let count = || match part.as_f64() {
            Some(-1.0) => Ok(Some(KeepCount::All)),
            Some(n) if n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&n) => {
                Ok(Some(KeepCount::Count(n as u32)))
            }
            _ => Err(invalid(format!(
                "{key} must be a whole number of snapshots, or -1 for all; got {}",
                js::describe(&part)
            ))),
        };
        match key.as_str() {
            "keepLast" => policy.keep_last = count()?,
            "keepHourly" => policy.keep_hourly = count()?,
            "keepDaily" => policy.keep_daily = count()?,
            "keepWeekly" => policy.keep_weekly = count()?,
            "keepMonthly" => policy.keep_monthly = count()?,
            "keepYearly" => policy.keep_yearly = count()?,
            "keepWithin" => {
                let text = string(&part, "keepWithin")?;
                let within = text
                    .parse()
                    .map_err(|e: PolicyError| invalid(e.to_string()))?;
                policy.keep_within = Some(within);
            }
            "keepTags" => policy.keep_tags = strings(&part, "keepTags")?,
            _ => {
                return Err(invalid(format!(
                    "unknown policy option '{key}': use keepLast, keepHourly, keepDaily, \
                     keepWeekly, keepMonthly, keepYearly, keepWithin or keepTags"
                )))
            }
        }
    }
    Ok(policy)
}
