'use strict';
// A Node.js client of `host serve`: raw gRPC requests (grpc-js, proto-loader, protobufjs) on a
// unix socket and on loopback tcp with a bearer token, then the SDK's client.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const test = require('node:test');
const host = require('../../sdk/node');
const {grpc, loadProtos, startServe, tempDir, unary} = require('./support');

const protos = loadProtos();

// A client of the Engine service at a host serve address.
function engineClient(address) {
  const target = address.startsWith('tcp://') ? address.slice('tcp://'.length) : address;
  return new protos.Engine(target, grpc.credentials.createInsecure());
}

// Metadata carrying a bearer token.
function bearer(token) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

// A host.v1.Step: a call of module semver's Semver, with String arguments.
function step(fn, args = {}, onPrevious = false) {
  const call = {
    module: 'semver',
    object: 'Semver',
    function: fn,
    args: Object.entries(args).map(([name, value]) => ({name, value})),
  };
  return {call: protos.Call.encode(call).finish(), on_previous: onPrevious};
}

// Runs a chain; resolves to the CallResponse with value decoded.
async function chain(client, steps, metadata) {
  const response = await unary(client, 'Call', {steps}, metadata);
  if (response.outcome === 'value') response.decoded = protos.Value.decode(response.value);
  return response;
}

// The fields of a decoded object value by name.
function fields(value) {
  return Object.fromEntries(value.object_value.fields.map((f) => [f.name, f.value]));
}

test('a chain on a unix socket', async (t) => {
  const dir = tempDir();
  const server =
      await startServe(['--listen', `unix://${dir}/engine.sock`], {HOST_STATE_DIR: `${dir}/state`});
  t.after(() => server.stop());
  assert.strictEqual(server.address, `unix://${dir}/engine.sock`);
  const client = engineClient(server.address);
  t.after(() => client.close());

  const loaded = await unary(client, 'Load', {ref: 'semver'});
  assert.strictEqual(loaded.outcome, 'module');
  const def = protos.ModuleDef.decode(loaded.module);
  assert.strictEqual(def.name, 'semver');
  assert.strictEqual(def.main_object, 'Semver');

  // Step 1 calls the constructor; step 2 runs on its result.
  const bumped = await chain(client, [
    step('', {version: {string_value: '1.4.2'}}),
    step('bump', {part: {enum_value: 'MINOR'}}, true),
  ]);
  assert.strictEqual(bumped.outcome, 'value', bumped.failure && bumped.failure.message);
  assert.strictEqual(bumped.decoded.object_value.type_name, 'Semver');
  assert.match(bumped.decoded.object_value.id, /^sha256:/);
  const f = fields(bumped.decoded);
  assert.deepStrictEqual(
      [f.major.int_value.toNumber(), f.minor.int_value.toNumber(), f.patch.int_value.toNumber()],
      [1, 5, 0]);

  // The object returned is a receiver for a later request.
  const tag = await chain(client, [{
                            call: protos.Call
                                      .encode({
                                        module: 'semver',
                                        object: 'Semver',
                                        function: 'tag',
                                        receiver: bumped.decoded.object_value,
                                      })
                                      .finish(),
                          }]);
  assert.strictEqual(tag.decoded.string_value, 'v1.5.0');

  // A failure is an answer, not a gRPC error.
  const bad = await chain(
      client, [step('', {version: {string_value: 'not-a-version'}}), step('tag', {}, true)]);
  assert.strictEqual(bad.outcome, 'failure');
  assert.strictEqual(bad.failure.kind, 'KIND_FAILED');
  assert.match(bad.failure.message, /'not-a-version' is not a semantic version/);
  const usage = await chain(client, [step('nxt', {}, false)]);
  assert.strictEqual(usage.failure.kind, 'KIND_USAGE');
  assert.match(usage.failure.message, /did you mean 'next'/);
});

