"""mistletoe is imported through ``digestconv.mdparser`` with a tabled punctuation set:
the set must be exactly the one mistletoe computes, and nothing may import mistletoe
another way (the first import would pay the slow loop)."""

from __future__ import annotations

import ast
import string
import subprocess
import sys
from pathlib import Path
from typing import Any
from unicodedata import category, unidata_version

from hypothesis import given, settings
from hypothesis import strategies as st

from digestconv import mdparser

SRC = Path(__file__).resolve().parents[1] / "src" / "digestconv"


def _points(ranges: tuple[tuple[int, int], ...]) -> set[int]:
    return {code for low, high in ranges for code in range(low, high + 1)}


def test_table_matches_this_interpreter() -> None:
    table = mdparser.tabled_ranges(unidata_version)
    assert table is not None, "add this Unicode version to punctuation_data"
    assert _points(table) == _points(mdparser.punctuation_ranges())


def test_an_unknown_version_is_not_guessed() -> None:
    assert mdparser.tabled_ranges("99.0.0") is None


def test_mistletoe_gets_the_set_it_would_have_computed() -> None:
    import mistletoe.core_tokens as core

    slow = set(string.punctuation) | {
        chr(c) for c in range(sys.maxunicode + 1) if category(chr(c)).startswith("P")
    }
    assert core.punctuation == slow
    assert sys.maxunicode == 0x10FFFF


def test_emphasis_next_to_unicode_punctuation_still_parses() -> None:
    """Flanking rules read the set: in ``a*—*b`` the first ``*`` may open emphasis only
    if the em dash is not punctuation, so with an ASCII-only set it would render as
    ``a<em>—</em>b``."""
    code = (
        "from digestconv.mdparser import Document, HtmlRenderer\n"
        "with HtmlRenderer() as r:\n"
        "    print(r.render(Document('*\u201cquoted\u201d* and a*\u2014*b\\n')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "<em>\u201cquoted\u201d</em>" in out
    assert "a*\u2014*b" in out


def test_only_digestconv_markdown_imports_mistletoe() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "mdparser.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "mistletoe" or n.startswith("mistletoe.") for n in names):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


def _pristine_block_tokens() -> Any:
    """mistletoe's own block_token module, loaded afresh (not the one mdparser adjusted)."""
    import importlib.util

    spec = importlib.util.find_spec("mistletoe.block_token")
    assert spec is not None and spec.origin is not None
    fresh = importlib.util.spec_from_file_location("pristine_block_token", spec.origin)
    assert fresh is not None and fresh.loader is not None
    module = importlib.util.module_from_spec(fresh)
    fresh.loader.exec_module(module)
    return module


_PRISTINE = _pristine_block_tokens()


def _outcome(fn: Any, text: str, offset: int) -> Any:
    try:
        return fn(text, offset)
    except Exception as exc:  # the originals raise on some offsets: so must the copies
        return type(exc)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" \t\n[]<>()\"'\\:ab\x01", min_size=1, max_size=16), st.data())
def test_linear_definition_parsing_returns_what_mistletoe_returns(text: str, data: Any) -> None:
    """The link reference definition functions mdparser puts in mistletoe's place (linear:
    40,000 definitions in 0.5 s, not 3.3 s) give the originals' results, offset by offset."""
    import mistletoe
    import mistletoe.block_token as block

    assert mistletoe.__version__ == mdparser._LINEAR_FOR  # the copies apply to this release
    offset = data.draw(st.integers(0, len(text) - 1))
    for name in ("match_link_label", "match_link_dest", "match_link_title"):
        ours = _outcome(getattr(block.Footnote, name), text, offset)
        theirs = _outcome(getattr(_PRISTINE.Footnote, name), text, offset)
        assert ours == theirs, name
    assert block.shift_whitespace(text, offset) == _PRISTINE.shift_whitespace(text, offset)
    assert block.Footnote.match_link_dest.__func__.__module__ == "digestconv.mdparser"
