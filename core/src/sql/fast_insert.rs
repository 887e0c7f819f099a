//! A fast parser for the statement that bulk loads use, `INSERT INTO name [(columns)] VALUES
//! (literal, ...), ...`, reading literals straight into values. sqlparser builds a tree
//! node per value first, which makes a million-row INSERT several times slower.
//!
//! It accepts only a narrow form — plain or backquoted names that are not keywords; literals
//! that are numbers (optionally negative), quoted strings, NULL, TRUE, FALSE; whitespace and
//! comments between tokens — and gives up (None) on anything else, so sqlparser handles it.
//! Where it accepts, it reads exactly what sqlparser with the MySQL dialect would.

use alloc::string::String;
use alloc::vec::Vec;

use sqlparser::keywords::ALL_KEYWORDS;

use crate::db::value::Value;
use crate::sql::expr::number;
use crate::sql::insert::InsertValues;

pub fn parse(sql: &str) -> Option<InsertValues> {
    let mut p = Cursor { sql, pos: 0 };
    p.keyword("INSERT")?;
    p.keyword("INTO")?;
    let table = p.name()?;
    let mut columns = Vec::new();
    if p.eat(b'(') {
        loop {
            columns.push(p.name()?);
            if !p.eat(b',') {
                break;
            }
        }
        p.expect(b')')?;
    }
    p.keyword("VALUES")?;
    let mut rows = Vec::new();
    let mut width = 1;
    loop {
        p.expect(b'(')?;
        let mut row = Vec::with_capacity(width);
        loop {
            row.push(p.literal()?);
            if !p.eat(b',') {
                break;
            }
        }
        p.expect(b')')?;
        width = row.len();
        rows.push(row);
        if !p.eat(b',') {
            break;
        }
    }
    p.skip_space()?;
    (p.pos == sql.len()).then_some(InsertValues {
        table,
        columns,
        rows,
        defaults: Vec::new(),
    })
}

struct Cursor<'a> {
    sql: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn bytes(&self) -> &[u8] {
        self.sql.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    /// Skips whitespace and comments; None at a MySQL `/*! ... */` executable comment.
    fn skip_space(&mut self) -> Option<()> {
        loop {
            let rest = &self.bytes()[self.pos..];
            match rest {
                [b' ' | b'\t' | b'\n' | b'\r', ..] => self.pos += 1,
                [b'#', ..] => self.skip_line(),
                [b'-', b'-', c, ..] if c.is_ascii_whitespace() => self.skip_line(),
                [b'/', b'*', b'!', ..] => return None,
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

    fn eat(&mut self, b: u8) -> bool {
        if self.skip_space().is_some() && self.peek() == Some(b) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn expect(&mut self, b: u8) -> Option<()> {
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

    fn keyword(&mut self, kw: &str) -> Option<()> {
        self.skip_space()?;
        self.word().eq_ignore_ascii_case(kw).then_some(())
    }

    /// A table or column name: backquoted, or plain and not a keyword (which sqlparser might
    /// read as something else).
    fn name(&mut self) -> Option<String> {
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
        let upper = word.to_ascii_uppercase();
        ALL_KEYWORDS
            .binary_search(&upper.as_str())
            .is_err()
            .then(|| word.into())
    }

    /// One literal, which must be followed by `,` or `)` (checked by peeking).
    fn literal(&mut self) -> Option<Value> {
        self.skip_space()?;
        let value = match self.peek()? {
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
        };
        self.skip_space()?;
        matches!(self.peek(), Some(b',' | b')')).then_some(value)
    }

    /// Digits, an optional fraction and an optional exponent, as sqlparser tokenizes them.
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

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::db::decimal::Decimal;
    use crate::db::value::Value;
    use alloc::vec;

    #[test]
    fn reads_the_bulk_form_and_declines_the_rest() {
        let ins = parse(" insert  INTO `t` (a, `b`) values (1, -2.5),('x''y\\n', NULL) -- end\n")
            .unwrap();
        assert_eq!(ins.table, "t");
        assert_eq!(ins.columns, ["a", "b"]);
        assert_eq!(
            ins.rows,
            vec![
                vec![
                    Value::Int(1),
                    Value::Decimal(Decimal {
                        units: -25,
                        scale: 1
                    })
                ],
                vec![Value::Text("x'y\n".into()), Value::Null]
            ]
        );
        for declined in [
            "insert into t values (1+1)",
            "insert into t values (now())",
            "insert into t select 1",
            "insert into t values (1) on duplicate key update a = 1",
            "insert into select values (1)",
            "insert into t values (1e)",
            "insert into t values (0x1f)",
            "insert into t values ('unterminated)",
            "insert into t values (- 1)",
            "insert ignore into t values (1)",
            "insert into t values (1) /*! x */",
            "insert into t value (1)",
            "insert into t values ()",
        ] {
            assert_eq!(parse(declined), None, "{declined}");
        }
    }
}
