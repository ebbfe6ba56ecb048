"""``digestconv build``: every enabled format from one read of the site.

The configuration lives where the site owner already configures everything,
in ``_config.yml`` under ``digestconv:``; every value goes through the same
click type as the matching command-line option, so a typo is reported with
the option's own error message instead of being ignored.  Outputs whose
inputs and options did not change since the last build are not even
re-rendered, and files whose bytes did not change are not rewritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from digestconv import __version__
from digestconv.cache import BuildCache, digest_of
from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus, to_json
from digestconv.output import confine, write_atomic
from digestconv.registry import ExporterInfo, ExportError, Output, discover

# The outputs a build writes when the site does not say otherwise.
DEFAULT_TARGETS: dict[str, list[dict[str, Any]]] = {
    "json": [{"output": "digests.json"}],
    "bibtex": [{"output": "refs.bib"}],
    "feed": [{"output": "feed.xml"}],
    "epub": [{"output": "digests.epub"}],
    "anki": [{"output": "cards.csv"}, {"output": "cards.apkg", "format": "apkg"}],
}
TOP_KEYS = frozenset({"formats", "output"})


class ConfigError(Exception):
    """A ``digestconv:`` setting that cannot be used, with where it is."""


@dataclass
class Target:
    """One output file (or folder) of one exporter, with its options."""

    format: str
    output: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.format} → {self.output}"


def _option_params(cls: type) -> dict[str, click.Parameter]:
    return {p.name: p for p in getattr(cls, "options", ()) if p.name}


def _cast(
    fmt: str, cls: type, raw: Mapping[str, Any], where: str
) -> tuple[str | None, dict[str, Any]]:
    params = _option_params(cls)
    ctx = click.Context(click.Command(fmt))
    values: dict[str, Any] = {}
    for name, param in params.items():
        values[name] = param.get_default(ctx, call=True)
    output: str | None = None
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        if name == "output":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}.output must be a file name")
            output = value
            continue
        if name not in params:
            known = ", ".join(sorted(["output", *params])) or "output"
            raise ConfigError(f"{where}: unknown option {key!r} (known: {known})")
        param = params[name]
        try:
            many = getattr(param, "multiple", False) and not isinstance(value, list | tuple)
            values[name] = param.type_cast_value(ctx, [value] if many else value)
        except click.BadParameter as exc:
            raise ConfigError(f"{where}.{key}: {exc.format_message()}") from exc
    return output, values


def plan(
    config: Mapping[str, Any],
    exporters: Mapping[str, ExporterInfo],
    only: Sequence[str] | None,
    diagnostics: Diagnostics,
) -> list[tuple[Target, type | None]]:
    """The targets of this build, from ``digestconv:`` in _config.yml and ``--only``."""
    if not isinstance(config, Mapping):
        raise ConfigError("digestconv: must be a mapping")
    for key in config:
        if key not in TOP_KEYS and key not in exporters:
            known = ", ".join(sorted([*TOP_KEYS, *exporters]))
            raise ConfigError(f"digestconv: unknown key {key!r} (known: {known})")
    enabled = config.get("formats")
    if enabled is None:
        names = [n for n in exporters if n in DEFAULT_TARGETS or n in config]
        names += [n for n in exporters if n not in names]
    elif isinstance(enabled, list | tuple) and all(isinstance(n, str) for n in enabled):
        unknown = [n for n in enabled if n not in exporters]
        if unknown:
            raise ConfigError(f"digestconv.formats: unknown format(s) {', '.join(unknown)}")
        names = list(dict.fromkeys(enabled))
    else:
        raise ConfigError("digestconv.formats must be a list of format names")
    if only:
        unknown = [n for n in only if n not in exporters]
        if unknown:
            raise ConfigError(f"--only: unknown format(s) {', '.join(unknown)}")
        names = [n for n in names if n in only] + [n for n in only if n not in names]
    targets: list[tuple[Target, type | None]] = []
    for name in sorted(names):
        info = exporters[name]
        try:
            cls = info.load()
        except Exception as exc:
            diagnostics.error("plugin", f"the {name!r} exporter failed to load: {exc}")
            continue
        raw = config.get(name)
        if raw is None:
            entries: list[Any] = DEFAULT_TARGETS.get(name, [{}])
        elif isinstance(raw, Mapping):
            entries = [raw]
        elif isinstance(raw, list | tuple) and all(isinstance(e, Mapping) for e in raw):
            entries = list(raw)
        else:
            raise ConfigError(f"digestconv.{name} must be a mapping of options or a list of them")
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            where = f"digestconv.{name}" + (f"[{index}]" if len(entries) > 1 else "")
            output, options = _cast(name, cls, entry, where)
            suffix_for = getattr(cls, "suffix_for", None)
            suffix = suffix_for(options) if callable(suffix_for) else cls.suffix
            output = output or f"{'digests' if name == 'json' else name}{suffix}"
            if output in seen:
                raise ConfigError(f"{where}: output {output!r} is written twice")
            seen.add(output)
            targets.append((Target(name, output, options), cls))
    return targets


def corpus_key(corpus: Corpus) -> str:
    return hashlib.sha256(to_json(corpus).encode("utf-8")).hexdigest()


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class TargetResult:
    target: Target
    written: int = 0
    unchanged: int = 0
    skipped: bool = False
    error: str | None = None


def run_target(
    target: Target,
    *,
    cls: type,
    corpus: Corpus,
    key_of_corpus: str,
    out_dir: Path,
    cache: BuildCache | None,
    diagnostics: Diagnostics,
) -> TargetResult:
    """Export one target unless the cache proves its files are already up to date."""
    result = TargetResult(target)
    key = digest_of(
        __version__,
        key_of_corpus,
        target.format,
        target.output,
        repr(sorted((k, repr(v)) for k, v in target.options.items())),
    )
    record = cache.output(target.label) if cache is not None else None
    if (
        record is not None
        and record[0] == key
        and record[1]
        and all(_file_hash(out_dir / name) == digest for name, digest in record[1].items())
    ):
        result.skipped = True
        result.unchanged = len(record[1])
        return result
    options = {**target.options, "output": str(out_dir / target.output)}
    try:
        data: Output = cls().export(corpus, options, diagnostics)
    except ExportError as exc:
        result.error = str(exc)
        return result
    files: dict[str, bytes]
    if isinstance(data, Mapping):
        base = target.output.rstrip("/")
        files = {f"{base}/{name}": content for name, content in data.items()}
    else:
        files = {target.output: data}
    recorded: dict[str, str] = {}
    for name, content in sorted(files.items()):
        path = confine(out_dir, name)
        if write_atomic(path, content):
            result.written += 1
        else:
            result.unchanged += 1
        recorded[name] = hashlib.sha256(content).hexdigest()
    if cache is not None:
        cache.put_output(target.label, key, recorded)
    return result


def exporters() -> dict[str, ExporterInfo]:
    return discover()
