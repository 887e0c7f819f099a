"""SQLite's own speed on issue 3's database cases, for the same machine and the same rows,
printed as `case<TAB>sqlite<TAB>value<TAB>unit` lines beside cairn-bench's."""
import os
import sqlite3
import tempfile
import time

ROWS = 1_000_000

with tempfile.TemporaryDirectory() as scratch:
    db = sqlite3.connect(os.path.join(scratch, "bench.sqlite"))
    db.execute("create table t (id int primary key, a int, b varchar(20), c double)")
    rows = [(i, i * 7 % 1000, f"name-{i}", (i % 997) + 0.5) for i in range(ROWS)]
    started = time.perf_counter()
    with db:  # one transaction, committed at the end
        db.executemany("insert into t values (?, ?, ?, ?)", rows)
    took = time.perf_counter() - started
    print(f"insert 1,000,000 rows (one statement) and commit\tsqlite\t{ROWS / took:.1f}\trows/s")

    lookups = 2000
    started = time.perf_counter()
    for k in range(lookups):
        assert db.execute("select * from t where id = ?", (k * 7919 % ROWS,)).fetchone()
    took = time.perf_counter() - started
    print(f"point lookup by primary key (SQL)\tsqlite\t{took * 1e6 / lookups:.1f}\tµs")

    # The fastest of three scans, as cairn-bench takes.
    took = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        db.execute("select count(*) from t where c >= 0").fetchone()
        took = min(took, time.perf_counter() - started)
    print(f"full scan with a filter, 1,000,000 rows\tsqlite\t{ROWS / took:.1f}\trows/s")
    db.close()
