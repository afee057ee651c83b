"""pymod: a test module in Python. Its functions take and return every type, make objects that
chain, fail, log, and call the C++ module pycxx through its typed client (deps/pycxx.py, which
the build generates)."""
import dataclasses
import enum
import logging
import time
from typing import Annotated, Optional

import host_sdk
from host_sdk import CallError, Doc, UsageError, constructor, field, function, object_type, serve

from deps.pycxx import Pycxx, pycxx
from host_sdk.core import Directory, core

log = logging.getLogger("pymod")


class Level(enum.Enum):
    """How loud."""

    LOW = "low"
    HIGH = "high"


@object_type
class Report:
    """What the main object holds, as another object type."""

    label: str = ""
    tags: list[str] = field(default_factory=list, description="The tags added so far.")
    count: int = 0

    @function
    def summary(self) -> str:
        """One line about the report."""
        return f"{self.label}: {self.count} tag(s): {','.join(self.tags)}"


@object_type
class Pymod:
    """The main object."""

    prefix: str = field(default="py", description="Put before labels.")
    tags: list[str] = []
    level: Level = Level.LOW
    secret_count: int = field(default=0, internal=True)

    @constructor
    @classmethod
    def create(cls, prefix: str = "py") -> "Pymod":
        """Makes the main object with a prefix."""
        return cls(prefix=prefix)

    @function
    def describe(self, s: str, i: int, f: float, b: bool, items: list[int],
                 maybe: Optional[str] = None, level: Level = Level.HIGH) -> str:
        """Every argument type, printed back with its Python type."""
        parts = [f"{type(v).__name__}:{v!r}" for v in (s, i, f, b, items, maybe)]
        return " ".join(parts) + f" {level.name}"

    @function
    def numbers(self, n: int) -> list[int]:
        """0..n-1."""
        return list(range(n))

    @function
    def half(self, i: int) -> float:
        """i / 2."""
        return i / 2

    @function
    def negate(self, b: bool) -> bool:
        """not b."""
        return not b

    @function
    def nothing(self) -> None:
        """Returns nothing."""

    @function
    def maybe(self, x: int | None = None) -> int | None:
        """x + 1, or nothing without x."""
        return None if x is None else x + 1

    @function
    def shade(self, level: Level = Level.LOW) -> Level:
        """The other level."""
        return Level.HIGH if level is Level.LOW else Level.LOW

    @function
    def hello(self, name: Annotated[str, Doc("Who to greet.")] = "world") -> str:
        """Greets someone."""
        return f"Hello, {name}!"

    @function
    def from_(self, in_: str) -> str:
        """A function and an argument named after Python keywords."""
        return f"from {in_}"

    @function
    def with_prefix(self, p: str) -> "Pymod":
        """Sets the prefix."""
        return dataclasses.replace(self, prefix=p)

    @function
    def with_tag(self, tag: str) -> "Pymod":
        """Adds a tag."""
        return dataclasses.replace(self, tags=[*self.tags, tag],
                                   secret_count=self.secret_count + 1)

    @function
    def label(self, text: str) -> str:
        """Prefixes a text."""
        return f"{self.prefix}:{text}"

    @function
    def report(self) -> Report:
        """The prefix and tags, as a Report."""
        return Report(label=self.prefix, tags=self.tags, count=self.secret_count)

    @function
    def tags_of(self, r: Report) -> list[str]:
        """The tags of a report passed back in."""
        return r.tags

    @function
    async def later(self, text: str) -> str:
        """An async function."""
        return text[::-1]

    @function(cache="never")
    def fail(self, message: str, usage: bool = False) -> str:
        """Raises an exception with message (a UsageError with usage)."""
        if usage:
            raise UsageError(message)
        raise RuntimeError(message)

    @function(cache="never")
    def wrong(self) -> int:
        """Returns a string where an Int is declared."""
        return "not a number"

    @function(cache="never")
    def note(self, text: str) -> str:
        """Logs a text at info and at warning, and returns it."""
        log.info("note: %s", text)
        log.warning("careful: %s", text)
        log.debug("hidden: %s", text)
        host_sdk.log(f"plain: {text}", "error")
        return text

    @function(cache="never")
    def untyped(self, text: str) -> str:
        """Calls pycxx without its client: host_sdk.call, arguments typed by their values."""
        made = host_sdk.call("pycxx", "with_label", {"text": text})
        return host_sdk.call("pycxx", "echo", {"a": made.host_type, "b": "/", "c": text},
                             receiver=made)

    @function
    def chain(self, text: str) -> str:
        """Python -> C++ (pycxx) -> Node.js (pyjs) -> Python (pyleaf)."""
        return pycxx().via_js(text)

    @function
    def cxx(self, values: list[int], factor: Optional[float] = None, label: str = "") -> str:
        """Calls pycxx with every kind of argument and an object it returns."""
        c = pycxx() if not label else pycxx().with_label(label)
        return f"{c.total(values, factor)} {c.label()} {c.echo('a', 'b', 'c')}"

    @function
    def keep(self, c: Pycxx) -> Pycxx:
        """Passes an object of pycxx through."""
        return c

    @function(cache="never")
    def bad_call(self) -> str:
        """Calls a function pycxx does not have."""
        try:
            return pycxx()._call("missing", [], None)
        except CallError as error:
            return f"{error.kind}: {error}"

    @function(cache="never")
    def notes_size(self, text: str) -> int:
        """The size of a file made through host_sdk.core, the core types' client."""
        return core().directory().with_new_file("notes.txt", text).file("notes.txt").size()

    @function
    def read_notes(self, d: Directory) -> str:
        """The notes.txt of a directory passed in."""
        return d.file("notes.txt").contents()

    @function(cache="never")
    def time_cxx(self, n: int) -> float:
        """Microseconds per call of pycxx's echo, over n calls."""
        c = pycxx()
        start = time.perf_counter()
        for i in range(n):
            c.echo(str(i), "b", "c")
        return (time.perf_counter() - start) / n * 1e6


serve()
