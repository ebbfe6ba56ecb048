"""The ``digestconv`` command: one lazily loaded subcommand per exporter, plus check/formats/build.

Exporter modules are imported only when their subcommand runs, so ``--help``
stays fast and a plugin that fails to import breaks only its own subcommand.
The CLI is the only place that touches output files, always atomically, and
it writes nothing at all when the input has errors (unless ``--keep-going``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from digestconv import __version__
from digestconv.diagnostics import Diagnostics

if TYPE_CHECKING:  # the model and plugins load with the first real command, not with --help
    from digestconv.model import Corpus
    from digestconv.pipeline import ReadRequest, Selection
    from digestconv.plugins import Exporter
    from digestconv.warm import Warm

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
                ["--from", "reader"],
                metavar="READER",
                help="Read every post with this reader (default: the best fit for each post;"
                " `digestconv formats` lists the readers).",
            ),
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
            click.Option(
                ["--unpublished"],
                is_flag=True,
                help="Also export posts whose front matter says published: false"
                " (as jekyll build --unpublished).",
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
    from digestconv.pipeline import shown

    for d in shown(diagnostics, strict, quiet, verbose):
        click.echo(d.format(), err=True)


def _request(params: Mapping[str, Any], paths: Sequence[str]) -> ReadRequest:
    from digestconv.pipeline import ReadRequest

    forced = params.get("reader")
    if forced is not None:
        from digestconv.readers import discover_readers

        known = discover_readers()
        if forced not in known:
            raise click.BadParameter(
                f"unknown reader {forced!r} (known: {', '.join(known)})", param_hint="--from"
            )

    return ReadRequest(
        paths=tuple(paths),
        config=params.get("config"),
        site_url=params.get("site_url"),
        timezone=params.get("timezone"),
        jobs=params.get("jobs"),
        reader=params.get("reader"),
    )


def _selection(params: Mapping[str, Any]) -> Selection:
    from digestconv.pipeline import Selection

    return Selection(
        since=params["since"].date() if params.get("since") else None,
        until=params["until"].date() if params.get("until") else None,
        tags=tuple(params.get("tag") or ()),
        strict=bool(params.get("strict")),
        unpublished=bool(params.get("unpublished")),
    )


def load_corpus(
    params: Mapping[str, Any],
) -> tuple[Corpus | None, Path | None, Diagnostics, bool]:
    """Read and select; returns (corpus to export or None, the _config.yml read,
    diagnostics, input_failed)."""
    from digestconv.pipeline import read, select

    result = read(_request(params, params["paths"]))
    diagnostics = result.diagnostics
    strict = bool(params.get("strict"))
    failed = diagnostics.failed(strict)
    _print_diagnostics(diagnostics, strict, bool(params.get("quiet")), bool(params.get("verbose")))
    if failed and not params.get("keep_going"):
        return None, result.config, diagnostics, True
    corpus = select(result.corpus, diagnostics, _selection(params))
    import gc

    gc.freeze()  # the model lives until exit: keep the collector from rescanning it
    return corpus, result.config, diagnostics, failed


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
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return ""
    changed = write_atomic(Path(output), data)
    return f"{'wrote' if changed else 'unchanged'} {output}"


def _broken_command(name: str, exc: Exception) -> click.Command:
    """A plugin that fails to load gets a subcommand that says so (the others still work)."""
    message = f"the {name!r} plugin failed to load: {type(exc).__name__}: {exc}"

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


def _fail(message: str, code: str = "export") -> NoReturn:
    click.echo(f"{message} [{code}]", err=True)
    sys.exit(1)


def _with_plan(corpus: Corpus, cfg: Path | None) -> Corpus:
    """The corpus with the outputs ``build`` would publish, for exporters that link to them
    (an OPDS catalog to the books, an index page to everything)."""
    from dataclasses import replace

    from digestconv.build import exporters, plan, publications
    from digestconv.pipeline import ConfigError

    try:
        targets = plan(corpus.site, cfg.parent if cfg else None, exporters(), None, Diagnostics())
    except ConfigError as exc:
        _fail(f"{cfg or '_config.yml'}: error: {exc}", "config")
    return replace(corpus, outputs=publications(targets))


def _export_command(name: str, loader: Callable[[], type[Exporter]]) -> click.Command:
    """The subcommand of one exporter; its options are derived from the plugin's ``Options``."""
    from digestconv.options import click_params, given_on_command_line

    try:
        exporter_cls = loader()
        own = click_params(exporter_cls.Options)
    except Exception as exc:  # a broken plugin must not take the other commands down
        return _broken_command(name, exc)

    def run(**params: Any) -> None:
        from digestconv.pipeline import ConfigError, plugin_options
        from digestconv.plugins import ExportError, uses_outputs

        ctx = click.get_current_context()
        corpus, cfg, _, failed = load_corpus(params)
        if corpus is None:
            _fail(
                "digestconv: input has errors; nothing was written (use --keep-going to "
                "export the valid posts)",
                "input",
            )
            return
        try:
            options = plugin_options(
                exporter_cls.Options,
                name,
                corpus.site,
                cfg.parent if cfg is not None else None,
                given_on_command_line(exporter_cls.Options, ctx),
            )
        except ConfigError as exc:
            _fail(f"{cfg or '_config.yml'}: error: {exc}", "config")
        if uses_outputs(exporter_cls):
            corpus = _with_plan(corpus, cfg)
        exporter = exporter_cls()
        spec = exporter.outputs(options)
        output = params.get("output")
        if (spec.binary or spec.folder) and (not output or output == "-"):
            what = "several files: give a folder" if spec.folder else "binary: give a file"
            raise click.UsageError(f"{name} output is {what} with -o")
        export_diags = Diagnostics()
        quiet, verbose, strict = (
            bool(params["quiet"]),
            bool(params["verbose"]),
            bool(params["strict"]),
        )
        try:
            data = exporter.export(corpus, options, export_diags)
        except ExportError as exc:
            _print_diagnostics(export_diags, False, quiet, verbose)
            _fail(f"error: {exc}")
        _print_diagnostics(export_diags, strict, quiet, verbose)
        if export_diags.failed(strict):
            sys.exit(1)
        try:
            summary = _write(output, data, spec.binary, name)
        except OSError as exc:
            _fail(f"{output}: error: cannot write: {exc.strerror}")
        except ValueError as exc:  # UnsafePathError from a multi-file exporter
            _fail(f"error: {exc}")
        if summary and verbose:
            click.echo(f"digestconv {name}: {summary}", err=True)
        sys.exit(1 if failed else 0)

    params: list[click.Parameter] = [
        *Options.reading(),
        click.Option(
            ["-o", "--output"],
            type=click.Path(),
            help="Output file or folder (default: standard output for text formats).",
        ),
        *own,
    ]
    return click.Command(
        name,
        callback=run,
        params=params,
        help=str(exporter_cls.description),
        short_help=str(exporter_cls.description),
        context_settings=CONTEXT,
    )


