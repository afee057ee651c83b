#!/bin/sh
# Regenerates the Go code of the wire, Module and Engine protos (src/hostsdk/pb) with protoc,
# protoc-gen-go and protoc-gen-go-grpc (Debian: protobuf-compiler, protoc-gen-go,
# protoc-gen-go-grpc). Run it after a change to sdk/proto/host/v1/*.proto and commit the result.
# Usage: generate.sh [OUT]: writes OUT/hostsdk/pb/*.go (default: this folder's src).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$here/src}" && pwd)
map="Mhost/v1/wire.proto=hostsdk/pb,Mhost/v1/module.proto=hostsdk/pb,Mhost/v1/engine.proto=hostsdk/pb"
cd "$here/../proto"
protoc -I. --go_out="$out" --go_opt="$map" --go-grpc_out="$out" --go-grpc_opt="$map" \
  host/v1/wire.proto host/v1/module.proto host/v1/engine.proto
