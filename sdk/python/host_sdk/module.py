"""A module's objects and functions, declared Dagger's way: @object_type classes whose annotated
attributes are fields and whose @function methods are functions, typed by their hints and
described by their docstrings."""

import asyncio
import copy
import dataclasses
import inspect
import keyword
import re
import typing

from ._proto import wire
from . import client
from . import types as t
from . import values

_META = "host_sdk"
_CACHE = {"persistent": wire.CACHE_POLICY_PERSISTENT, "session": wire.CACHE_POLICY_SESSION,
          "never": wire.CACHE_POLICY_NEVER}

# The @object_type classes, in the order they were declared.
_object_classes = []


def wire_name(python_name):
    """The host name of a Python name: a trailing '_' that avoids a keyword is dropped
    (from_ -> from)."""
    if python_name.endswith("_") and keyword.iskeyword(python_name[:-1]):
        return python_name[:-1]
    return python_name


def field(default=dataclasses.MISSING, *, default_factory=dataclasses.MISSING, description="",
          internal=False):
    """A field of an @object_type class with a description, or kept with the object but hidden
    from callers (internal=True): greeting: str = field(default="Hello", description="...")."""
    if default is not dataclasses.MISSING and isinstance(default, (list, dict, set)):
        default_factory, default = (lambda v=default: copy.deepcopy(v)), dataclasses.MISSING
    return dataclasses.field(default=default, default_factory=default_factory,
                             metadata={_META: {"description": description, "internal": internal}})


def function(fn=None, *, name=None, description=None, cache="persistent"):
    """Marks a method of an @object_type class as a function: @function, or
    @function(cache="never", name="...", description="...")."""
    if cache not in _CACHE:
        raise ValueError(f"cache must be one of {', '.join(_CACHE)}, got {cache!r}")

    def mark(f):
        target = f.__func__ if isinstance(f, (classmethod, staticmethod)) else f
        target._host_function = {"name": name, "description": description, "cache": cache}
        return f

    return mark(fn) if fn is not None else mark


def constructor(fn):
    """Marks a classmethod of the main object that makes it from the constructor's arguments:
    @constructor @classmethod def create(cls, token: str) -> "Main": ..."""
    target = fn.__func__ if isinstance(fn, (classmethod, staticmethod)) else fn
    target._host_constructor = True
    return fn


def object_type(cls=None, *, name=None):
    """Makes a class a host object type (and a dataclass): its annotated attributes are its
    fields, its @function methods its functions, its docstring its description."""

    def wrap(c):
        doc = c.__dict__.get("__doc__")  # before dataclass() makes one up
        own = c.__dict__.get("__annotations__", {})
        for attr in own:
            if attr.startswith("_"):
                continue
            current = c.__dict__.get(attr, dataclasses.MISSING)
            if current is dataclasses.MISSING:
                setattr(c, attr, dataclasses.field(default=None))
            elif isinstance(current, (list, dict, set)):
                setattr(c, attr, dataclasses.field(
                    default_factory=lambda v=current: copy.deepcopy(v)))
        if not dataclasses.is_dataclass(c) or "__dataclass_fields__" not in c.__dict__:
            c = dataclasses.dataclass(c)
        c._host_object = {"name": name or c.__name__, "doc": doc}
        _object_classes.append(c)
        return c

    return wrap(cls) if cls is not None else wrap


def _object_name(cls):
    """The host type name of an object class: an @object_type class or a client's class."""
    info = cls.__dict__.get("_host_object")
    if info is not None:
        return info["name"]
    if issubclass(cls, client.ClientObject) and cls._host_type:
        return cls._host_type
    return None


def _own_doc(cls):
    """The docstring a class itself declares (not one inherited), cleaned."""
    return _doc_parts(cls.__dict__.get("__doc__"))[0]


