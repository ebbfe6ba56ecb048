"""HTML tables and lists in a Markdown post, rewritten as the Markdown they show.

A digest published from a notebook or a site builder often lists its papers in a
``<table>`` or a ``<ul>``; to the block parser that is one paragraph of raw HTML, so the
shape finder, which reads papers from pipe tables and list items, would see no entry.
Only a post with no papers otherwise is rewritten, and only its tables and lists.
"""

from __future__ import annotations

import re
from typing import Any

_BLOCK_OPEN = re.compile(r"(?i)<(table|ul|ol)\b")
_CELL_WS = re.compile(r"\s+")


def as_markdown(text: str) -> str | None:
    """``text`` with each HTML table written as a pipe table and each HTML list as list
    items, over as many lines (blank lines after it keep the lines below where they were);
    None when it holds neither."""
    if "<" not in text or _BLOCK_OPEN.search(text) is None:
        return None
    out: list[str] = []
    at = 0
    found = False
    for opening in _BLOCK_OPEN.finditer(text):
        if opening.start() < at:
            continue  # (a table or list inside another: read with its outer one)
        name = opening.group(1).lower()
        closing = _closing(text, opening.start(), name)
        if closing is None:
            break
        markup = text[opening.start() : closing.end()]
        shown = _table(markup) if name == "table" else _list(markup)
        if not shown:
            continue
        found = True
        start = text.rfind("\n", 0, opening.start()) + 1
        end = text.find("\n", closing.end())
        end = len(text) if end < 0 else end
        before = text[start : opening.start()].strip()
        after = text[closing.end() : end].strip()
        block = ([before, ""] if before else []) + shown + (["", after] if after else [])
        block += [""] * (text.count("\n", start, end) + 1 - len(block))
        out.append(text[at:start])
        out.append("\n".join(block))
        at = end
    if not found:
        return None
    out.append(text[at:])
    return "".join(out)


def _table(markup: str) -> list[str]:
    rows = _rows(markup)
    if not rows:
        return []
    width = max(len(r) for r in rows)
    table = [_line(rows[0], width), "|" + " --- |" * width]
    return table + [_line(r, width) for r in rows[1:]]


def _list(markup: str) -> list[str]:
    """Each ``<li>`` as a list item, its text with its anchors as links; nested lists
    indented under their item."""
    root = _fragment(markup)
    if root is None:
        return []
    lines: list[str] = []
    _items(root, 0, lines)
    return lines


def _items(listing: Any, depth: int, lines: list[str]) -> None:
    ordered = listing.tag == "ol"
    start = str(listing.get("start") or "1").strip()
    number = int(start) - 1 if start.isdigit() and len(start) < 6 else 0
    for li in listing:
        if not isinstance(li.tag, str) or li.tag != "li":
            continue
        number += 1
        parts: list[str] = [li.text or ""]
        nested = []
        for child in li:
            if isinstance(child.tag, str) and child.tag in ("ul", "ol"):
                nested.append(child)
            else:
                _walk(child, parts)
            parts.append(child.tail or "")
        text = _CELL_WS.sub(" ", "".join(parts)).strip()
        marker = f"{number}." if ordered else "-"
        lines.append("   " * depth + f"{marker} {text}".rstrip())
        for inner in nested:
            _items(inner, depth + 1, lines)


def _fragment(markup: str) -> Any:
    from lxml import html  # (only a post that holds an HTML table or list pays for it)

    try:
        return html.fragment_fromstring(markup)
    except (ValueError, SyntaxError):  # lxml's ParserError is a ValueError
        return None


_TAGS = {name: re.compile(rf"(?i)<(/?){name}\b[^<>]{{0,500}}>") for name in ("table", "ul", "ol")}


def _closing(text: str, start: int, name: str) -> re.Match[str] | None:
    """The tag that closes the ``name`` element opened at ``start`` (tables and lists
    nest)."""
    depth = 0
    for tag in _TAGS[name].finditer(text, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag
    return None


def _line(cells: list[str], width: int) -> str:
    return "| " + " | ".join(cells + [""] * (width - len(cells))) + " |"


def _rows(markup: str) -> list[list[str]]:
    """Each row's cells as Markdown: text with its anchors as links, ``|`` escaped."""
    table = _fragment(markup)
    if table is None:
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
