'use strict';
// Helpers of the Node.js tests: the npm packages of sdk/node, the .proto files loaded without the
// SDK, `host` runs and `host serve` processes. ctest sets HOST_BINARY and HOST_TEST_MODULES.
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {createRequire} = require('module');

const sourceDir = path.resolve(__dirname, '..', '..');
const sdkDir = path.join(sourceDir, 'sdk', 'node');
if (!fs.existsSync(path.join(sdkDir, 'node_modules', '@grpc', 'grpc-js'))) {
  throw new Error(`${sdkDir}/node_modules is missing: run scripts/setup.sh (or npm ci there)`);
}
const sdkRequire = createRequire(path.join(sdkDir, 'package.json'));
const grpc = sdkRequire('@grpc/grpc-js');
const protoLoader = sdkRequire('@grpc/proto-loader');
const protobuf = sdkRequire('protobufjs');

const protoDir = path.join(sourceDir, 'sdk', 'proto');

// The Engine and Module services (grpc-js constructors) and the wire types (protobufjs).
function loadProtos() {
  const definition = protoLoader.loadSync(['host/v1/engine.proto', 'host/v1/module.proto'], {
    includeDirs: [protoDir],
    keepCase: true,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const v1 = grpc.loadPackageDefinition(definition).host.v1;
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => path.join(protoDir, target);
  root.loadSync('host/v1/wire.proto', {keepCase: true});
  const type = (name) => root.lookupType(`host.v1.${name}`);
  return {
    Engine: v1.Engine,
    Module: v1.Module,
    Call: type('Call'),
    Value: type('Value'),
    ModuleDef: type('ModuleDef'),
    Error: type('Error'),
  };
}

// The `host` binary under test.
function hostBinary() {
  const binary = process.env.HOST_BINARY || path.join(sourceDir, 'build', 'bin', 'host');
  if (!fs.existsSync(binary)) throw new Error(`no host binary at ${binary}; set HOST_BINARY`);
  return binary;
}

// The folder of a test module as the build writes it.
function testModule(name) {
  const dir = process.env.HOST_TEST_MODULES || path.join(sourceDir, 'build', 'tests', 'modules');
  return path.join(dir, name);
}

// A new empty folder, removed when the process exits.
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-node-test-'));
  process.on('exit', () => fs.rmSync(dir, {recursive: true, force: true}));
  return dir;
}

// Runs host with args and extra env; resolves to {code, out, err}.
function runHost(args, env = {}) {
  return new Promise((resolve) => {
    const child = childProcess.spawn(hostBinary(), args, {env: {...process.env, ...env}});
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code, signal) => resolve({code: signal ? 128 : code, out, err}));
  });
}

// Starts `host serve` with args and extra env; resolves once it prints the address it serves
// on, to {address, log(), stop()} (stop resolves to the exit code).
function startServe(args, env = {}) {
  const child = childProcess.spawn(hostBinary(), ['serve', ...args], {
    env: {...process.env, ...env},
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    resolve(signal ? 128 : code);
  }));
  const mark = 'host: serving on ';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host serve did not start:\n${log}`)), 30000);
    child.stderr.on('data', (d) => {
      log += d;
      const at = log.indexOf(mark);
      const end = at < 0 ? -1 : log.indexOf('\n', at);
      if (end < 0) return;
      clearTimeout(timer);
      resolve({
        address: log.slice(at + mark.length, end),
        log: () => log,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`host serve exited with ${code}:\n${log}`));
    });
  });
}

// Calls method of a grpc-js client with request (and metadata); resolves to the response.
function unary(client, method, request, metadata = new grpc.Metadata()) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, (error, response) => {
      if (error)
        reject(error);
      else
        resolve(response);
    });
  });
}

module.exports = {
  grpc,
  sdkDir,
  sourceDir,
  loadProtos,
  hostBinary,
  testModule,
  tempDir,
  runHost,
  startServe,
  unary,
};
