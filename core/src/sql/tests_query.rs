//! Queries of the general path (`query.rs`) and the functions: joins, grouping, DISTINCT,
//! subqueries, UNION, CASE, CAST and the scalar functions, end to end.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use pollster::block_on;

use super::tests::Db;

/// A database of departments and employees, with NULLs and an unmatched row on each side.
fn company() -> Db {
    let mut db = Db::new();
    db.run(
        "create table dept (id int primary key, name varchar(20), city varchar(20));
         insert into dept values (1, 'eng', 'Berlin'), (2, 'sales', 'Paris'), (3, 'legal', NULL);
         create table emp (id int primary key, name varchar(20), dept_id int, pay decimal(8,2));
         insert into emp values (1, 'ann', 1, 100.50), (2, 'bob', 1, 200.25),
           (3, 'cy', 2, 50.00), (4, 'di', NULL, 75.00), (5, 'ed', 2, NULL)",
    );
    db
}

/// Every row as its values printed and joined with `|`, rows in the order given.
fn printed(db: &mut Db, sql: &str) -> Vec<String> {
    super::tests::lines(&db.rows(sql))
}

/// `printed`, sorted: for queries without an ORDER BY.
fn sorted(db: &mut Db, sql: &str) -> Vec<String> {
    let mut rows = printed(db, sql);
    rows.sort();
    rows
}

#[test]
fn joins_of_every_kind_with_aliases() {
    let mut db = company();
    let q = "select e.name, d.name from emp e join dept d on e.dept_id = d.id order by e.id";
    assert_eq!(
        printed(&mut db, q),
        ["ann|eng", "bob|eng", "cy|sales", "ed|sales"]
    );
    let q = "select emp.name, d.name from emp left join dept as d on emp.dept_id = d.id \
             order by emp.id";
    assert_eq!(
        printed(&mut db, q),
        ["ann|eng", "bob|eng", "cy|sales", "di|NULL", "ed|sales"]
    );
    let q = "select e.name, d.name from emp e right join dept d on e.dept_id = d.id";
    assert_eq!(
        sorted(&mut db, q),
        ["NULL|legal", "ann|eng", "bob|eng", "cy|sales", "ed|sales"]
    );
    assert_eq!(
        printed(&mut db, "select count(*) from emp cross join dept"),
        ["15"]
    );
    assert_eq!(
        printed(
            &mut db,
            "select count(*) from emp, dept where emp.dept_id = dept.id"
        ),
        ["4"]
    );
    // A self join, and a condition beside the equality (the hash lookup still checks it).
    let q = "select a.name, b.name from emp a join emp b \
             on a.dept_id = b.dept_id and a.id < b.id";
    assert_eq!(sorted(&mut db, q), ["ann|bob", "cy|ed"]);
    // USING, and d.* beside a column of the other table.
    let q = "select d.*, e.name from dept d join emp e on e.dept_id = d.id where e.id = 3";
    assert_eq!(printed(&mut db, q), ["2|sales|Paris|cy"]);
    db.run("create table emp2 (id int primary key, dept_id int)");
    db.run("insert into emp2 values (7, 3)");
    let q = "select dept.name from dept join emp2 using (id)";
    assert_eq!(printed(&mut db, q), Vec::<String>::new());
    // A name both tables have must be qualified.
    assert_eq!(
        db.err("select name from emp join dept on dept_id = dept.id"),
        "unsupported SQL: column 'name' is ambiguous: name its table"
    );
}

#[test]
fn grouping_with_exact_aggregates_and_having() {
    let mut db = company();
    let q = "select dept_id, count(*), count(pay), sum(pay), avg(pay), min(name), max(pay) \
             from emp group by dept_id order by dept_id";
    assert_eq!(
        printed(&mut db, q),
        [
            "NULL|1|1|75.00|75.000000|di|75.00",
            "1|2|2|300.75|150.375000|ann|200.25",
            "2|2|1|50.00|50.000000|cy|50.00",
        ]
    );
    let q = "select dept_id, count(*) as c from emp group by dept_id having c > 1 order by 1";
    assert_eq!(printed(&mut db, q), ["1|2", "2|2"]);
    let q = "select d.name, count(e.id) from dept d left join emp e on e.dept_id = d.id \
             group by d.name order by count(e.id) desc, d.name";
    assert_eq!(printed(&mut db, q), ["eng|2", "sales|2", "legal|0"]);
    // Over no rows: COUNT is 0, the others NULL; SUM of integers is an exact decimal.
    let q = "select count(*), sum(id), max(name) from emp where id > 100";
    assert_eq!(printed(&mut db, q), ["0|NULL|NULL"]);
    db.run("create table big (n bigint)");
    db.run("insert into big values (9223372036854775807), (9223372036854775807)");
    assert_eq!(
        printed(&mut db, "select sum(n) from big"),
        ["18446744073709551614"]
    );
    assert_eq!(
        printed(
            &mut db,
            "select count(distinct dept_id), sum(distinct dept_id) from emp"
        ),
        ["2|3"]
    );
}

#[test]
fn distinct_rows() {
    let mut db = company();
    assert_eq!(
        sorted(&mut db, "select distinct dept_id from emp"),
        ["1", "2", "NULL"]
    );
    assert_eq!(
        printed(&mut db, "select distinct city from dept order by city desc"),
        ["Paris", "Berlin", "NULL"]
    );
    // Values SQL calls equal are one: 1, 1.0 and TRUE; NULLs are one too.
    let q = "select distinct x from (select 1 as x union all select 1.0 union all select true \
             union all select null union all select null union all select 2) as t";
    assert_eq!(sorted(&mut db, q), ["1", "2", "NULL"]);
    assert_eq!(
        sorted(
            &mut db,
            "select 1 union select 1.0 union select 2.50 union select 2.5"
        ),
        ["1", "2.50"]
    );
}

#[test]
fn subqueries_correlated_or_not() {
    let mut db = company();
    let q = "select name from emp where dept_id in (select id from dept where city = 'Berlin')";
    assert_eq!(sorted(&mut db, q), ["ann", "bob"]);
    // NOT IN over a list holding NULL is never true.
    let q = "select name from dept where id not in (select dept_id from emp)";
    assert_eq!(printed(&mut db, q), Vec::<String>::new());
    let q = "select name from dept d where not exists \
             (select 1 from emp e where e.dept_id = d.id)";
    assert_eq!(printed(&mut db, q), ["legal"]);
    let q = "select name, (select count(*) from emp e where e.dept_id = d.id) from dept d \
             order by id";
    assert_eq!(printed(&mut db, q), ["eng|2", "sales|2", "legal|0"]);
    let q = "select name from emp e where pay > \
             (select avg(pay) from emp e2 where e2.dept_id = e.dept_id)";
    assert_eq!(printed(&mut db, q), ["bob"]);
    assert_eq!(
        printed(
            &mut db,
            "select (select max(id) from emp) + 1, (select name from emp where id = 9)"
        ),
        ["6|NULL"]
    );
    assert_eq!(
        db.err("select (select id from emp)"),
        "unsupported SQL: a subquery returning more than 1 row as a value"
    );
    let q = "select t.d, t.c from (select dept_id as d, count(*) as c from emp group by dept_id) \
             as t where t.c > 1 order by t.d";
    assert_eq!(printed(&mut db, q), ["1|2", "2|2"]);
}

