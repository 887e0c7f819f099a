//! MySQL's compound interval units (SECOND_MICROSECOND ... DAY_HOUR, YEAR_MONTH): in
//! `INTERVAL expr unit` wherever an interval goes (DATE_ADD, DATE_SUB, ADDDATE, SUBDATE,
//! `d + INTERVAL`, `d - INTERVAL`, a window's RANGE frame), and in EXTRACT(unit FROM d).
//!
//! sqlparser knows none of these words, so a statement's tokens are rewritten before it
//! parses them ([`mark`]): `INTERVAL expr HOUR_MINUTE` becomes `INTERVAL f(expr)
//! MICROSECOND` (MONTH for YEAR_MONTH), where `f` reads expr's text as MySQL reads it into
//! microseconds (months) — so DATE_SUB's negation and every path that takes an interval
//! take this one unchanged — and `EXTRACT(HOUR_MINUTE FROM d)` becomes `g(d)`. The names of
//! `f` and `g` hold a blank (`INTERVAL HOUR_MINUTE`, `EXTRACT HOUR_MINUTE`), which no
//! statement can write as a name (a quoted name keeps its quotes), and result columns are
//! named as the statement wrote them.

use alloc::string::String;
use alloc::vec::Vec;

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::db::temporal::{MICROS_PER_DAY, MICROS_PER_SECOND};
use crate::db::value::Value;
use crate::sql::functions;
use crate::sql::history::ClockCalls;
use crate::sql::tokens::solid;
use crate::sql::SqlError;

/// A compound unit: the parts an interval of it is written in, largest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compound {
    SecondMicrosecond,
    MinuteMicrosecond,
    MinuteSecond,
    HourMicrosecond,
    HourSecond,
    HourMinute,
    DayMicrosecond,
    DaySecond,
    DayMinute,
    DayHour,
    YearMonth,
}

const UNITS: [(&str, Compound); 11] = [
    ("SECOND_MICROSECOND", Compound::SecondMicrosecond),
    ("MINUTE_MICROSECOND", Compound::MinuteMicrosecond),
    ("MINUTE_SECOND", Compound::MinuteSecond),
    ("HOUR_MICROSECOND", Compound::HourMicrosecond),
    ("HOUR_SECOND", Compound::HourSecond),
    ("HOUR_MINUTE", Compound::HourMinute),
    ("DAY_MICROSECOND", Compound::DayMicrosecond),
    ("DAY_SECOND", Compound::DaySecond),
    ("DAY_MINUTE", Compound::DayMinute),
    ("DAY_HOUR", Compound::DayHour),
    ("YEAR_MONTH", Compound::YearMonth),
];

/// The parts of a day-and-time unit, largest first, and how many microseconds one of each is.
const CLOCK_PARTS: [i64; 5] = [
    MICROS_PER_DAY,
    3600 * MICROS_PER_SECOND,
    60 * MICROS_PER_SECOND,
    MICROS_PER_SECOND,
    1,
];

/// The prefixes of the calls `mark` writes, before the unit's name.
const INTERVAL_CALL: &str = "INTERVAL ";
const EXTRACT_CALL: &str = "EXTRACT ";

