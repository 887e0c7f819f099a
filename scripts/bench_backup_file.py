"""Peak memory and time of a backup file (`.cairnbak`) round trip at scale: `backup export` of
a backup of a generated database, then `backup verify`, `backup snapshots` and `backup restore`
from the file. Several builds may be given: each runs every case on the same backup, so a
table compares them (before and after a change).

Usage: python3 scripts/bench_backup_file.py [--rows N] [--work DIR] path/to/cairn [more/cairn ...]
With --work, the database and its backup are kept in DIR and used again by a later run.
Prints a Markdown table."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from bench_backup import ENV, run, size, tree_bytes

# Rows go in by statements of this many rows: `cairn sql` reads its input whole.
BATCH = 1_000_000
DUMP = """
import sys
path, first, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    if first == 0:
        f.write("create table t (id int primary key, a int, b varchar(80), c double);\\n")
    f.write("insert into t values ")
    for i in range(first, first + rows):
        f.write(("," if i > first else "") + f"({i},{i * 7 % 1000},'row {i:08d} of a generated table for the backup benchmark',{i % 997}.5)")
    f.write(";\\n")
"""


def generate(cairn, work, rows):
    """The backup of a database of `rows` rows, made once in WORK: its URL seen from WORK."""
    db, backup = os.path.join(work, "db"), os.path.join(work, "bk")
    if os.path.exists(backup):
        return "file://bk"
    shutil.rmtree(db, ignore_errors=True)
    os.mkdir(db)
    run([cairn, "init"], db)
    dump = os.path.join(work, "dump.sql")
    for first in range(0, rows, BATCH):
        subprocess.run([sys.executable, "-c", DUMP, dump, str(first), str(min(BATCH, rows - first))], check=True)
        with open(dump) as stdin:
            subprocess.run([cairn, "sql"], cwd=db, env=ENV, stdin=stdin, stdout=subprocess.DEVNULL, check=True)
        os.remove(dump)
    run([cairn, "commit", "-a", "-m", "rows"], db)
    run([cairn, "backup", "sync-url", "--quiet", "file://../bk"], db)
    return "file://bk"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--work")
    parser.add_argument("cairn", nargs="+")
    args = parser.parse_args()
    builds = [os.path.abspath(c) for c in args.cairn]
    work = args.work or tempfile.mkdtemp(prefix="cairn-bench-file-")
    os.makedirs(work, exist_ok=True)
    try:
        url = generate(builds[0], work, args.rows)
        table = []
        for n, cairn in enumerate(builds):
            file = f"b{n}.cairnbak"
            for name, cmd in [
                ("export", [cairn, "backup", "export", "--quiet", url, file]),
                ("verify from the file", [cairn, "backup", "verify", "--quiet", file]),
                ("snapshots from the file", [cairn, "backup", "snapshots", file]),
                ("restore from the file", [cairn, "backup", "restore", "--quiet", file, f"restored{n}"]),
            ]:
                took, _, rss = run(cmd, work)
                table.append((name, os.path.basename(os.path.dirname(cairn)) or cairn, cairn, took, rss))
            file_size = os.path.getsize(os.path.join(work, file))
            os.remove(os.path.join(work, file))
            shutil.rmtree(os.path.join(work, f"restored{n}"))
        print(f"Database: {args.rows:,} rows; its backup {size(tree_bytes(os.path.join(work, 'bk')))}, "
              f"the .cairnbak {size(file_size)}.\n")
        print("| case | build | wall time | peak memory |")
        print("|---|---|---:|---:|")
        for name, _, cairn, took, rss in table:
            print(f"| {name} | `{cairn}` | {took * 1000:,.0f} ms | {size(rss)} |")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