class LazyGroup(click.Group):
    """A group whose exporter subcommands are discovered from entry points, loaded on use."""

    def _exporters(self) -> dict[str, Any]:
        from digestconv.plugins import discover

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
                rows.append((name, f"Export with the {name} exporter ({exporters[name].origin})."))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="digestconv")
def cli() -> None:
    """Turn a Jekyll blog of paper digests into BibTeX, feeds, EPUB books and Anki decks.

    PATH is a post file, a folder of posts, a Jekyll site root (its _posts/, its
    collections and _config.yml) or - for standard input.
    """


@cli.command("formats", context_settings=CONTEXT)
def formats_command() -> None:
    """List the readers and exporters found, built-in and plugins, with their origin."""
    from digestconv.plugins import EXPORTERS, READERS, discover

    failed = False
    for group in (READERS, EXPORTERS):
        for name, info in discover(group).items():
            try:
                cls = info.load()
            except Exception as exc:
                click.echo(
                    f"{info.kind}\t{name}\tfailed to load: {type(exc).__name__}: {exc}"
                    f"\t{info.origin}"
                )
                failed = True
                continue
            click.echo(f"{info.kind}\t{name}\t{cls.description}\t{info.origin}")
    sys.exit(1 if failed else 0)


def _check(**params: Any) -> None:
    from digestconv.pipeline import read

    result = read(_request(params, params["paths"]))
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
            if p.name not in ("since", "until", "tag", "unpublished", "keep_going")
        ],
        help="Read the posts and report diagnostics only (notes included: which reader and "
        "entry shape each post used, and how many entries it found).",
        context_settings=CONTEXT,
    )
)