impl Compound {
    /// The unit of a name, any case.
    pub fn named(name: &str) -> Option<Compound> {
        UNITS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, c)| *c)
    }

    pub fn name(self) -> &'static str {
        UNITS
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("", |(n, _)| n)
    }

    /// The call a lower-case function name stands for, `mark`'s: an interval's amount or
    /// EXTRACT.
    pub fn call(name: &str) -> Option<(Compound, bool)> {
        let (unit, extract) = match name.strip_prefix("interval ") {
            Some(unit) => (unit, false),
            None => (name.strip_prefix("extract ")?, true),
        };
        Some((Compound::named(unit)?, extract))
    }

    /// The first unit whose rewritten call (`mark`) an expression's text holds.
    pub fn written_in(text: &str) -> Option<Compound> {
        UNITS.iter().map(|(_, c)| *c).find(|c| {
            [INTERVAL_CALL, EXTRACT_CALL]
                .iter()
                .any(|call| text.contains(&alloc::format!("{call}{}(", c.name())))
        })
    }

    /// The day-and-time parts the unit is written in, as indices of `CLOCK_PARTS`; None for
    /// YEAR_MONTH.
    fn clock_parts(self) -> Option<core::ops::Range<usize>> {
        Some(match self {
            Compound::SecondMicrosecond => 3..5,
            Compound::MinuteMicrosecond => 2..5,
            Compound::MinuteSecond => 2..4,
            Compound::HourMicrosecond => 1..5,
            Compound::HourSecond => 1..4,
            Compound::HourMinute => 1..3,
            Compound::DayMicrosecond => 0..5,
            Compound::DaySecond => 0..4,
            Compound::DayMinute => 0..3,
            Compound::DayHour => 0..2,
            Compound::YearMonth => return None,
        })
    }

    /// The amount of `INTERVAL v unit`: microseconds (months for YEAR_MONTH), NULL where
    /// MySQL's is (more numbers than the unit has parts, a number past BIGINT).
    pub fn amount(self, v: &Value) -> Result<Value, SqlError> {
        let text = functions::text(v, "INTERVAL")?;
        let parts = self.clock_parts();
        let count = parts.as_ref().map_or(2, |p| p.len());
        let micros_last = parts.as_ref().is_some_and(|p| p.end == CLOCK_PARTS.len());
        let Some((negative, values)) = read(&text, count, micros_last) else {
            return Ok(Value::Null);
        };
        let total = match parts {
            None => values[0]
                .checked_mul(12)
                .and_then(|m| m.checked_add(values[1])),
            Some(parts) => values[..count]
                .iter()
                .zip(&CLOCK_PARTS[parts])
                .try_fold(0i64, |sum, (n, size)| {
                    sum.checked_add(n.checked_mul(*size)?)
                }),
        };
        Ok(total.map_or(Value::Null, |n| Value::Int(if negative { -n } else { n })))
    }

    /// EXTRACT(unit FROM ...) of a time (`day` 0) or a point in time: the parts' numbers side
    /// by side, two digits each and six for microseconds (EXTRACT(DAY_MINUTE FROM
    /// '2019-07-02 01:02:03') is 20102), negative for a negative time, as MySQL gives.
    /// `micros` is the time, or the time of day. Not for YEAR_MONTH (`dates.rs`).
    pub fn extract(self, day: i64, micros: i64) -> i64 {
        let magnitude = micros.unsigned_abs() as i64;
        let fields = [
            day,
            magnitude / CLOCK_PARTS[1],
            magnitude / CLOCK_PARTS[2] % 60,
            magnitude / CLOCK_PARTS[3] % 60,
            magnitude % MICROS_PER_SECOND,
        ];
        let parts = self.clock_parts().unwrap_or(0..0);
        let n = parts.fold(0i64, |n, i| {
            let width = if i == 4 { 1_000_000 } else { 100 };
            n.saturating_mul(width).saturating_add(fields[i])
        });
        if micros < 0 {
            -n
        } else {
            n
        }
    }
}

/// An interval's text of `count` parts, read as MySQL's `get_interval_info` reads it: blanks
/// and a minus sign first, then numbers between any other characters; fewer numbers than
/// parts are the smallest parts (`'1:10'` DAY_SECOND is 1 minute 10 seconds); the last
/// part, if microseconds, scaled to six digits (`'1.5'` SECOND_MICROSECOND is 1.5 seconds).
/// None if there are more numbers than parts, or one past BIGINT.
fn read(text: &str, count: usize, micros_last: bool) -> Option<(bool, [i64; 5])> {
    let text = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let bytes = text.as_bytes();
    let skip = |mut at: usize| {
        while at < bytes.len() && !bytes[at].is_ascii_digit() {
            at += 1;
        }
        at
    };
    let mut values = [0i64; 5];
    let (mut at, mut read, mut digits) = (skip(0), 0, 0);
    while read < count {
        let start = at;
        let mut n: i64 = 0;
        while let Some(d) = bytes.get(at).filter(|b| b.is_ascii_digit()) {
            n = n.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
            at += 1;
        }
        digits = at - start;
        values[read] = n;
        read += 1;
        at = skip(at);
        if at == bytes.len() {
            break;
        }
    }
    if at != bytes.len() {
        return None;
    }
    // Right-aligned: the numbers read are the smallest parts.
    values.copy_within(0..read, count - read);
    values[..count - read].fill(0);
    if micros_last && digits < 6 {
        values[count - 1] *= 10i64.pow(6 - digits as u32);
    }
    Some((negative, values))
}

