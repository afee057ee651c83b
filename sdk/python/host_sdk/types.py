"""Host types (TypeRef) as Python sees them, and how type hints map to them."""

import enum
import sys
import types as _pytypes
import typing

from ._proto import wire

STRING = wire.TYPE_KIND_STRING
INT = wire.TYPE_KIND_INT
FLOAT = wire.TYPE_KIND_FLOAT
BOOLEAN = wire.TYPE_KIND_BOOLEAN
VOID = wire.TYPE_KIND_VOID
ENUM = wire.TYPE_KIND_ENUM
LIST = wire.TYPE_KIND_LIST
OBJECT = wire.TYPE_KIND_OBJECT

_KIND_NAMES = {STRING: "String", INT: "Int", FLOAT: "Float", BOOLEAN: "Boolean", VOID: "Void"}


class Type:
    """A host type: kind, name (enums, objects), element (lists), optional, and the Python class
    that holds its values (an enum.Enum or object class), if any."""

    __slots__ = ("kind", "name", "element", "optional", "cls")

    def __init__(self, kind, name="", element=None, optional=False, cls=None):
        self.kind = kind
        self.name = name
        self.element = element
        self.optional = optional
        self.cls = cls

    def as_optional(self):
        """This type, with the absent value allowed."""
        return Type(self.kind, self.name, self.element, True, self.cls)

    def ref(self):
        """The wire TypeRef."""
        out = wire.TypeRef(kind=self.kind, name=self.name, optional=self.optional)
        if self.element is not None:
            out.element.CopyFrom(self.element.ref())
        return out

    def __str__(self):
        if self.kind == LIST:
            text = f"[{self.element}]"
        else:
            text = _KIND_NAMES.get(self.kind, self.name)
        return text + ("?" if self.optional else "")


def list_of(element, optional=False):
    """The type [element]."""
    return Type(LIST, element=element, optional=optional)


def from_ref(ref, classes=None):
    """The Type of a wire TypeRef; classes maps enum and object names to Python classes."""
    element = from_ref(ref.element, classes) if ref.kind == LIST else None
    cls = (classes or {}).get(ref.name) if ref.kind in (ENUM, OBJECT) else None
    return Type(ref.kind, ref.name, element, ref.optional, cls)


class Doc:
    """A description for an argument or field: Annotated[str, Doc("Who to greet.")]."""

    def __init__(self, text):
        self.text = text


def _union_args(hint):
    """The members of a Union or X | Y hint, or None when hint is neither."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or (sys.version_info >= (3, 10) and origin is _pytypes.UnionType):
        return typing.get_args(hint)
    return None


def split_annotated(hint):
    """(hint without Annotated, the description its Doc or string metadata gives)."""
    if typing.get_origin(hint) is typing.Annotated:
        args = typing.get_args(hint)
        description = ""
        for extra in args[1:]:
            if isinstance(extra, Doc):
                description = extra.text
            elif isinstance(extra, str):
                description = extra
        return args[0], description
    return hint, ""


def from_hint(hint, where, resolve_object, owner=None, allow_void=False):
    """The Type of a type hint. resolve_object(cls) gives an object class's type name, or None
    when cls is not an object type; owner is the class typing.Self stands for. Raises TypeError
    naming where when the hint has no host type."""
    hint, _ = split_annotated(hint)
    if hint is None or hint is type(None):
        if allow_void:
            return Type(VOID)
        raise TypeError(f"{where}: None is a type for results only")
    members = _union_args(hint)
    if members is not None:
        present = [m for m in members if m is not type(None)]
        if len(present) != 1:
            raise TypeError(f"{where}: a union must be one type or None (Optional[T]), got {hint}")
        return from_hint(present[0], where, resolve_object, owner).as_optional()
    if getattr(typing, "Self", None) is not None and hint is getattr(typing, "Self"):
        if owner is None:
            raise TypeError(f"{where}: Self is only meaningful in a method")
        hint = owner
    if hint is bool:
        return Type(BOOLEAN)
    if hint is int:
        return Type(INT)
    if hint is float:
        return Type(FLOAT)
    if hint is str:
        return Type(STRING)
    origin = typing.get_origin(hint)
    if origin in (list, typing.List) or hint is list:
        args = typing.get_args(hint)
        if len(args) != 1:
            raise TypeError(f"{where}: a list needs its item type, such as list[str]")
        return list_of(from_hint(args[0], where + " (an item)", resolve_object, owner))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return Type(ENUM, enum_name(hint), cls=hint)
    if isinstance(hint, type):
        name = resolve_object(hint)
        if name is not None:
            return Type(OBJECT, name, cls=hint)
    raise TypeError(
        f"{where}: {getattr(hint, '__name__', hint)!s} is not a host type; use str, int, float, "
        "bool, list[T], Optional[T], an enum.Enum, an @object_type class or a client's class")


def enum_name(cls):
    """The host name of an enum class: host_name when it sets one, else its class name."""
    return getattr(cls, "_host_name", None) or cls.__name__
