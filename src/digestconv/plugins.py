"""The plugin API: what an exporter provides, and discovery of plugins through entry points.

Built-in exporters register through the same ``digestconv.exporters`` entry-point group
as third-party ones (readers through ``digestconv.readers``), so a plugin is a first-class
citizen: it gets a subcommand, a line in ``digestconv formats``, a section of
``_config.yml`` and a place in ``build``.  The core special-cases no format: everything it
needs to know — options, file suffix, whether the output is binary, what ``build`` writes
by default, how costly the export is — is metadata of the plugin class.

Discovery reads only entry-point metadata; a plugin's module is imported when it is used,
which keeps ``digestconv --help`` fast and lets one broken plugin fail alone.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, EntryPoints, entry_points
from typing import Any, ClassVar, Protocol, runtime_checkable

from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus

EXPORTERS = "digestconv.exporters"
READERS = "digestconv.readers"

Output = bytes | Mapping[str, bytes]
"""One file's bytes, or relative file names → bytes for multi-file outputs."""


class ExportError(Exception):
    """A problem that stops an exporter (a value the options cannot express, an unreadable
    ``--update`` file…).  The CLI reports it as an ``error: … [export]`` diagnostic and
    writes nothing."""


@dataclass(frozen=True)
class OutputSpec:
    """What one export produces, for the given options."""

    suffix: str
    """File suffix of a single-file output (``.bib``); names build outputs by default."""
    media_type: str
    binary: bool = False
    """Binary outputs are never written to a terminal: ``-o`` is required."""
    folder: bool = False
    """The export writes several files: ``-o`` names a folder."""


@dataclass(frozen=True)
class BuildTarget:
    """One output ``build`` writes when ``_config.yml`` does not say otherwise."""

    output: str
    options: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Exporter(Protocol):
    """What a format provides.  Exporters are pure: model in, bytes out."""

    name: ClassVar[str]
    """Subcommand, entry-point and ``_config.yml`` section name, e.g. ``bibtex``."""
    description: ClassVar[str]
    """One line for ``--help`` and ``digestconv formats``."""
    Options: ClassVar[type]
    """A frozen dataclass made with :func:`digestconv.options.option`: the one declaration
    of the exporter's options, from which the CLI and ``_config.yml`` are derived."""
    build_targets: ClassVar[tuple[BuildTarget, ...]]
    """What ``build`` writes by default (empty: the format is built only when enabled)."""
    cost: ClassVar[int]
    """Relative export cost (1 = a text format, 10 = a zip of rendered documents): ``build``
    starts costly exports first so that parallel workers finish together."""

    def outputs(self, options: Any) -> OutputSpec: ...

    def export(self, corpus: Corpus, options: Any, diagnostics: Diagnostics) -> Output: ...


def uses_outputs(cls: type) -> bool:
    """Optional metadata ``uses_outputs``: the exporter links to the run's other outputs
    (``Corpus.outputs``).  Only then does ``digestconv NAME`` plan the whole run — so a
    ``digestconv bibtex`` never loads every exporter, nor fails on another's settings."""
    return bool(getattr(cls, "uses_outputs", False))


def requires_site_url(cls: type) -> bool:
    """Optional metadata ``requires_site_url``: the output is meaningless without the site's
    address (a feed's ids and links are absolute).  ``build`` then leaves it out, with a
    note, for a site that has no ``url`` unless the configuration asks for it by name."""
    return bool(getattr(cls, "requires_site_url", False))


_EXPORTER_ATTRS = ("name", "description", "Options", "build_targets", "cost", "outputs", "export")


@dataclass(frozen=True)
class PluginInfo:
    """A plugin found through entry points, not yet imported."""

    name: str
    kind: str
    """``exporter`` or ``reader``."""
    entry_point: EntryPoint

    @property
    def origin(self) -> str:
        dist = self.entry_point.dist
        if dist is None:
            return "unknown"
        if dist.name == "digestconv":
            return "built-in"
        return f"{dist.name} {dist.version}"

    def load(self) -> Any:
        """Import the plugin class; any failure is the plugin's, reported by the caller."""
        obj = self.entry_point.load()
        required = _EXPORTER_ATTRS if self.kind == "exporter" else ("name", "description")
        if not isinstance(obj, type):
            raise TypeError(f"{self.entry_point.value} is not a plugin class")
        for attr in required:
            if not hasattr(obj, attr):
                raise TypeError(f"{self.entry_point.value} lacks the attribute {attr!r}")
        return obj


def discover(group: str = EXPORTERS) -> dict[str, PluginInfo]:
    """Every registered plugin of a group by name; a built-in registration of a name wins."""
    kind = "exporter" if group == EXPORTERS else "reader"
    found: dict[str, PluginInfo] = {}
    for ep in sorted(_entry_points(tuple(sys.path)).select(group=group), key=_builtin_first):
        found.setdefault(ep.name, PluginInfo(ep.name, kind, ep))
    return dict(sorted(found.items()))


class _Groups(Protocol):
    def select(self, *, group: str) -> EntryPoints: ...


@functools.lru_cache(maxsize=2)
def _entry_points(_path: tuple[str, ...]) -> _Groups:
    """Every entry point of every installed distribution, read once per process and
    import path: each look-up reads the metadata of every distribution (20 ms here),
    and a build looks up exporters and readers."""
    return entry_points()


def _builtin_first(ep: EntryPoint) -> tuple[int, str]:
    dist = ep.dist
    return (0 if dist is not None and dist.name == "digestconv" else 1, ep.name)
