'use strict';
// pyjs: the Node.js step of the chain Python -> C++ -> Node.js -> Python. It calls the Python
// module pyleaf through the host.
const host = require('../../../sdk/node');

const mod = host.module('pyjs', {
  description: 'A test module in JavaScript between the C++ module pycxx and the Python module ' +
      'pyleaf.',
});

const pyjs = mod.object('Pyjs', {description: 'The main object.'});

pyjs.function('via_py', {
  description: 'Wraps a text in the Python module pyleaf, then in js(...).',
  args: {text: host.String},
  returns: host.String,
}, async (self, {text}, ctx) => {
  const wrapped = await ctx.call({module: 'pyleaf', function: 'wrap', args: {text}});
  return `js(${wrapped})`;
});

host.serve(mod);
