#!/usr/bin/env bash
# Installs everything host needs to build and test (Debian 12, as root), then configures and builds.
# Usage: scripts/setup.sh [BUILD_DIR]   (default: build)
#        scripts/setup.sh --no-build    (installs only)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
no_build=false
if [ "${1:-}" = --no-build ]; then
  no_build=true
  shift
fi
build=${1:-$top/build}

packages=(build-essential cmake ninja-build pkg-config git
  libboost-dev libprotobuf-dev protobuf-compiler libprotobuf-c-dev protobuf-c-compiler
  libgrpc++-dev protobuf-compiler-grpc nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev libc++-14-dev
  libc++abi-14-dev clang-format
  libarchive-dev crun runc busybox-static libcurl4-openssl-dev libzstd-dev libssl-dev
  docker-registry skopeo curl umoci gh python3 python3-grpcio python3-protobuf openssl podman
  lighttpd
  openssh-client bubblewrap libcmark-gfm-dev libcmark-gfm-extensions-dev libmicrohttpd-dev
  chromium)
# Go modules (sdk/go): Go, and gRPC and protobuf for Go, built offline from /usr/share/gocode. The
# 1.5 golang/protobuf is the one gRPC's codec needs with today's generated code (1.3 panics).
packages+=(golang-go golang-google-grpc-dev golang-google-protobuf-dev
  golang-github-golang-protobuf-1-5-dev protoc-gen-go protoc-gen-go-grpc)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Node.js, for the Node.js SDK and its tests (any node on PATH will do).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: installing nodejs npm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm
fi
# npm_ci DIR: the npm packages of DIR as its package-lock.json pins them, installed only when
# node_modules is missing or was installed from another package-lock.json.
npm_ci() {
  local dir=$1 digest
  digest=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$dir/node_modules/.host-lock-digest" 2>/dev/null)" != "$digest" ]; then
    echo "setup: installing the npm packages of ${dir#"$top"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$digest" >"$dir/node_modules/.host-lock-digest"
  fi
}
npm_ci "$top/sdk/node"
# playwright-core, which drives Debian's Chromium in the index site's browser tests (it downloads
# no browser of its own).
npm_ci "$top/tests/index_site"
# TypeScript, which checks the typings of Node.js clients in the Node.js tests.
npm_ci "$top/tests/node/typings"

$no_build && exit 0
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2
