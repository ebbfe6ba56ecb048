"""The mistletoe renderers behind ``digestconv.text.markdown``, in a module of their own.

mistletoe still costs a few hundredths of a second to import (see
``digestconv.mdparser``), so ``markdown`` imports this module only when an item really has
Markdown to render; a warm ``build`` whose outputs are up to date never pays.
"""

from __future__ import annotations

from typing import Any

from digestconv.mdparser import BaseRenderer, Document, HtmlRenderer
from digestconv.text.urls import safe_url


class SafeHtmlRenderer(HtmlRenderer):  # type: ignore[misc]
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


class TextRenderer(BaseRenderer):  # type: ignore[misc]
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


__all__ = ["Document", "SafeHtmlRenderer", "TextRenderer"]
