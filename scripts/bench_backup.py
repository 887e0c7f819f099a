"""Backups of a generated 1,000,000-row database (about 100 MB) with `cairn backup` beside
`cp -a`, `rsync -a` and `restic backup` of the database folder, run in one invocation:
wall time, bytes written at the destination, and the peak memory of the process.

Usage: python3 scripts/bench_backup.py path/to/release/cairn [RAW.tsv]
Prints a Markdown table; with RAW.tsv, also writes its rows there as `case<TAB>tool<TAB>ms`
lines (scripts/bench.sh reads them for the goals table)."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

CAIRN = os.path.abspath(sys.argv[1])
RAW = sys.argv[2] if len(sys.argv) > 2 else None
ROWS = 1_000_000
DUMP = """
import sys
path, rows = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("create table t (id int primary key, a int, b varchar(80), c double);\\ninsert into t values ")
    for i in range(rows):
        f.write(("," if i else "") + f"({i},{i * 7 % 1000},'row {i:07d} of a generated table for the backup benchmark',{i % 997}.5)")
    f.write(";\\n")
"""
ENV = dict(os.environ, RESTIC_PASSWORD="bench", CAIRN_USER_NAME="bench", CAIRN_USER_EMAIL="b@e")
# Only for the encrypted backup's commands: a password refuses a backup that is not encrypted.
SEALED = dict(ENV, CAIRN_PASSWORD="bench")


def tree_bytes(path):
    total = 0
    for folder, _, files in os.walk(path):
        for f in files:
            p = os.path.join(folder, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def run(cmd, cwd, measured=None, env=ENV):
    """Runs cmd; returns (seconds, bytes the folder `measured` grew by, peak RSS in bytes)."""
    before = tree_bytes(measured) if measured and os.path.exists(measured) else 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - started
    err = proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed: {err}")
    after = tree_bytes(measured) if measured and os.path.exists(measured) else 0
    return took, after - before, usage.ru_maxrss * 1024


def size(n):
    for unit in ["B", "KiB", "MiB", "GiB"]:
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def generate(work):
    """Creates the database of ROWS rows, committed, in WORK/db; returns its path."""
    db = os.path.join(work, "db")
    os.mkdir(db)
    run([CAIRN, "init"], db)
    dump = os.path.join(work, "dump.sql")
    # Written by a child process, so this one stays small: a child's peak memory as the
    # kernel reports it includes what it inherited before exec.
    subprocess.run([sys.executable, "-c", DUMP, dump, str(ROWS)], check=True)
    with open(dump) as stdin:
        subprocess.run([CAIRN, "sql"], cwd=db, env=ENV, stdin=stdin, stdout=subprocess.DEVNULL, check=True)
    run([CAIRN, "commit", "-a", "-m", "rows"], db)
    return db


def main():
    work = tempfile.mkdtemp(prefix="cairn-bench-")
    try:
        db = generate(work)
        subprocess.run(["restic", "init", "-r", os.path.join(work, "restic"), "--quiet"], env=ENV, check=True, stdout=subprocess.DEVNULL)

        rows = []

        def case(name, cairn_cmd, others):
            took, written, rss = run(cairn_cmd, db, os.path.join(work, "bk"))
            rows.append((name, "cairn backup", took, written, rss))
            took, written, rss = run(sealed_sync, db, os.path.join(work, "bk-enc"), SEALED)
            rows.append((name, "cairn backup, encrypted", took, written, rss))
            for tool, cmd, cwd, dest in others:
                took, written, rss = run(cmd, cwd, dest)
                rows.append((name, tool, took, written, rss))

        def copies(tag):
            return [
                ("cp -a", ["cp", "-a", db, os.path.join(work, f"cp-{tag}")], work, os.path.join(work, f"cp-{tag}")),
                # cairn fsyncs what it writes; cp does not, so this row is the like-for-like one.
                ("cp -a, then sync", ["sh", "-c", f"cp -a '{db}' '{work}/cps-{tag}' && sync -f '{work}/cps-{tag}'"], work, os.path.join(work, f"cps-{tag}")),
                ("rsync -a", ["rsync", "-a", db + "/", os.path.join(work, "rsync") + "/"], work, os.path.join(work, "rsync")),
                ("restic backup", ["restic", "-r", os.path.join(work, "restic"), "backup", "--quiet", db], work, os.path.join(work, "restic")),
            ]

        sync = [CAIRN, "backup", "sync-url", "file://../bk", "--quiet"]
        sealed_sync = [CAIRN, "backup", "sync-url", "--encrypt", "file://../bk-enc", "--quiet"]
        case("first backup", sync, copies("first"))
        run([CAIRN, "sql", "-q", "update t set b = 'changed' where id = 500000"], db)
        case("after one row changed", sync, copies("one"))
        run([CAIRN, "sql", "-q", f"update t set a = a + 1 where id < {ROWS // 100}"], db)
        case("after 1% of rows changed", sync, copies("pct"))

        took, written, rss = run([CAIRN, "backup", "restore", "--quiet", "file://bk", "restored"], work, os.path.join(work, "restored"))
        rows.append(("restore", "cairn backup", took, written, rss))
        restore = [CAIRN, "backup", "restore", "--quiet", "file://bk-enc", "restored-enc"]
        took, written, rss = run(restore, work, os.path.join(work, "restored-enc"), SEALED)
        rows.append(("restore", "cairn backup, encrypted", took, written, rss))
        for tool, cmd, dest in [
            ("cp -a", ["cp", "-a", os.path.join(work, "cp-first"), os.path.join(work, "cp-back")], "cp-back"),
            ("cp -a, then sync", ["sh", "-c", f"cp -a '{work}/cp-first' '{work}/cps-back' && sync -f '{work}/cps-back'"], "cps-back"),
            ("rsync -a", ["rsync", "-a", os.path.join(work, "rsync") + "/", os.path.join(work, "rsync-back") + "/"], "rsync-back"),
            ("restic restore", ["restic", "-r", os.path.join(work, "restic"), "restore", "latest", "--quiet", "--target", os.path.join(work, "restic-back")], "restic-back"),
        ]:
            took, written, rss = run(cmd, work, os.path.join(work, dest))
            rows.append(("restore", tool, took, written, rss))

        took, _, rss = run([CAIRN, "backup", "verify", "file://bk"], work)
        rows.append(("verify (read and hash everything)", "cairn backup", took, 0, rss))
        took, _, rss = run([CAIRN, "backup", "verify", "file://bk-enc"], work, None, SEALED)
        rows.append(("verify (read and hash everything)", "cairn backup, encrypted", took, 0, rss))
        took, _, rss = run(["restic", "-r", os.path.join(work, "restic"), "check", "--read-data", "--quiet"], work)
        rows.append(("verify (read and hash everything)", "restic check --read-data", took, 0, rss))

        print(f"Database: {ROWS:,} rows, {size(tree_bytes(os.path.join(db, '.cairn')))} on disk.\n")
        print("| case | tool | wall time | written | peak memory |")
        print("|---|---|---:|---:|---:|")
        for name, tool, took, written, rss in rows:
            print(f"| {name} | {tool} | {took * 1000:,.0f} ms | {size(written)} | {size(rss)} |")
        if RAW:
            with open(RAW, "w") as raw:
                raw.writelines(f"{name}\t{tool}\t{took * 1000:.1f}\n" for name, tool, took, _, _ in rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