/// A USING or NATURAL join gives each column it joins on once, as SQL defines it: `*` lists
/// the merged columns first, then the left side's others, then the right side's; an
/// unqualified name finds the merged column, whose value is the kept side's; a qualified
/// name still finds either.
#[test]
fn using_and_natural_joins_merge_the_columns_they_join_on() {
    let mut db = Db::new();
    db.run(
        "create table a (x int, id int primary key, v text);
         insert into a values (10, 1, 'a1'), (20, 2, 'a2');
         create table b (id int primary key, w text);
         insert into b values (1, 'b1'), (3, 'b3');
         create table c (id int primary key, z int);
         insert into c values (1, 5)",
    );
    let headers = |db: &mut Db, sql: &str| db.run(sql).columns;
    for q in [
        "select * from a join b using (id)",
        "select * from a natural join b",
    ] {
        assert_eq!(headers(&mut db, q), ["id", "x", "v", "w"], "{q}");
        assert_eq!(printed(&mut db, q), ["1|10|a1|b1"], "{q}");
    }
    let q = "select * from a left join b using (id) order by id";
    assert_eq!(printed(&mut db, q), ["1|10|a1|b1", "2|20|a2|NULL"]);
    let q = "select * from a natural right join b order by id";
    assert_eq!(printed(&mut db, q), ["1|10|a1|b1", "3|NULL|NULL|b3"]);
    let q = "select id, x, w from a left join b using (id) where id > 1";
    assert_eq!(printed(&mut db, q), ["2|20|NULL"]);
    let q = "select a.id, b.id from a left join b using (id) order by a.id";
    assert_eq!(printed(&mut db, q), ["1|1", "2|NULL"]);
    let q = "select * from a join b using (id) join c using (id)";
    assert_eq!(headers(&mut db, q), ["id", "x", "v", "w", "z"]);
    assert_eq!(printed(&mut db, q), ["1|10|a1|b1|5"]);
    let q = "select b.* from a join b using (id)";
    assert_eq!(printed(&mut db, q), ["1|b1"]);
    // No name in common: every pair of rows.
    let q = "select count(*) from a natural join (select 1 as q union select 2) t";
    assert_eq!(printed(&mut db, q), ["4"]);
    assert_eq!(
        db.err("select * from a join b using (nope)"),
        "column 'nope' could not be found in any table in scope"
    );
}

/// `x op ANY|SOME|ALL (SELECT ...)`, with the NULLs of SQL's three-valued logic: the pays
/// are 100.50, 200.25, 50.00, 75.00 and NULL.
#[test]
fn any_and_all_subqueries() {
    let mut db = company();
    let q = "select name from emp where pay > all (select pay from emp where dept_id = 2 and pay is not null)";
    assert_eq!(sorted(&mut db, q), ["ann", "bob", "di"]);
    let q = "select name from emp where pay < any (select pay from emp where dept_id = 1)";
    assert_eq!(sorted(&mut db, q), ["ann", "cy", "di"]);
    let q = "select name from emp where id = some (select id from dept)";
    assert_eq!(sorted(&mut db, q), ["ann", "bob", "cy"]);
    let q = "select name from emp where id <> all (select id from dept)";
    assert_eq!(sorted(&mut db, q), ["di", "ed"]);
    // Correlated: the highest pay of each department.
    let q = "select name from emp e where pay >= all \
             (select pay from emp e2 where e2.dept_id = e.dept_id and e2.pay is not null)";
    assert_eq!(sorted(&mut db, q), ["bob", "cy", "di"]);
    // A NULL among the values: ALL is never true where some comparison is unknown, ANY is
    // true where one comparison is; over no rows, ALL is true and ANY false, even for NULL.
    let cases = [
        ("300 > all (select pay from emp)", "NULL"),
        ("10 > all (select pay from emp)", "false"),
        ("300 > any (select pay from emp)", "true"),
        ("10 > any (select pay from emp)", "NULL"),
        ("null > all (select pay from emp where id > 9)", "true"),
        ("null > any (select pay from emp where id > 9)", "false"),
        ("null = any (select pay from emp)", "NULL"),
    ];
    for (expr, want) in cases {
        assert_eq!(
            printed(&mut db, &alloc::format!("select {expr}")),
            [want],
            "{expr}"
        );
    }
    assert_eq!(
        db.err("select 1 = any (1)"),
        "unsupported SQL: = ANY over a list (it takes a subquery)"
    );
    assert_eq!(
        db.err("select 1 = all (select id, name from dept)"),
        "unsupported SQL: a subquery of 2 columns where one is wanted"
    );
}

#[test]
fn unions() {
    let mut db = company();
    assert_eq!(
        sorted(&mut db, "select dept_id from emp union select id from dept"),
        ["1", "2", "3", "NULL"]
    );
    assert_eq!(
        printed(
            &mut db,
            "select 1 union all select 1 union all select 2 order by 1 desc limit 2"
        ),
        ["2", "1"]
    );
}

#[test]
fn case_cast_and_functions() {
    let mut db = company();
    let q = "select name, case when pay > 100 then 'high' when pay is null then '?' \
             else 'low' end, case dept_id when 1 then 'eng' end from emp order by id";
    assert_eq!(
        printed(&mut db, q),
        [
            "ann|high|eng",
            "bob|high|eng",
            "cy|low|NULL",
            "di|low|NULL",
            "ed|?|NULL"
        ]
    );
    let q = "select coalesce(pay, 0), ifnull(dept_id, -1), nullif(dept_id, 1) from emp \
             where id in (1, 4, 5) order by id";
    assert_eq!(
        printed(&mut db, q),
        ["100.50|1|NULL", "75.00|-1|NULL", "0|2|2"]
    );
    let q = "select upper(name), length(name), substr(name, 2), concat(name, '-', id), \
             replace(name, 'n', 'N'), trim('  x ') from emp where id = 1";
    assert_eq!(printed(&mut db, q), ["ANN|3|nn|ann-1|aNN|x"]);
    let q = "select round(pay, 1), floor(pay), ceil(pay), abs(-pay), mod(id, 2), \
             cast(pay as char), cast('12' as signed) + 1 from emp where id = 2";
    assert_eq!(printed(&mut db, q), ["200.3|200|201|200.25|0|200.25|13"]);
    assert_eq!(
        printed(&mut db, "select cast(1.999 as decimal(5,2)), 0.1 + 0.2"),
        ["2.00|0.3"]
    );
    assert!(db.exec("select cast(123456 as decimal(5,2))").is_err());
    // Functions work on the single-table path too, where key lookups still apply.
    assert_eq!(
        printed(&mut db, "select lower(name) from emp where id = 3"),
        ["cy"]
    );
}

