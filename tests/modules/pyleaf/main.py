"""pyleaf: the end of the chain Python -> C++ -> Node.js -> Python."""
from host_sdk import function, object_type, serve


@object_type
class Pyleaf:
    """The main object."""

    @function
    def wrap(self, text: str) -> str:
        """Puts a text in <py:...>."""
        return f"<py:{text}>"

    @function
    def echo(self, a: str, b: str, c: str) -> str:
        """Concatenates three strings: the call the per-call figures time."""
        return a + b + c


serve()
