'use strict';
// The runtime of typed clients: `host codegen --lang node` writes deps/<module>.js as
// dependency(schema), which builds the module's classes, enums and constructor from its schema.
// Calls on a client object chain without running (an object-returning function adds a step);
// a function that returns anything else runs the chain through the current caller: the ctx of
// the function in progress, or what withCaller() set.
const {AsyncLocalStorage} = require('node:async_hooks');
const values = require('./values');

// One store for every copy of the SDK in the process (a module's own and the one its deps/*.js
// find may be two).
const STORE_KEY = Symbol.for('host.sdk.callers');
const callers = globalThis[STORE_KEY] || (globalThis[STORE_KEY] = new AsyncLocalStorage());
// A client object's state: {chain: [() => Promise<Step>]} until run, {value} after.
const STATE = Symbol('host.clientState');

// Runs fn (and everything it awaits) with caller making the calls of typed clients: a ctx, or an
// Engine of `host serve`.
function withCaller(caller, fn) {
  if (!caller || typeof caller.call !== 'function') {
    throw new TypeError('withCaller(caller, fn): caller must be a ctx or an Engine');
  }
  return callers.run(caller, fn);
}

// The caller of the function in progress.
function currentCaller(what) {
  const caller = callers.getStore();
  if (!caller) {
    throw new Error(
        `${what}: a typed client was called outside a function of this module; call it from ` +
        'a function\'s handler, or inside host.withCaller(engine, fn)');
  }
  return caller;
}

// A value for an argument: client objects run and replaced by the object the host returned.
async function resolveValue(value) {
  if (value !== null && typeof value === 'object' && value[STATE]) {
    await value.sync();
    return value[STATE].value;
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolveValue));
  return value;
}

// Builds the client of a module from the schema a generated deps/<module>.js holds.
function dependency(schema) {
  const exports = {};
  const classes = new Map();  // host object name -> class

  // A result as the client returns it: objects of the module as client objects (run).
  const wrap = (type, value) => {
    if (value === undefined || value === null) return value;
    if (type.kind === 8 && classes.has(type.name)) return new (classes.get(type.name))({value});
    if (type.kind === 7 && Array.isArray(value)) return value.map((v) => wrap(type.element, v));
    return value;
  };

  // The step of a call of member (function name, '' for the constructor) on object, with the
  // arguments given by the caller (by host name); args are resolved when the chain runs.
  const step = (object, name, args, given) => async () => {
    const out = {};
    for (const a of args) {
      const value = given[a.name];
      if (value === undefined || value === null) continue;
      out[a.name] = values.typed(a.type, await resolveValue(value));
    }
    return {module: schema.module, object, function: name, args: out};
  };

  // The arguments of a call by host name, from the parameters: required ones in order, then an
  // options object keyed by the others' names.
  const given = (where, args, params) => {
    const out = {};
    const required = args.filter((a) => a.required);
    required.forEach((a, i) => {
      if (params[i] === undefined || params[i] === null) {
        throw new TypeError(`${where}: argument ${a.js} is required`);
      }
      out[a.name] = params[i];
    });
    const opts = params[required.length];
    if (opts !== undefined && opts !== null) {
      if (typeof opts !== 'object' || Array.isArray(opts)) {
        throw new TypeError(`${where}: the options must be an object`);
      }
      for (const a of args) {
        if (!a.required && Object.prototype.hasOwnProperty.call(opts, a.js)) {
          out[a.name] = opts[a.js];
        }
      }
    }
    return out;
  };

  // Runs the chain of steps; resolves to its result as the host returned it.
  const run = async (chain, where) => {
    const caller = currentCaller(where);
    const steps = [];
    for (const make of chain) steps.push(await make());
    return caller.call(steps);
  };

  for (const o of schema.objects) {
    const Class = {
      [o.js]: class {
        constructor(state) {
          Object.defineProperty(this, STATE, {value: state, writable: true});
        }
      },
    }[o.js];
    classes.set(o.name, Class);
    Object.defineProperty(Class.prototype, 'sync', {
      configurable: true,
      writable: true,
      value: async function sync() {
        const state = this[STATE];
        if (!('value' in state)) {
          state.running = state.running || run(state.chain, `${o.js}.sync`);
          try {
            const value = await state.running;
            this[STATE] = {value};
          } catch (error) {
            state.running = null;
            throw error;
          }
        }
        return this;
      },
    });
    for (const m of o.members) {
      const where = `${o.js}.${m.js}`;
      Object.defineProperty(Class.prototype, m.js, {
        configurable: true,
        writable: true,
        value: function(...params) {
          const call = step(o.name, m.name, m.args, given(where, m.args, params));
          const state = this[STATE];
          let chain;
          if ('value' in state) {
            const receiver = state.value;
            chain = [async () => ({...(await call()), receiver})];
          } else {
            chain = [...state.chain, call];
          }
          if (m.chained) return new (classes.get(m.returns.name))({chain});
          return run(chain, where).then((value) => wrap(m.returns, value));
        },
      });
    }
    exports[o.js] = Class;
  }
  for (const e of schema.enums) {
    exports[e.js] = Object.freeze(Object.fromEntries(e.values.map((v) => [v, v])));
  }
  if (schema.constructorName !== null) {
    const main = schema.objects.find((o) => o.name === schema.mainObject);
    const where = schema.constructorName;
    exports[schema.constructorName] = function(...params) {
      const args = given(where, main.constructorArgs, params);
      const call = step(main.name, '', main.constructorArgs, args);
      return new (classes.get(main.name))({chain: [call]});
    };
  }
  return Object.freeze(exports);
}

module.exports = {dependency, withCaller};
