"""Every benchmark runs to its figures on a tiny site.

The README's speed table is reproduced with these scripts, so one that no longer runs
(two once called an exporter with options of a shape it no longer took) is a defect the
suite must catch.  What is checked is that each script completes and prints the line
its figures are read from; no time is asserted (speed is measured, not tested).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import HANG_SECONDS, ROOT
from tests.test_publish_tools import require

BENCH = ROOT / "benchmarks"
NUMBER = r"\d+\.\d+"

# (script, arguments, the tools it runs besides digestconv, a line of its figures)
CASES: list[tuple[str, tuple[str, ...], tuple[str, ...], str]] = [
    ("bench_anki.py", ("10",), (), rf"^read \+ CSV vs read alone: {NUMBER}x"),
    (
        "bench_bibtex.py",
        ("--posts", "10", "--repeat", "1"),
        (),
        rf"^\(read \+ export\) / read: +{NUMBER}",
    ),
    ("bench_epub.py", ("--posts", "5", "--no-pandoc"), (), rf"^digestconv epub: +{NUMBER} s"),
    (
        "bench_exports.py",
        ("{site}", "--runs", "1", "--rounds", "1"),
        (),
        rf"^anki apkg +{NUMBER} +{NUMBER}$",
    ),
    (
        "bench_feed.py",
        ("--posts", "10", "--repeat", "1"),
        ("jekyll",),
        rf"^ratio digestconv / jekyll: {NUMBER}",
    ),
    (
        "bench_pathological.py",
        ("--sizes", "50", "--formats", "json"),
        (),
        rf"^authors +50 +{NUMBER}",
    ),
    (
        "bench_reader.py",
        ("10",),
        ("hyperfine",),
        rf"^ +10 +{NUMBER} / +{NUMBER} +{NUMBER} / +{NUMBER}",
    ),
    (
        "bench_build.py",
        ("--sizes", "10", "--rounds", "1", "--runs", "2", "--pandoc-posts", "0"),
        ("jekyll", "hyperfine"),
        rf"^\| 10 posts \| {NUMBER} \| {NUMBER} \| {NUMBER} \| {NUMBER} \| {NUMBER} \| {NUMBER} \|",
    ),
]


@pytest.mark.parametrize(("script", "args", "tools", "figures"), CASES, ids=[c[0] for c in CASES])
def test_runs_to_its_figures(
    script: str, args: tuple[str, ...], tools: tuple[str, ...], figures: str, tmp_path: Path
) -> None:
    for name in tools:
        require(shutil.which(name) is not None, name)
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, str(BENCH / "make_corpus.py"), "10", str(site)],
        check=True,
        capture_output=True,
    )
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *(a.format(site=site) for a in args)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS * 3,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert re.search(figures, proc.stdout, re.MULTILINE), proc.stdout + proc.stderr
