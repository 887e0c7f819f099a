#!/usr/bin/env bash
# Benchmarks, run in one invocation and printed as Markdown tables (ready for
# docs/BENCHMARKS.md): native, the wasm build in Node and SQLite side by side; then backups of
# a 1,000,000-row database beside cp -a, rsync -a and restic, and its backup file round trip;
# last, issue 16's goals as ratios against their peers (scripts/bench_goals.py).
# Raw lines go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh
for tool in rsync restic; do
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool"; } >&2
done
mkdir -p target/bench

echo "native benchmarks..." >&2
cargo run --release --locked --quiet --bin cairn-bench > target/bench/native.tsv
echo "wasm build and its benchmarks in Node..." >&2
npm/scripts/build-wasm.sh >&2
(cd npm && node bench/bench.mjs) > target/bench/node-wasm.tsv
echo "SQLite, the same rows..." >&2
python3 scripts/bench_sqlite.py > target/bench/sqlite.tsv

python3 - target/bench/native.tsv target/bench/node-wasm.tsv target/bench/sqlite.tsv <<'PY'
import sys
rows, runtimes = {}, []
for path in sys.argv[1:]:
    for line in open(path):
        case, runtime, value, unit = line.rstrip("\n").split("\t")
        rows.setdefault((case, unit), {})[runtime] = float(value)
        if runtime not in runtimes:
            runtimes.append(runtime)
print(f"| case | unit | {' | '.join(runtimes)} |")
print("|---|---|" + "---:|" * len(runtimes))
for (case, unit), values in rows.items():
    cells = [f"{values[r]:,.1f}" if r in values and values[r] < 100 else f"{values[r]:,.0f}" if r in values else "–" for r in runtimes]
    print(f"| {case} | {unit} | {' | '.join(cells)} |")
PY

echo
echo "backups of a 1,000,000-row database..." >&2
cargo build --release --locked --quiet -p cairn --bin cairn
python3 scripts/bench_backup.py target/release/cairn target/bench/backup.tsv

echo
echo "a backup file (.cairnbak) of a 1,000,000-row database: export, verify, restore..." >&2
python3 scripts/bench_backup_file.py target/release/cairn

echo
echo "issue 16's goals, each against its peer in this run:"
python3 -c "import brotli" 2>/dev/null || pip install --quiet brotli >&2 || pip install --quiet --break-system-packages brotli >&2
python3 scripts/bench_goals.py target/bench npm/dist/cairn_wasm_bg.wasm
