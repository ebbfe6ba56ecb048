"""Item Markdown → HTML or plain text, shared by every exporter.

Posts are written by people and language models; their raw HTML (``<think>``,
``<script>``) must reach readers as text, and links must never smuggle in a
``javascript:`` URL.  mistletoe renders with HTML tokens switched off, so raw
HTML is escaped as text, and links with other schemes are shown as their text.
Most items are plain sentences: those skip the Markdown parser entirely.
"""

from __future__ import annotations

import html
import re
from typing import Any

from digestconv.model import Item
from digestconv.recursion import room_to_recurse
from digestconv.text import bounded

# Characters that can start Markdown inline or block syntax; text without any of
# them (and on one line) renders to itself.  A character-class search scans in C
# without making a string per character: six times faster than
# ``frozenset.isdisjoint`` on an item, and every item of every export is asked.
_MARKDOWN_CHAR = re.compile(r"[\\`*_\[\]<>&!#|~\n]").search


def is_plain(text: str) -> bool:
    """True when ``text`` has no Markdown syntax, so it renders as itself."""
    return _MARKDOWN_CHAR(text) is None and not (text[:1].isdigit() or text[:1] in "-+=")


_renderers: dict[str, Any] = {}


def _renderer(kind: str) -> Any:
    """The shared renderer of ``kind`` ("html" or "text"), importing mistletoe on first use."""
    if kind not in _renderers:
        from digestconv.text import renderers

        _renderers["document"] = renderers.Document
        _renderers["html"] = renderers.SafeHtmlRenderer()
        _renderers["text"] = renderers.TextRenderer()
    return _renderers[kind]


def markdown_to_html(text: str, inline: bool = True) -> str:
    """HTML for a Markdown fragment (raw HTML escaped, unsafe links as text).

    With ``inline`` a single paragraph comes back without its ``<p>`` wrapper, so
    it can sit inside an ``<li>`` or a table cell.
    """
    if is_plain(text):
        escaped = html.escape(text, quote=False)
        return escaped if inline else f"<p>{escaped}</p>"
    if bounded.too_costly(text):
        return bounded.to_html(text, inline)
    try:
        with room_to_recurse():
            out: str = _renderer("html").render(_renderer("document")(text)).strip()
    except RecursionError:
        escaped = html.escape(text, quote=False)
        return escaped if inline else f"<p>{escaped}</p>"
    if inline and out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out


_BLANKS = re.compile(r"\n{3,}")


def markdown_to_text(text: str) -> str:
    """Readable plain text for a Markdown fragment (titles, notes, CSV fields)."""
    if is_plain(text):
        return text
    if bounded.too_costly(text):
        return bounded.to_text(text)
    try:
        with room_to_recurse():
            out: str = _renderer("text").render(_renderer("document")(text))
    except RecursionError:
        return text
    return _BLANKS.sub("\n\n", out).strip()


def item_text(item: Item, with_label: bool = True) -> str:
    """An item as plain text, its label as written in front of it when asked."""
    body = markdown_to_text(item.text)
    if with_label and item.label_text:
        return f"{item.label_text}: {body}"
    return body
