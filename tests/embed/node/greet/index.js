'use strict';
// A Node.js module written against the installed SDK (node_modules/@host/sdk), as docs/node.md
// shows; it calls the installed semver module through the host.
const host = require('@host/sdk');

const mod = host.module('greet', {description: 'Greetings, from JavaScript.'});

mod.object('Greet', {
  description: 'Says hello.',
  fields: {greeting: {type: host.String, description: 'What hello says.', default: 'Hello'}},
})
    .function('hello', {
      description: 'Greets someone.',
      args: {name: {type: host.String, default: 'world'}},
      returns: host.String,
    }, (self, {name}) => `${self.greeting}, ${name}!`)
    .function('announce', {
      description: 'Greets the next version after version and commits.',
      args: {version: host.String, commits: host.list(host.String)},
      returns: host.String,
    }, async (self, {version, commits}, ctx) => {
      const tag = await ctx.call([
        {module: 'semver', args: {version}},
        {function: 'next', args: {commits}},
        {function: 'tag'},
      ]);
      return `${self.greeting}, ${tag}!`;
    });

host.serve(mod);
