"""``digestconv build``: every enabled format from one read of the site.

The configuration lives where the site owner already configures everything, in
``_config.yml`` under ``digestconv:``; each plugin's section is checked against the
plugin's own option declaration (the same one its subcommand's options come from), so
a typo is reported instead of ignored.  What a build writes by default, and in which
order the exports run, is the plugins' metadata: no format is special here.  Outputs
whose inputs and options did not change since the last build are not even
re-rendered, and files whose bytes did not change are not rewritten.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import hashlib
import multiprocessing
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from digestconv import fragments, stamps
from digestconv.cache import BuildCache
from digestconv.diagnostics import Diagnostic, Diagnostics
from digestconv.fingerprint import code_version, digest_of
from digestconv.fragments import Chunks, Fingerprints
from digestconv.model import Corpus, Publication, Site, frozen_mapping, to_json
from digestconv.options import resolve
from digestconv.output import (
    Staged,
    UnsafePathError,
    confine,
    discard,
    end_staging,
    file_sha256,
    publish,
    stage,
    staging_folder,
    sync_soon,
)
from digestconv.pipeline import SECTION, ConfigError, configured, entries_of, section
from digestconv.plugins import ExportError, PluginInfo, requires_site_url
from digestconv.site import folder_inside
from digestconv.warm import Warm
from digestconv.workers import pool

TOP_KEYS = frozenset({"formats", "output"})


@dataclass
class Target:
    """One output file (or folder) of one exporter, with its options."""

    format: str
    output: str
    options: Any = None
    cost: int = 1

    @property
    def label(self) -> str:
        return f"{self.format} → {self.output}"


def output_folder(site: Site, site_root: Path | None) -> str | None:
    """``digestconv: output:`` — a folder inside the site (the config is untrusted)."""
    value = section(site).get("output")
    if value is None:
        return None
    pure = folder_inside(value)
    if pure is None:
        raise ConfigError(f"{SECTION}.output must be a folder name inside the site, got {value!r}")
    return str((site_root or Path(".")) / pure)


def _names(
    config: Mapping[str, Any], exporters: Mapping[str, PluginInfo], only: Sequence[str] | None
) -> list[str]:
    for key in config:
        if key not in TOP_KEYS and key not in exporters and key != "reader":
            known = ", ".join(sorted([*TOP_KEYS, *exporters]))
            raise ConfigError(f"{SECTION}: unknown key {key!r} (known: {known})")
    enabled = config.get("formats")
    if enabled is None:
        names = list(exporters)
    elif isinstance(enabled, list | tuple) and all(isinstance(n, str) for n in enabled):
        unknown = [n for n in enabled if n not in exporters]
        if unknown:
            raise ConfigError(f"{SECTION}.formats: unknown format(s) {', '.join(unknown)}")
        names = list(dict.fromkeys(enabled))
    else:
        raise ConfigError(f"{SECTION}.formats must be a list of format names")
    if only:
        unknown = [n for n in only if n not in exporters]
        if unknown:
            raise ConfigError(f"--only: unknown format(s) {', '.join(unknown)}")
        names = [n for n in names if n in only] + [n for n in only if n not in names]
    return sorted(names)


def plan(
    site: Site,
    site_root: Path | None,
    exporters: Mapping[str, PluginInfo],
    only: Sequence[str] | None,
    diagnostics: Diagnostics,
) -> list[tuple[Target, type]]:
    """The targets of this build, from ``digestconv:`` in _config.yml and ``--only``.

    A format the config does not mention writes its ``build_targets``; a format whose
    targets are empty is built only when the config or ``--only`` names it.
    """
    config = section(site)
    explicit = config.get("formats") is not None or bool(only)
    targets: list[tuple[Target, type]] = []
    for name in _names(config, exporters, only):
        try:
            cls = exporters[name].load()
        except Exception as exc:
            diagnostics.error("plugin", f"the {name!r} exporter failed to load: {exc}")
            continue
        entries = entries_of(site, name)
        chosen: list[tuple[str | None, dict[str, Any]]]
        named = explicit or entries is not None
        if not named and requires_site_url(cls) and site.root_url is None:
            diagnostics.note(
                "config",
                f"{name} is not built: it needs the site's address (url in _config.yml, or "
                "--site-url)",
            )
            continue
        if entries is None:
            if not cls.build_targets and not explicit:
                continue
            chosen = [(t.output, dict(t.options)) for t in cls.build_targets] or [(None, {})]
        else:
            chosen = []
            for index, entry in enumerate(entries):
                where = f"{SECTION}.{name}" + (f"[{index}]" if len(entries) > 1 else "")
                output = entry.get("output")
                if output is not None and (not isinstance(output, str) or not output):
                    raise ConfigError(f"{where}.output must be a file name")
                values = configured(cls.Options, entry, where, site_root, ignore=("output",))
                chosen.append((output, values))
        seen: set[str] = set()
        for output, values in chosen:
            try:
                options = resolve(cls.Options, values)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{SECTION}.{name}: {exc}") from exc
            name_out = output or _default_name(name, cls, options)
            if name_out in seen:
                raise ConfigError(f"{SECTION}.{name}: output {name_out!r} is written twice")
            seen.add(name_out)
            targets.append((Target(name, name_out, options, int(cls.cost)), cls))
    return targets


def publications(targets: Sequence[tuple[Target, type]]) -> tuple[Publication, ...]:
    """The run's plan as the exporters see it: every output with its name and options."""
    out = []
    for target, cls in targets:
        spec = cls().outputs(target.options)
        options = {
            f.name: _plain(getattr(target.options, f.name))
            for f in dataclasses.fields(target.options)
        }
        out.append(
            Publication(
                target.format,
                target.output.rstrip("/"),
                spec.media_type,
                spec.folder,
                frozen_mapping(options),
            )
        )
    return tuple(out)


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _default_name(name: str, cls: Any, options: Any) -> str:
    """The plugin's default output with this suffix, else ``NAME.suffix``."""
    suffix = cls().outputs(options).suffix
    for target in cls.build_targets:
        if PurePosixPath(target.output).suffix == suffix:
            return str(target.output)
    return f"{name}{suffix}"


