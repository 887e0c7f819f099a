//! RAND and UUID, and the UUID text functions, as MySQL 8 has them.
//!
//! RAND(N) is MySQL's own generator (mysys `my_rnd`, seeded as `Item_func_rand` seeds it), so
//! a seeded sequence gives MySQL's digits: with a constant seed it is seeded once and advances
//! each row; with a seed that varies (a column) each row seeds it afresh and draws once.
//! RAND() and UUID() need randomness, which the core has only with the `random` feature (the
//! CLI and wasm builds); without it they are refused. UUID() also needs the statement's clock
//! (`History::now_ms`), as NOW() does.

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use sqlparser::ast;

use crate::db::value::Value;
use crate::hex::Hex;
use crate::sql::expr::{compile_in, in_session, Correlated, Expr, Resolve};
use crate::sql::functions::{bytes, cast, text, CastTo};
use crate::sql::math::MathFunc;
use crate::sql::{unsupported, SqlError};

/// MySQL's `rand_struct`: two seeds below `MAX`.
#[derive(Debug)]
pub struct Rand(spin::Mutex<(u64, u64)>);

const MAX: u64 = 0x3FFF_FFFF;

impl Rand {
    /// MySQL's `randominit`.
    fn new(seed1: u64, seed2: u64) -> Rand {
        Rand(spin::Mutex::new((seed1 % MAX, seed2 % MAX)))
    }

    /// Seeded as RAND(n) seeds it: the seed as a 32-bit unsigned integer, each product
    /// wrapping at 32 bits.
    fn seeded(n: i64) -> Rand {
        let tmp = n as u32;
        Rand::new(
            u64::from(tmp.wrapping_mul(0x10001).wrapping_add(55_555_555)),
            u64::from(tmp.wrapping_mul(0x1000_0001)),
        )
    }

    /// MySQL's `my_rnd`: the next value, in [0, 1).
    fn next(&self) -> f64 {
        let mut seeds = self.0.lock();
        let (s1, s2) = *seeds;
        let s1 = (s1 * 3 + s2) % MAX;
        let s2 = (s1 + s2 + 33) % MAX;
        *seeds = (s1, s2);
        s1 as f64 / MAX as f64
    }
}

impl Correlated for Rand {
    fn eval(&self, _row: &[Value]) -> Result<Value, SqlError> {
        Ok(Value::Double(self.next()))
    }
}

/// RAND(seed) for a seed that is not a constant: seeded by the row's value, the first value
/// drawn, as MySQL does. NULL seeds as 0.
pub fn rand_of(seed: &Value) -> Result<Value, SqlError> {
    Ok(Value::Double(Rand::seeded(seed_of(seed)?).next()))
}

/// A version-1 UUID per call: the statement's time in 100-ns intervals since 1582-10-15, one
/// interval later each call so no two of a statement are equal, with a random clock sequence
/// and a random node (its multicast bit set, as RFC 4122 marks a node that is no address).
#[derive(Debug)]
pub struct Uuid {
    time: spin::Mutex<u64>,
    clock_seq: u16,
    node: [u8; 6],
}

/// 100-ns intervals from 1582-10-15 (the Gregorian reform) to 1970-01-01.
const GREGORIAN_TO_UNIX: u64 = 0x01B2_1DD2_1381_4000;

impl Uuid {
    fn new(now_ms: u64) -> Result<Uuid, SqlError> {
        let bytes: [u8; 8] = random_bytes("UUID()")?;
        let mut node = [0; 6];
        node.copy_from_slice(&bytes[2..]);
        node[0] |= 1;
        Ok(Uuid {
            time: spin::Mutex::new(GREGORIAN_TO_UNIX.wrapping_add(now_ms.wrapping_mul(10_000))),
            clock_seq: u16::from_be_bytes([bytes[0], bytes[1]]) & 0x3FFF,
            node,
        })
    }
}

impl Correlated for Uuid {
    fn eval(&self, _row: &[Value]) -> Result<Value, SqlError> {
        let t = {
            let mut time = self.time.lock();
            let t = *time;
            *time = t.wrapping_add(1);
            t
        };
        let mut b = [0u8; 16];
        b[..4].copy_from_slice(&(t as u32).to_be_bytes());
        b[4..6].copy_from_slice(&((t >> 32) as u16).to_be_bytes());
        b[6..8].copy_from_slice(&(((t >> 48) as u16 & 0x0FFF) | 0x1000).to_be_bytes());
        b[8..10].copy_from_slice(&(self.clock_seq | 0x8000).to_be_bytes());
        b[10..].copy_from_slice(&self.node);
        Ok(Value::Text(dashed(&b)))
    }
}

/// `N` bytes from the system's source of randomness; refused in a build without one (the
/// `random` feature off). The one place the SQL layer asks for randomness.
fn random_bytes<const N: usize>(call: &str) -> Result<[u8; N], SqlError> {
    #[cfg(feature = "random")]
    {
        let mut bytes = [0u8; N];
        getrandom::fill(&mut bytes)
            .map_err(|e| SqlError::Unsupported(format!("{call}: no randomness ({e})")))?;
        Ok(bytes)
    }
    #[cfg(not(feature = "random"))]
    {
        unsupported(format!(
            "{call} in a build without a source of randomness (the `random` feature)"
        ))
    }
}

