'use strict';
// Process modules load lazily: the schema a module process described is kept by the digest of
// its folder, so a later load of the same files starts no process until a call needs one.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const test = require('node:test');
const {runHost, sdkDir, tempDir} = require('./support');

const dir = tempDir();
const state = path.join(dir, 'state');
const marker = path.join(dir, 'started');
const moduleDir = path.join(dir, 'marker');

// The module: its process writes a line to $MARKER_FILE when it starts, exits at start when
// $FAIL_START is set and declares one more function when $EXTRA is set.
fs.mkdirSync(moduleDir);
fs.writeFileSync(path.join(moduleDir, 'module.json'), JSON.stringify({
  name: 'marker',
  version: '0.1.0',
  sdk: 'node',
  runtime: {command: ['node', 'index.js'], start_timeout: 20},
}));
const source = `'use strict';
const fs = require('fs');
const host = require(${JSON.stringify(sdkDir)});
fs.appendFileSync(process.env.MARKER_FILE, 'started\\n');
if (process.env.FAIL_START) {
  console.error('refusing to start');
  process.exit(3);
}
const mod = host.module('marker');
const main = mod.object('Marker');
main.function('hello', {args: {name: host.String}, returns: host.String}, (self, {name}) => 'hi ' + name);
if (process.env.EXTRA) main.function('extra', {returns: host.String}, () => 'extra');
host.serve(mod);
`;
fs.writeFileSync(path.join(moduleDir, 'index.js'), source);

const env = {HOST_STATE_DIR: state, MARKER_FILE: marker};
// How many times the module's process started so far.
const starts = () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').split('\n').length - 1 : 0);
const host = (args, extra = {}) => runHost(['-m', moduleDir, ...args], {...env, ...extra});
// The files of the schema cache.
const entries = () => {
  const folder = path.join(state, 'schemas');
  return fs.existsSync(folder) ? fs.readdirSync(folder).map((name) => path.join(folder, name)) : [];
};

test('a second load of the same files starts no process; the first call does', async () => {
  let ran = await host(['functions']);
  assert.strictEqual(ran.code, 0, ran.err);
  assert.strictEqual(starts(), 1);
  assert.strictEqual(entries().length, 1);
  ran = await host(['functions']);
  assert.strictEqual(ran.code, 0, ran.err);
  assert.match(ran.out, /^hello\b/m);
  assert.strictEqual(starts(), 1, 'the second load started the process');
  ran = await host(['call', 'hello', '--name', 'you']);
  assert.deepStrictEqual([ran.code, ran.out], [0, 'hi you\n'], ran.err);
  assert.strictEqual(starts(), 2);
});

test('a change to the module\'s files describes it again', async () => {
  fs.appendFileSync(path.join(moduleDir, 'index.js'), '// changed\n');
  const before = starts();
  let ran = await host(['functions']);
  assert.strictEqual(ran.code, 0, ran.err);
  assert.strictEqual(starts(), before + 1);
  ran = await host(['functions']);
  assert.strictEqual(starts(), before + 1);
});

test('a corrupt cache entry is ignored and written again', async () => {
  for (const damage of [
    (text) => text.slice(0, text.length - 3),                       // cut short
    (text) => text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) ^ 1),
    () => 'host-schema-cache 1\nnot a key\n',                          // a header of nonsense
    () => '',                                                          // empty
  ]) {
    const files = entries().filter((f) => f.endsWith('.schema'));
    assert.ok(files.length >= 1);
    for (const file of files) fs.writeFileSync(file, damage(fs.readFileSync(file, 'latin1')), 'latin1');
    const before = starts();
    let ran = await host(['call', 'hello', '--name', 'again']);
    assert.deepStrictEqual([ran.code, ran.out], [0, 'hi again\n'], ran.err);
    assert.strictEqual(starts(), before + 1, 'a damaged entry was not described again');
    ran = await host(['functions']);
    assert.strictEqual(ran.code, 0, ran.err);
    assert.strictEqual(starts(), before + 1, 'the entry was not written again');
  }
});

test('a process that fails to start at its first call fails as it does at load', async () => {
  // At load, with no schema kept.
  const fresh = await runHost(['-m', moduleDir, 'functions'],
                              {...env, HOST_STATE_DIR: path.join(dir, 'fresh'), FAIL_START: '1'});
  assert.strictEqual(fresh.code, 1);
  assert.match(fresh.err, /its process exited with code 3 at start, before serving the Module service/);
  assert.match(fresh.err, /refusing to start/);
  // At the first call, after a load from the cache.
  assert.strictEqual((await host(['functions'])).code, 0);
  const ran = await host(['call', 'hello', '--name', 'x'], {FAIL_START: '1'});
  assert.strictEqual(ran.code, 1);
  const message = (text) => text.slice(text.indexOf("module 'marker' ("), text.indexOf('HOST_MODULE_SOCKET'));
  assert.match(message(ran.err), /^module 'marker' \(.*\): its process exited with code 3 at start/);
  assert.strictEqual(message(ran.err), message(fresh.err));
  assert.match(ran.err, /refusing to start/);
});

test('a process that describes another schema than the one kept fails its call and drops it', async () => {
  assert.strictEqual((await host(['functions'])).code, 0);
  const before = starts();
  let ran = await host(['call', 'hello', '--name', 'x'], {EXTRA: '1'});
  assert.strictEqual(ran.code, 1);
  assert.match(ran.err, /describes a schema other than the one this command loaded/);
  ran = await host(['functions'], {EXTRA: '1'});
  assert.strictEqual(ran.code, 0, ran.err);
  assert.match(ran.out, /^extra\b/m);
  assert.strictEqual(starts(), before + 2);
});
