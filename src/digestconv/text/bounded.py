"""A linear rendering for Markdown that mistletoe would take quadratic time over.

mistletoe's inline tokenizer searches the rest of a paragraph for a code span after every
closing bracket, so a paragraph of *n* links costs time in *n* × its length: one item of
10,000 links takes minutes.  Such items do not occur in real digests, but a converter that
runs unattended must stay linear on any input.  Above a budget of bracket × length, an item
is rendered here instead: its text escaped, its inline links kept (with the same safe-scheme
rule), everything else shown as written.  Below the budget nothing changes, so ordinary
posts render exactly as before.
"""

from __future__ import annotations

import html
import re

from digestconv.text.urls import safe_url

BUDGET = 4_000_000
"""Characters × closing brackets in one paragraph above which mistletoe is not asked
(a 20,000-character paragraph with 200 links; real items are far below)."""

_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\(\s*([^\s()<>]{1,2000})\s*\)")


def too_costly(text: str) -> bool:
    """Whether mistletoe's inline pass would be super-linear on ``text`` (a linear test)."""
    if len(text) * text.count("]") <= BUDGET:
        return False
    return any(len(p) * p.count("]") > BUDGET for p in _PARAGRAPHS.split(text))


def to_html(text: str, inline: bool) -> str:
    """Escaped text with its safe inline links as anchors, one paragraph per block."""
    blocks = [b.strip() for b in _PARAGRAPHS.split(text) if b.strip()]
    rendered = [_links_html(block) for block in blocks]
    if inline and len(rendered) == 1:
        return rendered[0]
    return "".join(f"<p>{r}</p>" for r in rendered)


def to_text(text: str) -> str:
    """The text with each inline link shown as its text."""
    return _LINK.sub(lambda m: m.group(1), text).strip()


def _links_html(block: str) -> str:
    out: list[str] = []
    end = 0
    for m in _LINK.finditer(block):
        out.append(html.escape(block[end : m.start()], quote=False))
        label = html.escape(m.group(1), quote=False)
        url = safe_url(m.group(2))
        out.append(f'<a href="{html.escape(url)}">{label}</a>' if url else label)
        end = m.end()
    out.append(html.escape(block[end:], quote=False))
    return "".join(out)
