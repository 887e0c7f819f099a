//! A fast parser for the statement that bulk loads use, `INSERT INTO name [(columns)] VALUES
//! (literal, ...), ...`, reading literals straight into values. sqlparser builds a tree
//! node per value first, which makes a million-row INSERT several times slower.
//!
//! It accepts only the names and literals `fast_parse.rs` reads and gives up (None) on
//! anything else, so sqlparser handles it. Where it accepts, it reads exactly what sqlparser
//! with the MySQL dialect would.

use alloc::vec::Vec;

use crate::sql::fast_parse::Cursor;
use crate::sql::insert::InsertValues;

pub fn parse(sql: &str) -> Option<InsertValues> {
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
    p.end()?;
    Some(InsertValues {
        table,
        columns,
        rows,
        defaults: Vec::new(),
    })
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
