"""Python values to host Values and back, checked against their host types."""

import enum

from ._proto import wire
from . import types as t

_INT_MIN = -(2 ** 63)
_INT_MAX = 2 ** 63 - 1


class ObjectCodec:
    """How object classes cross the wire; set by the module and client layers."""

    # cls -> callable(instance) -> wire.ObjectValue, for instances of cls.
    to_wire = None
    # callable(cls or None, wire.ObjectValue, type name) -> Python object.
    from_wire = None


def _describe(value):
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} ({text})"


def enum_wire_name(member):
    """The host name of an enum member: its value for a generated client's enum, else its name."""
    if getattr(type(member), "_host_by_value", False):
        return member.value
    return member.name


def enum_member(cls, name):
    """The member of enum cls whose host name is name, or None."""
    for member in cls:
        if enum_wire_name(member) == name:
            return member
    return None


def zero(ty):
    """The value a field of type ty takes when it is not set: '', 0, 0.0, False, [], the enum's
    first value, or None for an optional or object field."""
    if ty.optional:
        return None
    if ty.kind == t.STRING:
        return ""
    if ty.kind == t.INT:
        return 0
    if ty.kind == t.FLOAT:
        return 0.0
    if ty.kind == t.BOOLEAN:
        return False
    if ty.kind == t.LIST:
        return []
    if ty.kind == t.ENUM and ty.cls is not None:
        return next(iter(ty.cls))
    return None


def encode(value, ty, where):
    """The wire.Value of value, of type ty; raises TypeError naming where when it does not fit."""
    out = wire.Value()
    if value is None:
        if ty.optional or ty.kind == t.VOID:
            return out
        raise TypeError(f"{where} must be {ty}, got None")
    kind = ty.kind
    if kind == t.VOID:
        raise TypeError(f"{where} must be nothing (Void), got {_describe(value)}")
    if kind == t.STRING:
        if not isinstance(value, str):
            raise TypeError(f"{where} must be String, got {_describe(value)}")
        out.string_value = value
    elif kind == t.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{where} must be Int, got {_describe(value)}")
        if not _INT_MIN <= value <= _INT_MAX:
            raise TypeError(f"{where}: {value} does not fit an Int (64-bit signed)")
        out.int_value = value
    elif kind == t.FLOAT:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{where} must be Float, got {_describe(value)}")
        try:
            out.float_value = float(value)
        except OverflowError:
            raise TypeError(f"{where}: {value} does not fit a Float") from None
    elif kind == t.BOOLEAN:
        if not isinstance(value, bool):
            raise TypeError(f"{where} must be Boolean, got {_describe(value)}")
        out.bool_value = value
    elif kind == t.ENUM:
        if isinstance(value, enum.Enum):
            if ty.cls is not None and not isinstance(value, ty.cls):
                raise TypeError(f"{where} must be {ty.name}, got {_describe(value)}")
            out.enum_value = enum_wire_name(value)
        elif isinstance(value, str):
            if ty.cls is not None and enum_member(ty.cls, value) is None:
                names = ", ".join(enum_wire_name(m) for m in ty.cls)
                raise TypeError(f"{where}: '{value}' is not a value of {ty.name} (one of: {names})")
            out.enum_value = value
        else:
            raise TypeError(f"{where} must be {ty.name}, got {_describe(value)}")
    elif kind == t.LIST:
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise TypeError(f"{where} must be {ty}, got {_describe(value)}")
        items = out.list_value.items
        out.list_value.SetInParent()
        for i, item in enumerate(value):
            items.append(encode(item, ty.element, f"{where}[{i}]"))
    elif kind == t.OBJECT:
        object_value = ObjectCodec.to_wire(value, ty, where)
        out.object_value.CopyFrom(object_value)
    else:
        raise TypeError(f"{where} has a type this SDK does not know (kind {kind})")
    return out


def decode(value, ty, where):
    """The Python value of wire.Value value, of type ty."""
    which = value.WhichOneof("kind")
    if which is None:
        return None
    if which == "string_value":
        return value.string_value
    if which == "int_value":
        return float(value.int_value) if ty is not None and ty.kind == t.FLOAT else value.int_value
    if which == "float_value":
        return value.float_value
    if which == "bool_value":
        return value.bool_value
    if which == "enum_value":
        if ty is not None and ty.cls is not None:
            member = enum_member(ty.cls, value.enum_value)
            if member is None:
                raise TypeError(f"{where}: '{value.enum_value}' is not a value of {ty.name}")
            return member
        return value.enum_value
    if which == "list_value":
        element = ty.element if ty is not None and ty.kind == t.LIST else None
        return [decode(item, element, f"{where}[{i}]")
                for i, item in enumerate(value.list_value.items)]
    if which == "object_value":
        cls = ty.cls if ty is not None and ty.kind == t.OBJECT else None
        return ObjectCodec.from_wire(cls, value.object_value, where)
    raise TypeError(f"{where}: a value of unknown kind {which}")


def infer(value, where):
    """The wire.Value of an untyped value (host_sdk.call's arguments): str, bool, int, float,
    enum members, lists of those, objects the host returned or of this module."""
    if value is None:
        return wire.Value()
    if isinstance(value, bool):
        return encode(value, t.Type(t.BOOLEAN), where)
    if isinstance(value, int):
        return encode(value, t.Type(t.INT), where)
    if isinstance(value, float):
        return encode(value, t.Type(t.FLOAT), where)
    if isinstance(value, str):
        return encode(value, t.Type(t.STRING), where)
    if isinstance(value, enum.Enum):
        return encode(value, t.Type(t.ENUM, type(value).__name__, cls=type(value)), where)
    if isinstance(value, (list, tuple)):
        out = wire.Value()
        out.list_value.SetInParent()
        for i, item in enumerate(value):
            out.list_value.items.append(infer(item, f"{where}[{i}]"))
        return out
    return encode(value, t.Type(t.OBJECT, ""), where)
