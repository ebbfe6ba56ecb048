"""The ``digestconv`` command: one lazily loaded subcommand per exporter, plus check/formats/build.

Exporter modules are imported only when their subcommand runs, so ``--help``
stays fast and a plugin that fails to import breaks only its own subcommand.
The CLI is the only place that touches output files, always atomically, and
it writes nothing at all when the input has errors (unless ``--keep-going``).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from digestconv import __version__
from digestconv.diagnostics import Diagnostic, Diagnostics

if TYPE_CHECKING:  # the model and registry load with the first real command, not with --help
    from digestconv.model import Corpus, Digest
    from digestconv.reader import ReadResult
    from digestconv.registry import Exporter

BUILTIN_HELP = {
    "anki": "Anki flashcards: CSV with Anki's file headers, or an .apkg deck.",
    "bibtex": "BibTeX (or biblatex) entries for the arXiv papers of the digests.",
    "epub": "An EPUB 3 book of the digests for e-readers.",
    "feed": "An Atom or RSS feed of the digests, compatible with jekyll-feed.",
    "json": "The intermediate model as JSON: everything the reader kept.",
}

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Options:
    """The common options every reading subcommand shares (DESIGN.md's CLI contract)."""

    @staticmethod
    def reading() -> list[click.Parameter]:
        return [
            click.Argument(["paths"], nargs=-1, required=True, metavar="PATH..."),
            click.Option(
                ["--config"],
                type=click.Path(dir_okay=False),
                help="The site's _config.yml (found automatically for a site or its _posts).",
            ),
            click.Option(
                ["--site-url"], help="Override the site's url (e.g. https://example.org)."
            ),
            click.Option(["--timezone"], help="Timezone for offset-less dates (IANA name)."),
            click.Option(
                ["--since"],
                type=click.DateTime(["%Y-%m-%d"]),
                metavar="YYYY-MM-DD",
                help="Only digests dated on or after this day.",
            ),
            click.Option(
                ["--until"],
                type=click.DateTime(["%Y-%m-%d"]),
                metavar="YYYY-MM-DD",
                help="Only digests dated on or before this day.",
            ),
            click.Option(
                ["--tag"], multiple=True, help="Only digests with this tag (repeatable: any of)."
            ),
            click.Option(["--strict"], is_flag=True, help="Treat warnings as errors."),
            click.Option(
                ["--keep-going"],
                is_flag=True,
                help="Export the valid posts even when others have errors (still exits 1).",
            ),
            click.Option(
                ["-j", "--jobs"],
                type=click.IntRange(1, 256),
                help="Processes for reading many posts (default: all cores).",
            ),
            click.Option(["-q", "--quiet"], is_flag=True, help="Show errors only."),
            click.Option(["-v", "--verbose"], is_flag=True, help="Show notes too."),
        ]


def _print_diagnostics(diagnostics: Diagnostics, strict: bool, quiet: bool, verbose: bool) -> None:
    shown: list[Diagnostic] = []
    for found in diagnostics:
        d = replace(found, severity="error") if strict and found.severity == "warning" else found
        if d.severity == "note" and not verbose:
            continue
        if d.severity == "warning" and quiet:
            continue
        shown.append(d)
    for d in shown:
        click.echo(d.format(), err=True)


def _filter(digests: Sequence[Digest], params: Mapping[str, Any]) -> tuple[Digest, ...]:
    since: date | None = params["since"].date() if params.get("since") else None
    until: date | None = params["until"].date() if params.get("until") else None
    tags = {t.casefold() for t in params.get("tag") or ()}
    out = []
    for d in digests:
        day = d.date.date()
        if since and day < since:
            continue
        if until and day > until:
            continue
        if tags and not tags.intersection(t.casefold() for t in d.tags):
            continue
        out.append(d)
    return tuple(out)


def _read(params: Mapping[str, Any], paths: Sequence[str], **extra: Any) -> ReadResult:
    """``read_paths`` with the common options every reading command shares."""
    import os

    from digestconv.reader import read_paths

    return read_paths(
        paths,
        config=params.get("config"),
        site_url=params.get("site_url"),
        timezone_name=params.get("timezone"),
        jobs=params.get("jobs") or os.cpu_count() or 1,
        **extra,
    )


def _selected(corpus: Corpus, diagnostics: Diagnostics, params: Mapping[str, Any]) -> Corpus:
    """The digests to export: under ``--strict`` none with warnings, then the filters."""
    digests = corpus.digests
    if params.get("strict"):
        warned = {d.path for d in diagnostics if d.severity == "warning"}
        digests = tuple(d for d in digests if d.source.path not in warned)
    return replace(corpus, digests=_filter(digests, params))


def load_corpus(params: Mapping[str, Any]) -> tuple[Corpus | None, Diagnostics, bool]:
    """Read and filter; returns (corpus to export or None, diagnostics, input_failed)."""
    result = _read(params, params["paths"])
    diagnostics = result.diagnostics
    strict = bool(params.get("strict"))
    failed = diagnostics.failed(strict)
    _print_diagnostics(diagnostics, strict, bool(params.get("quiet")), bool(params.get("verbose")))
    if failed and not params.get("keep_going"):
        return None, diagnostics, True
    corpus = _selected(result.corpus, diagnostics, params)
    import gc

    gc.freeze()  # the model lives until exit: keep the collector from rescanning it
    return corpus, diagnostics, failed


def _write(output: str | None, data: bytes | Mapping[str, bytes], binary: bool, name: str) -> str:
    from digestconv.output import write_atomic, write_tree

    if isinstance(data, Mapping):
        if not output or output == "-":
            raise click.UsageError(f"{name} writes several files here: give a folder with -o")
        written, unchanged = write_tree(Path(output), data)
        return f"{written} file(s) written, {unchanged} unchanged in {output}"
    if not output or output == "-":
        if binary:
            raise click.UsageError(f"{name} output is binary: give a file with -o")
        stream = click.get_binary_stream("stdout")
        stream.write(data)
        stream.flush()
        return ""
    changed = write_atomic(Path(output), data)
    return f"{'wrote' if changed else 'unchanged'} {output}"


def _export_command(name: str, loader: Callable[[], type[Exporter]]) -> click.Command:
    """The subcommand of one exporter; the exporter class is imported here, on demand."""
    try:
        exporter_cls = loader()
    except Exception as exc:  # a broken plugin must not take the other commands down
        message = f"the {name!r} exporter failed to load: {type(exc).__name__}: {exc}"

        def broken(**_: Any) -> None:
            click.echo(f"error: {message} [plugin]", err=True)
            sys.exit(1)

        return click.Command(
            name,
            callback=broken,
            help=message,
            params=[click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)],
            context_settings={**CONTEXT, "ignore_unknown_options": True},
        )

    own = list(getattr(exporter_cls, "options", ()))
    own_names = {p.name for p in own}

    def run(**params: Any) -> None:
        corpus, _, failed = load_corpus(params)
        if corpus is None:
            click.echo(
                "digestconv: input has errors; nothing was written (use --keep-going to "
                "export the valid posts)",
                err=True,
            )
            sys.exit(1)
        from digestconv.registry import ExportError

        options = {k: v for k, v in params.items() if k in own_names}
        options["output"] = params.get("output")
        export_diags = Diagnostics()
        try:
            data = exporter_cls().export(corpus, options, export_diags)
        except ExportError as exc:
            _print_diagnostics(export_diags, False, bool(params["quiet"]), bool(params["verbose"]))
            click.echo(f"error: {exc} [export]", err=True)
            sys.exit(1)
        _print_diagnostics(
            export_diags, bool(params["strict"]), bool(params["quiet"]), bool(params["verbose"])
        )
        if export_diags.failed(bool(params["strict"])):
            sys.exit(1)
        try:
            summary = _write(params.get("output"), data, bool(exporter_cls.binary), name)
        except OSError as exc:
            click.echo(
                f"{params.get('output')}: error: cannot write: {exc.strerror} [export]", err=True
            )
            sys.exit(1)
        except ValueError as exc:  # UnsafePathError from a multi-file exporter
            click.echo(f"error: {exc} [export]", err=True)
            sys.exit(1)
        if summary and params["verbose"]:
            click.echo(f"digestconv {name}: {summary}", err=True)
        sys.exit(1 if failed else 0)

    params: list[click.Parameter] = [
        *Options.reading(),
        click.Option(
            ["-o", "--output"],
            type=click.Path(),
            help="Output file or folder"
            + (" (required)." if exporter_cls.binary else " (default: standard output)."),
        ),
        *own,
    ]
    return click.Command(
        name,
        callback=run,
        params=params,
        help=str(getattr(exporter_cls, "description", "")),
        short_help=BUILTIN_HELP.get(name),
        context_settings=CONTEXT,
    )