def _doc_parts(doc):
    """(description, {argument: description}) of a docstring with an optional Google-style
    'Args:' section."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    body, args, current, in_args = [], {}, None, False
    for line in lines:
        stripped = line.strip()
        if re.fullmatch(r"(Args|Arguments|Parameters):", stripped):
            in_args = True
            continue
        if in_args:
            match = re.match(r"^\s+(\w+)\s*(\([^)]*\))?:\s*(.*)$", line)
            if match:
                current = match.group(1)
                args[current] = match.group(3)
                continue
            if stripped and line[:1].isspace() and current:
                args[current] += " " + stripped
                continue
            if not stripped:
                continue
            in_args = False
        body.append(line)
    return "\n".join(body).strip(), args


class _Field:
    __slots__ = ("name", "attr", "type", "description", "internal", "default")

    def __init__(self, name, attr, ty, description, internal, default):
        self.name, self.attr, self.type = name, attr, ty
        self.description, self.internal, self.default = description, internal, default


class _Function:
    __slots__ = ("name", "attr", "args", "result", "description", "cache", "is_constructor")

    def __init__(self, name, attr, args, result, description, cache, is_constructor=False):
        self.name, self.attr, self.args, self.result = name, attr, args, result
        self.description, self.cache, self.is_constructor = description, cache, is_constructor


class _Arg:
    __slots__ = ("name", "param", "type", "default", "description")

    def __init__(self, name, param, ty, default, description):
        self.name, self.param, self.type = name, param, ty
        self.default, self.description = default, description


class _Object:
    __slots__ = ("name", "cls", "description", "fields", "functions", "constructor")


class Schema:
    """The module's schema, read from its classes once: what Describe sends and what Invoke
    dispatches on."""

    def __init__(self, name, version="", description="", classes=None):
        self.name = name
        self.main = "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_.]", name))
        self.objects = {}
        self.enums = {}
        classes = list(_object_classes if classes is None else classes)
        for cls in classes:
            self.objects[_object_name(cls)] = self._read_object(cls)
        if self.main not in self.objects:
            declared = ", ".join(self.objects) or "none"
            raise TypeError(f"the main object must be an @object_type class named {self.main} "
                            f"(the module name in PascalCase); declared: {declared}")
        self.definition = wire.ModuleDef(name=name, version=version, description=description,
                                         main_object=self.main, sdk="python")
        for obj in self.objects.values():
            self.definition.objects.append(self._object_def(obj))
        for name_, cls in self.enums.items():
            d = self.definition.enums.add(name=name_, description=_own_doc(cls))
            for member in cls:
                d.values.add(name=values.enum_wire_name(member))

    def _type(self, hint, where, owner, allow_void=False):
        ty = t.from_hint(hint, where, _object_name, owner, allow_void)
        self._note_enums(ty, where)
        return ty

    def _note_enums(self, ty, where):
        if ty.kind == t.LIST:
            self._note_enums(ty.element, where)
        elif ty.kind == t.ENUM and not getattr(ty.cls, "_host_by_value", False):
            known = self.enums.get(ty.name)
            if known is not None and known is not ty.cls:
                raise TypeError(f"{where}: two enums are called {ty.name}")
            if len(ty.cls) == 0:
                raise TypeError(f"{where}: enum {ty.name} has no values")
            self.enums[ty.name] = ty.cls

    def _read_object(self, cls):
        obj = _Object()
        obj.name, obj.cls = _object_name(cls), cls
        where = f"object '{obj.name}'"
        obj.description = _doc_parts(cls._host_object["doc"])[0]
        try:
            hints = typing.get_type_hints(cls, include_extras=True)
        except Exception as error:
            raise TypeError(f"{where}: cannot read its type hints: {error}") from None
        obj.fields = []
        for f in dataclasses.fields(cls):
            if f.name.startswith("_"):
                continue
            meta = f.metadata.get(_META, {})
            hint, doc = t.split_annotated(hints.get(f.name))
            ty = self._type(hints.get(f.name), f"{where}, field '{f.name}'", cls)
            default = f.default_factory if f.default_factory is not dataclasses.MISSING else (
                (lambda v=f.default: copy.copy(v)) if f.default is not dataclasses.MISSING
                else (lambda: None))
            obj.fields.append(_Field(wire_name(f.name), f.name, ty,
                                     meta.get("description") or doc,
                                     bool(meta.get("internal")), default))
        obj.functions, obj.constructor = [], None
        seen = set()
        for klass in reversed(cls.__mro__):
            for attr, member in klass.__dict__.items():
                target = member.__func__ if isinstance(member, (classmethod, staticmethod)) \
                    else member
                if getattr(target, "_host_constructor", False):
                    obj.constructor = self._read_function(cls, attr, member, target, where,
                                                          constructor=True)
                elif hasattr(target, "_host_function") and attr not in seen:
                    seen.add(attr)
                    obj.functions.append(self._read_function(cls, attr, member, target, where))
        return obj

    def _read_function(self, cls, attr, member, fn, where, constructor=False):
        options = getattr(fn, "_host_function", None) or {}
        name = options.get("name") or wire_name(attr)
        fwhere = f"{where}, {'constructor' if constructor else 'function ' + repr(name)}"
        description, arg_docs = _doc_parts(fn.__doc__)
        if options.get("description"):
            description = options["description"]
        try:
            hints = typing.get_type_hints(fn, include_extras=True)
        except Exception as error:
            raise TypeError(f"{fwhere}: cannot read its type hints: {error}") from None
        params = list(inspect.signature(fn).parameters.values())
        if not isinstance(member, staticmethod):
            params = params[1:]  # self, or cls for a classmethod
        args = []
        for p in params:
            awhere = f"{fwhere}, argument '{p.name}'"
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{awhere}: *args and **kwargs cannot be host arguments")
            if p.name not in hints:
                raise TypeError(f"{awhere} has no type hint")
            ty = self._type(hints[p.name], awhere, cls)
            _, doc = t.split_annotated(hints[p.name])
            default = None
            if p.default is not p.empty:
                if p.default is None:
                    ty = ty.as_optional()
                else:
                    default = values.encode(p.default, ty, f"{awhere}: its default")
            args.append(_Arg(wire_name(p.name), p.name, ty, default, doc or arg_docs.get(p.name,
                                                                                           "")))
        if "return" not in hints:
            raise TypeError(f"{fwhere} has no return type hint (-> None when it returns nothing)")
        result = self._type(hints["return"], f"{fwhere}, result", cls, allow_void=True)
        return _Function(name, attr, args, result, description, options.get("cache",
                                                                              "persistent"),
                         constructor)

    def _function_def(self, fn):
        d = wire.FunctionDef(name="" if fn.is_constructor else fn.name,
                             description=fn.description or "", cache=_CACHE[fn.cache])
        d.return_type.CopyFrom(fn.result.ref())
        for a in fn.args:
            ad = d.args.add(name=a.name, description=a.description or "")
            ad.type.CopyFrom(a.type.ref())
            if a.default is not None:
                ad.default_value.CopyFrom(a.default)
        return d

    def _object_def(self, obj):
        d = wire.ObjectDef(name=obj.name, description=obj.description or "")
        for f in obj.fields:
            fd = d.fields.add(name=f.name, description=f.description or "", internal=f.internal)
            fd.type.CopyFrom(f.type.ref())
        for fn in obj.functions:
            d.functions.append(self._function_def(fn))
        if obj.constructor is not None:
            d.constructor.CopyFrom(self._function_def(obj.constructor))
        return d

    # Values of this module's objects.

    def to_wire(self, value, ty, where):
        """The wire.ObjectValue of an object: one of this module's or one the host returned."""
        if isinstance(value, client.ClientObject):
            ov = value._value
        elif isinstance(value, wire.ObjectValue):
            ov = value
        else:
            info = type(value).__dict__.get("_host_object")
            obj = self.objects.get(info["name"]) if info else None
            if obj is None:
                raise TypeError(f"{where} must be {ty.name or 'an object'}, got "
                                f"{type(value).__name__}")
            ov = wire.ObjectValue(type_name=obj.name, id=getattr(value, "_host_id", "") or "")
            for f in obj.fields:
                current = getattr(value, f.attr, None)
                if current is None and not f.type.optional:
                    current = values.zero(f.type)
                ov.fields.add(name=f.name, value=values.encode(
                    current, f.type, f"field '{f.name}' of {obj.name}"))
        if ty.name and ov.type_name != ty.name:
            raise TypeError(f"{where} must be {ty.name}, got an object of type {ov.type_name}")
        return ov

    def from_wire(self, cls, ov, where):
        """The Python object of a wire.ObjectValue."""
        obj = self.objects.get(ov.type_name)
        if obj is None or (cls is not None and issubclass(cls, client.ClientObject)):
            target = cls if cls is not None and issubclass(cls, client.ClientObject) else \
                client.ClientObject
            return target(ov)
        instance = obj.cls.__new__(obj.cls)
        given = {f.name: f.value for f in ov.fields}
        for f in obj.fields:
            if f.name in given:
                current = values.decode(given[f.name], f.type, f"field '{f.name}' of {obj.name}")
            else:
                current = f.default()
            object.__setattr__(instance, f.attr, current)
        try:
            object.__setattr__(instance, "_host_id", ov.id)
        except AttributeError:
            pass
        return instance

    # Calls.

    def invoke(self, call):
        """Runs a wire.Call; returns the result's wire.Value. Raises what the function raises."""
        obj = self.objects.get(call.object or self.main)
        if obj is None:
            raise client.UsageError(f"module '{self.name}' has no object '{call.object}'")
        if not call.function:
            return self._construct(obj, call)
        fn = next((f for f in obj.functions if f.name == call.function), None)
        if fn is None:
            for f in obj.fields:
                if f.name == call.function and not f.internal:
                    receiver = self.from_wire(None, call.receiver, "the receiver")
                    return values.encode(getattr(receiver, f.attr, None), f.type,
                                         f"field '{f.name}'")
            raise client.UsageError(f"object '{obj.name}' has no function '{call.function}'")
        receiver = self.from_wire(None, call.receiver, "the receiver") if call.HasField(
            "receiver") else self._default(obj)
        result = _finish(getattr(receiver, fn.attr)(**self._kwargs(fn, call)))
        return values.encode(result, fn.result,
                             f"the result of function '{fn.name}'")

    def _kwargs(self, fn, call):
        given = {a.name: a.value for a in call.args}
        kwargs = {}
        for a in fn.args:
            if a.name in given:
                kwargs[a.param] = values.decode(given[a.name], a.type, f"argument '{a.name}'")
            elif a.default is not None:
                kwargs[a.param] = values.decode(a.default, a.type, f"argument '{a.name}'")
            else:
                kwargs[a.param] = None
        return kwargs

    def _default(self, obj):
        instance = obj.cls.__new__(obj.cls)
        for f in obj.fields:
            object.__setattr__(instance, f.attr, f.default())
        return instance

    def _construct(self, obj, call):
        ty = t.Type(t.OBJECT, obj.name, cls=obj.cls)
        if obj.constructor is None:
            return values.encode(self._default(obj), ty, "the new object")
        fn = obj.constructor
        made = _finish(getattr(obj.cls, fn.attr)(**self._kwargs(fn, call)))
        return values.encode(made, ty, "the result of the constructor")


def _finish(result):
    """The value of a function's result, awaiting it when the function is async."""
    if inspect.isawaitable(result):
        async def wait():
            return await result
        return asyncio.run(wait())
    return result
