// The module index as a person uses it: modules published to a local registry (docker-registry)
// with `host publish`, `host index serve` over them, and headless Chromium reading the site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const host = process.env.HOST_BINARY;
const publishFixture = process.env.HOST_INDEX_PUBLISH_FIXTURE;
const builtModules = process.env.HOST_BUILT_MODULES;
const sourceDir = process.env.HOST_SOURCE_DIR;
const chromiumPath = process.env.HOST_CHROMIUM || '/usr/bin/chromium';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'host-index-site-'));
const shots = process.env.HOST_SCREENSHOTS || path.join(work, 'screenshots');
const env = {
  ...process.env,
  HOST_CONFIG: path.join(work, 'config.json'),
  HOST_STATE_DIR: path.join(work, 'state'),
  GIT_AUTHOR_NAME: 'Release', GIT_AUTHOR_EMAIL: 'release@example.com',
  GIT_COMMITTER_NAME: 'Release', GIT_COMMITTER_EMAIL: 'release@example.com',
};

let address = '';
let server = null;
let url = '';
let browser = null;
const consoleErrors = [];

// Runs a command to the end; fails the test with its output when it fails.
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n` +
                    `${result.stdout}\n${result.stderr}`);
  }
  return result.stdout.trim();
}

// A registry document, as the test reads it to take an older version's schema from a newer one.
async function registryJson(repo, reference) {
  const response = await fetch(`http://${address}/v2/${repo}/manifests/${reference}`, {
    headers: { Accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' },
  });
  assert.equal(response.status, 200, `${repo}:${reference}`);
  return response.json();
}

async function schemaOf(repo, tag) {
  const index = await registryJson(repo, tag);
  const source = index.manifests.find((m) => m.annotations['vnd.host.module.part'] === 'source');
  const manifest = await registryJson(repo, source.digest);
  const layer = manifest.layers.find((l) => l.mediaType === 'application/vnd.host.module.schema.v1+json');
  const blob = await fetch(`http://${address}/v2/${repo}/blobs/${layer.digest}`);
  return blob.json();
}

// The module's folder as its author has it: the built module, a README, a git commit.
function moduleFolder(name) {
  const dir = path.join(work, 'src', name);
  fs.cpSync(path.join(builtModules, name), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'README.md'),
    `# ${name}\n\nThe **${name}** module, for pipelines.\n\n| Function | Use |\n|---|---|\n` +
    `| one | two |\n\nRead ~~nothing~~ [the docs](https://example.com/${name}).\n`);
  run('git', ['init', '-q', '-b', 'main', dir]);
  run('git', ['-C', dir, 'add', '-A']);
  run('git', ['-C', dir, 'commit', '-q', '-m', `${name}`]);
  return dir;
}

// The older version's API: the newer one without its last function, and with one argument of
// another type, so the diff has something added and something changed.
function olderSchema(schema) {
  const older = structuredClone(schema);
  older.version = '1.0.0';
  const main = older.objects.find((o) => o.name === older.main_object);
  main.functions.pop();
  const withArgs = main.functions.find((f) => (f.args || []).length > 0);
  if (withArgs) withArgs.args[0].type = withArgs.args[0].type === 'String' ? 'Int' : 'String';
  return older;
}

