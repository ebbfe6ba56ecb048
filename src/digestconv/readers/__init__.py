"""Reader plugins: the body grammar of a post, chosen per post by ``detect``.

The inputs layer (``digestconv.reader``) finds the posts, reads front matter,
dates and site facts once for every reader; a reader only turns the body of one
post into papers.  Built-in and third-party readers are found the same way,
through the ``digestconv.readers`` entry-point group, so a reader for a layout
the general one does not know is a package away, not a fork.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from digestconv.diagnostics import Diagnostics
from digestconv.model import Item, Paper, Site

GROUP = "digestconv.readers"  # digestconv.plugins.READERS
DEFAULT = "digest"


@dataclass(frozen=True)
class Source:
    """One post as a reader sees it: the body after the front matter, and its context."""

    path: str
    text: str
    first_line: int = 1
    """The file line of the body's first line, so diagnostics point into the file."""
    front: Mapping[str, Any] = field(default_factory=dict)
    site: Site = field(default_factory=Site)


@dataclass(frozen=True)
class Body:
    """What a reader found in a body."""

    papers: tuple[Paper, ...] = ()
    preamble: tuple[Item, ...] = ()
    shape: str = "none"
    """How entries were recognised, in words, for ``check -v``."""
    first_heading: str | None = None
    """The Markdown of the body's first heading (the inputs layer removes its markup): the
    title and date of a post without front matter."""


@runtime_checkable
class Reader(Protocol):
    """A body grammar.  ``detect`` must be cheap: it runs for every post and every reader."""

    name: ClassVar[str]
    description: ClassVar[str]
    Options: ClassVar[type]

    def detect(self, source: Source) -> float:
        """Confidence in [0, 1] that this reader fits the post."""
        ...

    def read(self, source: Source, options: Any, diagnostics: Diagnostics) -> Body:
        """The body's papers; problems go to ``diagnostics``, never raised."""
        ...


@dataclass(frozen=True)
class ReaderInfo:
    """A reader found through the entry points, loaded only when used."""

    name: str
    origin: str
    """``built-in`` or the distribution (``name version``) that registered it."""
    loader: Callable[[], type]

    def load(self) -> type:
        return self.loader()


def _builtin_digest() -> type:
    from digestconv.readers.digest import DigestReader

    return DigestReader


@functools.cache
def discover_readers() -> dict[str, ReaderInfo]:
    """Every reader of the ``digestconv.readers`` group, by name (built-ins first).

    Discovery is the one of every plugin kind (:func:`digestconv.plugins.discover`).
    The general reader is always present, even when the package metadata is missing
    (a source checkout run without installing), so reading never depends on how the
    package was installed.
    """
    from digestconv.plugins import READERS, discover

    try:
        plugins = discover(READERS)
    except Exception:  # broken metadata of some other distribution must not stop reading
        plugins = {}
    found = {name: ReaderInfo(name, info.origin, info.load) for name, info in plugins.items()}
    if DEFAULT not in found:
        found[DEFAULT] = ReaderInfo(DEFAULT, "built-in", _builtin_digest)
    return dict(sorted(found.items(), key=lambda kv: (kv[1].origin != "built-in", kv[0])))


@functools.cache
def _instance(name: str) -> Reader | None:
    info = discover_readers().get(name)
    if info is None:
        return None
    try:
        cls = info.load()
        reader = cls()
    except Exception:  # a broken plugin is reported by the caller, never a traceback
        return None
    return reader if isinstance(reader, Reader) else None


def load_reader(name: str) -> Reader | None:
    """The reader called ``name``, instantiated once per process; None if it cannot load."""
    return _instance(name)


def broken_readers() -> list[str]:
    """Readers whose plugin failed to load or does not implement the protocol."""
    return [name for name in discover_readers() if _instance(name) is None]


def pick_reader(source: Source, forced: str | None = None) -> Reader:
    """The reader for this post: ``forced`` when given, else the most confident one.

    The general reader wins ties, so a plugin takes a post only by claiming it.
    """
    if forced is not None:
        chosen = _instance(forced)
        if chosen is not None:
            return chosen
    default = _instance(DEFAULT)
    best: Reader | None = default
    best_score = -1.0
    for name in discover_readers():
        reader = _instance(name)
        if reader is None:
            continue
        try:
            score = float(reader.detect(source))
        except Exception:
            continue
        if score > best_score or (score == best_score and name == DEFAULT):
            best, best_score = reader, score
    assert best is not None, "the built-in digest reader always loads"
    return best


__all__ = [
    "DEFAULT",
    "GROUP",
    "Body",
    "Reader",
    "ReaderInfo",
    "Source",
    "broken_readers",
    "discover_readers",
    "load_reader",
    "pick_reader",
]
