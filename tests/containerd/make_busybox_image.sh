#!/bin/bash
# File: tests/containerd/make_busybox_image.sh
#
# Writes a one-layer OCI image tarball (oci-layout, index.json, blobs/sha256/*)
# whose rootfs is /bin/busybox with a few applet links in /bin, named
# synctrace.test/busybox:latest. No registry needed: `ctr images import` reads it.
#
# Usage: make_busybox_image.sh OUT.tar
#   ctr -a SOCK images import --snapshotter native --all-platforms OUT.tar
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT.tar" >&2
  exit 2
fi
out=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Stores file $1 as a blob; prints "sha256:<hex> <size>".
add_blob() {
  local digest size
  digest=$(sha256sum "$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  mv "$1" "$work/image/blobs/sha256/$digest"
  echo "sha256:$digest $size"
}

mkdir -p "$work/rootfs/bin" "$work/image/blobs/sha256"
cp /bin/busybox "$work/rootfs/bin/busybox"
for applet in sh echo cat sleep true; do
  ln -s busybox "$work/rootfs/bin/$applet"
done
tar -C "$work/rootfs" --numeric-owner --owner=0 --group=0 -cf "$work/layer.tar" bin
# An uncompressed layer: its digest is also its diff_id.
read -r layer_digest layer_size < <(add_blob "$work/layer.tar")

arch=$(dpkg --print-architecture)  # amd64, arm64, ...: the OCI names too
printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$arch" "$layer_digest" >"$work/config.json"
read -r config_digest config_size < <(add_blob "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$work/manifest.json"
read -r manifest_digest manifest_size < <(add_blob "$work/manifest.json")

printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"io.containerd.image.name":"synctrace.test/busybox:latest","org.opencontainers.image.ref.name":"latest"}}]}' \
  "$manifest_digest" "$manifest_size" >"$work/image/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$work/image/oci-layout"
tar -C "$work/image" -cf "$out" oci-layout index.json blobs
