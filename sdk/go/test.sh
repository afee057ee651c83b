#!/bin/sh
# The Go SDK's checks: its unit tests (go test, offline, in GOPATH mode) and that the committed
# protos' Go code is what generate.sh makes from sdk/proto today.
# Usage: test.sh [GO_SYSTEM_PATH] (default /usr/share/gocode, where Debian's Go packages live).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
system=${1:-/usr/share/gocode}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Go's own cache under $HOME keeps gRPC compiled between runs; without a home, a scratch one.
cache=${GOCACHE:-}
if [ -z "$cache" ]; then
  if [ -n "${HOME:-}" ]; then cache=$HOME/.cache/go-build; else cache=$scratch/cache; fi
fi
GO111MODULE=off GOFLAGS= GOPROXY=off GOPATH="$here:$system" GOCACHE="$cache" go test -count=1 hostsdk
if command -v protoc-gen-go >/dev/null && command -v protoc-gen-go-grpc >/dev/null; then
  "$here/generate.sh" "$scratch"
  diff -r "$here/src/hostsdk/pb" "$scratch/hostsdk/pb" ||
    { echo "sdk/go/src/hostsdk/pb is out of date: run sdk/go/generate.sh" >&2; exit 1; }
else
  echo "protoc-gen-go or protoc-gen-go-grpc missing: the generated code was not compared"
fi
