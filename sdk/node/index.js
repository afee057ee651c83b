'use strict';
// The host SDK for Node.js: write modules whose typed functions other modules and the CLI call
// through the host, and drive a `host serve` engine from JavaScript. See docs/node.md.
const types = require('./lib/types');
const values = require('./lib/values');
const {Module, ObjectBuilder, UsageError, module: makeModule} = require('./lib/module');
const {serve, Context} = require('./lib/serve');
const {Engine, CallError, connect} = require('./lib/client');
const {protoDir} = require('./lib/protos');
const {dependency, withCaller} = require('./lib/dependency');

module.exports = {
  // Types of fields, arguments and results.
  String: types.String,
  Int: types.Int,
  Float: types.Float,
  Boolean: types.Boolean,
  Void: types.Void,
  list: types.list,
  optional: types.optional,
  object: types.object,
  enumType: types.enumType,
  // Declaring and serving a module.
  module: makeModule,
  serve,
  Module,
  ObjectBuilder,
  Context,
  UsageError,
  // Values where no type is declared, and the objects the host returns.
  typed: values.typed,
  objectType: values.objectType,
  objectId: values.objectId,
  // Clients of `host serve`.
  connect,
  Engine,
  CallError,
  // Typed clients of other modules (deps/*.js, written by `host install`).
  dependency,
  withCaller,
  // The folder holding host/v1/*.proto.
  protoDir,
};
