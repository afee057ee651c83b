'use strict';
// The module builder: a module's objects, their fields and functions with JavaScript handlers,
// its enums; the schema (host.v1.ModuleDef) it describes and the calls it runs.
const types = require('./types');
const values = require('./values');

const {Kind} = types;

// Thrown by a function when the caller's arguments are at fault: the host reports a usage error
// (exit code 2) instead of a failure.
class UsageError extends Error {
  // An error with message.
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

// host.v1.CachePolicy numbers by the names functions use.
const CACHE = {persistent: 0, session: 1, never: 2};

// "withPulumiToken", "with_pulumi_token" -> "with-pulumi-token", as the host compares names.
function kebabCase(name) {
  let out = '';
  const upper = (c) => c >= 'A' && c <= 'Z';
  const lowerOrDigit = (c) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  for (let i = 0; i < name.length; ++i) {
    const c = name[i];
    if (c === '_' || c === '-') {
      if (out && !out.endsWith('-')) out += '-';
      continue;
    }
    if (upper(c)) {
      const afterLower = i > 0 && lowerOrDigit(name[i - 1]);
      const beforeLower = i > 0 && i + 1 < name.length && upper(name[i - 1]) &&
          name[i + 1] >= 'a' && name[i + 1] <= 'z';
      if ((afterLower || beforeLower) && out && !out.endsWith('-')) out += '-';
      out += c.toLowerCase();
    } else {
      out += c;
    }
  }
  return out;
}

// A type, or a spec object {type, description, default, internal}, as a spec object.
function normalizeSpec(spec) {
  return types.isType(spec) ? {type: spec} : {...spec};
}

// The value a field has in an object made without it: its default, else the type's zero value.
function initialValue(field, schema) {
  if (field.default !== undefined) return structuredClone(field.default);
  const t = field.type;
  if (t.optional) return undefined;
  switch (t.kind) {
    case Kind.STRING:
      return '';
    case Kind.INT:
    case Kind.FLOAT:
      return 0;
    case Kind.BOOLEAN:
      return false;
    case Kind.LIST:
      return [];
    case Kind.ENUM: {
      const names = schema.enums.get(t.name);
      return names ? names[0] : undefined;
    }
    default:
      return undefined;
  }
}

// Declares the fields and functions of one object type; returned by Module.object().
class ObjectBuilder {
  // The builder of entry, an object of module.
  constructor(module, entry) {
    this.module_ = module;
    this.entry_ = entry;
  }

  // Adds a field: spec is a type or {type, description, default, internal}. Fields are the
  // object's state between calls; internal fields travel with it but are not offered to callers.
  field(name, spec) {
    const f = normalizeSpec(spec);
    const where = `object '${this.entry_.name}', field '${name}'`;
    if (!types.isType(f.type)) {
      this.module_.problem(`${where}: its type is not a host type`);
      return this;
    }
    const field = {
      name,
      description: f.description || '',
      type: f.type,
      internal: Boolean(f.internal),
      default: f.default,
    };
    field.initial = () => initialValue(field, this.module_.schema);
    this.module_.checkMember(this.entry_, name, where);
    this.entry_.fields.push(field);
    return this;
  }

  // Adds a function: spec is {description, args, returns, cache}; handler(self, args, ctx)
  // returns (or resolves to) the result. args maps each argument's name to a type or to
  // {type, description, default}; returns defaults to host.Void; cache is 'persistent' (the
  // default), 'session' or 'never'.
  function(name, spec, handler) {
    if (typeof spec === 'function') [spec, handler] = [{}, spec];
    const where = `object '${this.entry_.name}', function '${name}'`;
    this.module_.checkMember(this.entry_, name, where);
    const fn = this.module_.makeFunction(name, spec || {}, handler, where);
    if (fn) this.entry_.functions.set(name, fn);
    return this;
  }

