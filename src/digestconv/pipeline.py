"""Between the readers and the exporters: read, select, configure — what every command shares.

The CLI only calls this module.  Reading (with its cache and process pool) is the
reader side's; here the digests an export receives are chosen (``--strict``,
``--since``, ``--until``, ``--tag``) and a plugin's options are put together from their
three sources — defaults, the site's ``_config.yml`` and the command line — in that order
of precedence, the same for ``digestconv FORMAT`` and ``digestconv build``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digestconv.diagnostics import Diagnostic, Diagnostics
from digestconv.options import OptionError, from_config, resolve

if TYPE_CHECKING:
    from digestconv.model import Corpus, Digest, Site
    from digestconv.reader import ReadResult

SECTION = "digestconv"
"""The ``_config.yml`` key under which digestconv's own settings live."""


@dataclass(frozen=True)
class Selection:
    """Which digests an export receives."""

    since: date | None = None
    until: date | None = None
    tags: tuple[str, ...] = ()
    strict: bool = False
    unpublished: bool = False
    """Also the posts Jekyll leaves out for ``published: false`` (``jekyll --unpublished``)."""

    def keeps(self, digest: Digest) -> bool:
        from digestconv.site import unpublished  # the model loads with the first command

        if not self.unpublished and unpublished(digest.meta):  # the reader notes it
            return False
        day = digest.date.date()
        if self.since and day < self.since:
            return False
        if self.until and day > self.until:
            return False
        wanted = {t.casefold() for t in self.tags}
        return not wanted or bool(wanted.intersection(t.casefold() for t in digest.tags))


@dataclass(frozen=True)
class ReadRequest:
    """What to read and how: the common options of every reading command."""

    paths: tuple[str, ...]
    config: str | None = None
    site_url: str | None = None
    timezone: str | None = None
    jobs: int | None = None
    reader: str | None = None


def read(request: ReadRequest, **extra: Any) -> ReadResult:
    """Every post the paths name, read by the reader side (cache and pool in ``extra``)."""
    from digestconv.reader import read_paths

    return read_paths(
        list(request.paths),
        config=request.config,
        site_url=request.site_url,
        timezone_name=request.timezone,
        jobs=request.jobs or os.cpu_count() or 1,
        reader=request.reader,
        **extra,
    )


def select(corpus: Corpus, diagnostics: Diagnostics, selection: Selection) -> Corpus:
    """The digests to export: under ``--strict`` none with warnings, then the filters."""
    digests = corpus.digests
    if selection.strict:
        warned = {d.path for d in diagnostics if d.severity == "warning"}
        digests = tuple(d for d in digests if d.source.path not in warned)
    return replace(corpus, digests=tuple(d for d in digests if selection.keeps(d)))


def shown(diagnostics: Diagnostics, strict: bool, quiet: bool, verbose: bool) -> list[Diagnostic]:
    """The diagnostics a user sees: warnings are errors under ``--strict``; ``-q``/``-v``."""
    out: list[Diagnostic] = []
    for found in diagnostics:
        d = replace(found, severity="error") if strict and found.severity == "warning" else found
        if (d.severity == "note" and not verbose) or (d.severity == "warning" and quiet):
            continue
        out.append(d)
    return out


# --------------------------------------------------------------------------- configuration


class ConfigError(Exception):
    """A ``digestconv:`` setting that cannot be used; the message says where."""


def section(site: Site) -> Mapping[str, Any]:
    """``digestconv:`` of the site's config (a mapping, or ConfigError)."""
    raw = site.config.get(SECTION)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{SECTION}: must be a mapping")
    return raw


def entries_of(site: Site, name: str) -> list[Mapping[str, Any]] | None:
    """The plugin's config: a mapping of options, or a list of them (one per output)."""
    raw = section(site).get(name)
    if raw is None:
        return None
    if isinstance(raw, Mapping):
        return [raw]
    if isinstance(raw, list | tuple) and raw and all(isinstance(e, Mapping) for e in raw):
        return list(raw)
    raise ConfigError(f"{SECTION}.{name} must be a mapping of options or a list of them")


def configured(
    cls: type,
    entry: Mapping[str, Any],
    where: str,
    site_root: Path | None,
    *,
    ignore: Sequence[str] = (),
) -> dict[str, Any]:
    """One config entry's option values, checked against the plugin's declaration."""
    raw = {k: v for k, v in entry.items() if str(k).replace("-", "_") not in ignore}
    try:
        return from_config(cls, raw, where, site_root=site_root)
    except OptionError as exc:
        raise ConfigError(str(exc)) from exc


def plugin_options(
    cls: type,
    name: str,
    site: Site,
    site_root: Path | None,
    given: Mapping[str, Any],
) -> Any:
    """A plugin's options for ``digestconv NAME``: defaults < ``_config.yml`` < command line.

    When the config lists several outputs for the plugin, the first one's options apply.
    """
    entries = entries_of(site, name)
    layer: dict[str, Any] = {}
    if entries:
        where = f"{SECTION}.{name}" + ("[0]" if len(entries) > 1 else "")
        layer = configured(cls, entries[0], where, site_root, ignore=("output",))
    try:
        return resolve(cls, layer, given)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{SECTION}.{name}: {exc}") from exc
