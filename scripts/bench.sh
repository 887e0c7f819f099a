#!/usr/bin/env bash
# Benchmarks, native and the wasm build in Node, run in one invocation and printed as one
# table (Markdown, ready for docs/BENCHMARKS.md). Raw TSV lines go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh
mkdir -p target/bench

echo "native benchmarks..." >&2
cargo run --release --locked --quiet --bin cairn-bench > target/bench/native.tsv
echo "wasm build and its benchmarks in Node..." >&2
npm/scripts/build-wasm.sh >&2
(cd npm && node bench/bench.mjs) > target/bench/node-wasm.tsv

python3 - target/bench/native.tsv target/bench/node-wasm.tsv <<'PY'
import sys
rows, runtimes = {}, []
for path in sys.argv[1:]:
    for line in open(path):
        case, runtime, value, unit = line.rstrip("\n").split("\t")
        rows.setdefault((case, unit), {})[runtime] = float(value)
        if runtime not in runtimes:
            runtimes.append(runtime)
print(f"| case | unit | {' | '.join(runtimes)} | {runtimes[-1]} / {runtimes[0]} |")
print("|---|---|" + "---:|" * (len(runtimes) + 1))
for (case, unit), values in rows.items():
    cells = [f"{values[r]:,.0f}" if r in values else "–" for r in runtimes]
    first, last = values.get(runtimes[0]), values.get(runtimes[-1])
    ratio = f"{last / first:.2f}" if first and last else "–"
    print(f"| {case} | {unit} | {' | '.join(cells)} | {ratio} |")
PY
