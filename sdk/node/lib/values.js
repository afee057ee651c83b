'use strict';
// JavaScript values <-> host.v1.Value message objects. With a declared type (arguments, fields,
// results) values are encoded as that type; without one (the arguments of ctx.call and of client
// calls) the JavaScript type decides, and host.typed() says what it cannot.
const protobuf = require('protobufjs');
const types = require('./types');

const {Kind} = types;
const Long = protobuf.util.Long;

// The non-enumerable property of a decoded object holding {type_name, id, raw}: raw is the
// host.v1.ObjectValue it came from.
const OBJECT = Symbol('host.object');

// A value with the type to encode it as, for places that have no declared type.
class Typed {
  // Wraps value to be encoded as type.
  constructor(type, value) {
    this.type = types.checkType(type, 'the type given to host.typed()');
    this.value = value;
  }
}

// Marks value to be encoded as type where no type is declared (ctx.call and client arguments).
function typed(type, value) {
  return new Typed(type, value);
}

// The object type of a value the host returned (a receiver, an argument, a call's result).
function objectType(value) {
  return value && value[OBJECT] ? value[OBJECT].type_name : undefined;
}

// The ID the host gave an object value (the digest of the call that made it).
function objectId(value) {
  return value && value[OBJECT] ? value[OBJECT].id : undefined;
}

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

// What x is, for messages.
function describe(x) {
  if (x === undefined || x === null) return 'nothing';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object' && x[OBJECT]) return `an object of type ${x[OBJECT].type_name}`;
  return `a ${typeof x} (${String(x).slice(0, 40)})`;
}

// The error of a value that is not of its declared type.
function mismatch(where, type, x) {
  return new TypeError(`${where} must be ${types.typeName(type)}, got ${describe(x)}`);
}

// A JavaScript integer (number, bigint or Long) as an int64 for protobufjs.
function toInt64(x, where, type) {
  if (typeof x === 'number') {
    if (!Number.isInteger(x) || x >= 2 ** 63 || x < -(2 ** 63)) throw mismatch(where, type, x);
    return Number.isSafeInteger(x) ? x : Long.fromString(BigInt(x).toString());
  }
  if (typeof x === 'bigint') {
    if (x < MIN_INT64 || x > MAX_INT64) {
      throw new RangeError(`${where}: ${x} does not fit in a 64-bit Int`);
    }
    return Long.fromString(x.toString());
  }
  if (Long.isLong(x)) return x;
  throw mismatch(where, type, x);
}

// An int64 as protobufjs decodes it, as a number when it is exact, else a bigint.
function fromInt64(v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') v = Long.fromString(v);
  const n = v.toNumber();
  return Number.isSafeInteger(n) ? n : BigInt(v.toString());
}

// x as a host.v1.Value message object of the declared type; schema knows the module's own
// objects and enums (may be null); where names the value in errors.
function encode(x, type, schema, where) {
  if (x instanceof Typed) return encode(x.value, x.type, schema, where);
  if (type.kind === Kind.VOID) return {};
  if (x === undefined || x === null) {
    if (type.optional) return {};
    throw mismatch(where, type, x);
  }
  switch (type.kind) {
    case Kind.STRING:
      if (typeof x !== 'string') throw mismatch(where, type, x);
      return {string_value: x};
    case Kind.INT:
      return {int_value: toInt64(x, where, type)};
    case Kind.FLOAT:
      if (typeof x === 'number') return {float_value: x};
      if (typeof x === 'bigint') return {float_value: Number(x)};
      throw mismatch(where, type, x);
    case Kind.BOOLEAN:
      if (typeof x !== 'boolean') throw mismatch(where, type, x);
      return {bool_value: x};
    case Kind.ENUM: {
      if (typeof x !== 'string') throw mismatch(where, type, x);
      const values = schema && schema.enums.get(type.name);
      if (values && !values.includes(x)) {
        throw new TypeError(
            `${where}: '${x}' is not a value of ${type.name} ` +
            `(one of: ${values.join(', ')})`);
      }
      return {enum_value: x};
    }
    case Kind.LIST: {
      if (!Array.isArray(x)) throw mismatch(where, type, x);
      const items = x.map((item, i) => encode(item, type.element, schema, `${where}[${i}]`));
      return {list_value: {items}};
    }
    case Kind.OBJECT:
      return {object_value: encodeObject(x, type, schema, where)};
    default:
      throw new TypeError(`${where} has no type`);
  }
}

