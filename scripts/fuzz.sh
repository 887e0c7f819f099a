#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ one after another, each for a bounded time, and fails if any
# of them crashes (docs/FUZZING.md):
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 60 s, every target)
#
# Each run starts from the committed corpus, fuzz/corpus/<target>/, and writes what it finds
# to fuzz/target/found/<target>/ (merge it with `cargo fuzz cmin` to keep it); a crashing
# input goes to fuzz/artifacts/<target>/. Prints each target's executions and coverage.
# Installs the nightly toolchain and cargo-fuzz first if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

seconds=${1:-60}
shift || true

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal >&2
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked >&2

cd fuzz
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
# No sanitizer: the code under test is safe Rust, and ASan halves the speed. Debug assertions
# and overflow checks stay on (cargo-fuzz's default), so an overflow is a crash.
fuzz=(cargo +nightly fuzz run --sanitizer none)
cargo +nightly fuzz build --sanitizer none

printf '%-12s %8s %12s %8s %6s %7s %s\n' target seconds execs execs/s cov ft corpus
failed=()
for target in "${targets[@]}"; do
  found=target/found/$target
  log=target/found/$target.log
  mkdir -p "$found" "corpus/$target"
  # -timeout: an input that takes seconds is a hang to report, not to wait for.
  if "${fuzz[@]}" "$target" "$found" "corpus/$target" -- \
      -max_total_time="$seconds" -timeout=20 -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$target")
  fi
  # libFuzzer's last status line ("#N DONE cov: C ft: F corp: N/SIZE ...") and its stats.
  done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$done_line")
  execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: //p' "$log")
  printf '%-12s %8s %12s %8s %6s %7s %s %s\n' "$target" "$seconds" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "${corp:-?}" "$([ $status = ok ] || echo "FAILED, see fuzz/$log")"
  if [ $status != ok ]; then
    grep -E 'panicked|ERROR|SUMMARY|Test unit written|timeout' "$log" | head -5 >&2 || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${failed[*]} failed" >&2
  exit 1
fi