def corpus_key(corpus: Corpus) -> str:
    return hashlib.sha256(to_json(corpus).encode("utf-8")).hexdigest()


def _recorded(sha256: str, stamp: str | None) -> str:
    """What the record keeps of a file: its SHA-256, and its stamp (``digestconv.stamps``)
    so that the next build can tell it unchanged without reading it."""
    return sha256 if stamp is None else f"{sha256} {stamp}"


def _current(out_dir: Path, name: str, recorded: str) -> str | None:
    """``recorded`` (refreshed when the file had to be read) if the file is still what a
    build wrote; None if it changed or is gone."""
    sha256, _, stamp = recorded.partition(" ")
    path = out_dir / name
    if stamps.unchanged(path, stamp):
        return recorded
    fresh = stamps.take(path)  # before reading: a change while it is read shows next time
    if file_sha256(path) != sha256:
        return None
    return _recorded(sha256, fresh)


@dataclass
class TargetResult:
    target: Target
    written: int = 0
    unchanged: int = 0
    skipped: bool = False
    error: str | None = None
    staged: dict[str, Staged] = field(default_factory=dict)
    """Rendered and written to temporary files, not yet published."""
    withheld: bool = False
    """Rendered fine but not written, because another output of the build failed."""
    io_failed: bool = False
    recorded: dict[str, str] = field(default_factory=dict)
    """File name → sha256 and stamp of what this build wrote (or, when skipped, what the
    last build wrote and is still there): the next build's up-to-date check and
    stale-file sweep."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    parts_used: list[str] | None = None
    """With a :class:`~digestconv.warm.Warm` session: every part key of the output, and
    the keys rendered in this build (stored in the cache), for the session to keep."""
    parts_fresh: list[str] = field(default_factory=list)
    identity: str | None = None
    """The output's :attr:`fragments.Rendered.identity`, for its record."""


def record_name(out_dir: Path, label: str) -> str:
    """Under which name the cache keeps an output's record and parts: one cache folder
    (the user's, by default) serves every site, and two sites' ``refs.bib`` must not
    sweep each other's parts away."""
    return f"{out_dir.resolve()}\0{label}"


def target_key(target: Target, key_of_corpus: str, plan: str = "") -> str:
    """Everything an output depends on: digestconv, the corpus, the format and its options,
    and the run's plan (a catalog links to the books under their configured names)."""
    return digest_of(
        code_version(), key_of_corpus, target.format, target.output, repr(target.options), plan
    )


def record_key(key: str, identity: str | None) -> str:
    """What an output's record keeps as its key: the target's key, and the identity of its
    assembled parts (:attr:`fragments.Rendered.identity`) when the exporter has one."""
    return key if identity is None else f"{key} {identity}"


def _split_record_key(stored: str) -> tuple[str, str | None]:
    """:func:`record_key` taken apart: the target's key and the identity, if any."""
    key, _, identity = stored.partition(" ")
    return key, identity or None


