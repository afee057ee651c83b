'use strict';
// The Node.js SDK from the runtime's side: jsmod's process is started as the runtime starts it
// (HOST_MODULE_SOCKET, HOST_ENGINE_SOCKET), its Module service is called with raw gRPC requests,
// and a stand-in Engine service answers its calls and records its log lines.
const assert = require('assert');
const childProcess = require('child_process');
const path = require('path');
const test = require('node:test');
const fs = require('fs');
const {grpc, loadProtos, sdkDir, sourceDir, tempDir, unary} = require('./support');

const protos = loadProtos();
const jsmodDir = path.join(sourceDir, 'tests', 'modules', 'jsmod');

// A stand-in for the runtime's engine socket: answers lcxx.brackets for calls made with a live
// context, and records log lines.
async function startEngine(socket, liveContexts) {
  const calls = [];
  const logs = [];
  const server = new grpc.Server();
  server.addService(protos.Engine.service, {
    Call({request}, callback) {
      if (!liveContexts.has(request.context)) {
        callback(null, {failure: {kind: 'KIND_USAGE', message: 'unknown context'}});
        return;
      }
      const call = protos.Call.decode(request.steps[0].call);
      calls.push(call);
      if (call.module === 'lcxx' && call.function === 'brackets') {
        const value = protos.Value.encode({string_value: `[${call.args[0].value.string_value}]`});
        callback(null, {value: value.finish()});
      } else {
        callback(null, {failure: {kind: 'KIND_FAILED', message: `no ${call.function} here`}});
      }
    },
    Log({request}, callback) {
      logs.push(request);
      callback(null, {});
    },
  });
  await new Promise(
      (resolve, reject) => server.bindAsync(
          socket, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  return {calls, logs, stop: () => server.forceShutdown()};
}

// Starts a module's process (jsmod's by default); resolves to {client, child, exited, stderr()}
// once it serves.
async function startModule(dir, moduleDir = jsmodDir) {
  const env = {
    ...process.env,
    HOST_MODULE_SOCKET: `unix://${dir}/module.sock`,
    HOST_ENGINE_SOCKET: `unix://${dir}/engine.sock`,
  };
  const child = childProcess.spawn(
      process.execPath, ['index.js'], {cwd: moduleDir, env, stdio: ['ignore', 'inherit', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited =
      new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ? signal : code)));
  const client = new protos.Module(env.HOST_MODULE_SOCKET, grpc.credentials.createInsecure());
  const deadline = new Date(Date.now() + 10000);
  await new Promise(
      (resolve, reject) => client.waitForReady(
          deadline, (e) => (e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve())));
  return {client, child, exited, stderr: () => stderr};
}

// Invokes fn of object (Jsmod) with args and receiver (plain host.v1 message objects), as context;
// resolves to {value} or {error, invalid}.
async function invoke(client, fn, args, {context = 'c1', receiver, object = 'Jsmod'} = {}) {
  const call = {module: 'jsmod', object, function: fn, args, receiver};
  const response = await unary(client, 'Invoke', {
    call: protos.Call.encode(call).finish(),
    context,
  });
  if (response.outcome === 'error') {
    return {error: protos.Error.decode(response.error).message, invalid: response.invalid_argument};
  }
  return {value: protos.Value.decode(response.value)};
}

// A String argument.
const str = (name, text) => ({name, value: {string_value: text}});

test('jsmod served as the runtime starts it', async (t) => {
  const dir = tempDir();
  const live = new Set(['c1']);
  const engine = await startEngine(`unix://${dir}/engine.sock`, live);
  const mod = await startModule(dir);
  t.after(() => {
    mod.child.kill('SIGKILL');
    engine.stop();
  });

  await t.test('describes its schema', async () => {
    const response = await unary(mod.client, 'Describe', {});
    assert.match(response.build_info, /^node v\d+/);
    const def = protos.ModuleDef.toObject(
        protos.ModuleDef.decode(response.module), {enums: String, defaults: true});
    assert.strictEqual(def.name, 'jsmod');
    assert.strictEqual(def.main_object, 'Jsmod');
    assert.strictEqual(def.sdk, 'node');
    const main = def.objects.find((o) => o.name === 'Jsmod');
    assert.deepStrictEqual(main.fields.map((f) => f.name), ['prefix', 'tags']);
    assert.strictEqual(main.fields[1].type.kind, 'TYPE_KIND_LIST');
    const shout = main.functions.find((f) => f.name === 'shout');
    assert.strictEqual(shout.return_type.kind, 'TYPE_KIND_STRING');
    assert.deepStrictEqual(shout.args.map((a) => a.name), ['text']);
    const fail = main.functions.find((f) => f.name === 'fail');
    assert.strictEqual(fail.cache, 'CACHE_POLICY_NEVER');
    const sum = main.functions.find((f) => f.name === 'sum');
    assert.strictEqual(sum.args[0].default_value.list_value.items.length, 3);
    const half = main.functions.find((f) => f.name === 'half');
    assert.strictEqual(half.args[1].type.optional, true);
    assert.ok(def.objects.find((o) => o.name === 'Report'));
  });

  await t.test('runs functions', async () => {
    assert.strictEqual(
        (await invoke(mod.client, 'shout', [str('text', 'hi')])).value.string_value, 'HI!');
    const echo = await invoke(mod.client, 'echo', [str('a', 'x'), str('b', 'y'), str('c', 'z')]);
    assert.strictEqual(echo.value.string_value, 'xyz');
    const sum = await invoke(
        mod.client, 'sum', [{
          name: 'numbers',
          value: {list_value: {items: [{int_value: '9007199254740993'}, {int_value: 1}]}},
        }]);
    assert.strictEqual(sum.value.int_value.toString(), '9007199254740994');
    // A Float result is a float_value even when it is a whole number.
    const half = await invoke(mod.client, 'half', [{name: 'value', value: {float_value: 4}}]);
    assert.strictEqual(half.value.kind, 'float_value');
    assert.strictEqual(half.value.float_value, 2);
    const scaled = await invoke(
        mod.client, 'half',
        [{name: 'value', value: {int_value: 3}}, {name: 'factor', value: {float_value: 2}}]);
    assert.strictEqual(scaled.value.float_value, 6);
  });

  await t.test('chains through objects', async () => {
    // A constructor call without a constructor makes the default object.
    const made = (await invoke(mod.client, '', [])).value.object_value;
    assert.strictEqual(made.type_name, 'Jsmod');
    const prefix = made.fields.find((f) => f.name === 'prefix');
    assert.strictEqual(prefix.value.string_value, 'js');
    const changed = (await invoke(mod.client, 'with_prefix', [str('p', 'x')], {
                      receiver: made
                    })).value.object_value;
    const tagged = (await invoke(mod.client, 'with_tag', [str('tag', 't1')], {
                     receiver: changed
                   })).value.object_value;
    const label = await invoke(mod.client, 'label', [str('text', 'y')], {receiver: tagged});
    assert.strictEqual(label.value.string_value, 'x:y');
    const report = (await invoke(mod.client, 'report', [], {receiver: tagged})).value.object_value;
    assert.strictEqual(report.type_name, 'Report');
    const summary = await invoke(mod.client, 'summary', [], {receiver: report, object: 'Report'});
    assert.strictEqual(summary.value.string_value, 'x: 1 tag(s): t1');
    // A receiver without fields is the default object.
    const bare =
        await invoke(mod.client, 'label', [str('text', 'y')], {receiver: {type_name: 'Jsmod'}});
    assert.strictEqual(bare.value.string_value, 'js:y');
  });

  await t.test('calls another module through the engine, with the invoke context', async () => {
    const result = await invoke(mod.client, 'brackets_via_cpp', [str('text', 'hi')]);
    assert.strictEqual(result.value.string_value, '[hi]');
    const call = engine.calls.at(-1);
    assert.strictEqual(call.object, 'Lcxx');
    assert.strictEqual(call.function, 'brackets');
    // A failed call fails the function with the engine's message.
    const refused =
        await invoke(mod.client, 'brackets_via_cpp', [str('text', 'hi')], {context: 'gone'});
    assert.strictEqual(refused.error, 'unknown context');
  });

  await t.test('logs for the call in progress', async () => {
    const result = await invoke(mod.client, 'note', [str('text', 'hello')]);
    assert.strictEqual(result.value.string_value, 'hello');
    assert.deepStrictEqual(
        engine.logs.map((l) => [l.level, l.message, l.context]), [[1, 'note: hello', 'c1']]);
  });

  await t.test('reports errors', async () => {
    const failed = await invoke(mod.client, 'fail', [str('message', 'deploy refused')]);
    assert.deepStrictEqual(failed, {error: 'deploy refused', invalid: false});
    const usage = await invoke(mod.client, 'pick', [
      {name: 'items', value: {list_value: {items: [{string_value: 'a'}]}}},
      {name: 'index', value: {int_value: 5}}
    ]);
    assert.deepStrictEqual(usage, {error: 'index 5 is out of range (1 items)', invalid: true});
    const unknown = await invoke(mod.client, 'nope', []);
    assert.strictEqual(unknown.error, 'object \'Jsmod\' has no function \'nope\'');
    const wrongType = await invoke(mod.client, 'shout', [{name: 'text', value: {int_value: 1}}]);
    assert.match(wrongType.error, /toUpperCase/);
    // Garbage instead of a host.v1.Call.
    await assert.rejects(
        unary(mod.client, 'Invoke', {call: Buffer.from([0xff, 0xff, 0xff])}),
        {code: grpc.status.INVALID_ARGUMENT});
  });

  await t.test('serves several calls at once', async () => {
    const hanging = invoke(mod.client, 'hang', []);
    hanging.catch(() => {});
    const results = await Promise.all(
        ['a', 'b', 'c'].map((s) => invoke(mod.client, 'shout', [str('text', s)])));
    assert.deepStrictEqual(results.map((r) => r.value.string_value), ['A!', 'B!', 'C!']);
  });

  await t.test('exits on SIGTERM', async () => {
    mod.child.kill('SIGTERM');
    assert.strictEqual(await mod.exited, 0);
  });
});

test('a crash mid-call ends the process with its exit code', async (t) => {
  const dir = tempDir();
  const engine = await startEngine(`unix://${dir}/engine.sock`, new Set(['c1']));
  const mod = await startModule(dir);
  t.after(() => engine.stop());
  await assert.rejects(invoke(mod.client, 'crash', []), {code: grpc.status.UNAVAILABLE});
  assert.strictEqual(await mod.exited, 3);
});

test('without the runtime environment it says what it is and exits with 2', () => {
  const env = {...process.env};
  delete env.HOST_MODULE_SOCKET;
  delete env.HOST_ENGINE_SOCKET;
  const ran = childProcess.spawnSync(
      process.execPath, ['index.js'], {cwd: jsmodDir, env, encoding: 'utf8'});
  assert.strictEqual(ran.status, 2);
  assert.match(ran.stderr, /^jsmod: HOST_MODULE_SOCKET and HOST_ENGINE_SOCKET are not set/);
});

test('a module declared wrongly serves, and Describe says what is wrong', async (t) => {
  const dir = tempDir();
  fs.mkdirSync(`${dir}/broken`);
  fs.writeFileSync(`${dir}/broken/index.js`, `
const host = require(${JSON.stringify(sdkDir)});
const mod = host.module('broken');
mod.object('Brokn').function('f', {returns: 'String', cache: 'sometimes'}, () => 1);
host.serve(mod);
`);
  const engine = await startEngine(`unix://${dir}/engine.sock`, new Set());
  const mod = await startModule(dir, `${dir}/broken`);
  t.after(() => {
    mod.child.kill('SIGKILL');
    engine.stop();
  });
  await assert.rejects(unary(mod.client, 'Describe', {}), {
    code: grpc.status.FAILED_PRECONDITION,
    details: "module 'broken' is declared wrongly:\n" +
        "  object 'Brokn', function 'f': returns is not a host type\n" +
        "  object 'Brokn', function 'f': cache must be 'persistent', 'session' or 'never', " +
        "not 'sometimes'\n" +
        "  module 'broken' declares no main object 'Broken': call mod.object('Broken', ...)",
  });
});
