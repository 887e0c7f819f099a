//! A fast parser for the statement that bulk loads use, `INSERT INTO name [(columns)] VALUES
//! (literal, ...), ...`, reading literals straight into values. sqlparser builds a tree
//! node per value first, which makes a million-row INSERT several times slower.
//!
//! It accepts only the names and literals `fast_parse.rs` reads and gives up (None) on
//! anything else, so sqlparser handles it. Where it accepts, it reads exactly what sqlparser
//! with the MySQL dialect would.

use alloc::string::String;
use alloc::vec::Vec;

use crate::db::value::Value;
use crate::sql::fast_parse::Cursor;

/// The whole statement at once (tests and fuzzing compare it with sqlparser's reading).
#[cfg(any(test, feature = "fuzzing"))]
pub fn parse(sql: &str) -> Option<crate::sql::insert::InsertValues> {
    let mut reader = Reader::start(sql)?;
    let rows = reader.rows(usize::MAX)?;
    Some(crate::sql::insert::InsertValues {
        table: reader.table,
        columns: reader.columns,
        rows,
        defaults: Vec::new(),
    })
}

/// A bulk INSERT being read: its table and columns first, then its rows a group at a time,
/// so that a load of millions of rows is never held as values all at once.
pub struct Reader<'a> {
    pub table: String,
    /// The columns named (empty: all, in table order).
    pub columns: Vec<String>,
    cursor: Cursor<'a>,
    /// The last row's width, to size the next.
    width: usize,
    more: bool,
}

impl<'a> Reader<'a> {
    /// Reads up to `VALUES`; None if the statement does not start as this parser reads.
    pub fn start(sql: &'a str) -> Option<Self> {
        let mut p = Cursor::new(sql);
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
        Some(Reader {
            table,
            columns,
            cursor: p,
            width: 1,
            more: true,
        })
    }

    /// Up to `most` more rows, none once all are read; None if the text from here on is
    /// not of the form this parser reads (then sqlparser must read the statement).
    pub fn rows(&mut self, most: usize) -> Option<Vec<Vec<Value>>> {
        let p = &mut self.cursor;
        let mut rows = Vec::with_capacity(most.min(GROUP));
        while self.more && rows.len() < most {
            p.expect(b'(')?;
            let mut row = Vec::with_capacity(self.width);
            loop {
                row.push(p.literal()?);
                if !p.eat(b',') {
                    break;
                }
            }
            p.expect(b')')?;
            self.width = row.len();
            rows.push(row);
            if !p.eat(b',') {
                p.end()?;
                self.more = false;
            }
        }
        Some(rows)
    }
}

/// How many rows a bulk INSERT reads at a time: enough that per-group work is nothing,
/// few enough that the group's values stay in the CPU's caches.
pub const GROUP: usize = 4096;

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
