'use strict';
// Typed clients for Node.js modules: `host install` in a Node.js module writes deps/<module>.js
// and deps/<module>.d.ts; tsc --strict checks code against the typings (and rejects misuse),
// and the client calls the dependency through the host. `host init --sdk node` makes a module
// that runs. The dependency's names are awkward on purpose: reserved words, names of globals,
// enum values that are no identifiers, comment ends in descriptions.
const assert = require('assert');
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const test = require('node:test');
const {runHost, sdkDir, tempDir} = require('./support');

const tsc = path.join(__dirname, 'typings', 'node_modules', '.bin', 'tsc');
const sources = path.join(__dirname, 'typed_client');
const dir = tempDir();
const env = {HOST_STATE_DIR: path.join(dir, 'state')};

// A Node.js module folder called name whose program is the text of source, with the SDK in its
// node_modules (a link to sdk/node).
function makeModule(name, program, extra = {}) {
  const folder = path.join(dir, name);
  fs.mkdirSync(path.join(folder, 'node_modules', '@host'), {recursive: true});
  fs.symlinkSync(sdkDir, path.join(folder, 'node_modules', '@host', 'sdk'));
  fs.writeFileSync(path.join(folder, 'module.json'), JSON.stringify({
    name,
    version: '0.1.0',
    sdk: 'node',
    runtime: {command: ['node', 'index.js'], start_timeout: 30},
    ...extra,
  }));
  fs.copyFileSync(path.join(sources, program), path.join(folder, 'index.js'));
  return folder;
}

const awkward = makeModule('new', 'awkward.js');
const user = makeModule('user', 'user.js');

test('host install writes the client and its typings', async () => {
  const ran = await runHost(['-m', user, 'install', awkward], env);
  assert.strictEqual(ran.code, 0, ran.err);
  assert.match(ran.out, /Use it with const \{new_\} = require\('\.\/deps\/new'\); its types are in deps\/new\.d\.ts/);
  for (const file of ['new.js', 'new.d.ts']) {
    assert.ok(fs.existsSync(path.join(user, 'deps', file)), file);
  }
  const check = childProcess.spawnSync(process.execPath, ['--check', path.join(user, 'deps', 'new.js')]);
  assert.strictEqual(check.status, 0, String(check.stderr));
});

test('tsc --strict accepts typed use and rejects misuse', {skip: !fs.existsSync(tsc) && 'run npm ci in tests/node/typings'}, () => {
  fs.copyFileSync(path.join(sources, 'check.ts'), path.join(user, 'check.ts'));
  fs.writeFileSync(path.join(user, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2020', module: 'commonjs', moduleResolution: 'node',
      types: [], noUnusedLocals: false,
    },
    files: ['check.ts', 'deps/new.d.ts'],
  }));
  const ran = childProcess.spawnSync(tsc, ['-p', user], {encoding: 'utf8'});
  assert.strictEqual(ran.status, 0, ran.stdout + ran.stderr);
});

test('the typed client calls the dependency through the host', async () => {
  let ran = await runHost(['-m', user, 'call', 'run'], env);
  assert.strictEqual(ran.code, 0, ran.err);
  assert.strictEqual(ran.out,
                     'd:3:f | d:4:none | done/*/ | L/a-b | 3 | p2 | sync p0 | unwrapped t | ' +
                     'unwrapped p1 | undefined | yes | */,MAJOR | x | synced | constructor\n');
  ran = await runHost(['-m', user, 'call', 'outside'], env);
  assert.deepStrictEqual([ran.code, ran.out], [0, 'kept\n'], ran.err);
});

test('host codegen --lang node wants a .js output and writes its .d.ts beside it', async () => {
  let ran = await runHost(['codegen', '--lang', 'node', '--module', awkward, '--output',
                           path.join(dir, 'out', 'new.d.ts')], env);
  assert.strictEqual(ran.code, 2);
  assert.match(ran.err, /--output must name a \.js file/);
  ran = await runHost(['codegen', '--lang', 'node', '--module', awkward, '--output',
                       path.join(dir, 'out', 'new.js')], env);
  assert.strictEqual(ran.code, 0, ran.err);
  assert.strictEqual(fs.readFileSync(path.join(dir, 'out', 'new.d.ts'), 'utf8'),
                     fs.readFileSync(path.join(user, 'deps', 'new.d.ts'), 'utf8'));
});

test('host uninstall removes the client and its typings', async () => {
  const ran = await runHost(['-m', user, 'uninstall', 'new'], env);
  assert.strictEqual(ran.code, 0, ran.err);
  assert.ok(!fs.existsSync(path.join(user, 'deps', 'new.js')));
  assert.ok(!fs.existsSync(path.join(user, 'deps', 'new.d.ts')));
});

test('host init --sdk node makes a module that runs', async () => {
  const folder = path.join(dir, 'greet');
  let ran = await runHost(['init', '--name', 'greet', '--sdk', 'node', folder], env);
  assert.strictEqual(ran.code, 0, ran.err);
  fs.mkdirSync(path.join(folder, 'node_modules', '@host'), {recursive: true});
  fs.symlinkSync(sdkDir, path.join(folder, 'node_modules', '@host', 'sdk'));
  ran = await runHost(['-m', folder, 'call', 'with-greeting', '--text', 'Hi', 'hello', '--name', 'you'], env);
  assert.deepStrictEqual([ran.code, ran.out], [0, 'Hi, you!\n'], ran.err);
});
