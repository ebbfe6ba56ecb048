"""Item Markdown → safe HTML or plain text, shared by every exporter.

Posts are written by people and language models; their raw HTML (``<think>``,
``<script>``) must reach readers as text, and links must never smuggle in a
``javascript:`` URL.  mistletoe renders with HTML tokens switched off, so raw
HTML is escaped as text, and links with other schemes are shown as their text.
Most items are plain sentences: those skip the Markdown parser entirely.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from mistletoe import Document
from mistletoe.base_renderer import BaseRenderer
from mistletoe.html_renderer import HtmlRenderer

from digestconv.model import Item
from digestconv.recursion import room_to_recurse

SAFE_SCHEMES = ("http://", "https://", "mailto:")

# Characters that can start Markdown inline or block syntax; text without any of
# them (and on one line) renders to itself.
_MARKDOWN_CHARS = frozenset("\\`*_[]<>&!#|~\n")


def is_plain(text: str) -> bool:
    """True when ``text`` has no Markdown syntax, so it renders as itself."""
    return _MARKDOWN_CHARS.isdisjoint(text) and not (text[:1].isdigit() or text[:1] in "-+=")


def safe_url(url: str) -> str | None:
    """The URL if its scheme is one a reader may follow, else None."""
    u = url.strip()
    return u if u.lower().startswith(SAFE_SCHEMES) else None


class _SafeHtmlRenderer(HtmlRenderer):  # type: ignore[misc]
    """HtmlRenderer with raw HTML as text, no images, and only safe link schemes."""

    def __init__(self) -> None:
        super().__init__(process_html_tokens=False)

    def render_link(self, token: Any) -> str:
        if safe_url(token.target) is None:
            return str(self.render_inner(token))
        return str(super().render_link(token))

    def render_auto_link(self, token: Any) -> str:
        if safe_url(token.target) is None:
            return str(self.render_inner(token))
        return str(super().render_auto_link(token))

    def render_image(self, token: Any) -> str:
        # Remote images would make e-readers and feed readers fetch from the network.
        return str(self.render_inner(token))


class _TextRenderer(BaseRenderer):  # type: ignore[misc]
    """Markdown → readable plain text (lists as "- " lines, links as their text)."""

    def render_inner(self, token: Any) -> str:
        return "".join(self.render(child) for child in (token.children or ()))

    def render_raw_text(self, token: Any) -> str:
        return str(token.content)

    def render_strong(self, token: Any) -> str:
        return self.render_inner(token)

    render_emphasis = render_strong
    render_strikethrough = render_strong
    render_link = render_strong
    render_image = render_strong
    render_table_cell = render_strong

    def render_inline_code(self, token: Any) -> str:
        return self.render_inner(token)

    def render_auto_link(self, token: Any) -> str:
        return str(token.target)

    def render_escape_sequence(self, token: Any) -> str:
        return self.render_inner(token)

    def render_line_break(self, token: Any) -> str:
        return "\n" if not getattr(token, "soft", False) else " "

    def render_heading(self, token: Any) -> str:
        return self.render_inner(token) + "\n"

    render_paragraph = render_heading

    def render_quote(self, token: Any) -> str:
        return "".join(self.render(c) for c in token.children)

    def render_block_code(self, token: Any) -> str:
        return "".join(str(c.content) for c in token.children)

    def render_list(self, token: Any) -> str:
        return "".join(self.render(c) for c in token.children)

    def render_list_item(self, token: Any) -> str:
        inner = "".join(self.render(c) for c in token.children).rstrip("\n")
        lines = inner.split("\n")
        return "- " + "\n  ".join(lines) + "\n"

    def render_table(self, token: Any) -> str:
        rows = [token.header, *token.children] if getattr(token, "header", None) else token.children
        return "".join(self.render(r) for r in rows)

    def render_table_row(self, token: Any) -> str:
        return " | ".join(self.render(c) for c in token.children) + "\n"

    def render_thematic_break(self, token: Any) -> str:
        return "\n"

    def render_document(self, token: Any) -> str:
        return "".join(self.render(c) for c in token.children)


_html_renderer: _SafeHtmlRenderer | None = None
_text_renderer: _TextRenderer | None = None


def _html() -> _SafeHtmlRenderer:
    global _html_renderer
    if _html_renderer is None:
        _html_renderer = _SafeHtmlRenderer()
    return _html_renderer


def _text() -> _TextRenderer:
    global _text_renderer
    if _text_renderer is None:
        _text_renderer = _TextRenderer()
    return _text_renderer


def markdown_to_html(text: str, inline: bool = True) -> str:
    """Safe HTML for a Markdown fragment.

    With ``inline`` a single paragraph comes back without its ``<p>`` wrapper, so
    it can sit inside an ``<li>`` or a table cell.
    """
    if is_plain(text):
        escaped = html.escape(text, quote=False)
        return escaped if inline else f"<p>{escaped}</p>"
    try:
        with room_to_recurse():
            out: str = _html().render(Document(text)).strip()
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
    try:
        with room_to_recurse():
            out: str = _text().render(Document(text))
    except RecursionError:
        return text
    return _BLANKS.sub("\n\n", out).strip()


def item_html(item: Item, with_label: bool = True) -> str:
    """An item as inline HTML, its label (as written) in bold when asked."""
    body = markdown_to_html(item.text)
    if with_label and item.label_text:
        return f"<strong>{html.escape(item.label_text, quote=False)}:</strong> {body}"
    return body


def items_html(items: Iterable[Item], with_label: bool = True) -> str:
    """Items as an HTML list (bullets) or paragraphs, in their written form."""
    parts: list[str] = []
    in_list = False
    for item in items:
        if item.bullet and not in_list:
            parts.append("<ul>")
            in_list = True
        elif not item.bullet and in_list:
            parts.append("</ul>")
            in_list = False
        inner = item_html(item, with_label)
        parts.append(f"<li>{inner}</li>" if item.bullet else f"<p>{inner}</p>")
    if in_list:
        parts.append("</ul>")
    return "\n".join(parts)


def item_text(item: Item, with_label: bool = True) -> str:
    body = markdown_to_text(item.text)
    if with_label and item.label_text:
        return f"{item.label_text}: {body}"
    return body
