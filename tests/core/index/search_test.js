// The home page search (assets/search.js, read from core/index/site_assets.cc) on 1,000 modules
// with a stand-in DOM: each word must match the name, description, function or argument names,
// name matches rank first, a typo of a name still finds it, and a keystroke takes <= 50 ms.
// Usage: node search_test.js path/to/site_assets.cc
'use strict';
const assert = require('assert');
const fs = require('fs');

const source = fs.readFileSync(process.argv[2], 'utf8');
const script = source.slice(source.indexOf('R"JS(') + 5, source.indexOf(')JS"'));

const modules = [];
for (let i = 0; i < 1000; i++) {
  modules.push({
    name: i === 500 ? 'pulumi' : 'mod' + i,
    repository: i === 500 ? 'reg/<b>acme</b>/pulumi' : 'reg/mods/mod' + i,
    trusted: i === 500,
    description: 'Module ' + i + ' runs a tool with care and builds things in containers.',
    url: 'modules/m' + i + '/index.html', version: '1.0.' + i, date: '2026-11-01',
    functions: Array.from({length: 30}, (_, j) => 'build' + j).concat(i % 7 === 0 ? ['preview'] : []),
    arguments: ['src', 'stack', 'arg' + i],
    platforms: i % 2 ? ['linux/amd64'] : ['linux/amd64', 'linux/arm64'],
    abi: i % 3 ? {min: 3, max: 3} : null, signature: 'signed'});
}
modules.push({name: 'previewer', description: '', url: 'modules/previewer/index.html', functions: [],
              arguments: [], platforms: [], abi: null});

function element() {
  return {value: '', textContent: '', innerHTML: '', handlers: {},
          classList: {toggle() {}, remove() {}},
          addEventListener(type, f) { this.handlers[type] = f; }};
}
const els = {search: element(), platform: element(), abi: element(), list: element(),
             results: element(), 'search-status': element()};
global.document = {getElementById: (id) => els[id], head: {appendChild() {}},
                   createElement: () => ({})};
global.location = {protocol: 'http:'};
let frame = null;
global.requestAnimationFrame = (f) => { frame = f; return 1; };
let fetched = 0;
global.fetch = () => { fetched++; return Promise.resolve({ok: true, json: () => ({modules})}); };
eval(script);

function search(query, platform = '', abi = '') {
  els.search.value = query;
  els.platform.value = platform;
  els.abi.value = abi;
  const start = process.hrtime.bigint();
  els.search.handlers.input();
  if (frame) frame();
  frame = null;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const names = [...els.results.innerHTML.matchAll(/class="name" href="[^"]*">([^<]*)</g)].map((m) => m[1]);
  return {names, ms, status: els['search-status'].textContent};
}

assert.strictEqual(fetched, 0, 'the index is not fetched before the first use');
els.search.handlers.focus();
setTimeout(() => {
  assert.strictEqual(fetched, 1);
  let r = search('pull');
  assert.deepStrictEqual(r.names, ['pulumi'], 'a typo of a name finds it');
  // A result shows its repository (escaped) and whether its signer is trusted, so that two
  // modules claiming one name are told apart.
  assert.ok(els.results.innerHTML.includes('<span>reg/&lt;b&gt;acme&lt;/b&gt;/pulumi</span>'),
            els.results.innerHTML);
  assert.ok(els.results.innerHTML.includes('signed · trusted'), els.results.innerHTML);
  assert.ok(search('mod1 ').names.length > 0);
  assert.ok(!els.results.innerHTML.includes('signed · trusted') &&
            els.results.innerHTML.includes('signed · untrusted key'), 'untrusted is said');
  r = search('preview');
  assert.strictEqual(r.names[0], 'previewer', 'name matches rank first');
  assert.ok(r.names.includes('mod0') && !r.names.includes('mod1'), 'function names are searched');
  assert.match(r.status, /^144 modules, showing the first 50/);
  assert.strictEqual(r.names.length, 50, 'at most 50 results are rendered');
  r = search('stack arg999');
  assert.deepStrictEqual(r.names, ['mod999'], 'every word must match; argument names are searched');
  r = search('mod1', 'linux/arm64', '3');
  assert.ok(r.names.every((n) => Number(n.slice(3)) % 2 === 0), 'the platform filter applies');
  r = search('', 'linux/arm64');
  assert.match(r.status, /^\d+ modules/, 'a filter alone lists modules');
  r = search('<img src=x onerror=1>');
  assert.strictEqual(r.names.length, 0);
  const times = [];
  for (const query of ['p', 'pu', 'pul', 'pulu', 'preview', 'run tool', 'mod12', 'zzz', 'b']) {
    for (let i = 0; i < 5; i++) times.push(search(query).ms);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`search keystroke on 1,000 modules: median ${median.toFixed(2)} ms, ` +
              `max ${times[times.length - 1].toFixed(2)} ms (limit 50 ms)`);
  assert.ok(median <= 50, 'a keystroke updates the results in 50 ms or less');
  console.log('search tests passed');
}, 20);