async function waitForBuilds(count) {
  for (let i = 0; i < 300; ++i) {
    const status = await (await fetch(url + '-/status')).json();
    if (status.builds >= count && !status.building && !status.queued) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the index was not rebuilt ${count} times`);
}

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  address = run('bash', [path.join(sourceDir, 'tests/fixtures/images/registry.sh'), 'start',
                         path.join(work, 'registry')]).split('\n')[0];
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'release@example.com', '-f',
                     path.join(work, 'key')]);
  const publicKey = fs.readFileSync(path.join(work, 'key.pub'), 'utf8').trim();
  fs.writeFileSync(env.HOST_CONFIG, JSON.stringify({
    insecure: [address],
    trusted_keys: [{ key: publicKey, sources: [`oci://${address}/mods/gh`] }],
  }));
  for (const name of ['semver', 'pulumi', 'gh', 'iac']) {
    const dir = moduleFolder(name);
    // The newer API, published once aside, gives the older version's schema.
    run(host, ['-q', '-m', dir, 'publish', `oci://${address}/scratch/${name}:v1.1.0`]);
    const older = olderSchema(await schemaOf(`scratch/${name}`, 'v1.1.0'));
    fs.writeFileSync(path.join(work, `${name}-1.0.0.json`), JSON.stringify(older));
    // 1.0.0 has no binary (built from source on first use); 1.1.0 has this platform's.
    run(publishFixture, [dir, `oci://${address}/mods/${name}:v1.0.0`,
                         path.join(work, `${name}-1.0.0.json`)]);
    const sign = name === 'gh' ? ['--sign', path.join(work, 'key')] : [];
    run(host, ['-q', '-m', dir, 'publish', `oci://${address}/mods/${name}:v1.1.0`, ...sign]);
  }
  run(host, ['-q', 'yank', `oci://${address}/mods/iac:v1.0.0`, '--reason',
             'broke preview on empty stacks']);
  // A module whose README and schema try to run script.
  const evil = path.join(work, 'src', 'evil');
  fs.mkdirSync(evil, { recursive: true });
  fs.writeFileSync(path.join(evil, 'module.json'),
    JSON.stringify({ name: 'evil', version: '0.1.0', description: 'evil', sdk: 'c', object: 'x.so' }));
  fs.writeFileSync(path.join(evil, 'README.md'),
    '# evil\n\n<script>window.pwned = 1; alert(1)</script>\n\n<img src=x onerror="window.pwned = 2">\n\n' +
    '[click me](javascript:window.pwned=3)\n');
  fs.writeFileSync(path.join(work, 'evil.json'), JSON.stringify({
    name: 'evil', version: '0.1.0', description: '<img src=x onerror="window.pwned=4">',
    main_object: 'Evil',
    objects: [{ name: 'Evil', description: '<script>window.pwned=5</script>', fields: [],
                functions: [{ name: 'pwn', cli_name: 'pwn', description: '"><script>window.pwned=6</script>',
                              args: [], returns: 'String', cache: 'persistent' }] }],
    enums: [],
  }));
  run(publishFixture, [evil, `oci://${address}/mods/evil:0.1.0`, path.join(work, 'evil.json')]);

  server = spawn(host, ['index', 'serve', '--listen', '127.0.0.1:0', '--registry', `${address}/mods`,
                        '--out', path.join(work, 'site'), '--interval', '0'],
                 { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let serverErr = '';
  server.stderr.on('data', (d) => { serverErr += d; });
  url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0].trim());
    });
    server.on('exit', (code) => reject(new Error(`host index serve exited (${code}): ${serverErr}`)));
  });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  spawnSync('bash', [path.join(sourceDir, 'tests/fixtures/images/registry.sh'), 'stop',
                     path.join(work, 'registry')]);
  fs.rmSync(work, { recursive: true, force: true });
});

async function newPage(viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  page.on('dialog', (dialog) => {
    consoleErrors.push(`${page.url()}: a dialog opened: ${dialog.message()}`);
    dialog.dismiss();
  });
  return page;
}