/// `tokens` with each compound unit rewritten as the module says, and in `written` what
/// each rewritten piece was, to name result columns as written. A unit word anywhere else
/// (after no INTERVAL, in TIMESTAMPADD) is left to the parser and the executor to refuse.
pub fn mark(tokens: Vec<TokenWithSpan>, written: &mut ClockCalls) -> Vec<TokenWithSpan> {
    if !tokens.iter().any(|t| unit(&t.token).is_some()) {
        return tokens;
    }
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len() + 4);
    let mut i = 0;
    while i < tokens.len() {
        let Some(compound) = unit(&tokens[i].token) else {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        };
        let span = tokens[i].span;
        let token = |t: Token| TokenWithSpan { token: t, span };
        let name = compound.name();
        // EXTRACT ( unit FROM  ->  `EXTRACT unit` (
        let before = solid(&out).rev().take(2).collect::<Vec<_>>();
        let from = solid(&tokens[i + 1..])
            .next()
            .map(|at| i + 1 + at)
            .filter(|at| keyword(&tokens[*at].token, Keyword::FROM));
        if let ([paren, call], Some(from)) = (before.as_slice(), from) {
            if out[*paren].token == Token::LParen && keyword(&out[*call].token, Keyword::EXTRACT) {
                let call_name = alloc::format!("{EXTRACT_CALL}{name}");
                written.push((
                    alloc::format!("{call_name}("),
                    alloc::format!("EXTRACT({name} FROM "),
                ));
                out.truncate(*call);
                out.push(token(Token::make_word(&call_name, None)));
                out.push(token(Token::LParen));
                i = from + 1;
                continue;
            }
        }
        // INTERVAL expr unit  ->  INTERVAL `INTERVAL unit`(expr) MICROSECOND
        let amount = |at: usize| solid(&out[at + 1..]).next().map(|_| at);
        let Some(interval) = opening_interval(&out).and_then(amount) else {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        };
        let call_name = alloc::format!("{INTERVAL_CALL}{name}");
        let base = match compound {
            Compound::YearMonth => "MONTH",
            _ => "MICROSECOND",
        };
        written.push((alloc::format!("{call_name}("), String::new()));
        written.push((alloc::format!(") {base}"), alloc::format!(" {name}")));
        out.insert(interval + 1, token(Token::make_word(&call_name, None)));
        out.insert(interval + 2, token(Token::LParen));
        out.push(token(Token::RParen));
        out.push(token(Token::make_keyword(base)));
        i += 1;
    }
    out
}

/// The compound unit a token names: an unquoted word.
fn unit(token: &Token) -> Option<Compound> {
    match token {
        Token::Word(w) if w.quote_style.is_none() => Compound::named(&w.value),
        _ => None,
    }
}

fn keyword(token: &Token, keyword: Keyword) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.keyword == keyword)
}

/// The position of the INTERVAL whose amount `tokens` end in: the last INTERVAL at the
/// depth of parentheses of their end, with no comma or semicolon after it at that depth.
fn opening_interval(tokens: &[TokenWithSpan]) -> Option<usize> {
    let mut depth = 0usize;
    for at in (0..tokens.len()).rev() {
        match &tokens[at].token {
            Token::RParen => depth += 1,
            Token::LParen => depth = depth.checked_sub(1)?,
            Token::Comma | Token::SemiColon if depth == 0 => return None,
            t if depth == 0 && keyword(t, Keyword::INTERVAL) => return Some(at),
            _ => {}
        }
    }
    None
}
