"""Golden outputs of every format on ``samples/`` and on the home corpus, byte for byte.

They run the real command (``python -m digestconv``) so that they pin what users get,
whatever the code inside looks like: a refactoring must leave every byte alone, and a
deliberate change shows up as a reviewable diff of ``tests/golden/``.  Regenerate only
on purpose, with ``python3 -m pytest tests/test_golden.py --update-golden``.

The samples' outputs are stored whole (small, readable diffs); the home corpus's as
SHA-256 digests in ``corpus.sha256.json`` (megabytes of output, pinned all the same).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import CORPUS_SITE, ROOT

GOLDEN = ROOT / "tests" / "golden"
CORPUS_DIGESTS = GOLDEN / "corpus.sha256.json"

# (golden name, format, extra arguments); the output goes to -o so binary formats work too.
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("json/digests.json", "json", ()),
    ("bibtex/refs.bib", "bibtex", ()),
    ("bibtex/refs.biblatex.bib", "bibtex", ("--biblatex",)),
    ("bibtex/refs.summary.bib", "bibtex", ("--summary",)),
    ("feed/samples.atom.xml", "feed", ()),
    ("feed/samples.rss.xml", "feed", ("--format", "rss")),
    ("feed/samples.papers.atom.xml", "feed", ("--entries", "paper", "--limit", "0")),
    ("epub/digests.epub", "epub", ()),
    ("epub/digests.by-month", "epub", ("--split", "month")),
    ("anki/cards.csv", "anki", ()),
    ("anki/cards.apkg", "anki", ("--format", "apkg")),
    ("csljson/items.json", "csljson", ()),
    ("opds/catalog", "opds", ()),
    ("index/index.html", "index", ()),
]


def _run(fmt: str, args: tuple[str, ...], site: str, out: Path) -> dict[str, bytes]:
    """The files one command writes, by name relative to ``out`` (a file or a folder)."""
    proc = subprocess.run(
        [sys.executable, "-m", "digestconv", fmt, *args, site, "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    if out.is_dir():
        return {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file()
        }
    return {"": out.read_bytes()}


def _golden_files(name: str, files: dict[str, bytes]) -> dict[Path, bytes]:
    if list(files) == [""]:
        return {GOLDEN / name: files[""]}
    return {GOLDEN / name / rel: data for rel, data in files.items()}


@pytest.mark.parametrize(("name", "fmt", "args"), CASES, ids=[c[0] for c in CASES])
def test_samples(
    name: str, fmt: str, args: tuple[str, ...], tmp_path: Path, update_golden: bool
) -> None:
    out = tmp_path / Path(name).name
    if "." not in Path(name).name:
        out.mkdir()
    files = _golden_files(name, _run(fmt, args, "samples", out))
    if update_golden:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for path, data in files.items():
        assert path.is_file(), f"missing golden file {path}; run with --update-golden"
        assert data == path.read_bytes(), f"{path.relative_to(ROOT)} changed"
    if (GOLDEN / name).is_dir():
        stored = {p for p in (GOLDEN / name).rglob("*") if p.is_file()}
        assert stored == set(files), "the output's file list changed"


@pytest.mark.parametrize(("name", "fmt", "args"), CASES, ids=[c[0] for c in CASES])
def test_home_corpus(
    name: str, fmt: str, args: tuple[str, ...], tmp_path: Path, update_golden: bool
) -> None:
    if not (CORPUS_SITE / "_posts").is_dir():
        pytest.skip("the shared corpus is not present beside the repository")
    out = tmp_path / Path(name).name
    if "." not in Path(name).name:
        out.mkdir()
    site = os.path.relpath(CORPUS_SITE, ROOT)
    files = _run(fmt, args, site, out)
    digests = {
        f"{name}/{rel}" if rel else name: hashlib.sha256(data).hexdigest()
        for rel, data in files.items()
    }
    stored: dict[str, str] = (
        json.loads(CORPUS_DIGESTS.read_text()) if CORPUS_DIGESTS.is_file() else {}
    )
    if update_golden:
        stored = {k: v for k, v in stored.items() if k != name and not k.startswith(name + "/")}
        stored.update(digests)
        CORPUS_DIGESTS.write_text(json.dumps(dict(sorted(stored.items())), indent=1) + "\n")
    mine = {k: v for k, v in stored.items() if k == name or k.startswith(name + "/")}
    assert mine == digests, f"the home corpus's {name} output changed"
