#!/usr/bin/env bash
# The README's second command: set up, build everything, and run every test
# twice, normally and under AddressSanitizer + UndefinedBehaviorSanitizer
# (--config=asan, its own output directory so neither build evicts the other),
# then a short libFuzzer run of the decoder (tools/fuzz.sh, about a minute),
# then an aarch64 type-check of the syscall injection (tools/aarch64_check.sh).
# Prints a closing "N passed, N failed" line counting all of them and exits
# non-zero on any failure. Extra arguments go to both `bazel test` runs.
#   SYNCTRACE_FUZZ_SECONDS=0 tools/test.sh   # skip the fuzz run
set -uo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
echo "== tests" >&2
bazel test //... "$@" 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
echo "== tests under ASan + UBSan (--config=asan)" >&2
bazel test --config=asan //... "$@" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
fuzz_seconds=${SYNCTRACE_FUZZ_SECONDS:-15}
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== fuzzing the decoder, ${fuzz_seconds}s per target (tools/fuzz.sh)" >&2
  tools/fuzz.sh "$fuzz_seconds" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
fi
echo "== aarch64 type-check of the syscall injection (tools/aarch64_check.sh)" >&2
tools/aarch64_check.sh 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1

passed=$(grep -cE '^(//[^ ]+ +(\(cached\) )?PASSED|fuzz: [^ ]+ ok:|aarch64: [^ ]+ ok)' "$log")
failed=$(grep -cE '^(//[^ ]+ +(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)|fuzz: [^ ]+ FAILED|aarch64: [^ ]+ FAILED)' "$log")
echo "${passed} passed, ${failed} failed"
exit "$rc"
