"""Every LaTeX command the classic BibTeX output may write, typeset by pdflatex and lualatex.

``ascii_tex`` turns non-ASCII characters into commands only when a document without
extra packages has them (``digestconv.exporters.bibtex.texsafe``); this typesets each
of them, one per paragraph, in a bare ``article`` with both engines, so a command
that stops either one is caught here rather than in a user's paper.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from digestconv.exporters.bibtex.escape import ascii_tex, decoder
from test_bibtex_clients import need

# Everything pylatexenc's table covers lies in the BMP.
CHARACTERS = [
    chr(cp) for cp in range(0xA0, 0x10000) if not 0xD800 <= cp < 0xE000 and chr(cp).isprintable()
]


def converted() -> dict[str, str]:
    return {ch: ascii_tex(ch) for ch in CHARACTERS if ascii_tex(ch) != ch}


def test_greek_and_symbols_become_commands_that_decode_back() -> None:
    table = converted()
    for ch in "αβγδτΔΣΩ≤≥≠∞×→é ü ñ ç Ł ø ß – — “ ” …".replace(" ", ""):
        assert ch in table, ch
    dec = decoder()
    assert all(dec.latex_to_text(latex) == ch for ch, latex in table.items())
    # No command exists without a package: these stay UTF-8.
    for ch in "한中ąЖ😀":
        assert ascii_tex(ch) == ch


@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "preamble"),
    [("pdflatex", ""), ("lualatex", "\\usepackage{fontspec}\n")],
)
def test_every_command_typesets(engine: str, preamble: str, tmp_path: Path) -> None:
    need(engine)
    body = "\n".join(f"{latex}\\par" for latex in converted().values())
    doc = tmp_path / "chars.tex"
    doc.write_text(
        f"\\documentclass{{article}}\n{preamble}\\begin{{document}}\n{body}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [engine, "-interaction=nonstopmode", "-halt-on-error", doc.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=600,
        check=False,
    )
    log = (tmp_path / "chars.log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, log[-3000:]
    assert "\n!" not in log
