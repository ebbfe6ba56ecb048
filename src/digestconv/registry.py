"""The exporter protocol and its discovery through entry points.

Built-in exporters register through the same ``digestconv.exporters``
entry-point group as third-party ones, so a plugin is a first-class citizen:
it gets a subcommand, shows up in ``digestconv formats`` and in ``build``.
Discovery reads only entry-point metadata; an exporter's module is imported
when its subcommand runs, which keeps ``digestconv --help`` fast and lets one
broken plugin fail alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import ClassVar, Protocol, runtime_checkable

import click

from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus

GROUP = "digestconv.exporters"

Output = bytes | Mapping[str, bytes]
"""One file's bytes, or relative file names → bytes for multi-file outputs."""


class ExportError(Exception):
    """A problem that stops an exporter (bad option value, unreadable --update file…).

    The CLI turns it into an ``error: … [export]`` diagnostic; no output is written.
    """


@runtime_checkable
class Exporter(Protocol):
    """What a format must provide.  Exporters are pure: model in, bytes out."""

    name: ClassVar[str]
    """Subcommand and entry-point name, e.g. ``bibtex``."""
    suffix: ClassVar[str]
    """Default file suffix, e.g. ``.bib``; also names the default output of ``build``."""
    media_type: ClassVar[str]
    description: ClassVar[str]
    binary: ClassVar[bool]
    """Binary outputs are never written to a terminal: ``-o`` is required."""
    options: ClassVar[Sequence[click.Parameter]]
    """Extra click options of the subcommand; their values arrive in ``options``."""

    def export(
        self, corpus: Corpus, options: Mapping[str, object], diagnostics: Diagnostics
    ) -> Output: ...


# Optional on an exporter class: ``suffix_for(options) -> str``, the file suffix for
# these options when it depends on them (``anki --format apkg`` → ``.apkg``); ``build``
# uses it to name outputs the configuration does not name.


@dataclass(frozen=True)
class ExporterInfo:
    """An exporter found through entry points, not yet imported."""

    name: str
    entry_point: EntryPoint

    @property
    def origin(self) -> str:
        dist = self.entry_point.dist
        if dist is None:
            return "unknown"
        if dist.name == "digestconv":
            return "built-in"
        return f"{dist.name} {dist.version}"

    def load(self) -> type[Exporter]:
        """Import the exporter class; any failure is the plugin's, reported by the caller."""
        obj = self.entry_point.load()
        if not isinstance(obj, type) or not hasattr(obj, "export"):
            raise TypeError(f"{self.entry_point.value} is not an exporter class")
        for attr in ("name", "suffix", "media_type", "description", "binary", "options"):
            if not hasattr(obj, attr):
                raise TypeError(f"{self.entry_point.value} lacks the attribute {attr!r}")
        return obj


def discover() -> dict[str, ExporterInfo]:
    """Every registered exporter by name; the first registration of a name wins."""
    found: dict[str, ExporterInfo] = {}
    for ep in sorted(entry_points(group=GROUP), key=_builtin_first):
        found.setdefault(ep.name, ExporterInfo(ep.name, ep))
    return dict(sorted(found.items()))


def _builtin_first(ep: EntryPoint) -> tuple[int, str]:
    dist = ep.dist
    return (0 if dist is not None and dist.name == "digestconv" else 1, ep.name)
