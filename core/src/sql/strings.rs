//! More string functions, with MySQL's meanings: CONCAT_WS, LPAD, RPAD, REPEAT, REVERSE,
//! LOCATE, INSTR, POSITION, LEFT, RIGHT, SPACE, ASCII, SUBSTRING_INDEX, STRCMP, HEX, UNHEX,
//! FIELD, FIND_IN_SET, ELT and INSERT. Positions and lengths count characters, as MySQL's
//! do for text; text compares bytewise, as everywhere in Cairn (MySQL's default collation
//! ignores case).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::db::value::Value;
use crate::sql::expr::compare;
use crate::sql::functions::{bytes, text, whole};
use crate::sql::SqlError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrFunc {
    ConcatWs,
    Lpad,
    Rpad,
    Repeat,
    Reverse,
    /// LOCATE(sub, s[, pos]) and POSITION(sub IN s).
    Locate,
    Instr,
    Left,
    Right,
    Space,
    Ascii,
    SubstringIndex,
    Strcmp,
    Hex,
    Unhex,
    Field,
    FindInSet,
    Elt,
    Insert,
}

/// The function of a lower-case name, with its least and greatest argument counts.
pub fn lookup(name: &str) -> Option<(StrFunc, usize, usize)> {
    Some(match name {
        "concat_ws" => (StrFunc::ConcatWs, 2, usize::MAX),
        "lpad" => (StrFunc::Lpad, 3, 3),
        "rpad" => (StrFunc::Rpad, 3, 3),
        "repeat" => (StrFunc::Repeat, 2, 2),
        "reverse" => (StrFunc::Reverse, 1, 1),
        "locate" => (StrFunc::Locate, 2, 3),
        "instr" => (StrFunc::Instr, 2, 2),
        "left" => (StrFunc::Left, 2, 2),
        "right" => (StrFunc::Right, 2, 2),
        "space" => (StrFunc::Space, 1, 1),
        "ascii" => (StrFunc::Ascii, 1, 1),
        "substring_index" => (StrFunc::SubstringIndex, 3, 3),
        "strcmp" => (StrFunc::Strcmp, 2, 2),
        "hex" => (StrFunc::Hex, 1, 1),
        "unhex" => (StrFunc::Unhex, 1, 1),
        "field" => (StrFunc::Field, 2, usize::MAX),
        "find_in_set" => (StrFunc::FindInSet, 2, 2),
        "elt" => (StrFunc::Elt, 2, usize::MAX),
        "insert" => (StrFunc::Insert, 4, 4),
        _ => return None,
    })
}

/// The longest text REPEAT, LPAD, RPAD and SPACE make: MySQL gives NULL past its
/// `max_allowed_packet` (64 MiB); a bound this low keeps one call from exhausting memory.
const MAX_MADE: usize = 16 << 20;

impl StrFunc {
    /// Whether a NULL argument makes the result NULL (CONCAT_WS skips NULLs after its
    /// separator; FIELD and ELT look at their other arguments).
    pub fn strict(self) -> bool {
        !matches!(self, StrFunc::ConcatWs | StrFunc::Field | StrFunc::Elt)
    }

