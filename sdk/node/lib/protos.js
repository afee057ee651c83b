'use strict';
// Loads the host's .proto files: the gRPC services (module.proto, engine.proto) through
// @grpc/proto-loader, and the wire types (wire.proto) through protobufjs.
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

// The folder holding host/v1/*.proto: the package's own proto folder once installed (cmake
// --install copies them there, so they travel with the package), else sdk/proto beside sdk/node
// in the source tree. HOST_PROTO_DIR overrides both.
function protoDir() {
  const candidates = [
    process.env.HOST_PROTO_DIR,
    path.resolve(__dirname, '..', 'proto'),
    path.resolve(__dirname, '..', '..', 'proto'),
  ];
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, 'host', 'v1', 'wire.proto'))) return dir;
  }
  throw new Error(
      `cannot find host/v1/wire.proto in ${candidates.filter(Boolean).join(' or ')}; ` +
      'set HOST_PROTO_DIR to the folder holding host/v1/*.proto');
}

let loaded = null;

// The services and wire types, loaded once: {dir, Module, Engine, wire: {Value, Call, ...}}.
function protos() {
  if (loaded) return loaded;
  const dir = protoDir();
  const definition = protoLoader.loadSync(['host/v1/module.proto', 'host/v1/engine.proto'], {
    includeDirs: [dir],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const v1 = grpc.loadPackageDefinition(definition).host.v1;
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => path.join(dir, target);
  root.loadSync('host/v1/wire.proto', {keepCase: true});
  root.resolveAll();
  const wire = {};
  const messages = ['TypeRef', 'Value', 'ListValue', 'NamedValue', 'ObjectValue', 'ArgDef',
    'FunctionDef', 'FieldDef', 'ObjectDef', 'EnumValueDef', 'EnumDef', 'ModuleDef', 'Call',
    'Error'];
  for (const name of messages) wire[name] = root.lookupType(`host.v1.${name}`);
  wire.TypeKind = root.lookupEnum('host.v1.TypeKind').values;
  wire.CachePolicy = root.lookupEnum('host.v1.CachePolicy').values;
  loaded = {dir, Module: v1.Module, Engine: v1.Engine, wire};
  return loaded;
}

module.exports = {protoDir, protos};
