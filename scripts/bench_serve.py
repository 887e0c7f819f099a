"""`cairn serve` (http://127.0.0.1) against the same work on file:// folders, in one invocation:

1. one client: the first `backup sync-url` of bench_backup.py's 1,000,000-row database, and its
   `backup restore` (wall time and MB/s of the backup's size);
2. K clients at once, each with its own database, for R rounds of: a one-row commit, a
   `backup sync` to its own backup, a `push` of its own branch to one shared remote (the
   latency of every sync and push, as a whole process: p50 and p99; and the acknowledged
   operations per second, all clients together). Pushes race on the shared remote's
   manifest; one that loses starts again by itself, and one that loses every time fails
   saying so (counted as a lost race; the next round pushes again).

The server is one `cairn serve` this script starts (port 0) and stops, with one write token.

Usage: python3 scripts/bench_serve.py path/to/release/cairn [--clients K] [--rounds R]
Prints Markdown tables."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_backup import CAIRN, ENV, ROWS, generate, run, size, tree_bytes  # noqa: E402


def cairn(args, cwd):
    """Runs `cairn ARGS` in cwd; returns (seconds, exit code, stderr)."""
    started = time.perf_counter()
    proc = subprocess.run([CAIRN, *args], cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - started, proc.returncode, proc.stderr


def must(args, cwd):
    took, code, err = cairn(args, cwd)
    if code != 0:
        sys.exit(f"bench: cairn {' '.join(args)} failed: {err}")
    return took


def start_server(served, log):
    """`cairn serve` on a free port, with a write token in ENV's CAIRN_TOKEN: the process and
    its http:// URL."""
    os.mkdir(served)
    out = subprocess.run([CAIRN, "serve", "token", "add", "--scope", "write", served], env=ENV,
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    ENV["CAIRN_TOKEN"] = out.strip().splitlines()[-1]
    server = subprocess.Popen([CAIRN, "serve", "--listen", "127.0.0.1:0", served], env=ENV,
                              stdout=subprocess.PIPE, stderr=log, text=True)
    first = server.stdout.readline().strip()
    if not first.startswith("listening on "):
        sys.exit(f"bench: cairn serve said {first!r}")
    return server, first[len("listening on "):]


def percentile(values, p):
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def clients(work, base, k, rounds):
    """K clients' rounds against stores under `base` (a URL prefix): latencies of syncs and
    pushes, lost push races, and the wall time of the whole."""
    dirs = []
    for i in range(k):
        d = os.path.join(work, f"c{i}")
        os.mkdir(d)
        for args in (["init"], ["checkout", "-b", f"c{i}"], ["sql", "-q", "create table t (id int primary key, v text)"],
                     ["backup", "add", "b", f"{base}/backups/c{i}"], ["remote", "add", "origin", f"{base}/shared"]):
            must(args, d)
        dirs.append(d)

    def client(i):
        syncs, pushes, lost = [], [], 0
        for n in range(rounds):
            must(["sql", "-q", f"insert into t values ({n}, 'client {i} round {n}')"], dirs[i])
            must(["commit", "-a", "-m", f"round {n}"], dirs[i])
            syncs.append(must(["backup", "sync", "b", "--quiet"], dirs[i]))
            took, code, err = cairn(["push", "origin", f"c{i}", "--quiet"], dirs[i])
            if code == 0:
                pushes.append(took)
            elif "kept changing remote" in err:
                lost += 1
            else:
                sys.exit(f"bench: push failed: {err}")
        return syncs, pushes, lost

    started = time.perf_counter()
    with ThreadPoolExecutor(k) as pool:
        done = list(pool.map(client, range(k)))
    wall = time.perf_counter() - started
    syncs = [t for s, _, _ in done for t in s]
    pushes = [t for _, p, _ in done for t in p]
    for d in dirs:
        must(["backup", "verify", "b"], d)
    must(["backup", "verify", f"{base}/shared"], work)
    return syncs, pushes, sum(lost for _, _, lost in done), wall


def main():
    options = argparse.ArgumentParser()
    options.add_argument("cairn")
    options.add_argument("--clients", type=int, default=4)
    options.add_argument("--rounds", type=int, default=25)
    args = options.parse_args()
    work = tempfile.mkdtemp(prefix="cairn-bench-serve-")
    server = None
    try:
        db = generate(work)
        with open(os.path.join(work, "serve.log"), "w") as log:
            server, origin = start_server(os.path.join(work, "served"), log)
            bases = {"file://": f"file://{work}/folders", "http://": origin}
            for base in bases.values():
                if base.startswith("file://"):
                    os.makedirs(base[len("file://"):])
            load = [os.getloadavg()]
            bulk = []
            for store, base in bases.items():
                url = f"{base}/big"
                took_sync = must(["backup", "sync-url", url, "--quiet"], db)
                restored = os.path.join(work, f"restored-{store[:4]}")
                took_restore = must(["backup", "restore", "--quiet", url, restored], work)
                folder = os.path.join(work, "folders", "big") if store == "file://" else os.path.join(work, "served", "big")
                bulk.append((store, tree_bytes(folder), took_sync, took_restore))
            concurrent = []
            for store, base in bases.items():
                mine = os.path.join(work, f"clients-{store[:4]}")
                os.mkdir(mine)
                concurrent.append((store, *clients(mine, base, args.clients, args.rounds)))
            load.append(os.getloadavg())

        print(f"Database: {ROWS:,} rows; backup {size(bulk[0][1])}. {args.clients} clients x {args.rounds} "
              f"rounds. Load average (1 min) {load[0][0]:.1f} before, {load[1][0]:.1f} after.\n")
        print("| work | store | wall time | throughput |")
        print("|---|---|---:|---:|")
        for store, stored, took_sync, took_restore in bulk:
            for work_name, took in (("first backup sync, 1M rows", took_sync), ("restore, 1M rows", took_restore)):
                print(f"| {work_name} | {store} | {took * 1000:,.0f} ms | {stored / took / 1e6:,.0f} MB/s |")
        print()
        print(f"| work ({args.clients} clients at once) | store | acknowledged | p50 | p99 | operations/s |")
        print("|---|---|---:|---:|---:|---:|")
        for store, syncs, pushes, lost, wall in concurrent:
            rate = (len(syncs) + len(pushes)) / wall
            print(f"| backup sync after a one-row commit | {store} | {len(syncs)} | {percentile(syncs, 50) * 1000:,.1f} ms "
                  f"| {percentile(syncs, 99) * 1000:,.1f} ms | {rate:,.1f} (syncs and pushes) |")
            print(f"| push of its own branch to a shared remote | {store} | {len(pushes)} ({lost} lost races) "
                  f"| {percentile(pushes, 50) * 1000:,.1f} ms | {percentile(pushes, 99) * 1000:,.1f} ms | |")
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
