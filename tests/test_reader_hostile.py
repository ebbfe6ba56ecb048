"""The reader and ``digestconv check`` against the hostile catalogue (issue 8).

For every case: no traceback, the expected diagnostics at the expected
file:line, the exit status DESIGN.md promises (0 ok, 1 input errors, 2
usage), no hang (``HANG_SECONDS``), and every valid case's text in the model.  In-process
runs (``read_post``, click's CliRunner) cover every case; real subprocesses
cover a sample, the heavy cases and the folder hazards, where a hang or a
crash of the interpreter must be caught by a timeout rather than hang pytest.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import HANG_SECONDS

from digestconv.cli import cli
from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus, Digest, Site, to_json
from digestconv.reader import read_paths, read_post
from digestconv.site import load_site
from hostile.catalogue import (
    BY_KEY,
    CONFIG_CASES,
    CONFIG_YML,
    READER_BUGS,
    Case,
    FolderHazards,
    cases,
    restore_permissions,
    write_catalogue,
    write_folder_hazards,
    write_site,
)

# Known reader gaps (case key → why), marked strict xfail so a fix is noticed; none now.
LINE_BUGS: dict[str, str] = {}


def _param(case: Case, bugs: dict[str, str] | None = None) -> object:
    marks = []
    reason = (bugs or {}).get(case.key) or READER_BUGS.get(case.key)
    if reason:
        marks.append(pytest.mark.xfail(reason=reason, strict=True))
    return pytest.param(case, id=case.key, marks=marks)


LIGHT = cases(heavy=False)
LIGHT_VALID = cases("valid", heavy=False)
HEAVY = [c for c in cases() if c.heavy]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    cfg = tmp_path_factory.mktemp("cfg") / "_config.yml"
    cfg.write_text(CONFIG_YML, encoding="utf-8")
    diagnostics = Diagnostics()
    loaded = load_site(cfg, diagnostics)
    assert not diagnostics.failed(), [d.format() for d in diagnostics]
    return loaded


@pytest.fixture(scope="module")
def post_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every light case, bugs included, as files in one folder."""
    folder = tmp_path_factory.mktemp("hostile")
    write_catalogue(folder, "all", heavy=False, broken=True)
    (folder / "config.yml").write_text(CONFIG_YML, encoding="utf-8")
    return folder


def _read(case: Case, site: Site) -> tuple[Digest | None, Diagnostics, float]:
    diagnostics = Diagnostics()
    start = time.perf_counter()
    digest = read_post(case.data, case.name, site, diagnostics)
    return digest, diagnostics, time.perf_counter() - start


# --------------------------------------------------------------------------- in process


@pytest.mark.parametrize("case", [_param(c) for c in LIGHT])
def test_reader_diagnoses_case(case: Case, site: Site) -> None:
    digest, diagnostics, elapsed = _read(case, site)
    assert elapsed < HANG_SECONDS
    codes = {d.code for d in diagnostics}
    assert set(case.codes) <= codes, [d.format() for d in diagnostics]
    assert (digest is not None) == case.valid, [d.format() for d in diagnostics]
    for d in diagnostics:
        assert d.path == case.name
    if not case.valid:
        errors = [d for d in diagnostics if d.severity == "error"]
        assert errors, [d.format() for d in diagnostics]
        # The input is at fault somewhere: the error says where.
        assert all(d.line >= 1 and d.col >= 1 for d in errors), [d.format() for d in errors]
    else:
        assert not diagnostics.failed()


LINE_CASES = [c for c in LIGHT if c.line is not None]


@pytest.mark.parametrize("case", [_param(c, LINE_BUGS) for c in LINE_CASES])
def test_diagnostic_points_at_the_line(case: Case, site: Site) -> None:
    _, diagnostics, _ = _read(case, site)
    first = next(d for d in diagnostics if d.code == case.codes[0])
    assert (first.line, first.path) == (case.line, case.name), first.format()


def _item_texts(digest: Digest) -> list[str]:
    return [i.text for p in digest.papers for s in p.sections for i in s.items] + [
        i.text for i in digest.preamble
    ]


