#!/usr/bin/env bash
# Builds the decoder's libFuzzer targets (fuzz/) with clang 14 + ASan/UBSan and
# runs each for SECONDS (default 15, so about a minute for the four), starting
# from the seed corpus in fuzz/corpus/<target>/. Prints one line per target
# (executions, exec/s, corpus size) and exits non-zero if any input crashed,
# hung (> 10 s) or broke an invariant; the input is kept under $FUZZ_ARTIFACTS.
#   tools/fuzz.sh              # CI: ~60 s in all
#   tools/fuzz.sh 3600         # an hour per target
#   tools/fuzz.sh 600 sequence_fuzzer json_line_fuzzer
# A crash becomes a regression: copy the input to fuzz/regressions/<target>/
# (replayed by //fuzz:<target>_corpus_test) and add a GoogleTest next to the fix.
# The clang build uses its own Bazel output base (FUZZ_OUTPUT_BASE, default
# ~/.cache/synctrace-fuzz), so it never invalidates the gcc build.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-15}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(packet_fuzzer fd_packet_fuzzer sequence_fuzzer json_line_fuzzer)
output_base=${FUZZ_OUTPUT_BASE:-$HOME/.cache/synctrace-fuzz}
artifacts=${FUZZ_ARTIFACTS:-/tmp/synctrace-fuzz-artifacts}

labels=()
for t in "${targets[@]}"; do labels+=("//fuzz:$t"); done
# (gold warns about each of ASan's local check symbols when linking: noise.)
bazel --output_base="$output_base" build --symlink_prefix=/ --config=fuzz \
    --ui_event_filters=-info --noshow_progress "${labels[@]}" 2>&1 |
  grep -v "ld.gold: warning: Cannot export local symbol" >&2
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  echo "fuzz: building the fuzz targets with clang failed" >&2
  exit 1
fi
bin=$(bazel --output_base="$output_base" info --config=fuzz bazel-bin 2>/dev/null)

failed=0
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  mkdir -p "$artifacts/$t"
  log="$artifacts/$t/last-run.log"
  # New inputs go to the temporary first directory; the seeds are only read.
  "$bin/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$t/" \
      "$work" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  found=$(ls "$work" | wc -l)
  rm -rf "$work"
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "fuzz: $t FAILED (exit $rc): $(grep -m1 -E 'ERROR|fuzz check failed|Test unit written' "$log")" >&2
    echo "fuzz: $t inputs and log: $artifacts/$t/" >&2
  else
    echo "fuzz: $t ok: ${execs:-0} executions in ${seconds}s (${rate:-0} exec/s), $found new corpus inputs"
  fi
done
exit "$failed"
