#!/usr/bin/env bash
# Issue 15's engine decision (docs/ARCHITECTURE.md, "Our own SQL executor"): GlueSQL over its
# own in-memory store beside Cairn's executor over its prolly trees and SQLite, on the database
# cases of scripts/bench.sh, in one invocation; GlueSQL on the SQL oracle corpus (Cairn's own
# count is tests/sql_oracle.rs's, in docs/SQL.md); then the wasm module of GlueSQL alone beside
# Cairn's, built and optimised the same way. Prints Markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh
out=target/engine-study
mkdir -p "$out"

cargo build --release --locked --quiet --bin cairn-bench
(cd studies/engine && cargo build --release --locked --quiet --target-dir "../../$out/target" \
  && cargo build --release --locked --quiet --lib --target wasm32-unknown-unknown --target-dir "../../$out/target")
npm/scripts/build-wasm.sh >&2

cases='^(insert 1,000,000 rows|point lookup by primary key|full scan with a filter)'
target/release/cairn-bench | grep -E "$cases" > "$out/cairn.tsv"
"$out/target/release/engine-study" > "$out/gluesql.tsv"
python3 scripts/bench_sqlite.py > "$out/sqlite.tsv"
python3 - "$out/cairn.tsv" "$out/gluesql.tsv" "$out/sqlite.tsv" <<'PY'
import sys
rows, runtimes = {}, []
for path in sys.argv[1:]:
    for line in open(path):
        case, runtime, value, unit = line.rstrip("\n").split("\t")
        rows.setdefault((case, unit), {})[runtime] = float(value)
        runtimes += [runtime] if runtime not in runtimes else []
print(f"| case | unit | {' | '.join(runtimes)} |")
print("|---|---|" + "---:|" * len(runtimes))
for (case, unit), values in rows.items():
    cells = [f"{values[r]:,.1f}" if r in values else "–" for r in runtimes]
    print(f"| {case} | {unit} | {' | '.join(cells)} |")
PY

echo
python3 studies/engine/compare.py "$out/target/release/engine-study"

# The same wasm-opt arguments as the Cairn modules' (kept in bindings/wasm/Cargo.toml).
read -r -a opt_args <<<"$(sed -n 's/^wasm-opt = \[\(.*\)\]$/\1/p' bindings/wasm/Cargo.toml | tr -d '",')"
glue="$out/gluesql.wasm"
npm/node_modules/.bin/wasm-opt "${opt_args[@]}" \
  "$out/target/wasm32-unknown-unknown/release/engine_study.wasm" -o "$glue"
echo
node -e '
const { readFileSync } = require("node:fs");
const zlib = require("node:zlib");
console.log("| wasm module | raw | gzip -9 | brotli -11 |\n|---|---:|---:|---:|");
for (const [name, path] of [["Cairn (the core a page loads)", process.argv[1]], ["GlueSQL alone", process.argv[2]]]) {
  const b = readFileSync(path);
  const gz = zlib.gzipSync(b, { level: 9 }).length;
  const br = zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`| ${name} | ${b.length.toLocaleString("en")} B | ${gz.toLocaleString("en")} B | ${br.toLocaleString("en")} B |`);
}' npm/dist/cairn_wasm_bg.wasm "$glue"