@pytest.mark.parametrize("case", [_param(c) for c in LIGHT_VALID])
def test_valid_text_survives(case: Case, site: Site) -> None:
    digest, diagnostics, _ = _read(case, site)
    assert digest is not None, [d.format() for d in diagnostics]
    if case.title is not None:
        assert digest.title == case.title
    if case.papers is not None:
        assert tuple(p.title for p in digest.papers) == case.papers
    if case.arxiv is not None:
        assert tuple(p.arxiv.id if p.arxiv else None for p in digest.papers) == case.arxiv
    texts = _item_texts(digest)
    for expected in case.texts:
        assert any(expected in t for t in texts), (expected[:80], [t[:80] for t in texts])
    if case.placeholders is not None:
        limitations = [p.section("limitations") for p in digest.papers]
        assert tuple(bool(s and s.placeholder) for s in limitations) == case.placeholders
    # Whatever was read can be shown: the JSON document round-trips the text.
    assert json.loads(to_json(Corpus(site=Site(), digests=(digest,))))["digests"][0]["title"] == (
        digest.title
    )


def test_every_valid_case_gives_linkable_papers(site: Site) -> None:
    """Every paper keeps a URL, and anchors (kramdown ids) are unique within a digest."""
    for case in cases("valid", heavy=False, broken=False):
        digest, _, _ = _read(case, site)
        assert digest is not None
        assert all(p.url for p in digest.papers), case.key
        anchors = [p.anchor for p in digest.papers]
        assert len(set(anchors)) == len(anchors), (case.key, anchors)


# --------------------------------------------------------------------------- CLI in process


@pytest.mark.parametrize("case", [_param(c) for c in LIGHT])
def test_check_cli_in_process(case: Case, post_dir: Path) -> None:
    path = str(post_dir / case.name)
    config = post_dir / "config.yml"
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--config", str(config), path])
    assert isinstance(result.exception, SystemExit | type(None)), result.exc_info
    assert "Traceback" not in result.output
    assert result.exit_code == (0 if case.valid else 1), result.stderr
    lines = result.stderr.splitlines()
    for code in case.codes:
        assert any(line.startswith(f"{path}:") and line.endswith(f"[{code}]") for line in lines), (
            code,
            lines,
        )
    if case.valid:  # --strict: warnings become errors, and the exit status follows
        warned = any(": warning: " in line for line in lines)
        strict = runner.invoke(cli, ["check", "--strict", "--config", str(config), path])
        assert strict.exit_code == (1 if warned else 0), strict.stderr
        assert (": warning: " in strict.stderr) is False


def test_check_usage_errors_exit_2() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["check"]).exit_code == 2
    assert runner.invoke(cli, ["check", "--no-such-option", "x.md"]).exit_code == 2
    assert runner.invoke(cli, ["check", "--since", "yesterday", "x.md"]).exit_code == 2


def test_check_missing_path_is_an_input_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.md")
    result = CliRunner().invoke(cli, ["check", missing])
    assert result.exit_code == 1
    assert f"{missing}: error:" in result.stderr
    assert "[not-found]" in result.stderr


@pytest.mark.parametrize("key", ["invalid-utf8", "yaml-alias-bomb", "control-chars", "crlf"])
def test_check_reads_hostile_stdin(key: str) -> None:
    case = BY_KEY[key]
    result = CliRunner().invoke(cli, ["check", "-"], input=case.data)
    assert result.exit_code == (0 if case.valid else 1), result.stderr
    for code in case.codes:
        assert f"[{code}]" in result.stderr