    pub fn call(self, args: &[Value]) -> Result<Value, SqlError> {
        let name = self.name();
        let s = |i: usize| text(&args[i], name);
        let n = |i: usize| whole(&args[i], name);
        Ok(match self {
            StrFunc::ConcatWs => {
                if args[0].is_null() {
                    return Ok(Value::Null);
                }
                let parts = args[1..]
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| text(v, name))
                    .collect::<Result<Vec<_>, _>>()?;
                Value::Text(parts.join(&s(0)?))
            }
            StrFunc::Lpad | StrFunc::Rpad => {
                let (subject, pad) = (s(0)?, s(2)?);
                let Ok(len) = usize::try_from(n(1)?) else {
                    return Ok(Value::Null);
                };
                let have = subject.chars().count();
                if len <= have {
                    return Ok(Value::Text(subject.chars().take(len).collect()));
                }
                if pad.is_empty() {
                    return Ok(Value::Null);
                }
                made(len.saturating_mul(4), name)?;
                let filler: String = pad.chars().cycle().take(len - have).collect();
                Value::Text(match self {
                    StrFunc::Lpad => filler + &subject,
                    _ => subject + &filler,
                })
            }
            StrFunc::Repeat => {
                let subject = s(0)?;
                let times = usize::try_from(n(1)?).unwrap_or(0);
                made(subject.len().saturating_mul(times), name)?;
                Value::Text(subject.repeat(times))
            }
            StrFunc::Reverse => Value::Text(s(0)?.chars().rev().collect()),
            StrFunc::Locate | StrFunc::Instr => {
                let (needle, hay) = match self {
                    StrFunc::Locate => (s(0)?, s(1)?),
                    _ => (s(1)?, s(0)?),
                };
                let from = match args.get(2) {
                    Some(_) => n(2)?,
                    None => 1,
                };
                Value::Int(locate(&needle, &hay, from))
            }
            StrFunc::Left | StrFunc::Right => {
                let subject = s(0)?;
                let len = usize::try_from(n(1)?).unwrap_or(0);
                let have = subject.chars().count();
                Value::Text(match self {
                    StrFunc::Left => subject.chars().take(len).collect(),
                    _ => subject.chars().skip(have.saturating_sub(len)).collect(),
                })
            }
            StrFunc::Space => {
                let len = usize::try_from(n(0)?).unwrap_or(0);
                made(len, name)?;
                Value::Text(" ".repeat(len))
            }
            StrFunc::Ascii => {
                Value::Int(bytes(&args[0], name)?.first().map_or(0, |&b| i64::from(b)))
            }
            StrFunc::SubstringIndex => Value::Text(substring_index(&s(0)?, &s(1)?, n(2)?)),
            StrFunc::Strcmp => Value::Int(match s(0)?.cmp(&s(1)?) {
                core::cmp::Ordering::Less => -1,
                core::cmp::Ordering::Equal => 0,
                core::cmp::Ordering::Greater => 1,
            }),
            StrFunc::Hex => Value::Text(hex(&args[0], name)?),
            // Anything but hex digits gives NULL, as MySQL gives it.
            StrFunc::Unhex => crate::hex::decode(s(0)?.as_bytes()).map_or(Value::Null, Value::Blob),
            StrFunc::Field => {
                if args[0].is_null() {
                    return Ok(Value::Int(0));
                }
                let mut at = 0;
                for (i, v) in args[1..].iter().enumerate() {
                    if !v.is_null() && compare(&args[0], v)? == Some(core::cmp::Ordering::Equal) {
                        at = i + 1;
                        break;
                    }
                }
                Value::Int(at as i64)
            }
            StrFunc::FindInSet => {
                let (needle, list) = (s(0)?, s(1)?);
                // A needle holding a comma is in no list, as in MySQL.
                let at = match needle.contains(',') {
                    true => None,
                    false => list.split(',').position(|item| item == needle),
                };
                Value::Int(at.map_or(0, |i| i as i64 + 1))
            }
            StrFunc::Elt => {
                if args[0].is_null() {
                    return Ok(Value::Null);
                }
                match usize::try_from(n(0)?) {
                    Ok(i) if i >= 1 && i < args.len() => match &args[i] {
                        Value::Null => Value::Null,
                        v => Value::Text(text(v, name)?),
                    },
                    _ => Value::Null,
                }
            }
            StrFunc::Insert => {
                let (subject, new) = (s(0)?, s(3)?);
                let chars: Vec<char> = subject.chars().collect();
                let (pos, len) = (n(1)?, n(2)?);
                // A position outside the text leaves it as it is; a length past its end (or
                // negative) replaces the rest.
                if pos < 1 || pos as u64 > chars.len() as u64 {
                    return Ok(Value::Text(subject));
                }
                let start = pos as usize - 1;
                let end = match usize::try_from(len) {
                    Ok(len) => start.saturating_add(len).min(chars.len()),
                    Err(_) => chars.len(),
                };
                let mut out: String = chars[..start].iter().collect();
                out.push_str(&new);
                out.extend(&chars[end..]);
                Value::Text(out)
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            StrFunc::ConcatWs => "CONCAT_WS",
            StrFunc::Lpad => "LPAD",
            StrFunc::Rpad => "RPAD",
            StrFunc::Repeat => "REPEAT",
            StrFunc::Reverse => "REVERSE",
            StrFunc::Locate => "LOCATE",
            StrFunc::Instr => "INSTR",
            StrFunc::Left => "LEFT",
            StrFunc::Right => "RIGHT",
            StrFunc::Space => "SPACE",
            StrFunc::Ascii => "ASCII",
            StrFunc::SubstringIndex => "SUBSTRING_INDEX",
            StrFunc::Strcmp => "STRCMP",
            StrFunc::Hex => "HEX",
            StrFunc::Unhex => "UNHEX",
            StrFunc::Field => "FIELD",
            StrFunc::FindInSet => "FIND_IN_SET",
            StrFunc::Elt => "ELT",
            StrFunc::Insert => "INSERT",
        }
    }
}

/// Refuses a result of more than `MAX_MADE` bytes.
pub(crate) fn made(bytes: usize, name: &str) -> Result<(), SqlError> {
    if bytes > MAX_MADE {
        return Err(SqlError::Unsupported(format!(
            "{name} making more than {MAX_MADE} bytes"
        )));
    }
    Ok(())
}

/// The 1-based character position of `needle` in `hay` at or after character `from`; 0 if
/// it is not there (or `from` is before the first).
fn locate(needle: &str, hay: &str, from: i64) -> i64 {
    let Some(skip) = from.checked_sub(1).and_then(|s| usize::try_from(s).ok()) else {
        return 0;
    };
    let Some((start, _)) = hay.char_indices().nth(skip).or_else(|| {
        // Just past the last character: only the empty needle is there.
        (skip == hay.chars().count()).then_some((hay.len(), ' '))
    }) else {
        return 0;
    };
    match hay[start..].find(needle) {
        Some(at) => (skip + hay[start..start + at].chars().count() + 1) as i64,
        None => 0,
    }
}

/// SUBSTRING_INDEX: the text before the `count`-th `delim` from the left, or (negative)
/// after the `count`-th from the right.
fn substring_index(s: &str, delim: &str, count: i64) -> String {
    if delim.is_empty() || count == 0 {
        return String::new();
    }
    let parts: Vec<&str> = s.split(delim).collect();
    let n = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    if n >= parts.len() {
        return s.into();
    }
    match count > 0 {
        true => parts[..n].join(delim),
        false => parts[parts.len() - n..].join(delim),
    }
}

/// HEX: text and blobs byte by byte; an integer (or a decimal, rounded) in base 16, a
/// negative one as its 64-bit two's complement.
fn hex(v: &Value, name: &str) -> Result<String, SqlError> {
    Ok(match v {
        Value::Int(_) | Value::Bool(_) | Value::Decimal(_) => {
            format!("{:X}", whole(v, name)? as u64)
        }
        other => format!("{:X}", crate::hex::Hex(&bytes(other, name)?)),
    })
}