def _progress_reader(params: Mapping[str, Any], site: str) -> Any:
    """A progress bar on a terminal, nothing otherwise (CI logs stay clean)."""
    if params.get("quiet") or not sys.stderr.isatty():
        return None
    from digestconv.inputs import collect, find_config
    from digestconv.site import load_site

    config = Path(params["config"]) if params.get("config") else find_config([site])
    facts = load_site(config, Diagnostics()) if config is not None else None
    total = len(collect([site], Diagnostics(), facts).files)
    return click.progressbar(length=total, label="reading posts", file=sys.stderr)


def _build(**params: Any) -> None:
    from digestconv.warm import Warm

    if not params["watch"]:
        sys.exit(_build_once(params, None))
    _watch(params, Warm() if not params["no_cache"] else None)


WAKE_MS = 100
"""How long the watcher waits for a change before it hands back an empty set: its first
wait is what stands between creating it and the first build."""


def _watch(params: Mapping[str, Any], warm: Warm | None) -> None:
    """Build, then rebuild on every change to the posts or the config until interrupted.

    A half-saved post gives diagnostics and the previous outputs stay in place;
    the next save rebuilds.  Changes inside the output folder are ignored so a
    build never triggers itself.  With a cache, ``warm`` keeps the previous build's
    posts and parts in memory, so a rebuild reads and renders only what changed.

    The watcher exists before the first build and holds what changes while any build
    runs: a post saved during the first build (seconds, on a large site) is rebuilt
    right after it, not lost until the next save.
    """

    from watchfiles import watch

    from digestconv.inputs import POST_SUFFIXES

    site = Path(params["site"] or ".").resolve()
    out = Path(params["output"] or "_digestconv").resolve()

    def relevant(_change: object, path: str) -> bool:
        p = Path(path)
        if p == out or out in p.parents:
            return False
        return p.name == "_config.yml" or p.suffix.lower() in POST_SUFFIXES

    if not site.exists():  # nothing to watch: the build says so, and that is all
        sys.exit(_build_once(params, warm))
    changes = watch(
        site,
        watch_filter=relevant,
        debounce=300,
        step=50,
        rust_timeout=WAKE_MS,
        yield_on_timeout=True,
    )
    next(changes)  # the watcher is set up once this first wait returns
    _build_once(params, warm)
    if warm is not None:
        from digestconv.warm import preload

        preload((warm.exporters or {}).values())
    click.echo(f"digestconv build: watching {site} (Ctrl-C to stop)", err=True)
    for changed in changes:
        if changed:  # an empty set: a wait ran out with nothing changed
            _build_once(params, warm)
            _collect_idle()