def test_json_over_the_valid_site(tmp_path: Path) -> None:
    """The whole valid catalogue as one site exports, and every post is in the document."""
    root = write_site(tmp_path / "site", "valid")
    result = CliRunner().invoke(cli, ["json", str(root)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    valid = cases("valid", heavy=False, broken=False)
    assert len(doc["digests"]) == len(valid)
    titles = {p["title"] for d in doc["digests"] for p in d["papers"]}
    for case in valid:
        assert set(case.papers or ()) <= titles, case.key


def test_keep_going_exports_the_valid_posts(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", "all")
    out = tmp_path / "out.json"
    out.write_text("old", encoding="utf-8")
    failed = CliRunner().invoke(cli, ["json", str(root), "-o", str(out)])
    assert failed.exit_code == 1
    assert out.read_text(encoding="utf-8") == "old"  # an input error writes nothing
    kept = CliRunner().invoke(cli, ["json", "--keep-going", str(root), "-o", str(out)])
    assert kept.exit_code == 1, kept.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["digests"]) == len(cases("valid", heavy=False, broken=False))


# --------------------------------------------------------------------------- subprocess


def _run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "digestconv", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def test_check_subprocess_whole_catalogue(tmp_path: Path) -> None:
    """One real process over every light case: no traceback, each bad file named with its line."""
    root = write_site(tmp_path / "site", "all")
    proc = _run("check", str(root))
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    skipped = 0
    for case in cases("invalid", heavy=False, broken=False):
        path = root / "_posts" / case.name
        wanted = ": error: "
        if not re.fullmatch(r"\d{2,4}-\d{1,2}-\d{1,2}-.*\.[^.]+", case.name):
            # Jekyll does not publish an undated file of _posts/: skipped with a note.
            wanted, skipped = ": note: ", skipped + 1
        assert any(
            line.startswith(f"{path}:") and wanted in line for line in proc.stderr.splitlines()
        ), case.key
    summary = proc.stderr.strip().splitlines()[-1]
    n_valid = len(cases("valid", heavy=False, broken=False))
    assert f"{len(cases(heavy=False, broken=False)) - skipped} post(s), {n_valid} read" in summary


@pytest.mark.parametrize("key", ["html-script", "yaml-python-object", "utf16le-bom"])
def test_check_subprocess_sample(key: str, tmp_path: Path) -> None:
    """A real process per sample case, run where ``!!python/object`` would leave its mark."""
    case = BY_KEY[key]
    (tmp_path / case.name).write_bytes(case.data)
    proc = subprocess.run(
        [sys.executable, "-m", "digestconv", "check", case.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode == (0 if case.valid else 1), proc.stderr
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("case", [pytest.param(c, id=c.key) for c in HEAVY])
def test_heavy_case_without_hang(case: Case, tmp_path: Path) -> None:
    """A real process with a hard timeout (5 MB and 5,000 papers each take about 2 s on
    2 idle cores)."""
    path = tmp_path / case.name
    path.write_bytes(case.data)
    start = time.perf_counter()
    proc = _run("json", str(path), timeout=HANG_SECONDS)
    assert time.perf_counter() - start < HANG_SECONDS
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    assert tuple(p["title"] for p in doc["digests"][0]["papers"]) == case.papers


# --------------------------------------------------------------------------- folders


@pytest.fixture
def hazards(tmp_path: Path) -> Iterator[FolderHazards]:
    made = write_folder_hazards(tmp_path / "site")
    yield made
    restore_permissions([made.unreadable] if made.unreadable else [])


def test_folder_hazards_are_diagnosed(hazards: FolderHazards) -> None:
    """Symlink loops, a FIFO, a dangling link and an unreadable post: diagnostics, no hang."""
    proc = _run("check", str(hazards.root), timeout=20)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    for code, path in hazards.expected:
        assert any(line.startswith(f"{path}:") and line.endswith(f"[{code}]") for line in lines), (
            code,
            str(path),
            lines,
        )
    assert f"{len(hazards.good)} read" in lines[-1]
    if hazards.unreadable is None:
        pytest.skip(f"no unreadable file could be made: {hazards.unreadable_how}")


def test_folder_hazards_in_process(hazards: FolderHazards) -> None:
    """The same folder through read_paths: the good posts are read, the rest diagnosed."""
    result = read_paths([str(hazards.root)])
    titles = sorted(p.title for d in result.corpus.digests for p in d.papers)
    assert titles == ["Good paper 0", "Good paper 1"]
    found = {(d.code, d.path) for d in result.diagnostics}
    for code, path in hazards.expected:
        assert (code, str(path)) in found, (code, path, sorted(found))


# --------------------------------------------------------------------------- configs

CONFIG_BUGS: dict[str, str] = {}


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(
            k,
            marks=[pytest.mark.xfail(reason=CONFIG_BUGS[k], strict=True)]
            if k in CONFIG_BUGS
            else [],
        )
        for k in CONFIG_CASES
    ],
)
def test_hostile_config_is_diagnosed(key: str, tmp_path: Path) -> None:
    text, code = CONFIG_CASES[key]
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text(text, encoding="utf-8")
    case = BY_KEY["html-script"]
    (root / "_posts" / case.name).write_bytes(case.data)
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert isinstance(result.exception, SystemExit | type(None)), result.exc_info
    config = str(root / "_config.yml")
    assert any(
        line.startswith(config) and line.endswith(f"[{code}]")
        for line in result.stderr.splitlines()
    ), result.stderr
    assert not (tmp_path / "pwned").exists()


# --------------------------------------------------------------------------- known gaps


def test_heading_text_outside_the_link_is_not_lost(site: Site) -> None:
    data = (
        b"---\ntitle: t\ndate: 2024-01-01\n---\n\n"
        b"# 1. Prefix words [Title](https://arxiv.org/abs/2501.00001) suffix words\n\n## Method\n- x\n"
    )
    diagnostics = Diagnostics()
    digest = read_post(data, "2024-01-01-t.md", site, diagnostics)
    assert digest is not None
    shown = to_json(Corpus(site=site, digests=(digest,)))
    for words in ("Prefix words", "suffix words"):
        assert words in shown or any(d.line == 6 for d in diagnostics), words
