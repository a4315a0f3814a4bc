#!/usr/bin/env bash
# Installs what synctrace needs to build, test and run, from Debian's packages.
# Quiet and idempotent: when everything is there it only checks (well under a second).
set -euo pipefail

packages=(
  bazel-bootstrap bazel-platforms default-jdk-headless g++
  libsimdjson-dev libabsl-dev libncurses-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  tmux strace clang libclang-rt-14-dev
  socat
  runc busybox-static  # a real (1.1) runc and a one-binary rootfs for tests/real_runc
  golang-go            # a Go peer built like runc 1.2+ (tests/go_runc)
  containerd           # a real containerd 1.6, its runc shim and ctr (tests/containerd)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "synctrace setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
