'use strict';
// The module `user`: calls the module `new` through its generated client, deps/new.js.
const host = require('@host/sdk');
const {new_, HostObject_} = require('./deps/new');

const mod = host.module('user');
const userObject = mod.object('User');
userObject.function('run', {returns: host.String}, async () => {
  const n = new_();
  const out = [
    await n.delete('d', 3, {function: 'f'}),
    await n.delete('d', 4),
    await n.doIt().class(HostObject_['*/']),
    await n.doIt({label: 'L'}).class('a-b'),
  ];
  const promises = await n.promises({count: 3});
  out.push(promises.length, await promises[2].then_(), await promises[0].sync_());
  out.push(await n.unwrap(n.makePromise('t')), await n.unwrap(promises[1]));
  out.push(String(await n.maybe()), await n.maybe({flag: true}));
  out.push((await n.kinds()).join(','), await n.label());
  const done = await n.doIt({label: 'synced'}).sync();
  out.push(await done.label(), await promises[0].constructor_());
  return out.join(' | ');
});
userObject.function('outside', {returns: host.String}, async () => {
  // A client object made in one call and run in a later one still runs in the caller's call.
  return await kept.label();
});
const kept = new_().doIt({label: 'kept'});

host.serve(mod);
