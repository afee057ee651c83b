'use strict';
// The module `new`: names a generated client must rename (reserved words, names the client's
// objects use, globals its typings use) and enum values that are no identifiers. The SDK is
// found through node_modules/@host/sdk.
const host = require('@host/sdk');

const mod = host.module('new', {description: 'Awkward names. */ A comment end\u2028and a line end.'});
const kind = mod.enum('HostObject', {values: ['a-b', '*/', "it's", 'MAJOR']});

mod.object('Promise', {description: 'An object named like the global.', fields: {then: host.String}})
    .function('sync', {returns: host.String}, (self) => `sync ${self.then}`)
    .function('constructor', {returns: host.String}, () => 'constructor');

const main = mod.object('New', {fields: {label: {type: host.String, default: 'x'}}});
main.function('delete', {
  description: 'Arguments named like keywords.',
  args: {
    default: host.String,
    opts: host.Int,
    function: {type: host.optional(host.String), description: 'Optional.'},
  },
  returns: host.String,
}, (self, args) => `${args.default}:${args.opts}:${args.function ?? 'none'}`);
main.function('do-it', {args: {label: {type: host.String, default: 'done'}}, returns: host.object('New')},
              (self, {label}) => ({...self, label}));
main.function('class', {args: {kind}, returns: host.String}, (self, args) => `${self.label}/${args.kind}`);
main.function('promises', {args: {count: {type: host.Int, default: 2}}, returns: host.list(host.object('Promise'))},
              (self, {count}) => Array.from({length: Number(count)}, (_, i) => ({then: `p${i}`})));
main.function('make_promise', {args: {then: host.String}, returns: host.object('Promise')},
              (self, {then}) => ({then}));
main.function('unwrap', {args: {p: host.object('Promise')}, returns: host.String}, (self, {p}) => `unwrapped ${p.then}`);
main.function('maybe', {args: {flag: {type: host.Boolean, default: false}}, returns: host.optional(host.String)},
              (self, {flag}) => (flag ? 'yes' : undefined));
main.function('kinds', {returns: host.list(kind)}, () => ['*/', 'MAJOR']);

host.serve(mod);
