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
# How many times the first backup and the restore run, each into a fresh destination.
FIRST_RUNS = 5
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

        rows = []

        def measure(name, tools, samples=1):
            """Appends a row for each tool of `tools(k)`: its median time of `samples` runs, taken
            in turns with the other tools', and what its first run (k == 0) wrote and its peak
            memory. Each run k > 0 goes to a destination of its own, deleted after it; k == 0's
            stays for the cases after this one."""
            runs = {}
            for k in range(samples):
                for tool, cmd, cwd, dest, env in tools(k):
                    runs.setdefault(tool, []).append(run(cmd, cwd, dest, env))
                    if k:
                        shutil.rmtree(dest, ignore_errors=True)
            for tool, taken in runs.items():
                took = sorted(t for t, _, _ in taken)[len(taken) // 2]
                rows.append((name, tool, took, taken[0][1], taken[0][2]))

        def at(name, k):
            return os.path.join(work, name if k == 0 else f"{name}-{k}")

        def syncs(tag, k=0):
            def restic_repo():
                repo = at("restic", k)
                if not os.path.exists(repo):
                    subprocess.run(["restic", "init", "-r", repo, "--quiet"], env=ENV, check=True, stdout=subprocess.DEVNULL)
                return repo

            bk, bk_enc = at("bk", k), at("bk-enc", k)
            cp, cps, rsync = at(f"cp-{tag}", k), at(f"cps-{tag}", k), at("rsync", k)
            return [
                ("cairn backup", [CAIRN, "backup", "sync-url", f"file://{bk}", "--quiet"], db, bk, ENV),
                ("cairn backup, encrypted", [CAIRN, "backup", "sync-url", "--encrypt", f"file://{bk_enc}", "--quiet"], db, bk_enc, SEALED),
                ("cp -a", ["cp", "-a", db, cp], work, cp, ENV),
                # cairn fsyncs what it writes; cp does not, so this row is the like-for-like one.
                ("cp -a, then sync", ["sh", "-c", f"cp -a '{db}' '{cps}' && sync -f '{cps}'"], work, cps, ENV),
                ("rsync -a", ["rsync", "-a", db + "/", rsync + "/"], work, rsync, ENV),
                ("restic backup", ["restic", "-r", restic_repo(), "backup", "--quiet", db], work, at("restic", k), ENV),
            ]

        def restores(k):
            back = {name: at(name, k) for name in ("restored", "restored-enc", "cp-back", "cps-back", "rsync-back", "restic-back")}
            return [
                ("cairn backup", [CAIRN, "backup", "restore", "--quiet", "file://bk", back["restored"]], work, back["restored"], ENV),
                ("cairn backup, encrypted", [CAIRN, "backup", "restore", "--quiet", "file://bk-enc", back["restored-enc"]], work, back["restored-enc"], SEALED),
                ("cp -a", ["cp", "-a", at("cp-first", 0), back["cp-back"]], work, back["cp-back"], ENV),
                ("cp -a, then sync", ["sh", "-c", f"cp -a '{at('cp-first', 0)}' '{back['cps-back']}' && sync -f '{back['cps-back']}'"], work, back["cps-back"], ENV),
                ("rsync -a", ["rsync", "-a", at("rsync", 0) + "/", back["rsync-back"] + "/"], work, back["rsync-back"], ENV),
                ("restic restore", ["restic", "-r", at("restic", 0), "restore", "latest", "--quiet", "--target", back["restic-back"]], work, back["restic-back"], ENV),
            ]

        # The first backup and the restore are the goals' cases (scripts/bench_goals.py): the
        # median of FIRST_RUNS, as one run was mostly the disk's fsyncs of the moment.
        measure("first backup", lambda k: syncs("first", k), FIRST_RUNS)
        run([CAIRN, "sql", "-q", "update t set b = 'changed' where id = 500000"], db)
        measure("after one row changed", lambda k: syncs("one"))
        run([CAIRN, "sql", "-q", f"update t set a = a + 1 where id < {ROWS // 100}"], db)
        measure("after 1% of rows changed", lambda k: syncs("pct"))
        measure("restore", restores, FIRST_RUNS)

        took, _, rss = run([CAIRN, "backup", "verify", "file://bk"], work)
        rows.append(("verify (read and hash everything)", "cairn backup", took, 0, rss))
        took, _, rss = run([CAIRN, "backup", "verify", "file://bk-enc"], work, None, SEALED)
        rows.append(("verify (read and hash everything)", "cairn backup, encrypted", took, 0, rss))
        took, _, rss = run(["restic", "-r", os.path.join(work, "restic"), "check", "--read-data", "--quiet"], work)
        rows.append(("verify (read and hash everything)", "restic check --read-data", took, 0, rss))

        print(f"Database: {ROWS:,} rows, {size(tree_bytes(os.path.join(db, '.cairn')))} on disk.\n")
        print(f"The first backup and the restore: each tool's median of {FIRST_RUNS} runs, taken in turns.\n")
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