#[test]
fn insert_select_ignore_replace_and_on_duplicate_key_update() {
    let mut db = Db::new();
    db.run("create table k (id int primary key, v int, n varchar(10))");
    db.run("insert into k values (1, 10, 'a'), (2, 20, 'b')");
    // IGNORE skips the duplicate key only; affected rows count as MySQL counts them.
    assert_eq!(
        db.run("insert ignore into k values (1, 99, 'x'), (3, 30, 'c')")
            .affected,
        Some(1)
    );
    assert_eq!(
        db.run("replace into k values (2, 21, 'B'), (4, 40, 'd')")
            .affected,
        Some(3)
    );
    let q = "insert into k values (3, 0, 'z'), (5, 50, 'e') \
             on duplicate key update v = v + values(v) + 1, n = concat(n, '!')";
    assert_eq!(db.run(q).affected, Some(3));
    assert_eq!(
        printed(&mut db, "select * from k"),
        ["1|10|a", "2|21|B", "3|31|c!", "4|40|d", "5|50|e"]
    );
    // An update to the values the row has changes nothing and counts 0.
    let q = "insert into k values (1, 5, 'q') on duplicate key update v = 10";
    assert_eq!(db.run(q).affected, Some(0));
    // A later row of one statement meets an earlier one.
    assert_eq!(
        db.run("insert into k values (9, 1, 'a'), (9, 2, 'b') on duplicate key update v = v + 10")
            .affected,
        Some(3)
    );
    assert_eq!(printed(&mut db, "select v from k where id = 9"), ["11"]);
    // IGNORE does not store a value that does not fit.
    assert!(db
        .exec("insert ignore into k values (20, 1, 'far too long')")
        .is_err());
    // INSERT ... SELECT reads the table as it was, so a table can be filled from itself.
    assert_eq!(
        db.run("insert into k (id, v) select id + 100, v * 2 from k where id < 3")
            .affected,
        Some(2)
    );
    assert_eq!(
        printed(&mut db, "select id, v, n from k where id > 100"),
        ["101|20|NULL", "102|42|NULL"]
    );
    assert_eq!(db.run("truncate table k").affected, Some(0));
    assert_eq!(printed(&mut db, "select count(*) from k"), ["0"]);
    assert_eq!(printed(&mut db, "describe k").len(), 3);
}

#[test]
fn describe_and_show_create_table() {
    let mut db = Db::new();
    db.run("create table t (a int, b decimal(5,2) not null, c varchar(3), primary key (a, c))");
    assert_eq!(
        printed(&mut db, "describe t"),
        [
            "a|int|NO|PRI|NULL|",
            "b|decimal(5,2)|NO||NULL|",
            "c|varchar(3)|NO|PRI|NULL|"
        ]
    );
    assert_eq!(
        printed(&mut db, "show columns from t"),
        printed(&mut db, "desc t")
    );
    let create = db.rows("show create table t")[0][1].to_string();
    assert_eq!(
        create,
        "CREATE TABLE `t` (\n  `a` int NOT NULL,\n  `b` decimal(5,2) NOT NULL,\n  \
         `c` varchar(3) NOT NULL,\n  PRIMARY KEY (`a`,`c`)\n)"
    );
    // The statement makes a table of the same schema.
    db.run(&create.replace("`t`", "`u`"));
    assert_eq!(
        printed(&mut db, "describe u"),
        printed(&mut db, "describe t")
    );
}

#[test]
fn update_and_delete_with_subqueries() {
    let mut db = company();
    // Correlated: each employee's pay becomes the highest of their department.
    let q = "update emp set pay = (select max(e2.pay) from emp e2 where e2.dept_id = emp.dept_id) \
             where exists (select 1 from dept d where d.id = emp.dept_id and d.city = 'Berlin')";
    assert_eq!(db.run(q).affected, Some(1));
    assert_eq!(
        printed(&mut db, "select id, pay from emp where dept_id = 1"),
        ["1|200.25", "2|200.25"]
    );
    let q = "delete from emp where dept_id in (select id from dept where city = 'Paris')";
    assert_eq!(db.run(q).affected, Some(2));
    assert_eq!(printed(&mut db, "select id from emp"), ["1", "2", "4"]);
    // Without a subquery the key lookup still applies (and an unknown column still fails).
    assert_eq!(db.run("delete from emp where id = 4").affected, Some(1));
    assert_eq!(
        db.err("delete from emp where nope in (select id from dept)"),
        "column 'nope' could not be found in any table in scope"
    );
}

#[test]
fn long_in_lists_from_subqueries_answer_as_short_ones() {
    let mut db = Db::new();
    db.run("create table n (id int primary key, v int, t varchar(5))");
    let rows: Vec<String> = (0..40)
        .map(|i| {
            alloc::format!(
                "({i}, {}, 'x{i}')",
                if i % 7 == 0 {
                    "NULL".into()
                } else {
                    (i % 10).to_string()
                }
            )
        })
        .collect();
    db.run(&alloc::format!("insert into n values {}", rows.join(",")));
    // Long enough to be looked up by key: 1.0 and TRUE meet 1, NULLs make misses unknown.
    let q = "select id from n where 1.0 in (select v from n) and true in (select v from n) \
             and id < 2";
    assert_eq!(printed(&mut db, q), ["0", "1"]);
    assert_eq!(
        printed(
            &mut db,
            "select 11 in (select v from n), 11 not in (select v from n)"
        ),
        ["NULL|NULL"]
    );
    assert_eq!(
        printed(
            &mut db,
            "select 'x3' in (select t from n), 'y' in (select t from n)"
        ),
        ["true|false"]
    );
    // Another family is compared item by item, with compare's conversions and errors.
    assert_eq!(
        db.err("select 'a' in (select v from n where v is not null)"),
        "type mismatch: cannot compare text with an integer"
    );
    assert_eq!(
        printed(
            &mut db,
            "select count(*) from n where v in (select v from n where id > 30)"
        ),
        ["28"]
    );
}