// An object as a host.v1.ObjectValue message object: this module's objects by their declared
// fields, other objects as the host gave them.
function encodeObject(x, type, schema, where) {
  if (typeof x !== 'object' || Array.isArray(x)) throw mismatch(where, type, x);
  const info = x[OBJECT];
  if (info && info.type_name !== type.name) throw mismatch(where, type, x);
  const def = schema && schema.objects.get(type.name);
  if (!def) {
    if (info) return info.raw;
    throw new TypeError(
        `${where} must be an object of type ${type.name} as the host returned ` +
        'it (a receiver, an argument or the result of a call); got a plain object');
  }
  const fields = def.fields.map((f) => {
    const value = x[f.name] === undefined ? f.initial() : x[f.name];
    return {name: f.name, value: encode(value, f.type, schema, `${where}.${f.name}`)};
  });
  return {type_name: type.name, fields};
}

// x as a host.v1.Value message object, its type told by JavaScript: strings, booleans, integers
// (Int), other numbers (Float), bigints (Int), arrays, objects the host returned; host.typed()
// for the rest.
function encodeAny(x, schema, where) {
  if (x instanceof Typed) return encode(x.value, x.type, schema, where);
  if (x === undefined || x === null) return {};
  switch (typeof x) {
    case 'string':
      return {string_value: x};
    case 'boolean':
      return {bool_value: x};
    case 'bigint':
      return {int_value: toInt64(x, where, types.Int)};
    case 'number':
      if (Number.isInteger(x) && x < 2 ** 63 && x >= -(2 ** 63)) {
        return {int_value: toInt64(x, where, types.Int)};
      }
      return {float_value: x};
    default:
  }
  if (Long.isLong(x)) return {int_value: x};
  if (Array.isArray(x)) {
    return {list_value: {items: x.map((item, i) => encodeAny(item, schema, `${where}[${i}]`))}};
  }
  if (typeof x === 'object' && x[OBJECT]) {
    return {object_value: encodeObject(x, types.object(x[OBJECT].type_name), schema, where)};
  }
  throw new TypeError(
      `${where}: cannot tell the host type of ${describe(x)}; ` +
      'wrap it with host.typed(type, value)');
}

// A host.v1.Value (as protobufjs decodes it) as a JavaScript value: undefined for the absent
// value, numbers (bigints beyond 2^53) for Int, strings for enum values, arrays for lists, plain
// objects of their fields for objects (this module's objects with every declared field).
function decode(v, schema) {
  switch (v ? v.kind : undefined) {
    case 'string_value':
      return v.string_value;
    case 'int_value':
      return fromInt64(v.int_value);
    case 'float_value':
      return v.float_value;
    case 'bool_value':
      return v.bool_value;
    case 'enum_value':
      return v.enum_value;
    case 'list_value':
      return v.list_value.items.map((item) => decode(item, schema));
    case 'object_value':
      return decodeObject(v.object_value, schema);
    default:
      return undefined;
  }
}

// A host.v1.ObjectValue as a plain object of its fields, with its type and ID kept aside.
function decodeObject(o, schema) {
  const out = {};
  const def = schema && schema.objects.get(o.type_name);
  for (const named of o.fields) out[named.name] = decode(named.value, schema);
  if (def) {
    for (const f of def.fields) {
      if (out[f.name] === undefined) out[f.name] = f.initial();
    }
  }
  Object.defineProperty(out, OBJECT, {value: {type_name: o.type_name, id: o.id, raw: o}});
  return out;
}

module.exports = {
  OBJECT,
  Typed,
  typed,
  objectType,
  objectId,
  encode,
  encodeAny,
  decode,
  decodeObject,
};
