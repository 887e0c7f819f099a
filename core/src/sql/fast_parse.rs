//! The reader the fast parsers (`fast_insert.rs`, `fast_select.rs`) share: tokens of a
//! narrow form of MySQL's SQL read straight from the text, without sqlparser's tokens and
//! tree.
//!
//! It reads only plain or backquoted names that are not keywords; literals that are numbers
//! (optionally negative), quoted strings, NULL, TRUE, FALSE; whitespace and comments between
//! tokens. Anything else gives None, so the caller gives up and sqlparser handles the
//! statement. Where it reads, it reads exactly what sqlparser with the MySQL dialect would.

use alloc::string::String;

use sqlparser::keywords::ALL_KEYWORDS;

use crate::db::value::Value;
use crate::sql::expr::number;

pub(crate) struct Cursor<'a> {
    sql: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(sql: &'a str) -> Self {
        Cursor { sql, pos: 0 }
    }

    fn bytes(&self) -> &[u8] {
        self.sql.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    /// Skips whitespace and comments; None at a MySQL `/*! ... */` executable comment or a
    /// `/*+ ... */` optimizer hint, which sqlparser reads.
    #[inline]
    fn skip_space(&mut self) -> Option<()> {
        // Most calls (about eleven a row of a bulk INSERT) stand on a token already: only
        // these bytes can start whitespace or a comment.
        match self.peek() {
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'#' | b'-' | b'/') => self.skip_space_from_here(),
            _ => Some(()),
        }
    }

    fn skip_space_from_here(&mut self) -> Option<()> {
        loop {
            let rest = &self.bytes()[self.pos..];
            match rest {
                [b' ' | b'\t' | b'\n' | b'\r', ..] => self.pos += 1,
                [b'#', ..] => self.skip_line(),
                [b'-', b'-', c, ..] if c.is_ascii_whitespace() => self.skip_line(),
                [b'/', b'*', b'!' | b'+', ..] => return None,
                [b'/', b'*', ..] => {
                    // The closing `*/` starts after the opening `/*`: `/*/` closes nothing.
                    let end = rest[2..].windows(2).position(|w| w == b"*/")?;
                    self.pos += 2 + end + 2;
                }
                _ => return Some(()),
            }
        }
    }

    fn skip_line(&mut self) {
        let rest = &self.bytes()[self.pos..];
        self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    }

    /// Nothing but whitespace and comments left.
    pub(crate) fn end(&mut self) -> Option<()> {
        self.skip_space()?;
        (self.pos == self.sql.len()).then_some(())
    }

    pub(crate) fn eat(&mut self, b: u8) -> bool {
        if self.skip_space().is_some() && self.peek() == Some(b) {
            self.pos += 1;
            return true;
        }
        false
    }

    pub(crate) fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    /// A run of identifier characters, without skipping anything first.
    fn word(&mut self) -> &str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.pos += 1;
        }
        &self.sql[start..self.pos]
    }

    pub(crate) fn keyword(&mut self, kw: &str) -> Option<()> {
        self.skip_space()?;
        self.word().eq_ignore_ascii_case(kw).then_some(())
    }

    /// Whether the keyword `kw` comes next; if not, nothing is read.
    pub(crate) fn eat_keyword(&mut self, kw: &str) -> bool {
        let mark = self.pos;
        let found = self.keyword(kw).is_some();
        if !found {
            self.pos = mark;
        }
        found
    }

    /// A table or column name: backquoted, or plain and not a keyword (which sqlparser might
    /// read as something else).
    pub(crate) fn name(&mut self) -> Option<String> {
        self.plain_or_quoted(|upper| ALL_KEYWORDS.binary_search(&upper).is_err())
    }

    /// A column's name where an expression starts (a SELECT's item, a comparison's left
    /// side): as `name`, but a plain keyword that sqlparser reads as a column's name there
    /// is taken too (`id`, `date`, `status`); one it gives a meaning is not (`NULL`,
    /// `DISTINCT`, `CURRENT_DATE`, ...: see `MEANINGFUL`).
    pub(crate) fn column(&mut self) -> Option<String> {
        self.plain_or_quoted(|upper| MEANINGFUL.binary_search(&upper).is_err())
    }

    /// A backquoted name, or a plain one whose upper case `plain_ok` accepts.
    fn plain_or_quoted(&mut self, plain_ok: impl Fn(&str) -> bool) -> Option<String> {
        self.skip_space()?;
        if self.peek() == Some(b'`') {
            let rest = &self.sql[self.pos + 1..];
            let end = rest.find('`')?;
            let name = &rest[..end];
            self.pos += end + 2;
            // A doubled backquote inside, or an empty name: leave it to sqlparser.
            return (!name.is_empty() && self.peek() != Some(b'`')).then(|| name.into());
        }
        if !self.peek()?.is_ascii_alphabetic() && self.peek() != Some(b'_') {
            return None;
        }
        let word = self.word();
        plain_ok(&word.to_ascii_uppercase()).then(|| word.into())
    }

    /// One literal.
    pub(crate) fn literal(&mut self) -> Option<Value> {
        self.skip_space()?;
        Some(match self.peek()? {
            quote @ (b'\'' | b'"') => Value::Text(self.string(quote)?),
            b'-' => {
                self.pos += 1;
                self.number(true)?
            }
            b'0'..=b'9' | b'.' => self.number(false)?,
            _ => match self.word().to_ascii_uppercase().as_str() {
                "NULL" => Value::Null,
                "TRUE" => Value::Bool(true),
                "FALSE" => Value::Bool(false),
                _ => return None,
            },
        })
    }

    /// Digits, an optional fraction and an optional exponent, as sqlparser tokenizes them.
    /// None when a letter, digit or point follows (`0x1f`, `1e`, `1abc`, `1.2.3`), which
    /// sqlparser reads otherwise.
    fn number(&mut self, negative: bool) -> Option<Value> {
        let start = self.pos;
        let digits = |c: &mut Self| {
            let from = c.pos;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.pos += 1;
            }
            c.pos - from
        };
        let mut n = digits(self);
        if self.peek() == Some(b'.') {
            self.pos += 1;
            n += digits(self);
        }
        if n == 0 {
            return None;
        }
        if let Some(b'e' | b'E') = self.peek() {
            let mark = self.pos;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if digits(self) == 0 {
                self.pos = mark;
            }
        }
        if self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return None;
        }
        number(&self.sql[start..self.pos], negative).ok()
    }

    /// A quoted string with MySQL's escapes, as sqlparser unescapes them: a doubled quote,
    /// or a backslash before a character (kept as typed before `%` and `_`, for LIKE).
    fn string(&mut self, quote: u8) -> Option<String> {
        let mut out = String::new();
        self.pos += 1;
        loop {
            let rest = &self.sql[self.pos..];
            let stop = rest.bytes().position(|b| b == quote || b == b'\\')?;
            out.push_str(&rest[..stop]);
            self.pos += stop;
            if self.peek()? == quote {
                self.pos += 1;
                if self.peek() != Some(quote) {
                    return Some(out);
                }
                out.push(quote as char);
                self.pos += 1;
                continue;
            }
            let escaped = self.sql[self.pos + 1..].chars().next()?;
            self.pos += 1 + escaped.len_utf8();
            match escaped {
                '%' | '_' => {
                    out.push('\\');
                    out.push(escaped);
                }
                '0' => out.push('\0'),
                'a' => out.push('\u{7}'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'Z' => out.push('\u{1a}'),
                c => out.push(c),
            }
        }
    }
}