class LazyGroup(click.Group):
    """A group whose exporter subcommands are discovered from entry points, loaded on use."""

    def _exporters(self) -> dict[str, Any]:
        from digestconv.registry import discover

        return discover()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._exporters()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        info = self._exporters().get(cmd_name)
        if info is None:
            return None
        return _export_command(cmd_name, info.load)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands without importing any exporter (``--help`` must stay fast)."""
        rows = []
        exporters = self._exporters()
        for name in self.list_commands(ctx):
            builtin = super().get_command(ctx, name)
            if builtin is not None:
                rows.append((name, builtin.get_short_help_str(70)))
            else:
                origin = exporters[name].origin
                text = BUILTIN_HELP.get(name) or f"Export with the plugin from {origin}."
                rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="digestconv")
def cli() -> None:
    """Turn a Jekyll blog of paper digests into BibTeX, feeds, EPUB books and Anki decks.

    PATH is a post file, a folder of posts, a Jekyll site root (its _posts/ and
    _config.yml) or - for standard input.
    """


@cli.command("formats", context_settings=CONTEXT)
def formats_command() -> None:
    """List the exporters found: built-in and plugins."""
    from digestconv.registry import discover

    failed = False
    for name, info in discover().items():
        try:
            cls = info.load()
        except Exception as exc:
            click.echo(f"{name}\t-\tfailed to load: {type(exc).__name__}: {exc}\t{info.origin}")
            failed = True
            continue
        click.echo(f"{name}\t{cls.suffix}\t{cls.description}\t{info.origin}")
    sys.exit(1 if failed else 0)


def _check(**params: Any) -> None:
    result = _read(params, params["paths"])
    strict = bool(params["strict"])
    _print_diagnostics(result.diagnostics, strict, bool(params["quiet"]), not params["quiet"])
    counts = result.diagnostics.counts()
    papers = sum(len(d.papers) for d in result.corpus.digests)
    if not params["quiet"]:
        click.echo(
            f"{result.read} post(s), {len(result.corpus.digests)} read, {papers} paper(s): "
            f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['note']} note(s)",
            err=True,
        )
    sys.exit(1 if result.diagnostics.failed(strict) else 0)


cli.add_command(
    click.Command(
        "check",
        callback=_check,
        params=[
            p
            for p in Options.reading()
            if p.name not in ("since", "until", "tag", "keep_going", "verbose")
        ],
        help="Read the posts and report diagnostics only (notes included).",
        context_settings=CONTEXT,
    )
)


def _progress_reader(params: Mapping[str, Any], site: str) -> Any:
    """A progress bar on a terminal, nothing otherwise (CI logs stay clean)."""
    if params.get("quiet") or not sys.stderr.isatty():
        return None
    from digestconv.inputs import collect

    total = len(collect([site], Diagnostics()).files)
    return click.progressbar(length=total, label="reading posts", file=sys.stderr)


def _build(**params: Any) -> None:
    code = _build_once(params)
    if not params["watch"]:
        sys.exit(code)
    _watch(params)


def _watch(params: Mapping[str, Any]) -> None:
    """Rebuild on every change to the posts or the config until interrupted.

    A half-saved post gives diagnostics and the previous outputs stay in place;
    the next save rebuilds.  Changes inside the output folder are ignored so a
    build never triggers itself.
    """
    from watchfiles import watch

    site = Path(params["site"] or ".").resolve()
    out = Path(params["output"] or "_digestconv").resolve()

    def relevant(_change: object, path: str) -> bool:
        p = Path(path)
        if p == out or out in p.parents:
            return False
        return p.name == "_config.yml" or p.suffix.lower() in (".md", ".markdown")

    click.echo(f"digestconv build: watching {site} (Ctrl-C to stop)", err=True)
    try:
        for _changes in watch(site, watch_filter=relevant, debounce=300, step=50):
            _build_once(params)
    except KeyboardInterrupt:
        pass


def _build_once(params: Mapping[str, Any]) -> int:
    import os
    import time

    from platformdirs import user_cache_dir

    from digestconv.build import ConfigError, corpus_key, exporters, plan, run_targets
    from digestconv.cache import BuildCache, digest_of

    started = time.perf_counter()
    site = params["site"] or "."
    quiet, verbose, strict = bool(params["quiet"]), bool(params["verbose"]), bool(params["strict"])
    cache = None
    if not params["no_cache"]:
        cache = BuildCache(Path(params["cache_dir"] or user_cache_dir("digestconv")))
    jobs = params["jobs"] or (os.cpu_count() or 1)
    bar = _progress_reader(params, site)
    with bar if bar is not None else contextlib.nullcontext():
        result = _read(
            params,
            [site],
            cache=cache,
            progress=bar.update if bar is not None else None,
            defer=True,
        )
    diagnostics = result.diagnostics
    failed = diagnostics.failed(strict)
    _print_diagnostics(diagnostics, strict, quiet, verbose)
    if failed and not params["keep_going"]:
        click.echo("digestconv: input has errors; nothing was written", err=True)
        return 1

    def corpus_now() -> Corpus:
        """The filtered model, decoded from the cache only when an output needs it."""
        return _selected(result.materialize(), diagnostics, params)

    config = result.corpus.site.config.get("digestconv") or {}
    only = [n.strip() for n in (params["only"] or "").split(",") if n.strip()] or None
    build_diags = Diagnostics()
    try:
        targets = plan(config, exporters(), only, build_diags)
    except ConfigError as exc:
        where = params["config"] or str(Path(site) / "_config.yml")
        click.echo(f"{where}: error: {exc} [config]", err=True)
        return 1
    out_setting = config.get("output") if isinstance(config, Mapping) else None
    out_dir = Path(params["output"] or out_setting or "_digestconv")
    # Cheap when the reader hashed its inputs: the same inputs and filters give the same corpus.
    filters = repr([params.get(k) for k in ("since", "until", "tag", "strict")])
    key = digest_of(result.input_key, filters) if result.input_key else corpus_key(corpus_now())
    written = unchanged = 0
    errors = False
    runnable = [(target, cls) for target, cls in targets if cls is not None]
    if verbose and not quiet:
        for target, _ in runnable:
            click.echo(f"digestconv build: {target.label}", err=True)
    results = run_targets(
        runnable, corpus=corpus_now, key_of_corpus=key, out_dir=out_dir, cache=cache, jobs=jobs
    )
    for res in results:
        build_diags.items.extend(res.diagnostics)
        if res.error:
            click.echo(f"error: {res.target.label}: {res.error} [export]", err=True)
            errors = True
        written += res.written
        unchanged += res.unchanged
    _print_diagnostics(build_diags, strict, quiet, verbose)
    if cache is not None:
        cache.close()
    seconds = time.perf_counter() - started
    if not quiet:
        if result.deferred is None:
            digests = corpus_now().digests
            papers = sum(len(d.papers) for d in digests)
            counts = f"{len(digests)} post(s), {papers} paper(s)"
        else:  # nothing was decoded: every output was already up to date
            counts = f"{result.read - len(result.failed)} post(s) unchanged"
        click.echo(
            f"digestconv build: {counts}, {written} output file(s) written, "
            f"{unchanged} unchanged, in {out_dir} ({seconds:.2f} s)",
            err=True,
        )
    return 1 if failed or errors or build_diags.failed(strict) else 0


_BUILD_PARAMS: list[click.Parameter] = [
    click.Argument(["site"], required=False, metavar="[SITE]"),
    *[p for p in Options.reading() if p.name != "paths"],
    click.Option(
        ["-o", "--output"],
        type=click.Path(file_okay=False),
        help="Output folder (default: digestconv.output in _config.yml, else _digestconv).",
    ),
    click.Option(["--only"], metavar="F,G", help="Build only these formats (comma-separated)."),
    click.Option(
        ["--cache-dir"],
        type=click.Path(file_okay=False),
        help="Where the build cache lives (default: the user cache folder).",
    ),
    click.Option(["--no-cache"], is_flag=True, help="Read every post and render every output."),
    click.Option(["--watch"], is_flag=True, help="Rebuild whenever a post or the config changes."),
]

cli.add_command(
    click.Command(
        "build",
        callback=_build,
        params=_BUILD_PARAMS,
        help="Build every enabled format of a Jekyll site in one pass (configured under "
        "digestconv: in _config.yml). SITE defaults to the current folder.",
        short_help="Every enabled format from one pass over a Jekyll site.",
        context_settings=CONTEXT,
    )
)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point; click maps usage errors to exit status 2.

    The reader allocates millions of short-lived objects; a larger first-generation
    threshold makes the cyclic collector run less often (about 25 % less CPU for
    reading, for a few MB of memory).
    """
    import gc

    gc.set_threshold(50_000, 20, 100)
    cli.main(args=list(argv) if argv is not None else None, prog_name="digestconv")