#[test]
fn bad_queries_are_errors_not_panics() {
    let mut db = company();
    for (sql, want) in [
        (
            "select count(*) from emp group by 1",
            "unsupported SQL: GROUP BY 1: a query cannot group on an aggregate",
        ),
        (
            "select count(*) as c from emp group by c",
            "unsupported SQL: GROUP BY c: a query cannot group on an aggregate",
        ),
        ("select sum(*) from emp", "unsupported SQL: sum(*)"),
        (
            "select * from emp full join dept on true",
            "unsupported SQL: FULL JOIN",
        ),
        ("select x.* from emp", "table not found: x"),
    ] {
        assert_eq!(db.err(sql), want, "{sql}");
    }
    assert_eq!(
        printed(
            &mut db,
            "select round(5, -9223372036854775808), round(1.5, 9223372036854775807)"
        ),
        ["0|1.5"]
    );
}

#[test]
fn subqueries_nested_as_deep_as_the_parser_allows_do_not_overflow_the_stack() {
    let mut db = company();
    for depth in [3, 5, 8, 30] {
        let mut q = String::from("select count(*) from emp e0 where e0.id = 1");
        for i in 1..depth {
            q = alloc::format!(
                "select count(*) from emp e{i} where e{i}.id in ({q}) or e{i}.id = 2 \
                 and exists (select 1 from dept d{i} where d{i}.id = e{i}.dept_id)"
            );
        }
        // Deep enough, the parser refuses it; before that it runs.
        match db.exec(&q) {
            Ok(_) => assert!(depth < 30, "depth {depth} ran"),
            Err(e) => assert!(
                e.to_string().contains("nested too deeply") && depth > 3,
                "depth {depth}: {e}"
            ),
        }
    }
}

#[test]
fn with_tables_are_computed_once_in_order() {
    let mut db = company();
    // A WITH table reads those before it and hides a stored table of its name; a WITH
    // inside a subquery is its own.
    assert_eq!(
        printed(
            &mut db,
            "with dept as (select id, name from emp where dept_id = 1), n as (select count(*) c from dept) \
             select c, (with dept as (select 7 x) select x from dept) from n"
        ),
        ["2|7"]
    );
    // Named by the anchor's columns when the table names none.
    assert_eq!(
        printed(&mut db, "with recursive r as (select 1 n union all select n + 1 from r where n < 3) select * from r"),
        ["1", "2", "3"]
    );
}

#[test]
fn window_functions_are_refused_where_mysql_refuses_them() {
    let mut db = company();
    for (sql, want) in [
        (
            "select id from emp where row_number() over () = 1",
            "unsupported SQL: window function row_number() OVER () here (only in the select list and ORDER BY)",
        ),
        (
            "select sum(rank() over (order by id)) over () from emp",
            "unsupported SQL: window function rank() OVER (ORDER BY id) here (only in the select list and ORDER BY)",
        ),
        (
            "select sum(pay) over (order by id rows between 1 following and current row) from emp",
            "unsupported SQL: window frame: its start cannot be after its end",
        ),
        (
            "select sum(pay) over (order by id rows between unbounded following and current row) from emp",
            "unsupported SQL: window frame: UNBOUNDED FOLLOWING cannot start it, nor UNBOUNDED PRECEDING end it",
        ),
        (
            "select sum(pay) over (order by id rows 1.5 preceding) from emp",
            "unsupported SQL: window frame: a ROWS offset is a non-negative integer",
        ),
        (
            "select sum(pay) over (order by id, pay range 1 preceding) from emp",
            "unsupported SQL: window frame: a RANGE offset needs exactly one ORDER BY key",
        ),
        (
            "select ntile(0) over () from emp",
            "unsupported SQL: ntile(0) OVER (): its count must be an integer literal of at least 1",
        ),
        (
            "select row_number() over () r from emp group by r",
            "unsupported SQL: a window function in GROUP BY or HAVING",
        ),
    ] {
        assert_eq!(db.err(sql), want, "{sql}");
    }
    // Over no rows there is nothing to number; a window of an empty partition never runs.
    assert!(printed(
        &mut db,
        "select row_number() over () from emp where id > 99"
    )
    .is_empty());
}

#[test]
fn date_functions_give_mysqls_documented_answers() {
    let mut db = Db::new();
    // Each with the answer MySQL's manual gives for it.
    for (sql, want) in [
        ("date_add('2018-05-01', interval 1 day)", "2018-05-02"),
        ("date_sub('2018-05-01', interval 1 year)", "2017-05-01"),
        (
            "date_add('2020-12-31 23:59:59', interval 1 second)",
            "2021-01-01 00:00:00",
        ),
        ("date_add('2024-01-31', interval 1 month)", "2024-02-29"),
        ("adddate('2008-01-02', 31)", "2008-02-02"),
        ("subdate('2008-01-02', interval 31 day)", "2007-12-02"),
        (
            "'2008-12-31 23:59:59' + interval 1 second",
            "2009-01-01 00:00:00",
        ),
        ("interval 1 day + '2008-12-31'", "2009-01-01"),
        ("'2005-01-01' - interval 1 second", "2004-12-31 23:59:59"),
        (
            "date_add('2018-05-01', interval 1 hour)",
            "2018-05-01 01:00:00",
        ),
        ("date_add('9999-12-31', interval 1 day)", "NULL"),
        // A TIME moved by hours or less stays a TIME (MySQL 8.0.28 on).
        ("date_add(time '10:00:00', interval 90 minute)", "11:30:00"),
        ("time '10:00:00' - interval 11 hour", "-01:00:00"),
        (
            "timestampadd(minute, 1, '2003-01-02')",
            "2003-01-02 00:01:00",
        ),
        ("timestampadd(week, 1, '2003-01-02')", "2003-01-09"),
        ("datediff('2007-12-31 23:59:59', '2007-12-30')", "1"),
        ("datediff('2010-11-30 23:59:59', '2010-12-31')", "-31"),
        ("timestampdiff(month, '2003-02-01', '2003-05-01')", "3"),
        ("timestampdiff(year, '2002-05-01', '2001-01-01')", "-1"),
        (
            "timestampdiff(minute, '2003-02-01', '2003-05-01 12:05:55')",
            "128885",
        ),
        ("timestampdiff(month, '2024-01-31', '2024-02-29')", "0"),
        ("dayofweek('2007-02-03')", "7"),
        ("weekday('2008-02-03 22:23:00')", "6"),
        ("dayofyear('2007-02-03')", "34"),
        ("quarter('2008-04-01')", "2"),
        ("dayname('2007-02-03')", "Saturday"),
        ("monthname('2008-02-03')", "February"),
        ("last_day('2003-02-05')", "2003-02-28"),
        ("last_day('2004-02-05')", "2004-02-29"),
        ("date('2003-12-31 01:02:03')", "2003-12-31"),
        ("to_days('2007-10-07')", "733321"),
        ("hour('10:05:03')", "10"),
        ("hour('272:59:59')", "272"),
        ("minute('2008-02-03 10:05:03')", "5"),
        ("second('10:05:03')", "3"),
        ("microsecond('12:00:00.123456')", "123456"),
        ("extract(year from '2019-07-02')", "2019"),
        ("extract(year_month from '2019-07-02')", "201907"),
        ("extract(minute from '2019-07-02 01:02:03')", "2"),
        (
            "date_format('2009-10-04 22:23:00', '%W %M %Y')",
            "Sunday October 2009",
        ),
        ("date_format('2007-10-04 22:23:00', '%H:%i:%s')", "22:23:00"),
        (
            "date_format('1900-10-04 22:23:00', '%D %y %a %d %m %b %j')",
            "4th 00 Thu 04 10 Oct 277",
        ),
        ("date_format('1999-01-01', '%X %V')", "1998 52"),
        ("date_format('2006-06-00', '%d')", "ERR"),
        (
            "date_format('2021-03-02 13:04:05', '%r %p %l %k %e %c %T %%')",
            "01:04:05 PM PM 1 13 2 3 13:04:05 %",
        ),
    ] {
        let got = match db.exec(&alloc::format!("select {sql}")) {
            Ok(mut results) => results.remove(0).rows[0][0].to_string(),
            Err(_) => "ERR".into(),
        };
        assert_eq!(got, want, "{sql}");
    }
    // On a column: dates stay dates, NULL gives NULL.
    db.run("create table d (id int primary key, at date); insert into d values (1, '2024-02-28'), (2, NULL)");
    assert_eq!(
        printed(
            &mut db,
            "select id, at + interval 1 day, datediff(at, '2024-01-01') from d order by id"
        ),
        ["1|2024-02-29|58", "2|NULL|NULL"]
    );
}

