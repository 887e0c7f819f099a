"""The oracle for tests/sql_oracle.rs: runs setup.sql, then each query given on standard
input (one a line) through SQLite, and prints one JSON line per query: {"rows": [[...]]}
or {"error": "..."}. Cells: integers and floats as JSON numbers, text as strings, NULL as
null, blobs as {"blob": "<hex>"}.

Settings bring SQLite to the semantics Cairn implements (MySQL's, with Dolt's binary
collation): LIKE is case-sensitive; CONCAT exists (SQLite before 3.44 has none) with
MySQL's meaning, NULL when any argument is NULL; YEAR, MONTH and DAY (which SQLite lacks)
read the parts of a date written as MySQL writes it, YYYY-MM-DD.
"""
import json
import sqlite3
import sys


def concat(*args):
    if any(a is None for a in args):
        return None
    return "".join(str(a) for a in args)


def date_part(start, end):
    def part(v):
        if v is None:
            return None
        return int(str(v)[start:end])
    return part


def cell(v):
    if isinstance(v, bytes):
        return {"blob": v.hex()}
    return v


def main():
    setup_path = sys.argv[1]
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA case_sensitive_like = ON")
    db.create_function("concat", -1, concat, deterministic=True)
    for name, (start, end) in {"year": (0, 4), "month": (5, 7), "day": (8, 10)}.items():
        db.create_function(name, 1, date_part(start, end), deterministic=True)
    with open(setup_path, encoding="utf-8") as f:
        db.executescript(f.read())
    for line in sys.stdin:
        query = line.strip()
        if not query:
            continue
        try:
            rows = [[cell(v) for v in row] for row in db.execute(query).fetchall()]
            out = {"rows": rows}
        except sqlite3.Error as e:
            out = {"error": str(e)}
        print(json.dumps(out), flush=False)


main()