def up_to_date(
    record: tuple[str, dict[str, str]] | None, key: str | None, out_dir: Path
) -> dict[str, str] | None:
    """The files of the target's last build (``record``: its key and files), their stamps
    refreshed where they had to be read, if the key is still ``key`` (any key when
    ``key`` is None) and the files are all still current; else None."""
    if record is None or not record[1]:
        return None
    if key is not None and _split_record_key(record[0])[0] != key:
        return None
    files: dict[str, str] = {}
    for name, recorded in record[1].items():
        current = _current(out_dir, name, recorded)
        if current is None:
            return None
        files[name] = current
    return files


def _same_by_record(path: Path, staged: Staged, recorded: str) -> bool | None:
    """Whether ``path`` holds the staged bytes, known from its record when the file is
    still the regular file it was (its stamp unchanged): None when only reading it can
    tell.  Without this, publishing read and hashed every output of the same size again
    (31 MB of CSV at 2,000 posts on every rebuild that rendered it)."""
    sha256, _, stamp = recorded.partition(" ")
    if not path.is_file() or not stamps.unchanged(path, stamp):
        return None
    return sha256 == staged.sha256


def render_target(
    target: Target,
    cls: type,
    corpus: Corpus,
    out_dir: Path,
    staging: Path,
    *,
    cache: BuildCache | None = None,
    fingerprints: Fingerprints | None = None,
    warm: Warm | None = None,
    previous: Mapping[str, str] | None = None,
    known: tuple[str, dict[str, str]] | None = None,
) -> TargetResult:
    """Render one target and stage its files; nothing is published yet (see
    :func:`write_target`).  ``previous`` is the last build's record of the files;
    ``known`` the identity of the target's last output and its files, still current: if
    the parts come out with that identity, the output is not assembled or written.

    An exporter that renders in parts reuses the parts the cache holds, and its new
    parts are stored right away (they are correct whatever happens to the build).  The
    result holds no bytes, only staged file names: a worker process hands back a few
    hundred bytes, not the output a second time.
    """
    result = TargetResult(target)
    diagnostics = Diagnostics()
    slot = record_name(out_dir, target.label)
    store: fragments.Store | None = None
    if warm is not None and cache is not None:
        store = warm.store(slot, cache)
    elif cache is not None:
        store = cache.parts_of(slot)
    try:
        rendered = fragments.export(
            cls(),
            corpus,
            target.options,
            diagnostics,
            store=store,
            fingerprints=fingerprints,
            known=known[0] if known is not None else None,
        )
    except ExportError as exc:
        result.error = str(exc)
        result.diagnostics = diagnostics.items
        return result
    result.diagnostics = diagnostics.items
    result.identity = rendered.identity
    if rendered.output is None:  # the parts are those of ``known``, the last output's
        assert known is not None  # fragments.export leaves no other output unassembled
        if cache is not None and rendered.fresh:
            cache.put_fragments(slot, rendered.fresh, None)  # what assembly kept stays
        result.skipped, result.unchanged, result.recorded = True, len(known[1]), dict(known[1])
        return result
    if cache is not None and rendered.used:
        cache.put_fragments(slot, rendered.fresh, rendered.used)
        if warm is not None:
            result.parts_used = rendered.used
            result.parts_fresh = [key for key, _, _ in rendered.fresh]
    rendered.fresh = []
    data = rendered.output
    if isinstance(data, Mapping):
        base = target.output.rstrip("/")
        files = {f"{base}/{name}": content for name, content in sorted(data.items())}
    else:
        files = {target.output: data}
    del data, rendered
    try:
        for name in files:
            confine(out_dir, name)
    except (UnsafePathError, OSError) as exc:
        result.error = str(exc)
        return result
    for name in list(files):
        content = files.pop(name)  # each file's bytes are dropped once staged
        pieces = content.pieces if isinstance(content, Chunks) else (content,)
        try:
            result.staged[name] = stage(staging, pieces)
        except OSError as exc:  # a full disk, a file where the output folder should be
            result.error = f"{out_dir / name}: cannot write: {exc.strerror or exc}"
            result.io_failed = True
            discard(result.staged.values())
            result.staged = {}
            return result
        del content, pieces
    for name, staged in result.staged.items():
        recorded = previous.get(name) if previous else None
        if not recorded or not _same_by_record(out_dir / name, staged, recorded):
            sync_soon(staged)  # it will be published: its flush to disk starts now
    return result


