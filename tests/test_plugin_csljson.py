"""The plugin example (exporters/digestconv-csljson) seen from digestconv's side.

These tests prove the plugin mechanism end to end through the real command:
the separately installed distribution shows up in ``digestconv formats`` with
its own origin, and ``digestconv csljson`` output is accepted by the official
CSL-JSON schema and by pandoc's citeproc without a single warning, on the
samples and on the real corpus.  The plugin's own unit tests live in its folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "exporters" / "digestconv-csljson"
SCHEMA = json.loads((PLUGIN / "tests" / "csl-data.json").read_text(encoding="utf-8"))

needs_pandoc = pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")


def digestconv(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digestconv", *args], capture_output=True, text=True, check=False
    )


def plugin_version() -> str:
    try:
        return version("digestconv-csljson")
    except PackageNotFoundError:
        pytest.fail(
            "digestconv-csljson is not installed: pip install -e exporters/digestconv-csljson"
        )


def csljson(site: Path, *options: str) -> list[dict[str, Any]]:
    run = digestconv("csljson", str(site), *options)
    assert run.returncode == 0, run.stderr
    assert "error" not in run.stderr, run.stderr
    items: list[dict[str, Any]] = json.loads(run.stdout)
    return items


def normalise(text: str) -> str:
    """Compare as a reader would: citeproc title-cases and curls quotes; wrapping is free."""
    quotes: dict[str, str | int | None] = {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
    return " ".join(text.translate(str.maketrans(quotes)).casefold().split())


def citeproc(tmp: Path, items: list[dict[str, Any]]) -> str:
    """pandoc's rendering of every item; fails on any stderr output (warnings included)."""
    (tmp / "refs.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    # Citing every key in the text proves each id parses as a pandoc @key:
    # an unresolved citation is a warning on stderr.
    cites = "; ".join(f"@{item['id']}" for item in items)
    (tmp / "doc.md").write_text(f"---\nnocite: '@*'\n---\nSee [{cites}].\n", encoding="utf-8")
    run = subprocess.run(
        ["pandoc", "doc.md", "--citeproc", "--bibliography", "refs.json", "-t", "plain"],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr
    return normalise(run.stdout)


@pytest.fixture(scope="module")
def samples_items(samples_site: Path) -> list[dict[str, Any]]:
    return csljson(samples_site, "--summary", "abstract")


@pytest.fixture(scope="module")
def shared_items(shared_site: Path) -> list[dict[str, Any]]:
    return csljson(shared_site)


def test_formats_lists_the_plugin_with_its_distribution() -> None:
    run = digestconv("formats")
    assert run.returncode == 0, run.stdout + run.stderr
    rows = {line.split("\t")[1]: line.split("\t") for line in run.stdout.splitlines()}
    assert "csljson" in rows, run.stdout
    kind, _, description, origin = rows["csljson"]
    assert kind == "exporter"
    assert "CSL-JSON" in description
    assert origin == f"digestconv-csljson {plugin_version()}"


def test_help_lists_the_plugin_subcommand() -> None:
    run = digestconv("--help")
    assert run.returncode == 0
    assert "csljson" in run.stdout
    sub = digestconv("csljson", "--help")
    assert "--summary" in sub.stdout


def test_samples_validate_against_the_csl_schema(samples_items: list[dict[str, Any]]) -> None:
    jsonschema.validate(samples_items, SCHEMA, cls=jsonschema.Draft7Validator)
    ids = [i["id"] for i in samples_items]
    assert len(ids) == len(set(ids))
    assert "arXiv:2509.26328" in ids
    assert all(i.get("abstract") for i in samples_items)


def test_samples_are_deterministic(samples_site: Path) -> None:
    first = digestconv("csljson", str(samples_site)).stdout
    assert first == digestconv("csljson", str(samples_site)).stdout


@needs_pandoc
def test_pandoc_citeproc_renders_the_samples(
    samples_items: list[dict[str, Any]], tmp_path: Path
) -> None:
    rendered = citeproc(tmp_path, samples_items)
    for item in samples_items:
        assert normalise(item["title"]) in rendered, item["title"]


def test_shared_corpus_is_one_item_per_arxiv_id(shared_items: list[dict[str, Any]]) -> None:
    jsonschema.validate(shared_items, SCHEMA, cls=jsonschema.Draft7Validator)
    assert len(shared_items) == 717
    assert len({i["id"] for i in shared_items}) == 717
    assert all(i["id"].startswith("arXiv:") for i in shared_items)


@needs_pandoc
def test_pandoc_citeproc_renders_the_shared_corpus(
    shared_items: list[dict[str, Any]], tmp_path: Path
) -> None:
    rendered = citeproc(tmp_path, shared_items)
    missing = [i["title"] for i in shared_items if normalise(i["title"]) not in rendered]
    assert missing == []
