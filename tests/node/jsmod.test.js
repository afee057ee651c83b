'use strict';
// jsmod, the Node.js test module, through the runtime: the CLI starts its process, calls its
// functions and chains, and it calls the C++ module lcxx through the host.
const assert = require('assert');
const test = require('node:test');
const {runHost, startServe, tempDir, testModule} = require('./support');

const jsmod = testModule('jsmod');
const dir = tempDir();
const env = {
  HOST_STATE_DIR: `${dir}/state`
};

// Runs host -m jsmod call args...; resolves to {code, out, err}.
const call = (...args) => runHost(['-m', jsmod, 'call', ...args], env);

test('functions of a Node.js module', async () => {
  const ran = await runHost(['-m', jsmod, 'functions'], env);
  assert.strictEqual(ran.code, 0, ran.err);
  for (const name of ['brackets-via-cpp', 'echo', 'label', 'shout', 'with-prefix']) {
    assert.match(ran.out, new RegExp(`^${name} `, 'm'));
  }
});

test('calls', async () => {
  assert.deepStrictEqual(await call('shout', '--text', 'hi'), {code: 0, out: 'HI!\n', err: ''});
  const echo = await call('echo', '--a', 'x', '--b', 'y', '--c', 'z');
  assert.strictEqual(echo.out, 'xyz\n', echo.err);
  const sum = await call('sum', '--numbers', '4,5');
  assert.strictEqual(sum.out, '9\n', sum.err);
  assert.strictEqual((await call('sum')).out, '6\n');
});

test('a call into the C++ module lcxx', async () => {
  const ran = await call('brackets-via-cpp', '--text', 'hi');
  assert.strictEqual(ran.code, 0, ran.err);
  assert.strictEqual(ran.out, '[hi]\n');
});

test('chains through objects', async () => {
  const label = await call('with-prefix', '--p', 'x', 'label', '--text', 'y');
  assert.strictEqual(label.code, 0, label.err);
  assert.strictEqual(label.out, 'x:y\n');
  const summary =
      await call('with-tag', '--tag', 'a', 'with-tag', '--tag', 'b', 'report', 'summary');
  assert.strictEqual(summary.out, 'js: 2 tag(s): a,b\n', summary.err);
  const field = await call('with-prefix', '--p', 'x', 'prefix');
  assert.strictEqual(field.out, 'x\n', field.err);
});

test('logs', async () => {
  const ran = await call('note', '--text', 'hello');
  assert.strictEqual(ran.code, 0, ran.err);
  assert.strictEqual(ran.out, 'hello\n');
  assert.match(ran.err, /note: hello/);
});

test('errors', async () => {
  const failed = await call('fail', '--message', 'deploy refused');
  assert.strictEqual(failed.code, 1);
  assert.strictEqual(
      failed.err, 'Error: function \'fail\' of module \'jsmod\' failed: deploy refused\n');
  const usage = await call('pick', '--items', 'a,b', '--index', '7');
  assert.strictEqual(usage.code, 2, usage.err);
  assert.match(usage.err, /index 7 is out of range \(2 items\)/);
  const crashed = await call('crash');
  assert.strictEqual(crashed.code, 1, crashed.err);
  assert.match(crashed.err, /jsmod/);
});

test('through host serve', async (t) => {
  const server = await startServe(['--listen', `unix://${dir}/engine.sock`], env);
  t.after(() => server.stop());
  const ran = await runHost(
      [
        '--engine', server.address, '-m', jsmod, 'call', 'with-prefix', '--p', 'x', 'label',
        '--text', 'y'
      ],
      env);
  assert.strictEqual(ran.code, 0, ran.err);
  assert.strictEqual(ran.out, 'x:y\n');
  assert.strictEqual(await server.stop(), 0, server.log());
});