/// RAND and UUID, compiled: a generator per call, which the statement's rows advance. None
/// for any other call.
#[inline(never)]
pub fn compile(
    name: &str,
    args: &[&ast::Expr],
    scope: &dyn Resolve,
) -> Result<Option<Expr>, SqlError> {
    let lower = name.to_ascii_lowercase();
    let call: Arc<dyn Correlated> = match (lower.as_str(), args) {
        ("rand", []) => {
            let bytes: [u8; 8] = random_bytes("RAND()")?;
            let [a, b, c, d, e, f, g, h] = bytes;
            Arc::new(Rand::new(
                u64::from(u32::from_le_bytes([a, b, c, d])),
                u64::from(u32::from_le_bytes([e, f, g, h])),
            ))
        }
        ("rand", [seed]) => match compile_in(seed, scope)? {
            // A constant seed: seeded once, the rows advancing the sequence.
            Expr::Literal(v) => Arc::new(Rand::seeded(seed_of(&v)?)),
            varying => {
                return Ok(Some(Expr::Call(
                    crate::sql::functions::Func::Math(MathFunc::Rand),
                    alloc::vec![varying],
                )))
            }
        },
        ("uuid", []) => {
            // In a DEFAULT or CHECK (no session) refused as misplaced, not for want of a clock.
            in_session(scope, &"UUID()")?;
            let Some(now_ms) = scope.now_ms() else {
                return unsupported("UUID() without a clock (the statement has no time)");
            };
            Arc::new(Uuid::new(now_ms)?)
        }
        ("rand" | "uuid", _) => {
            return Err(SqlError::Syntax(format!(
                "incorrect parameter count in the call to native function '{name}'"
            )))
        }
        _ => return Ok(None),
    };
    Ok(Some(Expr::Subquery(call)))
}

/// A seed (or a swap flag) as an integer, as MySQL reads it; NULL as 0.
fn seed_of(v: &Value) -> Result<i64, SqlError> {
    Ok(match v {
        Value::Null => 0,
        other => match cast(other.clone(), CastTo::Signed)? {
            Value::Int(n) => n,
            _ => 0,
        },
    })
}

/// The 16 bytes a UUID's text spells: 32 hex digits, bare, in the dashed 8-4-4-4-12 form, or
/// that in braces, as MySQL's IS_UUID accepts; None for anything else.
fn parse(s: &str) -> Option<[u8; 16]> {
    let s = s.as_bytes();
    let digits: Vec<u8> = match s.len() {
        32 => s.to_vec(),
        36 | 38 => {
            let inner = match s.len() {
                38 if s[0] == b'{' && s[37] == b'}' => &s[1..37],
                36 => s,
                _ => return None,
            };
            if [8, 13, 18, 23].iter().any(|&i| inner[i] != b'-') {
                return None;
            }
            inner.iter().copied().filter(|&c| c != b'-').collect()
        }
        _ => return None,
    };
    // Checked before decoding, which would read 31 digits (a fifth dash) as 16 bytes.
    if digits.len() != 32 {
        return None;
    }
    crate::hex::decode(&digits)?.try_into().ok()
}

/// 16 bytes as a UUID's dashed text, in lower case.
fn dashed(b: &[u8; 16]) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        Hex(&b[..4]),
        Hex(&b[4..6]),
        Hex(&b[6..8]),
        Hex(&b[8..10]),
        Hex(&b[10..])
    )
}

/// MySQL's swap of a UUID's time-low and time-high parts (for index locality of version-1
/// UUIDs): time-high, time-mid, time-low, the rest.
fn swapped(b: &[u8; 16]) -> [u8; 16] {
    let mut out = *b;
    out[..2].copy_from_slice(&b[6..8]);
    out[2..4].copy_from_slice(&b[4..6]);
    out[4..8].copy_from_slice(&b[..4]);
    out
}

/// The inverse of `swapped`.
fn unswapped(b: &[u8; 16]) -> [u8; 16] {
    let mut out = *b;
    out[..4].copy_from_slice(&b[4..8]);
    out[4..6].copy_from_slice(&b[2..4]);
    out[6..8].copy_from_slice(&b[..2]);
    out
}

/// MySQL's error for an argument that is not a UUID (or its 16 bytes).
fn incorrect(shown: &str, func: &str) -> SqlError {
    SqlError::TypeMismatch(format!(
        "Incorrect string value: '{shown}' for function {func}"
    ))
}

/// A swap flag: true for anything but 0, as MySQL reads it.
fn flag(v: Option<&Value>) -> Result<bool, SqlError> {
    Ok(match v {
        None => false,
        Some(v) => seed_of(v)? != 0,
    })
}

/// IS_UUID(text): 1 if it is a UUID's text, else 0.
pub fn is_uuid(v: &Value) -> Result<Value, SqlError> {
    let s = text(v, "IS_UUID").unwrap_or_default();
    Ok(Value::Int(i64::from(parse(&s).is_some())))
}

/// UUID_TO_BIN(text[, swap_flag]): the UUID's 16 bytes.
pub fn uuid_to_bin(v: &Value, swap: Option<&Value>) -> Result<Value, SqlError> {
    let s = text(v, "UUID_TO_BIN")?;
    let b = parse(&s).ok_or_else(|| incorrect(&s, "uuid_to_bin"))?;
    Ok(Value::Blob(
        if flag(swap)? { swapped(&b) } else { b }.to_vec(),
    ))
}

/// BIN_TO_UUID(bytes[, swap_flag]): the dashed text of 16 bytes.
pub fn bin_to_uuid(v: &Value, swap: Option<&Value>) -> Result<Value, SqlError> {
    let given = bytes(v, "BIN_TO_UUID")?;
    let b: [u8; 16] = given
        .as_ref()
        .try_into()
        .map_err(|_| incorrect(&String::from_utf8_lossy(&given), "bin_to_uuid"))?;
    Ok(Value::Text(dashed(&if flag(swap)? {
        unswapped(&b)
    } else {
        b
    })))
}
