"""HTML tables in a Markdown post, rewritten as the pipe tables they show.

A digest published from a notebook or a site builder often lists its papers in a
``<table>``; to the block parser that is one paragraph of raw HTML, so the shape
finder, which reads tables of papers from pipe tables, would see no entry.  Only a
post with no papers otherwise is rewritten, and only its tables.
"""

from __future__ import annotations

import re
from typing import Any

_TABLE_OPEN = re.compile(r"(?i)<table\b")
_TABLE_TAG = re.compile(r"(?i)<(/?)table\b[^<>]{0,500}>")
_CELL_WS = re.compile(r"\s+")


def as_markdown(text: str) -> str | None:
    """``text`` with each HTML table written as a pipe table over as many lines (blank lines
    after it keep the lines below where they were); None when it holds no table."""
    if "<table" not in text and "<TABLE" not in text and _TABLE_OPEN.search(text) is None:
        return None
    out: list[str] = []
    at = 0
    found = False
    for opening in _TABLE_OPEN.finditer(text):
        if opening.start() < at:
            continue  # (a table inside a table: read with its outer one)
        closing = _closing(text, opening.start())
        if closing is None:
            break
        rows = _rows(text[opening.start() : closing.end()])
        if not rows:
            continue
        found = True
        start = text.rfind("\n", 0, opening.start()) + 1
        end = text.find("\n", closing.end())
        end = len(text) if end < 0 else end
        width = max(len(r) for r in rows)
        table = [_line(rows[0], width), "|" + " --- |" * width]
        table += [_line(r, width) for r in rows[1:]]
        before = text[start : opening.start()].strip()
        after = text[closing.end() : end].strip()
        block = ([before, ""] if before else []) + table + (["", after] if after else [])
        block += [""] * (text.count("\n", start, end) + 1 - len(block))
        out.append(text[at:start])
        out.append("\n".join(block))
        at = end
    if not found:
        return None
    out.append(text[at:])
    return "".join(out)


def _closing(text: str, start: int) -> re.Match[str] | None:
    """The tag that closes the table opened at ``start`` (tables nest)."""
    depth = 0
    for tag in _TABLE_TAG.finditer(text, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag
    return None


def _line(cells: list[str], width: int) -> str:
    return "| " + " | ".join(cells + [""] * (width - len(cells))) + " |"


def _rows(markup: str) -> list[list[str]]:
    """Each row's cells as Markdown: text with its anchors as links, ``|`` escaped."""
    from lxml import html  # (only a post that holds an HTML table pays for the import)

    try:
        table = html.fragment_fromstring(markup)
    except (ValueError, SyntaxError):  # lxml's ParserError is a ValueError
        return []
    rows = []
    for tr in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
        cells = [_cell(td) for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")]
        if cells:
            rows.append(cells)
    return rows


def _cell(element: Any) -> str:
    parts: list[str] = []
    _walk(element, parts)
    return _CELL_WS.sub(" ", "".join(parts)).strip().replace("|", "\\|")


def _walk(element: Any, parts: list[str]) -> None:
    """The element's text into ``parts``, an anchor as a Markdown link."""
    href = element.get("href") if element.tag == "a" else None
    own = href.strip() if isinstance(href, str) else ""
    inner: list[str] = [element.text or ""]
    for child in element:
        _walk(child, inner)
        inner.append(child.tail or "")
    if own and not any(c in own for c in " <>"):
        shown = _CELL_WS.sub(" ", "".join(inner)).strip()
        shown = shown.replace("[", "\\[").replace("]", "\\]")
        parts.append(f"[{shown or own}](<{own}>)")
    else:
        parts.extend(inner)
