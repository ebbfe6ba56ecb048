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
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from digestconv import __version__
from digestconv.cache import BuildCache, digest_of
from digestconv.diagnostics import Diagnostic, Diagnostics
from digestconv.model import Corpus, Site, to_json
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
    unset = getattr(click.core, "UNSET", object())  # click >= 8.2 marks "no default" so
    for name, param in params.items():
        default = param.get_default(ctx, call=True)
        if default is unset or default is None:
            default = () if getattr(param, "multiple", False) else None
        values[name] = default
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
    recorded: dict[str, str] = field(default_factory=dict)
    """Written file name → sha256, for the next build's up-to-date check."""
    diagnostics: list[Diagnostic] = field(default_factory=list)


def target_key(target: Target, key_of_corpus: str) -> str:
    """Everything an output depends on: digestconv, the corpus, the format and its options."""
    options = repr(sorted((k, repr(v)) for k, v in target.options.items()))
    return digest_of(__version__, key_of_corpus, target.format, target.output, options)


def up_to_date(target: Target, key: str, out_dir: Path, cache: BuildCache | None) -> int:
    """How many files the target's last build wrote, if they are all still current; else 0."""
    record = cache.output(target.label) if cache is not None else None
    if record is None or record[0] != key or not record[1]:
        return 0
    if all(_file_hash(out_dir / name) == digest for name, digest in record[1].items()):
        return len(record[1])
    return 0


def export_target(target: Target, cls: type, corpus: Corpus, out_dir: Path) -> TargetResult:
    """Render one target and write its files (atomically; unchanged files left alone)."""
    result = TargetResult(target)
    diagnostics = Diagnostics()
    options = {**target.options, "output": str(out_dir / target.output)}
    try:
        data: Output = cls().export(corpus, options, diagnostics)
    except ExportError as exc:
        result.error = str(exc)
        result.diagnostics = diagnostics.items
        return result
    result.diagnostics = diagnostics.items
    files: dict[str, bytes]
    if isinstance(data, Mapping):
        base = target.output.rstrip("/")
        files = {f"{base}/{name}": content for name, content in data.items()}
    else:
        files = {target.output: data}
    for name, content in sorted(files.items()):
        path = confine(out_dir, name)
        if write_atomic(path, content):
            result.written += 1
        else:
            result.unchanged += 1
        result.recorded[name] = hashlib.sha256(content).hexdigest()
    return result


# What forked export workers inherit instead of receiving it pickled: the corpus is the
# largest object of a build, and with fork the children share its memory pages.
_SHARED: dict[str, Any] = {}

PARALLEL_EXPORT_MIN = 64
"""Posts below which exporting in worker processes costs more than it saves."""


def _export_shared(index: int) -> TargetResult:
    target, cls = _SHARED["targets"][index]
    return export_target(target, cls, _SHARED["corpus"], _SHARED["out_dir"])


def run_targets(
    targets: Sequence[tuple[Target, type]],
    *,
    corpus: Corpus | Callable[[], Corpus],
    key_of_corpus: str,
    out_dir: Path,
    cache: BuildCache | None,
    jobs: int = 1,
) -> list[TargetResult]:
    """Build every target that is not up to date, in forked worker processes when the
    corpus is large and the platform forks; results come back in target order.

    ``corpus`` may be a function: it is called only if some target needs rendering.
    """
    results: list[TargetResult | None] = []
    todo: list[int] = []
    keys: list[str] = []
    for index, (target, _) in enumerate(targets):
        key = target_key(target, key_of_corpus)
        keys.append(key)
        current = up_to_date(target, key, out_dir, cache)
        if current:
            results.append(TargetResult(target, unchanged=current, skipped=True))
        else:
            results.append(None)
            todo.append(index)
    if todo and callable(corpus):
        corpus = corpus()
    if not isinstance(corpus, Corpus):  # every target was up to date
        corpus = Corpus(site=Site(), digests=())
    forks = "fork" in multiprocessing.get_all_start_methods()
    if jobs > 1 and forks and len(todo) > 1 and len(corpus.digests) >= PARALLEL_EXPORT_MIN:
        _SHARED.update(targets=list(targets), corpus=corpus, out_dir=out_dir)
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context) as pool:
                # the slowest targets first, so the pool is not left waiting on one at the end
                order = sorted(todo, key=lambda i: _COST.get(targets[i][0].format, 1), reverse=True)
                for index, result in zip(order, pool.map(_export_shared, order), strict=True):
                    results[index] = result
        finally:
            _SHARED.clear()
    else:
        for index in todo:
            target, cls = targets[index]
            results[index] = export_target(target, cls, corpus, out_dir)
    final = [r for r in results if r is not None]
    if cache is not None:
        for index in todo:
            done = results[index]
            if done is not None and done.error is None:
                cache.put_output(done.target.label, keys[index], done.recorded)
    return final


# Rough relative export cost per format, to start the long ones first.
_COST = {"epub": 5, "feed": 4, "anki": 3, "json": 2, "bibtex": 2}


def exporters() -> dict[str, ExporterInfo]:
    return discover()