def _ours(out_dir: Path, name: str, previous: Mapping[str, str]) -> bool:
    """A file a previous build wrote and nobody has changed since."""
    recorded = previous.get(name)
    return recorded is not None and _current(out_dir, name, recorded) is not None


def _clear_way(out_dir: Path, name: str, previous: Mapping[str, str]) -> None:
    """A previous build's file where this build needs a folder (an output that became
    a folder of books) is removed; anything else in the way is left for the write to
    report."""
    parts = PurePosixPath(name).parts
    for depth in range(1, len(parts)):
        above = "/".join(parts[:depth])
        if (out_dir / above).is_file() and _ours(out_dir, above, previous):
            (out_dir / above).unlink()


def remove_stale(out_dir: Path, previous: Mapping[str, str], current: set[str]) -> None:
    """Files the previous build wrote that this one no longer writes, as a site
    generator cleans its output: only unchanged ones, so a user's edits survive."""
    for name in sorted(previous):
        if name in current or not _ours(out_dir, name, previous):
            continue
        try:
            path = confine(out_dir, name)
            path.unlink()
            for folder in path.parents:
                if folder == out_dir or out_dir not in folder.parents:
                    break
                folder.rmdir()  # only while empty
        except (OSError, UnsafePathError):
            continue


def write_target(
    result: TargetResult, out_dir: Path, previous: Mapping[str, str] | None = None
) -> None:
    """Publish a rendered target's staged files (each a rename; unchanged files are left
    alone).  A failing disk stops the target at that file and says which."""
    pending = list(result.staged.items())
    for index, (name, staged) in enumerate(pending):
        try:
            path = confine(out_dir, name)
            recorded = previous.get(name) if previous else None
            same = _same_by_record(path, staged, recorded) if recorded else None
            if previous:
                _clear_way(out_dir, name, previous)
            if publish(staged, path, same=same):
                result.written += 1
            else:
                result.unchanged += 1
        except (UnsafePathError, OSError) as exc:
            result.error = (
                f"{out_dir / name}: cannot write: {getattr(exc, 'strerror', None) or exc}"
            )
            result.io_failed = True
            discard(s for _, s in pending[index:])
            result.staged = {}
            return
        result.recorded[name] = _recorded(staged.sha256, stamps.take(path))
    result.staged = {}


# What forked export workers inherit instead of receiving it pickled: the corpus is the
# largest object of a build, and with fork the children share its memory pages.
_SHARED: dict[str, Any] = {}

PARALLEL_EXPORT_MIN = 64
"""Posts below which exporting in worker processes costs more than it saves."""

WARM_PARALLEL_EXPORT_MIN = 1500
"""The same for a watching rebuild, which holds the previous build's parts.

A forked worker pays for every page of the parent's memory it touches (reference counts
are written to, so each page is copied): the model and the held parts, which a watching
process keeps, while a rebuild renders only a few parts per output.  Measured on two
cores after editing one post, a watching rebuild took 0.24 s serially against 0.31 s in
two workers at 400 posts, 0.51 against 0.57 s at 1,000, and about the same at 2,000."""


def _render_shared(index: int) -> TargetResult:
    target, cls = _SHARED["targets"][index]
    folder = _SHARED["cache_folder"]
    store = BuildCache(folder) if folder is not None else None  # never the parent's handle
    try:
        return render_target(
            target,
            cls,
            _SHARED["corpus"],
            _SHARED["out_dir"],
            _SHARED["staging"],
            cache=store,
            fingerprints=_SHARED["fingerprints"],
            warm=_SHARED["warm"],
            previous=_SHARED["previous"],
            known=_SHARED["known"].get(index),
        )
    finally:
        if store is not None:
            store.close()
        _give_back_memory()


