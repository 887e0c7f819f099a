"""Issue 16's goals, each a ratio against a peer measured in the same `scripts/bench.sh` run,
printed as a Markdown table: the measure, the peer's figure, Cairn's, the ratio, the goal and
whether this run meets it. Reads the raw lines bench.sh wrote, and the wasm module's size.

Usage: python3 scripts/bench_goals.py target/bench npm/dist/cairn_wasm_bg.wasm"""
import os
import sys

raw, wasm = sys.argv[1], sys.argv[2]

figures = {}
for name in ("native.tsv", "node-wasm.tsv", "sqlite.tsv"):
    path = os.path.join(raw, name)
    if os.path.exists(path):
        for line in open(path):
            case, runtime, value, _unit = line.rstrip("\n").split("\t")
            figures[(case, runtime)] = float(value)
path = os.path.join(raw, "backup.tsv")
if os.path.exists(path):
    for line in open(path):
        case, tool, ms = line.rstrip("\n").split("\t")
        figures[(case, tool)] = float(ms)


def brotli_size(path):
    """The module's size as a server would send it, brotli at its best (-q 11)."""
    try:
        import brotli
    except ImportError:
        return None
    with open(path, "rb") as f:
        return len(brotli.compress(f.read(), quality=11))


LOOKUP, SCAN, INSERT = "point lookup by primary key (SQL)", "full scan with a filter, 1,000,000 rows", "insert 1,000,000 rows (one statement) and commit"
READ, SYNC = "chunk store read, filesystem", "backup sync, 1M-row database (first)"
VISITS = (
    ("first visit", "browser: first visit, navigation to first query result, localhost (median of 5)"),
    ("return visit", "browser: return visit, navigation to first query result, localhost (median of 5)"),
)

# (measure, peer's name, peer's key or a fixed bound, Cairn's key, unit, how Cairn compares: the ratio's sense, goal)
goals = [
    ("point lookup by primary key through SQL", "SQLite", (LOOKUP, "sqlite"), (LOOKUP, "native"), "µs", "<=", 1.5),
    ("full scan with a filter, 1M rows", "SQLite", (SCAN, "sqlite"), (SCAN, "native"), "rows/s", ">=", 1.0),
    ("bulk insert 1M rows + commit", "SQLite", (INSERT, "sqlite"), (INSERT, "native"), "rows/s", ">=", 2.0),
    ("first backup of the 1M-row database", "rsync -a", ("first backup", "rsync -a"), ("first backup", "cairn backup"), "ms", "<=", 1.0),
    ("restore", "rsync -a", ("restore", "rsync -a"), ("restore", "cairn backup"), "ms", "<=", 1.0),
    ("chunk reads through the Node fs adapter", "native", (READ, "native"), (READ, "node-wasm"), "MB/s", ">=", 0.5),
    ("backup sync from Node", "native", (SYNC, "native"), (SYNC, "node-wasm"), "ms", "<=", 1.5),
]


def number(x):
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


print("| measure | peer | peer's figure | Cairn | ratio | goal | met |")
print("|---|---|---:|---:|---:|---|---|")
for measure, peer, peer_key, ours_key, unit, sense, goal in goals:
    theirs, ours = figures.get(peer_key), figures.get(ours_key)
    if theirs is None or ours is None:
        print(f"| {measure} | {peer} | – | – | – | {sense} {goal}x | not measured |")
        continue
    ratio = ours / theirs
    met = ratio <= goal if sense == "<=" else ratio >= goal
    print(f"| {measure} | {peer} | {number(theirs)} {unit} | {number(ours)} {unit} | {ratio:.2f}x | {sense} {goal}x | {'yes' if met else 'no'} |")

size = brotli_size(wasm) if os.path.exists(wasm) else None
if size is None:
    print("| wasm module, brotli | – | – | – | – | <= 1 MB | not measured (no module, or no brotli: pip install brotli) |")
else:
    print(f"| wasm module, brotli | – | – | {size / 1e6:.2f} MB | – | <= 1 MB | {'yes' if size <= 1e6 else 'no'} |")
for visit, key in VISITS:
    ms = figures.get((key, "chromium-wasm"))
    if ms is None:
        print(f"| browser: navigation to first query result, {visit} | – | – | – | – | <= 200 ms | not measured (no Chromium) |")
    else:
        print(f"| browser: navigation to first query result, {visit} (1M rows in IndexedDB) | – | – | {ms:,.0f} ms | – | <= 200 ms | {'yes' if ms <= 200 else 'no'} |")
