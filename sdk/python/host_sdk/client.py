"""Calls to other modules and log lines, for the call in progress, through the runtime's Engine
service; the base of the typed clients `host codegen --lang python` writes."""

import contextvars
import os
import sys
import threading

import grpc

from ._proto import CHANNEL_OPTIONS, EngineStub, engine, wire
from . import types as t
from . import values


class UsageError(Exception):
    """Raise it when the caller's arguments are at fault: the CLI exits with code 2, not 1."""


class CallError(Exception):
    """A call through the host failed: kind is 'usage' or 'failed', the message the host's."""

    def __init__(self, message, kind="failed"):
        super().__init__(message)
        self.kind = kind


class _Invocation:
    """The call in progress in this thread or task: its context token for the Engine service."""

    __slots__ = ("token", "module")

    def __init__(self, token, module):
        self.token = token
        self.module = module


_current = contextvars.ContextVar("host_sdk_invocation", default=None)
_engine_lock = threading.Lock()
_engine = None


def _stub():
    """The Engine service at $HOST_ENGINE_SOCKET, connected once."""
    global _engine
    with _engine_lock:
        if _engine is None:
            address = os.environ.get("HOST_ENGINE_SOCKET")
            if not address:
                raise CallError("HOST_ENGINE_SOCKET is not set: calls go through the host, which "
                                "starts this module itself")
            _engine = EngineStub(grpc.insecure_channel(address, options=CHANNEL_OPTIONS))
        return _engine


def _invocation():
    current = _current.get()
    if current is None:
        raise CallError("calls to other modules are made from a function while the host runs it "
                        "(not at import, nor from a thread the function started)")
    return current


def enter(token, module):
    """Makes token the call in progress in this context; returns what leave() needs."""
    return _current.set(_Invocation(token, module))


def leave(mark):
    """Ends the call in progress that enter() started."""
    _current.reset(mark)


class ClientObject:
    """An object of another module (or a core type), as the host returned it. Typed clients
    subclass it; pass it back as an argument or result as it is."""

    _host_type = ""  # the object type's name, set by each generated class
    _host_module = ""  # the module that defines it
    __slots__ = ("_value",)

    def __init__(self, value):
        if not isinstance(value, wire.ObjectValue):
            raise TypeError(f"{type(self).__name__} objects come from calls to the host; "
                            "construct them with the client's functions")
        self._value = value

    @property
    def host_type(self):
        """The object's type name."""
        return self._value.type_name

    @property
    def host_id(self):
        """The object's ID: the digest of the call that made it."""
        return self._value.id

    def _call(self, function, args, result):
        return call_typed(self._host_module or "", self._value.type_name, function, self._value,
                          args, result)

    def __repr__(self):
        return f"<{self._value.type_name} {self._value.id[:12]}>"


def call_typed(module, object_name, function, receiver, args, result):
    """Runs one call and decodes its result: args are (name, value, Type) triples, result the
    result's Type. A typed client's methods come down to this."""
    call = wire.Call(module=module, object=object_name, function=function)
    if receiver is not None:
        call.receiver.CopyFrom(receiver)
    for name, value, ty in args:
        if value is None and ty.optional:
            continue
        call.args.add(name=name, value=values.encode(value, ty, f"argument '{name}'"))
    return values.decode(_run([call]), result, f"the result of '{function or module}'")


def _run(calls):
    """Runs a chain of wire.Calls for the call in progress; the last one's wire.Value."""
    current = _invocation()
    request = engine.CallRequest(context=current.token)
    for i, c in enumerate(calls):
        request.steps.add(call=c.SerializeToString(), on_previous=i > 0 and not c.HasField(
            "receiver"))
    try:
        response = _stub().Call(request)
    except grpc.RpcError as error:
        raise CallError(f"the host did not answer a call: {error.details() or error.code()}")
    if response.WhichOneof("outcome") == "failure":
        kind = "usage" if response.failure.kind == engine.Failure.KIND_USAGE else "failed"
        raise CallError(response.failure.message, kind)
    return wire.Value.FromString(response.value)


def call(module, function="", args=None, object="", receiver=None):
    """Calls function (empty: the constructor) of module through the host and returns its result.
    args is a dict of argument names and values, typed by their Python values; object defaults to
    the receiver's type, else the module's main object; receiver is an object the host returned.
    A failed call raises CallError."""
    c = wire.Call(module=module, function=function)
    if receiver is not None:
        ov = values.encode(receiver, t.Type(t.OBJECT, ""), "the receiver").object_value
        c.receiver.CopyFrom(ov)
        c.object = object or ov.type_name
    else:
        c.object = object
    for name, value in (args or {}).items():
        if value is None:
            continue
        c.args.add(name=name, value=values.infer(value, f"argument '{name}'"))
    return values.decode(_run([c]), None, f"the result of '{function or module}'")


def log(message, level="info"):
    """Writes a log line for the call in progress ('debug', 'info', 'warning' or 'error'); the
    host prints info and above. Outside a call, or if the host refuses it, the line goes to
    stderr."""
    levels = {"debug": 0, "info": 1, "warning": 2, "error": 3}
    if level not in levels:
        raise ValueError(f"log level must be one of {', '.join(levels)}, got {level!r}")
    send_log(levels[level], str(message))


def send_log(level, message):
    """log() with a numeric level (0 debug .. 3 error)."""
    current = _current.get()
    if current is not None:
        try:
            _stub().Log(engine.LogRequest(level=level, message=message, context=current.token))
            return
        except grpc.RpcError as error:
            message = f"{message} (not logged: {error.details() or error.code()})"
    if level > 0:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()


def name_enum(cls, name, module):
    """Marks a generated client's enum: its members' values are the host's names."""
    type.__setattr__(cls, "_host_name", name)
    type.__setattr__(cls, "_host_module", module)
    type.__setattr__(cls, "_host_by_value", True)
    return cls