test('garbage is INVALID_ARGUMENT and the server keeps serving', async (t) => {
  const dir = tempDir();
  const server =
      await startServe(['--listen', `unix://${dir}/engine.sock`], {HOST_STATE_DIR: `${dir}/state`});
  t.after(() => server.stop());
  const client = engineClient(server.address);
  t.after(() => client.close());
  await unary(client, 'Load', {ref: 'semver'});
  await assert.rejects(
      unary(client, 'Call', {steps: [{call: Buffer.from('\xff\xff\xff\x01garbage', 'latin1')}]}),
      {code: grpc.status.INVALID_ARGUMENT});
  await assert.rejects(unary(client, 'Call', {steps: []}), {code: grpc.status.INVALID_ARGUMENT});
  const tag =
      await chain(client, [step('', {version: {string_value: '2.0.0'}}), step('tag', {}, true)]);
  assert.strictEqual(tag.decoded.string_value, 'v2.0.0');
  assert.strictEqual(await server.stop(), 0);
});

// Starts host serve on a loopback tcp port requiring token, stopped when the test ends.
async function startTcpServe(t, token) {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'token'), `${token}\n`);
  const server = await startServe(
      ['--listen', 'tcp://127.0.0.1:0', '--token-file', path.join(dir, 'token')],
      {HOST_STATE_DIR: `${dir}/state`});
  t.after(() => server.stop());
  return server;
}

test('tcp needs the bearer token', async (t) => {
  const server = await startTcpServe(t, 's3cret');
  assert.match(server.address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  const client = engineClient(server.address);
  t.after(() => client.close());

  for (const metadata of [new grpc.Metadata(), bearer('wrong'), bearer('s3cret-but-longer')]) {
    await assert.rejects(
        unary(client, 'Load', {ref: 'semver'}, metadata), {code: grpc.status.UNAUTHENTICATED});
  }
  // Nothing ran: only the core types are loaded.
  const described = await unary(client, 'Describe', {}, bearer('s3cret'));
  assert.deepStrictEqual(described.modules.map((m) => protos.ModuleDef.decode(m).name), ['core']);

  await unary(client, 'Load', {ref: 'semver'}, bearer('s3cret'));
  const tag = await chain(
      client, [step('', {version: {string_value: '1.4.2'}}), step('tag', {}, true)],
      bearer('s3cret'));
  assert.strictEqual(tag.decoded.string_value, 'v1.4.2');
});

test('the SDK client', async (t) => {
  const server = await startTcpServe(t, 's3cret');
  const engine = host.connect(server.address, {token: 's3cret'});
  t.after(() => engine.close());

  const def = await engine.load('semver');
  assert.strictEqual(def.main_object, 'Semver');
  const version = await engine.call([
    {module: 'semver', args: {version: '1.4.2'}},
    {function: 'next', args: {commits: ['feat: add login']}},
  ]);
  assert.strictEqual(host.objectType(version), 'Semver');
  assert.deepStrictEqual([version.major, version.minor, version.patch], [1, 5, 0]);
  assert.strictEqual(
      await engine.call({module: 'semver', function: 'tag', receiver: version}), 'v1.5.0');
  const bumped = await engine.call([
    {module: 'semver', args: {version: '1.4.2'}},
    {function: 'bump', args: {part: host.typed(host.enumType('Part'), 'MAJOR')}},
    {function: 'string'},
  ]);
  assert.strictEqual(bumped, '2.0.0');
  await assert.rejects(
      engine.call({module: 'semver', args: {version: 'nope'}}),
      {name: 'CallError', kind: 'failed'});
  await assert.rejects(
      engine.call({module: 'semver', function: 'nxt'}), {name: 'CallError', kind: 'usage'});
  const denied = host.connect(server.address, {token: 'wrong'});
  t.after(() => denied.close());
  await assert.rejects(denied.describe(), {code: grpc.status.UNAUTHENTICATED});
});