/// The keywords sqlparser reads as more than a column's name where an expression or a
/// SELECT's item starts (its reserved words' prefixes, typed values, SELECT's modifiers, the
/// words that end an item), in upper case and sorted; `tests_fast_select.rs` tries every
/// keyword against sqlparser.
const MEANINGFUL: &[&str] = &[
    "ALL",
    "ANALYZE",
    "AND",
    "ANY",
    "CLUSTER",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "DISTINCT",
    "DISTINCTROW",
    "DISTRIBUTE",
    "END",
    "EXCEPT",
    "EXCLUDE",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "FETCH",
    "FROM",
    "GROUP",
    "HAVING",
    "HIGH_PRIORITY",
    "INTERSECT",
    "INTERVAL",
    "INTO",
    "LATERAL",
    "LIMIT",
    "LOCALTIME",
    "LOCALTIMESTAMP",
    "MINUS",
    "NOT",
    "NULL",
    "OFFSET",
    "OR",
    "ORDER",
    "RETURNING",
    "SELECT",
    "SOME",
    "SORT",
    "SQL_BIG_RESULT",
    "SQL_BUFFER_RESULT",
    "SQL_CALC_FOUND_ROWS",
    "SQL_NO_CACHE",
    "SQL_SMALL_RESULT",
    "STRAIGHT_JOIN",
    "STRUCT",
    "TOP",
    "TRIM",
    "TRUE",
    "UNION",
    "VALUES",
    "VIEW",
    "WHERE",
    "WITH",
    "XOR",
];