test('search, a module page, its versions and the API diff', async () => {
  const page = await newPage();
  await page.goto(url);
  await page.screenshot({ path: path.join(shots, 'home.png') });
  // Typing finds modules by name and by function name.
  await page.locator('#search').pressSequentially('pull');
  await page.locator('#results a', { hasText: 'pulumi' }).first().waitFor();
  await page.screenshot({ path: path.join(shots, 'search-pull.png') });
  await page.locator('#search').fill('');
  await page.locator('#search').pressSequentially('preview');
  await page.locator('#results a', { hasText: 'iac' }).first().waitFor();
  const found = await page.locator('#results').innerText();
  assert.match(found, /pulumi/);
  assert.match(found, /iac/);
  assert.doesNotMatch(found, /semver/);

  await page.locator('#results a', { hasText: 'pulumi' }).first().click();
  await page.waitForLoadState();
  const text = await page.locator('body').innerText();
  assert.match(text, /API reference/);
  assert.match(text, /preview/);
  assert.match(text, /with-aws-credentials/);
  const install = await page.locator('pre', { hasText: 'host install' }).first().innerText();
  assert.match(install, new RegExp(`host install oci://${address.replace('.', '\\.')}/mods/pulumi:v1\\.1\\.0@sha256:[0-9a-f]{64}`));
  assert.match(text, /linux\/amd64|linux\/arm64/);
  assert.doesNotMatch(text, /not the latest/i);
  await page.screenshot({ path: path.join(shots, 'module.png'), fullPage: true });

  // The older version says so, and has no binary.
  await page.locator('a', { hasText: /^1\.0\.0$/ }).first().click();
  await page.waitForLoadState();
  const older = await page.locator('body').innerText();
  assert.match(older, /not the latest/i);
  assert.match(older, /built from source on first use/);
  assert.match(page.url(), /1\.0\.0/);

  // The API difference between the two versions.
  await page.locator('summary', { hasText: 'All comparisons' }).click();
  await page.locator('a', { hasText: '1.0.0 → 1.1.0' }).click();
  await page.waitForLoadState();
  const diff = await page.locator('body').innerText();
  assert.match(diff, /with-secret-variable/);  // pulumi's last function, absent from 1.0.0
  assert.match(diff, /added/i);
  assert.match(diff, /changed/i);
  await page.screenshot({ path: path.join(shots, 'diff.png'), fullPage: true });
  await page.close();
});

test('signed, unsigned, yanked and source-only versions are shown as such', async () => {
  const page = await newPage();
  await page.goto(url + 'modules/gh/');
  const gh = await page.locator('body').innerText();
  assert.match(gh, /signed/);
  assert.match(gh, /trusted/);
  assert.match(gh, /SHA256:/);
  await page.goto(url + 'modules/semver/');
  assert.match(await page.locator('body').innerText(), /unsigned/);
  await page.goto(url + 'modules/iac/');
  const iac = await page.locator('body').innerText();
  assert.match(iac, /yanked/);
  assert.match(iac, /broke preview on empty stacks/);
  await page.close();
});

test('a hostile README or schema runs nothing', async () => {
  const page = await newPage();
  await page.goto(url + 'modules/evil/');
  await page.waitForLoadState('networkidle');
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
  assert.equal(await page.locator('[onerror]').count(), 0);
  const scripts = await page.locator('script').evaluateAll((nodes) => nodes.map((n) => n.src));
  for (const src of scripts) assert.match(src, /\/assets\/[a-z-]+\.js$/);
  assert.match(await page.locator('body').innerText(), /click me/);
  await page.close();
});

test('works at phone width', async () => {
  const page = await newPage({ width: 390, height: 844 });
  await page.goto(url + 'modules/pulumi/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow} px wider than the phone`);
  await page.screenshot({ path: path.join(shots, 'phone.png'), fullPage: false });
  await page.close();
});

test('a new release appears after a rebuild on request', async () => {
  const before = await waitForBuilds(1);
  const older = JSON.parse(fs.readFileSync(path.join(work, 'semver-1.0.0.json'), 'utf8'));
  older.version = '1.2.0';
  fs.writeFileSync(path.join(work, 'semver-1.2.0.json'), JSON.stringify(older));
  run(publishFixture, [path.join(work, 'src', 'semver'), `oci://${address}/mods/semver:v1.2.0`,
                       path.join(work, 'semver-1.2.0.json')]);
  const response = await fetch(url + '-/rebuild', { method: 'POST' });
  assert.equal(response.status, 202);
  await waitForBuilds(before.builds + 1);
  const page = await newPage();
  await page.goto(url + 'modules/semver/');
  assert.match(await page.locator('h1').first().innerText(), /1\.2\.0/);
  await page.close();
});

test('no page logged an error', () => {
  assert.deepEqual(consoleErrors, []);
});
