"""Safe HTML for every HTML-producing output: rendered items, list grouping, nh3's gate.

The Markdown renderer already escapes raw HTML and drops unsafe link schemes;
nh3 (ammonia) is the second, independent gate that guarantees no script, no
event attribute and only http(s)/mailto links reach a feed reader, an e-reader
or Anki.  ``gate`` keeps a fragment's own bytes when nh3 has nothing to remove
from it, so outputs stay stable while every fragment still passes the
sanitiser.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

import nh3

from digestconv.model import Item
from digestconv.text.markdown import markdown_to_html

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h2",
        "h3",
        "h4",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "section",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def escape(text: str) -> str:
    """Text as element content."""
    return html.escape(text, quote=False)


def escape_attribute(text: str) -> str:
    """Text as a quoted attribute value."""
    return html.escape(text, quote=True)


_cleaner: nh3.Cleaner | None = None


def sanitise(fragment: str) -> str:
    """The fragment with anything a reader should not run or follow removed (serialised by nh3)."""
    global _cleaner
    if _cleaner is None:
        _cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel="noopener noreferrer",
            strip_comments=True,
        )
    cleaned: str = _cleaner.clean(fragment)
    return cleaned


def item_html(item: Item, with_label: bool = True) -> str:
    """An item as inline HTML, its label (as written) in bold when asked."""
    body = markdown_to_html(item.text)
    if with_label and item.label_text:
        return f"<strong>{escape(item.label_text)}:</strong> {body}"
    return body


def _paragraph(inner: str) -> str:
    return f"<p>{inner}</p>"


def group_items(
    items: Iterable[Item],
    inner: Callable[[Item], str],
    paragraph: Callable[[str], str] = _paragraph,
) -> str:
    """Runs of bullets as one ``<ul>``, other items wrapped by ``paragraph``.

    Shared by every HTML-producing exporter so that lists are grouped the same
    way everywhere; each brings its own item rendering and paragraph element.
    """
    parts: list[str] = []
    in_list = False
    for item in items:
        if item.bullet and not in_list:
            parts.append("<ul>")
            in_list = True
        elif not item.bullet and in_list:
            parts.append("</ul>")
            in_list = False
        html_ = inner(item)
        parts.append(f"<li>{html_}</li>" if item.bullet else paragraph(html_))
    if in_list:
        parts.append("</ul>")
    return "\n".join(parts)


def items_html(items: Iterable[Item], with_label: bool = True) -> str:
    """Items as an HTML list (bullets) or paragraphs, in their written form."""
    return group_items(items, lambda item: item_html(item, with_label))