#[test]
fn the_clock_is_the_front_ends_and_reads_one_instant_per_statement() {
    let mut db = Db::new();
    db.run("create table c (now int primary key); insert into c values (1)");
    let mut at = |sql: &str, now_ms: Option<u64>| {
        db.at(sql, now_ms)
            .map(|rows| super::tests::lines(&rows).swap_remove(0))
    };
    // 2024-02-29 23:59:59.500 UTC.
    let leap = Some(1_709_251_199_500);
    assert_eq!(
        at(
            "select now(), curdate(), curtime(), current_timestamp, current_date, current_time",
            leap
        ),
        Ok(
            "2024-02-29 23:59:59|2024-02-29|23:59:59|2024-02-29 23:59:59|2024-02-29|23:59:59"
                .into()
        )
    );
    assert_eq!(
        at("select now() = sysdate(), utc_date() + interval 1 day, localtimestamp() > '2024-02-29'", leap),
        Ok("true|2024-03-01|true".into())
    );
    // A column of that name is a column; without a clock, NOW() is refused.
    assert_eq!(at("select now from c", leap), Ok("1".into()));
    assert_eq!(
        at("select now()", None),
        Err("unsupported SQL: function now".into())
    );
    // Temporal literals, as MySQL writes them.
    assert_eq!(
        at("select date '2024-02-28' + interval 1 day, timestamp '2024-03-01 10:00:00', time '10:30'", None),
        Ok("2024-02-29|2024-03-01 10:00:00|10:30:00".into())
    );
    assert_eq!(
        at("select date '2023-02-29'", None),
        Err("type mismatch: '2023-02-29' is not a valid DATE literal".into())
    );
    // Columns are named by the calls as written.
    let mut results = Vec::new();
    let history = super::History {
        now_ms: leap,
        ..Default::default()
    };
    block_on(super::execute_into(
        &mut db.store,
        &mut db.root,
        "select Now(), current_date, now() = current_timestamp, date_sub(now(), interval 1 second), \
         date(now()) = curdate() as same",
        &super::Params::None,
        &history,
        &mut results,
    ))
    .unwrap();
    assert_eq!(
        results[0].columns,
        [
            "Now()",
            "current_date",
            "now() = current_timestamp",
            "date_sub(now(), INTERVAL 1 SECOND)",
            "same"
        ]
    );
}

