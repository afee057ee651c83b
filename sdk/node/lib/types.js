'use strict';
// Host types as the SDK declares them: plain host.v1.TypeRef objects ({kind, name, element,
// optional}), and the name conventions of module, object and member names.

// host.v1.TypeKind numbers (wire.proto).
const Kind = Object.freeze({
  STRING: 1,
  INT: 2,
  FLOAT: 3,
  BOOLEAN: 4,
  VOID: 5,
  ENUM: 6,
  LIST: 7,
  OBJECT: 8,
});

// Makes a frozen TypeRef.
function ref(kind, name = '', element = null, optional = false) {
  return Object.freeze({kind, name, element, optional});
}

// Whether x is a TypeRef made by this module.
function isType(x) {
  return x !== null && typeof x === 'object' && Number.isInteger(x.kind) && x.kind >= 1 &&
      x.kind <= 8;
}

// Throws unless t is a TypeRef; what names the place for the message.
function checkType(t, what) {
  if (!isType(t)) {
    throw new TypeError(`${what} is not a host type: use host.String, host.Int, host.Float, ` +
                        'host.Boolean, host.Void, host.list(T), host.optional(T), ' +
                        'host.object(name) or an enum');
  }
  return t;
}

// The scalar types (exported as String, Int, Float, Boolean and Void).
const scalars = Object.freeze({
  String: ref(Kind.STRING),
  Int: ref(Kind.INT),
  Float: ref(Kind.FLOAT),
  Boolean: ref(Kind.BOOLEAN),
  Void: ref(Kind.VOID),
});

// [T]: a list of T.
function list(element) {
  return ref(Kind.LIST, '', checkType(element, 'the element of host.list()'));
}

// T?: a T that may be absent (undefined or null in JavaScript).
function optional(type) {
  checkType(type, 'the argument of host.optional()');
  return ref(type.kind, type.name, type.element, true);
}

// An object type by name: one of this module's objects, another module's, or a core type.
function object(name) {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError('host.object() takes the name of an object type');
  }
  return ref(Kind.OBJECT, name);
}

// An enum type by name (declare this module's enums with mod.enum()).
function enumType(name) {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError('host.enumType() takes the name of an enum');
  }
  return ref(Kind.ENUM, name);
}

// The type as the CLI writes it: String, [Int], Semver?.
function typeName(t) {
  const scalarNames = {
    [Kind.STRING]: 'String',
    [Kind.INT]: 'Int',
    [Kind.FLOAT]: 'Float',
    [Kind.BOOLEAN]: 'Boolean',
    [Kind.VOID]: 'Void',
  };
  const base = t.kind === Kind.LIST ? `[${typeName(t.element)}]` : scalarNames[t.kind] || t.name;
  return t.optional ? `${base}?` : base;
}

// The TypeRef as a host.v1.TypeRef message object.
function toMessage(t) {
  const m = {kind: t.kind, name: t.name, optional: t.optional};
  if (t.element) m.element = toMessage(t.element);
  return m;
}

// "my-module" -> "MyModule": the name of a module's main object.
function pascalCase(name) {
  let out = '';
  let upper = true;
  for (const c of name) {
    if (c === '-' || c === '_' || c === '.') {
      upper = true;
      continue;
    }
    out += upper ? c.toUpperCase() : c;
    upper = false;
  }
  return out;
}

// Whether name is valid for an object, a field, a function or an argument.
function isIdentifier(name) {
  return typeof name === 'string' && /^[A-Za-z][A-Za-z0-9_-]*$/.test(name);
}

module.exports = {
  Kind,
  ...scalars,
  list,
  optional,
  object,
  enumType,
  isType,
  checkType,
  typeName,
  toMessage,
  pascalCase,
  isIdentifier,
};
