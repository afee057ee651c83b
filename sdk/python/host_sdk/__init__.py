"""The host SDK for Python: modules served to host over the module protocol
(docs/module-protocol.md), and typed calls to other modules through it.

    from host_sdk import function, object_type, serve

    @object_type
    class Greet:
        '''Says hello.'''
        greeting: str = "Hello"

        @function
        def hello(self, name: str = "world") -> str:
            '''Greets someone.'''
            return f"{self.greeting}, {name}!"

    serve()
"""

from .client import CallError, ClientObject, UsageError, call, log
from .module import constructor, field, function, object_type
from .serve import serve
from .types import Doc

__all__ = ["CallError", "ClientObject", "Doc", "UsageError", "call", "constructor", "field",
           "function", "log", "object_type", "serve"]
