#!/bin/sh
# Regenerates the Go code of the wire, Module and Engine protos (src/hostsdk/pb) with protoc,
# protoc-gen-go and protoc-gen-go-grpc (Debian: protobuf-compiler, protoc-gen-go,
# protoc-gen-go-grpc). Run it after a change to sdk/proto/host/v1/*.proto and commit the result.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
map="Mhost/v1/wire.proto=hostsdk/pb,Mhost/v1/module.proto=hostsdk/pb,Mhost/v1/engine.proto=hostsdk/pb"
cd "$here/../proto"
protoc -I. --go_out="$here/src" --go_opt="$map" --go-grpc_out="$here/src" --go-grpc_opt="$map" \
  host/v1/wire.proto host/v1/module.proto host/v1/engine.proto
