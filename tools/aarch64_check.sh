#!/usr/bin/env bash
# Keeps the aarch64 half of the syscall injection building: type-checks
# tracer/interpose/*.cc for aarch64-linux-gnu with clang against Debian's arm64
# headers (libc6-dev, linux-libc-dev, libstdc++-12-dev, libgcc-12-dev), which it
# downloads once into a sysroot under ~/.cache (arm64 is added to dpkg's
# architectures only for the download, then removed again).
# Prints "aarch64: interpose ok" or "aarch64: interpose FAILED" and exits 0 / 1.
set -uo pipefail
cd "$(dirname "$0")/.."

sysroot="${HOME}/.cache/synctrace-arm64-sysroot"
packages=(libc6:arm64 libc6-dev:arm64 linux-libc-dev:arm64 libstdc++-12-dev:arm64 libgcc-12-dev:arm64)

if [ ! -f "$sysroot/.complete" ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  added=0
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64 && added=1
  fi
  $sudo apt-get update -qq >/dev/null 2>&1
  (cd "$work" && chmod 777 . && apt-get download -qq "${packages[@]}" >/dev/null 2>&1)
  got=$?
  if [ "$added" -eq 1 ]; then
    $sudo dpkg --remove-architecture arm64
    $sudo apt-get update -qq >/dev/null 2>&1
  fi
  if [ "$got" -ne 0 ]; then
    echo "aarch64: interpose FAILED (could not download the arm64 headers: ${packages[*]})"
    exit 1
  fi
  rm -rf "$sysroot" && mkdir -p "$sysroot"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
  touch "$sysroot/.complete"
fi

if clang++ --target=aarch64-linux-gnu --sysroot="$sysroot" -std=c++17 -fsyntax-only -Wall -Werror \
    -I. -idirafter /usr/include \
    -isystem "$sysroot/usr/include/c++/12" -isystem "$sysroot/usr/include/aarch64-linux-gnu/c++/12" \
    tracer/interpose/*.cc; then
  echo "aarch64: interpose ok"
else
  echo "aarch64: interpose FAILED"
  exit 1
fi
