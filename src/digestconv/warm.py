"""What ``build --watch`` keeps in memory from one build to the next.

A rebuild started from a new process finds unchanged posts and parts in the SQLite
cache, and then has to decode every cached digest back into the model and read every
part's bytes back from disk: at 2,000 posts that is most of a rebuild after a small
edit.  A watching process already holds both from its previous build, so it keeps
them, keyed exactly as the cache keys them (a post's key is a hash of its bytes and
everything else it was read with; a part's key a hash of everything it depends on),
and the result is the same as reading them from the cache.

Only one build's worth is kept: after each build, posts and parts the build did not
use are dropped, as the cache drops them.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from digestconv.cache import BuildCache, TargetParts
    from digestconv.diagnostics import Diagnostic
    from digestconv.model import Digest
    from digestconv.plugins import PluginInfo

PostEntry = tuple["Digest | None", list["Diagnostic"]]
"""A post as read: its digest (None when it failed) and its diagnostics."""


@dataclass
class Warm:
    posts: dict[str, PostEntry] = field(default_factory=dict)
    """Post key → what reading it gave (see ``reader.read_paths``)."""
    parts: dict[str, dict[str, tuple[bytes, str]]] = field(default_factory=dict)
    """Output (named as the cache names it, ``build.record_name``) → part key → the part's
    bytes and diagnostics JSON."""

    exporters: dict[str, PluginInfo] | None = None
    """The exporters the session's first build found: discovering them scans every
    installed distribution's metadata (10-20 ms), the same for each rebuild."""

    @property
    def primed(self) -> bool:
        """Whether a previous build's parts are held: a rebuild then renders only the
        few parts that changed (``build.WARM_PARALLEL_EXPORT_MIN``)."""
        return bool(self.parts)

    def store(self, output: str, cache: BuildCache) -> PartStore:
        return PartStore(self.parts.get(output, {}), cache.parts_of(output))

    def hold(self, output: str, cache: BuildCache) -> None:
        """Hold the stored parts of ``output``, which was up to date: a watching session's
        first build usually finds every output so, and its first rebuild would otherwise
        read every part back from the cache and render in forked workers (nothing being
        held), at the cost of a rebuild in a new process.  After a build the cache holds
        exactly the parts it used."""
        if output not in self.parts:
            self.parts[output] = cache.get_fragments(None, target=output)

    def settle(
        self, output: str, used: Sequence[str], fresh: Sequence[str], cache: BuildCache
    ) -> None:
        """After ``output`` was rendered (in this process or in a worker, which stored its
        fresh parts in the cache): keep exactly the parts it used."""
        held = self.parts.get(output, {})
        new = set(fresh)
        missing = [k for k in used if k in new or k not in held]
        found = cache.get_fragments(missing) if missing else {}
        kept: dict[str, tuple[bytes, str]] = {}
        for key in used:
            row = found.get(key) or held.get(key)
            if row is not None:
                kept[key] = row
        self.parts[output] = kept


class PartStore:
    """The parts of one output: memory first, then the cache (a worker's parts of the
    previous build that the parent never saw, or a cache written by another process)."""

    def __init__(self, memory: Mapping[str, tuple[bytes, str]], stored: TargetParts) -> None:
        self.memory = memory
        self.stored = stored
        self.scratch = stored.scratch
        """The output's folder under the cache (``fragments.Reuse.scratch``)."""

    def get_fragments(self, keys: Sequence[str]) -> Mapping[str, tuple[bytes, str]]:
        found = {k: self.memory[k] for k in keys if k in self.memory}
        rest = [k for k in keys if k not in found]
        if rest:
            found.update(self.stored.get_fragments(rest))
        return found


def preload(exporters: Iterable[PluginInfo]) -> None:
    """Import every module of the packages of these exporters and of the readers, while a
    watching session waits for its first change.

    A plugin imports what renders a part (lxml, genanki, Pillow, the Markdown parser…)
    when it first renders one, and a session's first build, finding every part in the
    cache, renders none: the first rebuild after a save paid for those imports, 0.3 s
    at 400 posts, half again the time of the next rebuilds.  The core's text helpers
    (``digestconv.text``), which plugins share, are imported too.  A module that fails
    to import is left alone here: its first use reports it.
    """
    import digestconv.text
    from digestconv.readers import discover_readers, load_reader

    classes: list[type] = []
    for info in exporters:
        with contextlib.suppress(Exception):
            classes.append(info.load())
    for name in discover_readers():
        reader = load_reader(name)
        if reader is not None:
            classes.append(type(reader))
    for package in dict.fromkeys([digestconv.text, *(_package(cls) for cls in classes)]):
        if package is None:
            continue
        with contextlib.suppress(Exception):
            prefix = package.__name__ + "."
            for found in pkgutil.walk_packages(package.__path__, prefix, onerror=_ignore):
                with contextlib.suppress(Exception):
                    importlib.import_module(found.name)


def _package(cls: type) -> ModuleType | None:
    """The package a plugin class is defined in, None for a lone module or for the core
    itself (whose modules are not the plugin's)."""
    module = sys.modules.get(cls.__module__)
    if module is None:
        return None
    name = module.__name__ if hasattr(module, "__path__") else (module.__package__ or "")
    if not name or name == "digestconv":
        return None
    return sys.modules.get(name)


def _ignore(_name: str) -> None:
    return None
