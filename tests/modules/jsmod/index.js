'use strict';
// jsmod: a test module in JavaScript, served to the host by its own Node.js process. It calls
// the C++ module lcxx through the host, chains through its own objects, and fails in the ways
// a module process can.
const host = require('../../../sdk/node');

const mod = host.module('jsmod', {
  description: 'A test module in JavaScript for Node.js; calls the libc++ module.',
});

const report = mod.object('Report', {
  description: 'What the main object holds, as another object type.',
  fields: {
    label: {type: host.String, description: 'The prefix.'},
    tags: {type: host.list(host.String), description: 'The tags added so far.'},
    count: {type: host.Int, description: 'How many tags.'},
  },
});

report.function('summary', {
  description: 'One line about the report.',
  returns: host.String,
}, (self) => `${self.label}: ${self.count} tag(s): ${self.tags.join(',')}`);

const jsmod = mod.object('Jsmod', {
  description: 'The main object.',
  fields: {
    prefix: {type: host.String, description: 'Put before labels.', default: 'js'},
    tags: {type: host.list(host.String), description: 'Tags added by with_tag.'},
  },
});

jsmod.function('shout', {
  description: 'Upper-cases a text and adds "!".',
  args: {text: host.String},
  returns: host.String,
}, (self, {text}) => `${text.toUpperCase()}!`);

jsmod.function('echo', {
  description: 'Concatenates three strings.',
  args: {a: host.String, b: host.String, c: host.String},
  returns: host.String,
}, (self, {a, b, c}) => a + b + c);

jsmod.function('brackets_via_cpp', {
  description: 'Puts a text in brackets with the brackets function of lcxx, through the host.',
  args: {text: {type: host.String, description: 'The text.'}},
  returns: host.String,
}, (self, {text}, ctx) => ctx.call({module: 'lcxx', function: 'brackets', args: {text}}));

jsmod.function('note', {
  description: 'Logs a text and returns it.',
  args: {text: host.String},
  returns: host.String,
  cache: 'never',
}, async (self, {text}, ctx) => {
  await ctx.log(`note: ${text}`);
  return text;
});

jsmod.function('with_prefix', {
  description: 'Sets the prefix.',
  args: {p: host.String},
  returns: host.object('Jsmod'),
}, (self, {p}) => ({...self, prefix: p}));

jsmod.function('with_tag', {
  description: 'Adds a tag.',
  args: {tag: host.String},
  returns: host.object('Jsmod'),
}, (self, {tag}) => ({...self, tags: [...self.tags, tag]}));

jsmod.function('label', {
  description: 'Prefixes a text.',
  args: {text: host.String},
  returns: host.String,
}, (self, {text}) => `${self.prefix}:${text}`);

jsmod.function('report', {
  description: 'The prefix and tags, as a Report.',
  returns: host.object('Report'),
}, (self) => ({label: self.prefix, tags: self.tags, count: self.tags.length}));

jsmod.function('sum', {
  description: 'Adds Ints.',
  args: {numbers: {type: host.list(host.Int), default: [1, 2, 3]}},
  returns: host.Int,
}, (self, {numbers}) => numbers.reduce((total, n) => total + BigInt(n), 0n));

jsmod.function('half', {
  description: 'Halves a number, or scales it by factor when given.',
  args: {value: host.Float, factor: host.optional(host.Float)},
  returns: host.Float,
}, (self, {value, factor}) => value * (factor === undefined ? 0.5 : factor));

jsmod.function('pick', {
  description: 'The item at index; an index out of range is a usage error.',
  args: {items: host.list(host.String), index: host.Int},
  returns: host.String,
}, (self, {items, index}) => {
  if (index < 0 || index >= items.length) {
    throw new host.UsageError(`index ${index} is out of range (${items.length} items)`);
  }
  return items[index];
});

jsmod.function('fail', {
  description: 'Throws an error with the message.',
  args: {message: host.String},
  returns: host.String,
  cache: 'never',
}, (self, {message}) => {
  throw new Error(message);
});

jsmod.function('crash', {
  description: 'Ends its process with exit code 3 in the middle of the call.',
  returns: host.String,
  cache: 'never',
}, () => process.exit(3));

jsmod.function('hang', {
  description: 'Never returns.',
  returns: host.String,
  cache: 'never',
}, () => new Promise(() => {}));

host.serve(mod);