#[test]
fn group_concat_and_the_json_aggregates() {
    let mut db = Db::new();
    db.run("CREATE TABLE t (id INT PRIMARY KEY, g INT, s VARCHAR(10), n INT)");
    db.run(
        "INSERT INTO t VALUES (1, 1, 'b', 3), (2, 1, 'a', 1), (3, 1, NULL, 2), (4, 2, 'c', 5), \
         (5, 2, 'c', 4), (6, 3, NULL, NULL)",
    );
    // As MySQL 8 answers.
    assert_eq!(
        printed(&mut db, "SELECT g, GROUP_CONCAT(s ORDER BY s), GROUP_CONCAT(DISTINCT s ORDER BY s DESC SEPARATOR '; ') FROM t GROUP BY g ORDER BY g"),
        ["1|a,b|b; a", "2|c,c|c", "3|NULL|NULL"]
    );
    assert_eq!(
        printed(
            &mut db,
            "SELECT GROUP_CONCAT(s, '-', n ORDER BY n) FROM t GROUP BY g ORDER BY g"
        ),
        ["a-1,b-3", "c-4,c-5", "NULL"]
    );
    assert_eq!(
        printed(
            &mut db,
            "SELECT GROUP_CONCAT(id ORDER BY n DESC), GROUP_CONCAT(DISTINCT g) FROM t"
        ),
        ["4,5,1,3,2,6|1,2,3"]
    );
    assert_eq!(
        printed(
            &mut db,
            "SELECT JSON_ARRAYAGG(s), JSON_OBJECTAGG(s, n) FROM t WHERE g = 1 AND s IS NOT NULL"
        ),
        [r#"["b", "a"]|{"a": 1, "b": 3}"#]
    );
    assert_eq!(
        printed(&mut db, "SELECT JSON_ARRAYAGG(n), JSON_ARRAYAGG(JSON_OBJECT('id', id)) FROM t WHERE g = 3 OR id = 4"),
        [r#"[5, null]|[{"id": 4}, {"id": 6}]"#]
    );
    // A name given twice keeps its last value; no rows give NULL.
    assert_eq!(
        printed(&mut db, "SELECT JSON_OBJECTAGG(s, n) FROM t WHERE g = 2"),
        [r#"{"c": 4}"#]
    );
    assert_eq!(
        printed(
            &mut db,
            "SELECT GROUP_CONCAT(s), JSON_ARRAYAGG(s), JSON_OBJECTAGG(s, n) FROM t WHERE id > 100"
        ),
        ["NULL|NULL|NULL"]
    );
    // COUNT(DISTINCT a, b): distinct pairs with no NULL.
    assert_eq!(
        printed(
            &mut db,
            "SELECT COUNT(DISTINCT g, s), COUNT(DISTINCT g, n), COUNT(DISTINCT g) FROM t"
        ),
        ["3|5|3"]
    );
    assert!(db
        .err("SELECT JSON_OBJECTAGG(s, n) FROM t")
        .contains("NULL member names"));
    assert!(db
        .err("SELECT JSON_OBJECTAGG(s) FROM t")
        .contains("unsupported"));
    assert!(db
        .err("SELECT SUM(n ORDER BY n) FROM t")
        .contains("unsupported"));
}

#[test]
fn with_recursive_as_mysql_runs_it() {
    let mut db = Db::new();
    assert_eq!(
        printed(&mut db, "WITH RECURSIVE cte (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM cte WHERE n < 5) SELECT * FROM cte"),
        ["1", "2", "3", "4", "5"]
    );
    // The manual's Fibonacci series.
    assert_eq!(
        printed(
            &mut db,
            "WITH RECURSIVE fibonacci (n, fib_n, next_fib_n) AS (SELECT 1, 0, 1 UNION ALL \
             SELECT n + 1, next_fib_n, fib_n + next_fib_n FROM fibonacci WHERE n < 10) \
             SELECT * FROM fibonacci WHERE n > 7"
        ),
        ["8|13|21", "9|21|34", "10|34|55"]
    );
    // The manual's hierarchy, through a join with a stored table.
    db.run(
        "CREATE TABLE employees (id INT PRIMARY KEY NOT NULL, name VARCHAR(100) NOT NULL, \
         manager_id INT NULL, INDEX (manager_id))",
    );
    db.run(
        "INSERT INTO employees VALUES (333, 'Yasmina', NULL), (198, 'John', 333), \
         (692, 'Tarek', 333), (29, 'Pedro', 198), (4610, 'Sarah', 29), (72, 'Pierre', 29), \
         (123, 'Adil', 692)",
    );
    assert_eq!(
        printed(
            &mut db,
            "WITH RECURSIVE employee_paths (id, name, path) AS \
             (SELECT id, name, CAST(id AS CHAR(200)) FROM employees WHERE manager_id IS NULL \
             UNION ALL SELECT e.id, e.name, CONCAT(ep.path, ',', e.id) \
             FROM employee_paths AS ep JOIN employees AS e ON ep.id = e.manager_id) \
             SELECT * FROM employee_paths ORDER BY path"
        ),
        [
            "333|Yasmina|333",
            "198|John|333,198",
            "29|Pedro|333,198,29",
            "4610|Sarah|333,198,29,4610",
            "72|Pierre|333,198,29,72",
            "692|Tarek|333,692",
            "123|Adil|333,692,123"
        ]
    );
    assert_eq!(
        printed(&mut db, "WITH RECURSIVE d (day) AS (SELECT DATE '2024-02-27' UNION ALL SELECT day + INTERVAL 1 DAY FROM d WHERE day < '2024-03-01') SELECT day FROM d"),
        ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]
    );
    // UNION (DISTINCT) adds only new rows, so a cycle ends; UNION ALL's does not, and is
    // stopped as MySQL stops it.
    assert_eq!(
        printed(&mut db, "WITH RECURSIVE r (n) AS (SELECT 1 UNION SELECT n % 3 + 1 FROM r) SELECT n FROM r ORDER BY n"),
        ["1", "2", "3"]
    );
    assert!(db
        .err("WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n FROM r) SELECT count(*) FROM r")
        .contains("aborted after 1000 rounds"));
    // A WITH RECURSIVE may hold tables that are not; each reads those before it.
    assert_eq!(
        printed(&mut db, "WITH RECURSIVE a AS (SELECT 2 AS x), b (n) AS (SELECT x FROM a UNION ALL SELECT n * x FROM b, a WHERE n < 16) SELECT n FROM b"),
        ["2", "4", "8", "16"]
    );
    assert!(db
        .err("WITH RECURSIVE r (n) AS (SELECT n FROM r UNION ALL SELECT 1) SELECT * FROM r")
        .contains("only the SELECT after the last UNION may read it"));
    assert!(db
        .err("WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r LIMIT 3) SELECT * FROM r")
        .contains("LIMIT"));
}

#[test]
fn window_frames_as_mysql_reads_them() {
    let mut db = Db::new();
    db.run("CREATE TABLE observations (time TIME, subject VARCHAR(10), val INT, PRIMARY KEY (subject, time))");
    db.run(
        "INSERT INTO observations VALUES ('07:00:00', 'st113', 10), ('07:15:00', 'st113', 9), \
         ('07:30:00', 'st113', 25), ('07:45:00', 'st113', 20), ('07:00:00', 'xh458', 0), \
         ('07:15:00', 'xh458', 10), ('07:30:00', 'xh458', 5), ('07:45:00', 'xh458', 30), \
         ('08:00:00', 'xh458', 25)",
    );
    // The manual's running total and average.
    assert_eq!(
        printed(
            &mut db,
            "SELECT time, subject, val, \
             SUM(val) OVER (PARTITION BY subject ORDER BY time ROWS UNBOUNDED PRECEDING) AS running_total, \
             AVG(val) OVER (PARTITION BY subject ORDER BY time ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS running_average \
             FROM observations ORDER BY subject, time"
        ),
        [
            "07:00:00|st113|10|10|9.5000",
            "07:15:00|st113|9|19|14.6667",
            "07:30:00|st113|25|44|18.0000",
            "07:45:00|st113|20|64|22.5000",
            "07:00:00|xh458|0|0|5.0000",
            "07:15:00|xh458|10|10|5.0000",
            "07:30:00|xh458|5|15|15.0000",
            "07:45:00|xh458|30|45|20.0000",
            "08:00:00|xh458|25|70|27.5000",
        ]
    );
    // The manual's FIRST_VALUE, LAST_VALUE and NTH_VALUE.
    let w = "OVER (PARTITION BY subject ORDER BY time ROWS UNBOUNDED PRECEDING)";
    assert_eq!(
        printed(
            &mut db,
            &alloc::format!(
                "SELECT time, val, FIRST_VALUE(val) {w}, LAST_VALUE(val) {w}, NTH_VALUE(val, 2) {w}, \
                 NTH_VALUE(val, 4) {w} FROM observations ORDER BY subject, time"
            )
        ),
        [
            "07:00:00|10|10|10|NULL|NULL",
            "07:15:00|9|10|9|9|NULL",
            "07:30:00|25|10|25|9|NULL",
            "07:45:00|20|10|20|9|20",
            "07:00:00|0|0|0|NULL|NULL",
            "07:15:00|10|0|10|10|NULL",
            "07:30:00|5|0|5|10|NULL",
            "07:45:00|30|0|30|10|30",
            "08:00:00|25|0|25|10|30",
        ]
    );
    // RANGE measures the key: NULLs are peers of each other, first ascending, last
    // descending; PRECEDING is toward greater keys when descending.
    db.run("CREATE TABLE r (id INT PRIMARY KEY, x INT)");
    db.run("INSERT INTO r VALUES (1, 1), (2, 2), (3, 4), (4, 4), (5, 7), (6, NULL)");
    assert_eq!(
        printed(&mut db, "SELECT x, SUM(x) OVER (ORDER BY x RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) FROM r ORDER BY x, id"),
        ["NULL|NULL", "1|1", "2|3", "4|10", "4|10", "7|7"]
    );
    assert_eq!(
        printed(&mut db, "SELECT x, SUM(x) OVER (ORDER BY x DESC RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) FROM r ORDER BY x DESC, id"),
        ["7|7", "4|8", "4|8", "2|10", "1|3", "NULL|NULL"]
    );
    assert_eq!(
        printed(&mut db, "SELECT x, COUNT(*) OVER (ORDER BY x RANGE BETWEEN 1 FOLLOWING AND 3 FOLLOWING) FROM r ORDER BY x, id"),
        ["NULL|1", "1|3", "2|2", "4|1", "4|1", "7|0"]
    );
    // ROWS frames that end before or start after the current row; an empty frame.
    assert_eq!(
        printed(
            &mut db,
            "SELECT id, COUNT(*) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING), \
             SUM(x) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING), \
             GROUP_CONCAT(id) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), \
             LAST_VALUE(id) OVER (ORDER BY id RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) \
             FROM r ORDER BY id"
        ),
        [
            "1|0|3|2,3,4,5,6|6",
            "2|1|6|3,4,5,6|6",
            "3|2|8|4,5,6|6",
            "4|2|11|5,6|6",
            "5|2|7|6|6",
            "6|2|NULL|NULL|6",
        ]
    );
}

#[test]
fn interval_frames_over_dates_and_times() {
    let mut db = Db::new();
    db.run("CREATE TABLE ev (id INT PRIMARY KEY, d DATE, dt DATETIME, t TIME, v INT)");
    db.run(
        "INSERT INTO ev VALUES (1, '2024-01-01', '2024-01-01 10:00:00', '10:00:00', 1), \
         (2, '2024-01-02', '2024-01-01 11:30:00', '11:30:00', 2), \
         (3, '2024-01-02', '2024-01-02 09:00:00', '12:00:00', 4), \
         (4, '2024-01-05', '2024-01-03 10:00:00', '13:00:00', 8), (5, NULL, NULL, NULL, 16), \
         (6, '2024-02-29', '2024-03-31 00:00:00', '20:00:00', 32)",
    );
    let sums = |db: &mut Db, over: &str| {
        printed(
            db,
            &alloc::format!("SELECT id, SUM(v) OVER ({over}) FROM ev ORDER BY id"),
        )
        .join(" ")
    };
    // A day back to the current row's peers; a NULL key's frame is its peers.
    assert_eq!(
        sums(
            &mut db,
            "ORDER BY d RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW"
        ),
        "1|1 2|7 3|7 4|8 5|16 6|32"
    );
    // Calendar units as DATE_ADD moves dates: 2024-02-29 less a month is 2024-01-29.
    assert_eq!(
        sums(
            &mut db,
            "ORDER BY d RANGE BETWEEN INTERVAL 1 MONTH PRECEDING AND INTERVAL 1 WEEK FOLLOWING"
        ),
        "1|15 2|15 3|15 4|15 5|16 6|32"
    );
    // Descending, PRECEDING is toward later dates.
    assert_eq!(
        sums(
            &mut db,
            "ORDER BY d DESC RANGE BETWEEN INTERVAL 2 DAY PRECEDING AND CURRENT ROW"
        ),
        "1|7 2|6 3|6 4|8 5|16 6|32"
    );
    // A date key measured in hours; datetimes; times.
    assert_eq!(
        sums(
            &mut db,
            "ORDER BY d RANGE BETWEEN CURRENT ROW AND INTERVAL 36 HOUR FOLLOWING"
        ),
        "1|7 2|6 3|6 4|8 5|16 6|32"
    );
    assert_eq!(
        sums(
            &mut db,
            "ORDER BY dt RANGE BETWEEN INTERVAL 90 MINUTE PRECEDING AND INTERVAL 1 DAY FOLLOWING"
        ),
        "1|7 2|7 3|4 4|8 5|16 6|32"
    );
    // The same in MySQL's compound units (`intervals.rs`).
    assert_eq!(
        sums(
            &mut db,
            "ORDER BY dt RANGE BETWEEN INTERVAL '1:30' HOUR_MINUTE PRECEDING AND INTERVAL '1 0' DAY_HOUR FOLLOWING"
        ),
        "1|7 2|7 3|4 4|8 5|16 6|32"
    );
    assert_eq!(
        sums(&mut db, "ORDER BY t RANGE INTERVAL 1 HOUR PRECEDING"),
        "1|1 2|2 3|6 4|12 5|16 6|32"
    );
    // MySQL's refusals: an INTERVAL over a number, a number over a date, an INTERVAL in
    // ROWS, a negative one; GROUPS frames, which MySQL parses but does not run.
    for (over, why) in [
        (
            "ORDER BY v RANGE INTERVAL 1 DAY PRECEDING",
            "of numeric type, INTERVAL bound value not allowed",
        ),
        (
            "ORDER BY d RANGE 1 PRECEDING",
            "of datetime type. Only INTERVAL bound value allowed",
        ),
        (
            "ORDER BY d ROWS INTERVAL 1 DAY PRECEDING",
            "INTERVAL can only be used with RANGE frames",
        ),
        (
            "ORDER BY d RANGE INTERVAL -1 DAY PRECEDING",
            "non-negative number or INTERVAL",
        ),
        (
            "ORDER BY d, id RANGE INTERVAL 1 DAY PRECEDING",
            "exactly one ORDER BY key",
        ),
        (
            "ORDER BY d GROUPS 1 PRECEDING",
            "doesn't yet support 'GROUPS'",
        ),
        (
            "ORDER BY t RANGE INTERVAL 1 DAY PRECEDING",
            "DATE_ADD of a TIME by days",
        ),
    ] {
        let e = db.err(&alloc::format!("SELECT SUM(v) OVER ({over}) FROM ev"));
        assert!(e.contains(why), "{over}: {e}");
    }
    // Past the dates' range a bound reaches every key that way (MySQL's answer unknown).
    db.run("INSERT INTO ev VALUES (7, '9999-12-30', NULL, '838:00:00', 64)");
    assert_eq!(
        printed(&mut db, "SELECT id, SUM(v) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND INTERVAL 2 DAY FOLLOWING), \
                 SUM(v) OVER (ORDER BY t RANGE BETWEEN CURRENT ROW AND INTERVAL 2 HOUR FOLLOWING) FROM ev WHERE id > 5 ORDER BY id"),
        ["6|32|32", "7|64|64"]
    );
}

#[test]
fn named_windows_as_mysql_reads_them() {
    let mut db = Db::new();
    db.run("CREATE TABLE numbers (id INT PRIMARY KEY, val INT)");
    db.run("INSERT INTO numbers VALUES (1, 1), (2, 1), (3, 2), (4, 3), (5, 3), (6, 3), (7, 4), (8, 4), (9, 5)");
    // The manual's example.
    assert_eq!(
        printed(
            &mut db,
            "SELECT val, ROW_NUMBER() OVER w AS 'row_number', RANK() OVER w AS 'rank', \
             DENSE_RANK() OVER w AS 'dense_rank' FROM numbers WINDOW w AS (ORDER BY val) ORDER BY id"
        ),
        [
            "1|1|1|1", "1|2|1|1", "2|3|3|2", "3|4|4|3", "3|5|4|3", "3|6|4|3", "4|7|7|4",
            "4|8|7|4", "5|9|9|5"
        ]
    );
    // A window taking another's partition and adding an ORDER BY and a frame; a name for a
    // name.
    let inline = printed(
        &mut db,
        "SELECT id, SUM(val) OVER (PARTITION BY val % 2 ORDER BY id ROWS 1 PRECEDING) FROM numbers ORDER BY id",
    );
    assert_eq!(
        printed(
            &mut db,
            "SELECT id, SUM(val) OVER (p ORDER BY id ROWS 1 PRECEDING) FROM numbers \
             WINDOW p AS (PARTITION BY val % 2) ORDER BY id"
        ),
        inline
    );
    assert_eq!(
        printed(
            &mut db,
            "SELECT id, SUM(val) OVER q FROM numbers \
             WINDOW p AS (PARTITION BY val % 2), o AS (p ORDER BY id), q AS (o ROWS 1 PRECEDING) ORDER BY id"
        ),
        inline
    );
    for (sql, error) in [
        ("SELECT SUM(val) OVER (w PARTITION BY id) FROM numbers WINDOW w AS (ORDER BY id)", "cannot define partitioning"),
        ("SELECT SUM(val) OVER (w ORDER BY val) FROM numbers WINDOW w AS (ORDER BY id)", "both contain an ORDER BY clause"),
        ("SELECT SUM(val) OVER (w ROWS 1 PRECEDING) FROM numbers WINDOW w AS (ORDER BY id ROWS 2 PRECEDING)", "has a frame definition"),
        ("SELECT SUM(val) OVER nope FROM numbers", "window name 'nope' is not defined"),
        ("SELECT SUM(val) OVER a FROM numbers WINDOW a AS (b), b AS (a)", "circularity in the window dependency graph"),
    ] {
        let e = db.err(sql);
        assert!(e.contains(error), "{sql}: {e}");
    }
}

#[test]
fn a_call_on_one_string_is_not_taken_for_as_of() {
    // `t AS OF 'rev'` is carried as `t('rev')`, which a call such as `upper('a')` looks like:
    // queries on the general path (grouping, joins, subqueries) refused such calls.
    let mut db = company();
    assert_eq!(
        printed(&mut db, "SELECT COUNT(*), UPPER('x') FROM emp GROUP BY 2"),
        ["5|X"]
    );
    assert_eq!(
        printed(
            &mut db,
            "SELECT e.name FROM emp e JOIN dept d ON e.dept_id = d.id WHERE d.name = LOWER('SALES') ORDER BY e.name"
        ),
        printed(
            &mut db,
            "SELECT e.name FROM emp e JOIN dept d ON e.dept_id = d.id WHERE d.name = 'sales' ORDER BY e.name"
        )
    );
    assert!(db
        .err("SELECT COUNT(*), nope('x') FROM emp GROUP BY 2")
        .contains("function nope"));
    assert!(db
        .err("SELECT * FROM emp e JOIN dept AS OF 'v1' d ON e.dept_id = d.id")
        .contains("AS OF 'v1' here"));
}

#[test]
fn update_and_delete_take_order_by_and_limit() {
    let mut db = Db::new();
    db.run("CREATE TABLE t (id INT PRIMARY KEY, n INT, s VARCHAR(5))");
    db.run("INSERT INTO t VALUES (1, 30, 'a'), (2, 10, 'b'), (3, 20, 'a'), (4, NULL, 'b'), (5, 10, 'a')");
    let affected = |db: &mut Db, sql: &str| db.exec(sql).unwrap().last().and_then(|r| r.affected);
    assert_eq!(
        affected(&mut db, "UPDATE t SET s = 'z' ORDER BY id DESC LIMIT 2"),
        Some(2)
    );
    assert_eq!(
        printed(&mut db, "SELECT id FROM t WHERE s = 'z' ORDER BY id"),
        ["4", "5"]
    );
    // Ties keep key order; NULLs sort first; LIMIT 0 changes nothing.
    assert_eq!(
        affected(
            &mut db,
            "DELETE FROM t WHERE n IS NOT NULL ORDER BY n LIMIT 1"
        ),
        Some(1)
    );
    assert_eq!(
        printed(&mut db, "SELECT id FROM t ORDER BY id"),
        ["1", "3", "4", "5"]
    );
    assert_eq!(
        affected(&mut db, "UPDATE t SET n = 0 ORDER BY n LIMIT 1"),
        Some(1)
    );
    assert_eq!(printed(&mut db, "SELECT id FROM t WHERE n = 0"), ["4"]);
    assert_eq!(affected(&mut db, "DELETE FROM t LIMIT 0"), Some(0));
    assert_eq!(
        affected(&mut db, "DELETE FROM t WHERE s = 'a' LIMIT 5"),
        Some(2)
    );
    assert_eq!(printed(&mut db, "SELECT id FROM t ORDER BY id"), ["4", "5"]);
    // An ORDER BY alone orders nothing a statement checked as a whole could tell.
    assert_eq!(
        affected(&mut db, "UPDATE t SET n = n + 1 ORDER BY s DESC"),
        Some(2)
    );
    assert!(db.err("DELETE FROM t LIMIT -1").contains("LIMIT"));
    db.run("CREATE TABLE k (a INT)");
    assert!(db
        .err("DELETE FROM k LIMIT 1")
        .contains("without a primary key"));
}
