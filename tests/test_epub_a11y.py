"""Ace by DAISY judges the books' accessibility; MuPDF where the navigation lands.

Ace (npm ``@daisy/ace``, pinned in tests/node-ace) runs its checks in a headless
Chromium: Debian's, pointed at by ``PUPPETEER_EXECUTABLE_PATH``, since a browser
download is not part of the set-up.  One Node process checks every book, one browser
for all of them.  The books: the samples, each shared corpus and the hostile site of
the catalogue (markup in the site's title and description, every valid hostile post).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import ROOT, SHARED
from tests.test_publish_tools import require

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub import EpubExporter
from digestconv.reader import read_paths
from hostile.catalogue import write_site

pytestmark = pytest.mark.slow

ACE_DIR = ROOT / "tests" / "node-ace"
CORPORA = (
    "hahngt.github.io",
    "lim4349.github.io",
    "AlirezaShamsoshoara.github.io",
    "yeonjae11-daily-papers",
)
BOOKS = ("samples", "hostile", *CORPORA)


def _chromium() -> str | None:
    env = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if env and Path(env).is_file():
        return env
    return shutil.which("chromium") or shutil.which("chromium-browser")


FULL = bool(os.environ.get("DIGESTCONV_ACE_FULL"))
"""Ace takes about a second per chapter: the three large corpora (509 chapters) are checked
as their largest month's book unless DIGESTCONV_ACE_FULL is set (10 minutes in all)."""
BY_MONTH = frozenset({"hahngt.github.io", "lim4349.github.io", "AlirezaShamsoshoara.github.io"})


def _export(site: Path, by_month: bool) -> bytes:
    result = read_paths([str(site)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    options = EpubExporter.Options(split="month") if by_month else EpubExporter.Options()
    data = EpubExporter().export(result.corpus, options, Diagnostics())
    if isinstance(data, bytes):
        return data
    return max(data.values(), key=len)  # the largest month's book


@pytest.fixture(scope="module")
def ace_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("ace-books")
    sites = {
        "samples": ROOT / "samples",
        "hostile": write_site(tmp_path_factory.mktemp("hostile-site"), "valid"),
    }
    sites.update(
        {name: SHARED / "corpus" / name for name in CORPORA if (SHARED / "corpus" / name).is_dir()}
    )
    books = {}
    for name, site in sites.items():
        path = out / f"{name}.epub"
        path.write_bytes(_export(site, by_month=name in BY_MONTH and not FULL))
        books[name] = path
    return books


@pytest.fixture(scope="module")
def ace_reports(ace_books: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    node = shutil.which("node")
    require(node is not None, "node")
    require(
        (ACE_DIR / "node_modules" / "@daisy" / "ace-core").is_dir(),
        "Ace (npm ci in tests/node-ace)",
    )
    chromium = _chromium()
    require(chromium is not None, "chromium")
    assert node is not None and chromium is not None
    report = tmp_path_factory.mktemp("ace") / "ace.json"
    env = {
        **os.environ,
        "PUPPETEER_EXECUTABLE_PATH": chromium,
        "PUPPETEER_SKIP_DOWNLOAD": "1",
        "HOME": str(report.parent),  # Chromium's profile and crash folders go here
    }
    proc = subprocess.run(
        [node, str(ACE_DIR / "ace-check.js"), str(report), *map(str, ace_books.values())],
        cwd=ACE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    found: dict = json.loads(report.read_text(encoding="utf-8"))
    return {name: found[str(path)] for name, path in ace_books.items()}


@pytest.mark.parametrize("name", BOOKS)
def test_ace_finds_no_violation(name: str, ace_books: dict[str, Path], ace_reports: dict) -> None:
    if name not in ace_books:
        pytest.skip(f"the shared corpus {name} is not beside the repository")
    violations = ace_reports[name]["violations"]
    assert violations == [], violations[:5]
    assert ace_reports[name]["outcome"] == "pass"
