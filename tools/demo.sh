#!/usr/bin/env bash
# The README's first command: set up, build, and run `synctrace demo` (extra
# arguments are passed on, e.g. tools/demo.sh --scenario create).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
bazel build --ui_event_filters=-info,-stdout --noshow_progress //:synctrace
exec bazel-bin/synctrace demo "$@"
