#include "core/index/site_assets.h"

namespace host::index {

std::string_view SiteCss() {
  return R"CSS(:root{--bg:#f6f7f9;--card:#fff;--ink:#1d2330;--muted:#5b6475;--line:#dfe3ea;
--accent:#2f6fde;--accent-ink:#fff;--code:#0f1623;--code-ink:#e6edf7;--ok:#1d7a46;--warn:#a35b00;
--bad:#b3261e;--radius:10px}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.topbar{background:#111827;color:#fff;border-bottom:3px solid var(--accent)}
.topbar .inner{max-width:1080px;margin:0 auto;padding:.7rem 1rem;display:flex;gap:1rem;
align-items:center;flex-wrap:wrap}
.brand{color:#fff;font-weight:700;font-size:1.1rem;letter-spacing:.01em}
.brand .logo{display:inline-block;background:var(--accent);color:#fff;border-radius:6px;
padding:0 .4rem;margin-right:.45rem;font-family:ui-monospace,monospace}
.topbar nav a{color:#cbd5e1;margin-right:1rem}.topbar nav a:hover{color:#fff}
main{max-width:1080px;margin:0 auto;padding:1.2rem 1rem 3rem}
h1{font-size:1.7rem;margin:.2rem 0 .3rem}h2{font-size:1.2rem;margin:1.6rem 0 .6rem}
h3{font-size:1.02rem;margin:1.1rem 0 .3rem}
.lead{color:var(--muted);margin:.2rem 0 1rem}
.card>h2:first-child,.card>h1:first-child{margin-top:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);
padding:1rem 1.2rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(16,24,40,.04)}
.grid{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:1rem}
@media (max-width:820px){.grid{grid-template-columns:minmax(0,1fr)}}
.searchbar{display:flex;gap:.5rem;flex-wrap:wrap;margin:0 0 1rem}
.searchbar input,.searchbar select,.diff-form select{font:inherit;padding:.55rem .7rem;
border:1px solid var(--line);border-radius:8px;background:#fff;color:var(--ink)}
.searchbar input{flex:1 1 260px;min-width:0}
.modlist{list-style:none;margin:0;padding:0}
.modlist li{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);
padding:.8rem 1rem;margin:0 0 .6rem}
.modlist .head{display:flex;gap:.5rem;align-items:baseline;flex-wrap:wrap}
.modlist .name{font-weight:650;font-size:1.05rem}
.modlist .desc{color:var(--muted);margin:.2rem 0 .35rem;overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:.86rem;display:flex;gap:.35rem .8rem;flex-wrap:wrap;
align-items:center}
.badge{display:inline-block;font-size:.75rem;line-height:1.5;padding:0 .5rem;border-radius:999px;
border:1px solid var(--line);background:#eef2f7;color:#334155;white-space:nowrap}
.badge.ok{background:#e7f5ec;border-color:#b7e0c6;color:var(--ok)}
.badge.warn{background:#fff4e0;border-color:#f3d19c;color:var(--warn)}
.badge.bad{background:#fde8e7;border-color:#f4b9b5;color:var(--bad)}
.badge.plat{background:#eaf1fe;border-color:#c5d8fb;color:#1e4fa8;font-family:ui-monospace,
SFMono-Regular,Menlo,monospace}
.pager{display:flex;gap:.4rem;flex-wrap:wrap;margin:1rem 0}
.pager a,.pager span{padding:.3rem .7rem;border:1px solid var(--line);border-radius:8px;
background:#fff}.pager span{background:var(--accent);color:#fff;border-color:var(--accent)}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
.cmd{display:flex;align-items:stretch;background:var(--code);color:var(--code-ink);
border-radius:8px;margin:.4rem 0;overflow:hidden}
.cmd pre{margin:0;padding:.6rem .8rem;overflow-x:auto;flex:1;white-space:pre}
.cmd button{border:0;border-left:1px solid #2a3446;background:#1b2434;color:#cbd5e1;
padding:0 .8rem;font:inherit;font-size:.8rem;cursor:pointer}.cmd button:hover{color:#fff}
.readme{overflow-wrap:anywhere}.readme pre{background:#f1f4f8;padding:.7rem;border-radius:8px;
overflow-x:auto}.readme code{background:#f1f4f8;padding:.05rem .25rem;border-radius:4px}
.readme pre code{padding:0;background:none}.readme img{max-width:100%}
.readme table,table.args{border-collapse:collapse;margin:.5rem 0;display:block;overflow-x:auto}
.readme th,.readme td,table.args th,table.args td{border:1px solid var(--line);
padding:.3rem .6rem;text-align:left;vertical-align:top}
table.args th{background:#f4f6fa;font-weight:600}
.api .fn{border-top:1px solid var(--line);padding:.6rem 0}
.api .sig{font-family:ui-monospace,monospace;font-weight:600;overflow-wrap:anywhere}
.api .type{color:#7c3aed}.muted{color:var(--muted)}
.note{border-left:4px solid var(--warn);background:#fff8eb;padding:.6rem .9rem;border-radius:6px;
margin:0 0 1rem}
.side dl{margin:0}.side dt{font-weight:600;font-size:.85rem;color:var(--muted);margin-top:.6rem}
.side dd{margin:.1rem 0 0;overflow-wrap:anywhere}
.versions{list-style:none;padding:0;margin:0}.versions li{padding:.25rem 0;
border-bottom:1px dashed var(--line)}
.diff-form{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center;margin:.4rem 0}
.diff-form button{font:inherit;padding:.45rem .8rem;border-radius:8px;border:1px solid
var(--accent);background:var(--accent);color:#fff;cursor:pointer}
.changes li{margin:.2rem 0;overflow-wrap:anywhere}.added{color:var(--ok)}
.removed{color:var(--bad)}.changed{color:var(--warn)}
.hidden{display:none}
footer{color:var(--muted);font-size:.82rem;text-align:center;padding:1rem}
@media (max-width:560px){h1{font-size:1.35rem}main{padding:.8rem .6rem 2rem}
.card{padding:.8rem}.topbar nav{width:100%}}
)CSS";
}

std::string_view SearchJs() {
  return R"JS((function () {
  'use strict';
  var box = document.getElementById('search');
  if (!box) return;
  var platform = document.getElementById('platform');
  var abi = document.getElementById('abi');
  var list = document.getElementById('list');
  var results = document.getElementById('results');
  var status = document.getElementById('search-status');
  var modules = null, loading = false, pending = 0;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function prepare(data) {
    var out = [];
    var items = (data && data.modules) || [];
    for (var i = 0; i < items.length; i++) {
      var m = items[i];
      var fns = (m.functions || []).join(' '), args = (m.arguments || []).join(' ');
      var lower = String(m.name || '').toLowerCase();
      out.push({m: m, name: lower, tokens: lower.split(/[^a-z0-9]+/).filter(Boolean),
                hay: [m.name, m.description, fns, args].join('\n').toLowerCase(),
                plats: ' ' + (m.platforms || []).join(' ') + ' '});
    }
    return out;
  }
  function load() {
    if (modules || loading) return;
    loading = true;
    status.textContent = 'Loading the search index…';
    var done = function (data) { modules = prepare(data); status.textContent = ''; update(); };
    var fail = function () {
      status.textContent = 'The search index could not be loaded (open the site over HTTP).';
    };
    if (location.protocol === 'file:') {
      var s = document.createElement('script');
      s.src = 'assets/search-data.js';
      s.onload = function () { window.HOST_SEARCH ? done(window.HOST_SEARCH) : fail(); };
      s.onerror = fail;
      document.head.appendChild(s);
      return;
    }
    fetch('search.json').then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(done, fail);
  }
  // Whether a and the first lb characters of b are at most one edit (insert, delete, replace)
  // apart.
  function oneEdit(a, b, lb) {
    var la = a.length, i = 0, j = 0, edits = 0;
    if (Math.abs(la - lb) > 1) return false;
    while (i < la && j < lb) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (la > lb) i++; else if (lb > la) j++; else { i++; j++; }
    }
    return edits + (la - i) + (lb - j) <= 1;
  }
  // Whether a query word of 4 or more letters is a typo of the start of a word of the name
  // ("pull" finds "pulumi").
  function nearName(e, word) {
    if (word.length < 4) return false;
    for (var t = 0; t < e.tokens.length; t++) {
      var token = e.tokens[t];
      if (token.charCodeAt(0) !== word.charCodeAt(0)) continue;  // typos keep the first letter
      for (var len = word.length - 1; len <= word.length + 1 && len <= token.length; len++) {
        if (oneEdit(word, token, len)) return true;
      }
    }
    return false;
  }
  function abiOk(m, want) {
    if (!want) return true;
    if (!m.abi) return true;  // built from source: any host
    var n = Number(want);
    return m.abi.min <= n && n <= m.abi.max;
  }
  function update() {
    pending = 0;
    var q = box.value.trim().toLowerCase();
    var plat = platform ? platform.value : '', want = abi ? abi.value : '';
    var active = q !== '' || plat !== '' || want !== '';
    list.classList.toggle('hidden', active);
    results.classList.toggle('hidden', !active);
    if (!active) { status.textContent = ''; return; }
    if (!modules) { load(); return; }
    var words = q.split(/\s+/).filter(Boolean);
    var hits = [];
    for (var i = 0; i < modules.length; i++) {
      var e = modules[i], ok = true, inName = 0, near = 0;
      for (var w = 0; w < words.length; w++) {
        if (e.name.indexOf(words[w]) >= 0) { inName++; continue; }
        if (e.hay.indexOf(words[w]) >= 0) continue;
        if (nearName(e, words[w])) { near++; continue; }
        ok = false;
        break;
      }
      if (!ok) continue;
      if (plat && e.plats.indexOf(' ' + plat + ' ') < 0) continue;
      if (!abiOk(e.m, want)) continue;
      var rank = words.length && inName === words.length ? 0 : inName || near ? 1 : 2;
      if (e.name === q) rank = -1;
      hits.push({e: e, rank: rank});
    }
    hits.sort(function (a, b) {
      return a.rank - b.rank || (a.e.name < b.e.name ? -1 : a.e.name > b.e.name ? 1 : 0);
    });
    var html = '';
    for (var k = 0; k < hits.length && k < 50; k++) {
      var m = hits[k].e.m, plats = '';
      var ps = m.platforms || [];
      for (var p = 0; p < ps.length && p < 8; p++) plats += '<span class="badge plat">' + esc(ps[p]) + '</span>';
      if (!ps.length) plats = '<span class="badge">source</span>';
      var sig = m.signature === 'signed'
        ? (m.trusted === true ? '<span class="badge ok">signed · trusted</span>'
                              : '<span class="badge warn">signed · untrusted key</span>')
        : m.signature === 'invalid' ? '<span class="badge bad">invalid signature</span>'
                                    : '<span class="badge">unsigned</span>';
      html += '<li><div class="head"><a class="name" href="' + esc(m.url) + '">' + esc(m.name) +
        '</a><span class="badge">' + esc(m.version) + '</span>' + sig +
        '</div><div class="desc">' + esc(m.description) + '</div><div class="meta"><span>' +
        esc(m.repository || '') + '</span><span>' + esc(m.date) + '</span>' + plats +
        '</div></li>';
    }
    results.innerHTML = html;
    status.textContent = hits.length + (hits.length === 1 ? ' module' : ' modules') +
      (hits.length > 50 ? ', showing the first 50' : '');
  }
  function schedule() {
    if (!pending) pending = requestAnimationFrame(update);
  }
  box.addEventListener('focus', load);
  box.addEventListener('input', schedule);
  if (platform) platform.addEventListener('change', update);
  if (abi) abi.addEventListener('change', update);
  if (box.value) update();
})();
)JS";
}

std::string_view ModuleJs() {
  return R"JS((function () {
  'use strict';
  var buttons = document.querySelectorAll('button.copy');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].classList.remove('hidden');
    buttons[i].addEventListener('click', function (event) {
      var button = event.currentTarget;
      var pre = button.parentNode.querySelector('pre');
      if (!pre || !navigator.clipboard) return;
      navigator.clipboard.writeText(pre.textContent).then(function () {
        button.textContent = 'Copied';
        setTimeout(function () { button.textContent = 'Copy'; }, 1500);
      });
    });
  }
  var form = document.getElementById('diff-form');
  if (form) {
    form.classList.remove('hidden');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var from = form.elements.from.value, to = form.elements.to.value;
      if (from === to) return;
      var order = form.getAttribute('data-order').split(' ');
      if (order.indexOf(from) < order.indexOf(to)) { var t = from; from = to; to = t; }
      location.href = form.getAttribute('data-base') + from + '..' + to + '.html';
    });
  }
})();
)JS";
}

}  // namespace host::index