def _collect_idle() -> None:
    """Between builds, the cyclic collector's pass over what the last build froze.

    A build freezes its model (the collector would otherwise traverse it again and
    again); freed objects still go by reference counting, and only garbage in cycles
    needs the collector.  Unfreezing at the start of a rebuild made that rebuild pay
    for a full pass over the previous model (0.1-0.3 s at 2,000 posts) whenever one
    was triggered; run here, after the outputs are written, it costs nobody a wait.
    """
    import gc

    with _signals_held():
        gc.unfreeze()
        gc.collect()
        gc.freeze()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP held back while the collector runs finalizers.

    A signal handled while a finalizer (a ``__del__``, a weakref callback) runs raises
    its exception inside it, where Python prints "Exception ignored" and drops it: a
    Ctrl-C in that moment was lost, and ``--watch`` went on watching.  A signal mask
    cannot hold them (the watcher's own thread would take the signal), so for the pass
    the handlers only note a signal, and it is raised again once they are back.
    """
    import signal

    names = ("SIGINT", "SIGTERM", "SIGHUP")
    caught: list[int] = []
    before = {
        signum: signal.signal(signum, lambda number, _frame: caught.append(number))
        for signum in (getattr(signal, n) for n in names if hasattr(signal, n))
    }
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def _build_once(params: Mapping[str, Any], warm: Warm | None = None) -> int:
    import time

    from platformdirs import user_cache_dir

    from digestconv.build import corpus_key, exporters, output_folder, plan, run_targets
    from digestconv.cache import BuildCache, digest_of, sweep_scratch
    from digestconv.fragments import Fingerprints
    from digestconv.pipeline import ConfigError, read, select

    started = time.perf_counter()
    site = params["site"] or "."
    quiet, verbose, strict = bool(params["quiet"]), bool(params["verbose"]), bool(params["strict"])
    cache = None
    if not params["no_cache"]:
        cache = BuildCache(Path(params["cache_dir"] or user_cache_dir("digestconv")))
    request = _request(params, [site])
    bar = _progress_reader(params, site)
    with bar if bar is not None else contextlib.nullcontext():
        result = read(
            request,
            cache=cache,
            progress=bar.update if bar is not None else None,
            defer=True,
            memo=warm.posts if warm is not None else None,
        )
    diagnostics = result.diagnostics
    failed = diagnostics.failed(strict)
    _print_diagnostics(diagnostics, strict, quiet, verbose)
    if failed and not params["keep_going"]:
        click.echo("digestconv: input has errors; nothing was written", err=True)
        return 1

    selected: list[Corpus] = []

    def corpus_now() -> Corpus:
        """The selected model, decoded from the cache only when an output needs it, and
        selected once however often it is asked for."""
        import gc

        if not selected:
            selected.append(select(result.materialize(), diagnostics, _selection(params)))
            gc.freeze()  # the model lives until exit: keep the collector from rescanning it
        return selected[0]

    only = [n.strip() for n in (params["only"] or "").split(",") if n.strip()] or None
    build_diags = Diagnostics()
    cfg = result.config
    site_root = cfg.parent if cfg is not None else Path(site)
    try:
        found = (warm.exporters if warm is not None else None) or exporters()
        if warm is not None:
            warm.exporters = found
        targets = plan(result.corpus.site, site_root, found, only, build_diags)
        configured_out = output_folder(result.corpus.site, site_root)
    except ConfigError as exc:
        click.echo(f"{cfg or Path(site) / '_config.yml'}: error: {exc} [config]", err=True)
        return 1
    out_dir = Path(params["output"] or configured_out or "_digestconv")
    # Cheap when the reader hashed its inputs: the same inputs and filters give the same corpus.
    filters = repr(_selection(params))
    if cache is None:  # nothing is looked up or recorded: no key to compute
        key = ""
    elif result.input_key:
        key = digest_of(result.input_key, filters)
    else:
        key = corpus_key(corpus_now())
    written = unchanged = 0
    errors = False
    if verbose and not quiet:
        for target, _ in targets:
            click.echo(f"digestconv build: {target.label}", err=True)
    results = run_targets(
        targets,
        corpus=corpus_now,
        key_of_corpus=key,
        out_dir=out_dir,
        cache=cache,
        jobs=params["jobs"] or (os.cpu_count() or 1),
        fingerprints=Fingerprints(result.post_keys),
        warm=warm,
    )
    for res in results:
        build_diags.items.extend(res.diagnostics)
        if res.error:
            code = "io-error" if res.io_failed else "export"
            click.echo(f"error: {res.target.label}: {res.error} [{code}]", err=True)
            errors = True
        written += res.written
        unchanged += res.unchanged
    _print_diagnostics(build_diags, strict, quiet, verbose)
    if any(res.withheld for res in results):
        click.echo("digestconv build: an export failed; no output was written", err=True)
    elif any(res.io_failed for res in results):
        done = [res.target.output for res in results if not res.error]
        click.echo(
            "digestconv build: written or up to date: " + (", ".join(done) or "none"), err=True
        )
    if cache is not None:
        cache.close()
        sweep_scratch(cache.folder)
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


class _Terminated(BaseException):
    """SIGTERM or SIGHUP, raised in the main thread so that everything unwinds: temporary
    files are removed, worker processes are killed, nothing half-written is left."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, _frame: object) -> None:
    raise _Terminated(signum)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: usage errors exit 2, Ctrl-C 130, SIGTERM 143, SIGHUP 129.

    The reader allocates millions of short-lived objects; a larger first-generation
    threshold makes the cyclic collector run less often (about 25 % less CPU for
    reading, for a few MB of memory).
    """
    import gc
    import signal

    gc.set_threshold(50_000, 20, 100)
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, _terminate)
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="digestconv",
            standalone_mode=False,
        )
    except (KeyboardInterrupt, click.exceptions.Abort):
        _interrupted(130)
    except _Terminated as exc:
        _interrupted(128 + exc.signum)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def _interrupted(code: int) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt cleanup
    with contextlib.suppress(Exception):
        click.echo("digestconv: interrupted; nothing more was written", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
    # The command's own cleanup ran while the interrupt unwound it (staged files removed,
    # pools' workers killed; any left die with this process, see ``workers``).  What the
    # interpreter's exit would add is concurrent.futures' exit hook, which waits without a
    # timeout for a pool's manager thread, and a worker killed while sending its result
    # leaves that thread waiting for the rest of the message forever.
    os._exit(code)