def _give_back_memory() -> None:
    """Return the memory one export freed to the system before the worker takes the next:
    the C allocator keeps freed heap pages (the parts, the documents) mapped, so the next
    export's peak would be added on top of the last one's leftovers."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)


def run_targets(
    targets: Sequence[tuple[Target, type]],
    *,
    corpus: Corpus | Callable[[], Corpus],
    key_of_corpus: str,
    out_dir: Path,
    cache: BuildCache | None,
    jobs: int = 1,
    fingerprints: Fingerprints | None = None,
    warm: Warm | None = None,
) -> list[TargetResult]:
    """Build every target that is not up to date, rendering in forked worker processes
    when the corpus is large and the platform forks; results come back in target order.

    The rule for several outputs: all are rendered first; if any export fails, none is
    written (exit 1 writes nothing).  Then each is written; a write that fails (disk
    full, read-only folder) is reported for that output and the others are still written.

    ``corpus`` may be a function: it is called only if some target needs rendering.
    ``warm`` is a watching session's memory of the previous build's parts.
    """
    results: list[TargetResult | None] = []
    todo: list[int] = []
    keys: list[str] = []
    plan = publications(targets)
    previous: dict[str, str] = {}
    known: dict[int, tuple[str, dict[str, str]]] = {}
    names = [record_name(out_dir, target.label) for target, _ in targets]
    for index, (target, _) in enumerate(targets):
        key = target_key(target, key_of_corpus, repr(plan))
        keys.append(key)
        record = cache.output(names[index]) if cache is not None else None
        if record is not None:
            previous.update(record[1])
        current = up_to_date(record, key, out_dir)
        if current is not None and record is not None:
            results.append(
                TargetResult(target, unchanged=len(current), skipped=True, recorded=current)
            )
            if cache is not None and current != record[1]:  # stamps refreshed
                cache.put_output(names[index], record[0], current)
            if warm is not None and cache is not None:
                warm.hold(names[index], cache)
        else:
            results.append(None)
            todo.append(index)
            identity = _split_record_key(record[0])[1] if record is not None else None
            # Not in a watching session: it settles the parts it holds in memory from the
            # keys an assembly used, which a skipped assembly does not report.
            files = up_to_date(record, None, out_dir) if identity and warm is None else None
            if identity is not None and files is not None:
                known[index] = (identity, files)
    existed = out_dir.exists()
    staging = staging_folder(out_dir)
    try:
        if todo and callable(corpus):
            corpus = corpus()
        if not isinstance(corpus, Corpus):  # every target was up to date
            corpus = Corpus(site=Site(), digests=())
        corpus = replace(corpus, outputs=plan)
        forks = "fork" in multiprocessing.get_all_start_methods()
        least = (
            WARM_PARALLEL_EXPORT_MIN if warm is not None and warm.primed else PARALLEL_EXPORT_MIN
        )
        if jobs > 1 and forks and len(todo) > 1 and len(corpus.digests) >= least:
            _SHARED.update(
                targets=list(targets),
                corpus=corpus,
                fingerprints=fingerprints,
                warm=warm,
                cache_folder=cache.folder if cache is not None else None,
                out_dir=out_dir,
                staging=staging,
                previous=previous,
                known=known,
            )
            _give_back_memory()  # what reading freed: each worker starts from this size
            try:
                with pool(min(jobs, len(todo)), fork=True) as executor:
                    # the slowest first, so the pool is not left waiting on one at the end
                    order = sorted(todo, key=lambda i: targets[i][0].cost, reverse=True)
                    for index, result in zip(
                        order, executor.map(_render_shared, order), strict=True
                    ):
                        results[index] = result
            finally:
                _SHARED.clear()
        else:
            for index in todo:
                target, cls = targets[index]
                results[index] = render_target(
                    target,
                    cls,
                    corpus,
                    out_dir,
                    staging,
                    cache=cache,
                    fingerprints=fingerprints,
                    warm=warm,
                    previous=previous,
                    known=known.get(index),
                )
        rendered = [results[i] for i in todo]
        if any(r is not None and r.error and not r.io_failed for r in rendered):
            for r in rendered:  # their staged files go in the cleanup below
                if r is not None:
                    r.withheld = r.error is None
        else:
            for r in rendered:
                if r is not None and not r.io_failed:
                    write_target(r, out_dir, previous)
            produced = {name for r in results if r is not None for name in r.recorded}
            if not any(r is not None and r.error for r in results):
                remove_stale(out_dir, previous, produced)
    finally:  # an interrupted or failed build leaves no temporary file behind
        for r in results:
            if r is not None and r.staged:
                discard(r.staged.values())
                r.staged = {}
        end_staging(staging)
        if not existed:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only while empty: a build that wrote nothing
    final = [r for r in results if r is not None]
    if cache is not None:
        cache.mark_used(names)
        for index in todo:
            done = results[index]
            if done is not None and done.error is None and not done.withheld:
                cache.put_output(
                    names[index], record_key(keys[index], done.identity), done.recorded
                )
            if warm is not None and done is not None and done.parts_used is not None:
                warm.settle(names[index], done.parts_used, done.parts_fresh, cache)
    return final


def exporters() -> dict[str, PluginInfo]:
    from digestconv.plugins import discover

    return discover()
