"""The shape the design promises: exporters stand on the model and the shared text layer only.

An exporter that reaches into the reader side (Jekyll discovery, the post
grammar, the cache) couples two halves that must change independently, and a
format package whose light module imports its heavy libraries makes every
command pay for them.  Both are checked from the source, so they cannot rot.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "digestconv"
EXPORTERS = PACKAGE / "exporters"

READER_SIDE = ("reader", "body", "site", "inputs", "cache", "readers")
"""Modules of ``digestconv`` that belong to reading posts, never to writing outputs."""

FORMATS = ("bibtex", "feed", "epub", "anki", "json", "opds", "index")
HEAVY = ("genanki", "ebooklib", "lxml", "pylatexenc", "PIL", "arxiv", "bibtexparser", "feedgen")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(path: Path) -> str:
    name = _module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _imports(path: Path, package: str | None = None) -> set[str]:
    """Every module ``path`` imports, at any depth of the file (lazy imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _package(path) if package is None else package
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _digestconv_graph() -> dict[str, set[str]]:
    """Module → the digestconv modules it imports, for every module of the package."""
    graph: dict[str, set[str]] = {}
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules}
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> dict[str, str]:
    """Every module reachable from ``start``, with the module that first imported it."""
    via: dict[str, str] = {}
    stack = [start]
    while stack:
        current = stack.pop()
        for target in sorted(graph.get(current, ())):
            if target not in via and target != start:
                via[target] = current
                stack.append(target)
    return via


def _is_reader_side(module: str) -> bool:
    parts = module.split(".")
    return len(parts) >= 2 and parts[0] == "digestconv" and parts[1] in READER_SIDE


EXPORTER_MODULES = sorted(_module_name(p) for p in EXPORTERS.rglob("*.py"))


def test_the_walk_sees_every_exporter_package() -> None:
    assert {f"digestconv.exporters.{fmt}" for fmt in FORMATS} <= set(EXPORTER_MODULES)


@pytest.mark.parametrize("module", EXPORTER_MODULES)
def test_exporters_never_import_the_reader_side(module: str) -> None:
    graph = _digestconv_graph()
    via = _reachable(graph, module)
    bad = sorted(m for m in via if _is_reader_side(m))
    chains = []
    for target in bad:
        chain = [target]
        while chain[-1] in via:
            chain.append(via[chain[-1]])
        chains.append(" ← ".join(chain))
    assert not bad, "exporters must not import the reader side:\n" + "\n".join(chains)


def test_the_walk_would_catch_a_reader_import(tmp_path: Path) -> None:
    """The checker itself: a lazy ``from digestconv import site`` is an import too."""
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from digestconv.site import slugify\n", encoding="utf-8")
    assert any(_is_reader_side(m) for m in _imports(source, "digestconv.exporters"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_format_package_imports_no_heavy_library(fmt: str) -> None:
    code = (
        "import sys, importlib\n"
        f"importlib.import_module('digestconv.exporters.{fmt}')\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "", f"digestconv.exporters.{fmt} imports {result.stdout}"


def test_no_exporter_reads_digestconvs_own_configuration() -> None:
    """Options reach exporters typed, from the core; the run's other outputs arrive as
    ``Corpus.outputs``.  Only jekyll-feed's own ``feed:`` section (a site fact the feed
    honours for compatibility) may be read from ``site.config``."""
    exporters = Path(__file__).resolve().parents[1] / "src" / "digestconv" / "exporters"
    offenders = []
    for path in sorted(exporters.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for line_no, line in enumerate(text.splitlines(), 1):
            if "config.get(" in line and 'config.get("feed")' not in line:
                offenders.append(f"{path.relative_to(exporters)}:{line_no}: {line.strip()}")
            if 'get("digestconv")' in line or "['digestconv']" in line or '["digestconv"]' in line:
                offenders.append(f"{path.relative_to(exporters)}:{line_no}: {line.strip()}")
    assert offenders == []