  // Sets the constructor: spec is {description, args}; handler(args, ctx) returns the new
  // object's fields. Without one, an object starts with each field's default.
  construct(spec, handler) {
    if (typeof spec === 'function') [spec, handler] = [{}, spec];
    const where = `object '${this.entry_.name}', constructor`;
    const fn = this.module_.makeFunction(
        '', {...spec, returns: types.object(this.entry_.name)}, handler, where);
    if (fn) this.entry_.construct = fn;
    return this;
  }
}

// A module: its name, description, objects and enums. Make it with host.module().
class Module {
  // A module called name (lowercase letters, digits and '-'); options: {description, version}.
  constructor(name, options = {}) {
    this.name = name;
    this.description = options.description || '';
    this.version = options.version || '';
    this.objects = new Map();
    this.enumDefs = [];
    // What values.js needs to encode this module's objects and enums.
    this.schema = {objects: this.objects, enums: new Map()};
    this.problems = [];
    if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name)) {
      this.problem(`the module name '${name}' is not valid: use lowercase letters, digits ` +
                   "and '-', starting with a letter");
    }
  }

  // The name of the main object, the one calls start from: the module name in PascalCase.
  get mainObject() {
    return types.pascalCase(String(this.name));
  }

  // Declares an object type (options: {description, fields}) and returns its builder. fields
  // maps names to types or to {type, description, default, internal}.
  object(name, options = {}) {
    if (!types.isIdentifier(name)) this.problem(`object '${name}': the name is not valid`);
    if (this.objects.has(name)) this.problem(`object '${name}' is declared twice`);
    const entry = {
      name,
      description: options.description || '',
      fields: [],
      functions: new Map(),
      construct: null,
      members: new Set(),
    };
    this.objects.set(name, entry);
    const builder = new ObjectBuilder(this, entry);
    for (const [field, spec] of Object.entries(options.fields || {})) builder.field(field, spec);
    return builder;
  }

  // Declares an enum (options: {description, values}, values being an array of names or an
  // object mapping names to descriptions) and returns its type.
  enum(name, options = {}) {
    if (!types.isIdentifier(name)) this.problem(`enum '${name}': the name is not valid`);
    const given = options.values || [];
    const list = Array.isArray(given) ? given.map((v) => [v, '']) : Object.entries(given);
    if (list.length === 0) this.problem(`enum '${name}' has no values`);
    this.enumDefs.push({
      name,
      description: options.description || '',
      values: list.map(([value, description]) => ({name: value, description: description || ''})),
    });
    this.schema.enums.set(name, list.map(([value]) => value));
    return types.enumType(name);
  }

  // Records a registration mistake; definition() reports them all.
  problem(text) {
    this.problems.push(text);
  }

  // Records a member name of entry, reporting an invalid or repeated one.
  checkMember(entry, name, where) {
    if (!types.isIdentifier(name)) {
      this.problem(
          `${where}: the name is not valid (letters, digits, '_' and '-', starting ` +
          'with a letter)');
    } else if (entry.members.has(kebabCase(name))) {
      this.problem(`${where} has the same name as another member`);
    }
    entry.members.add(kebabCase(name));
  }

  // A function's description and handler, checked; null (with problems recorded) when wrong.
  makeFunction(name, spec, handler, where) {
    let ok = true;
    if (typeof handler !== 'function') {
      this.problem(`${where}: the handler is not a function`);
      ok = false;
    }
    const returns = spec.returns === undefined ? types.Void : spec.returns;
    if (!types.isType(returns)) {
      this.problem(`${where}: returns is not a host type`);
      ok = false;
    }
    const cache = spec.cache === undefined ? 'persistent' : spec.cache;
    if (!(cache in CACHE)) {
      this.problem(`${where}: cache must be 'persistent', 'session' or 'never', not '${cache}'`);
      ok = false;
    }
    const args = [];
    const seen = new Set();
    for (const [argName, argSpec] of Object.entries(spec.args || {})) {
      const a = normalizeSpec(argSpec);
      const awhere = `${where}, argument '${argName}'`;
      if (!types.isIdentifier(argName)) this.problem(`${awhere}: the name is not valid`);
      if (seen.has(kebabCase(argName))) this.problem(`${awhere} is declared twice`);
      seen.add(kebabCase(argName));
      if (!types.isType(a.type)) {
        this.problem(`${awhere}: its type is not a host type`);
        ok = false;
        continue;
      }
      args.push(
          {name: argName, description: a.description || '', type: a.type, default: a.default});
    }
    if (!ok) return null;
    return {name, description: spec.description || '', args, returns, cache: CACHE[cache], handler};
  }

  // The schema as a host.v1.ModuleDef message object; throws listing registration mistakes.
  definition() {
    const problems = [...this.problems];
    if (!this.objects.has(this.mainObject)) {
      problems.push(
          `module '${this.name}' declares no main object '${this.mainObject}': call ` +
          `mod.object('${this.mainObject}', ...)`);
    }
    const functionDef = (fn) => ({
      name: fn.name,
      description: fn.description,
      args: fn.args.map((a) => {
        const arg = {name: a.name, description: a.description, type: types.toMessage(a.type)};
        if (a.default !== undefined) {
          try {
            arg.default_value = values.encode(a.default, a.type, this.schema, 'its default');
          } catch (e) {
            problems.push(
                `function '${fn.name || '(constructor)'}', argument '${a.name}': ` + e.message);
          }
        }
        return arg;
      }),
      return_type: types.toMessage(fn.returns),
      cache: fn.cache,
    });
    const objects = [];
    for (const entry of this.objects.values()) {
      const object = {
        name: entry.name,
        description: entry.description,
        fields: entry.fields.map((f) => {
          const type = types.toMessage(f.type);
          return {name: f.name, description: f.description, type, internal: f.internal};
        }),
        functions: [...entry.functions.values()].map(functionDef),
      };
      if (entry.construct) object.constructor = functionDef(entry.construct);
      objects.push(object);
    }
    if (problems.length > 0) {
      throw new Error(`module '${this.name}' is declared wrongly:\n  ${problems.join('\n  ')}`);
    }
    return {
      name: this.name,
      version: this.version,
      description: this.description,
      main_object: this.mainObject,
      objects,
      enums: this.enumDefs,
      sdk: 'node',
    };
  }

  // Runs call (a decoded host.v1.Call) with ctx; resolves to the result as a host.v1.Value
  // message object, or rejects with the function's error.
  async invoke(call, ctx) {
    const entry = this.objects.get(call.object);
    if (!entry) throw new Error(`module '${this.name}' has no object '${call.object}'`);
    const selfType = types.object(entry.name);
    if (call.function === '') {
      if (!entry.construct) return values.encode({}, selfType, this.schema, 'the new object');
      const args = this.decodeArgs(call, entry.construct);
      const made = await entry.construct.handler(args, ctx);
      return values.encode(
          made === undefined ? {} : made, selfType, this.schema,
          `the result of the constructor of ${entry.name}`);
    }
    let fn = entry.functions.get(call.function);
    if (!fn) {
      const key = kebabCase(call.function);
      fn = [...entry.functions.values()].find((f) => kebabCase(f.name) === key);
      if (!fn) throw new Error(`object '${entry.name}' has no function '${call.function}'`);
    }
    const self = values.decodeObject(
        call.receiver || {type_name: entry.name, id: '', fields: []}, this.schema);
    const args = this.decodeArgs(call, fn);
    const result = await fn.handler(self, args, ctx);
    return values.encode(result, fn.returns, this.schema, `the result of function '${fn.name}'`);
  }

  // The call's arguments by declared name; defaults fill in any the call lacks.
  decodeArgs(call, fn) {
    const given = new Map();
    for (const named of call.args) given.set(named.name, named.value);
    const args = {};
    for (const a of fn.args) {
      let value = given.get(a.name);
      if (value === undefined) {
        const key = kebabCase(a.name);
        for (const [name, v] of given) {
          if (kebabCase(name) === key) value = v;
        }
      }
      args[a.name] =
          value === undefined ? structuredClone(a.default) : values.decode(value, this.schema);
    }
    return args;
  }
}

// A new module called name; options: {description, version}.
function module_(name, options) {
  return new Module(name, options);
}

module.exports = {Module, ObjectBuilder, UsageError, module: module_, kebabCase};
