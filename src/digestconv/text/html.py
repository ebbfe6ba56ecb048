"""Safe HTML for every HTML-producing output: rendered items, list grouping, nh3's gate.

The Markdown renderer already escapes raw HTML and drops unsafe link schemes;
nh3 (ammonia) is the second, independent gate that guarantees no script, no
event attribute and only http(s)/mailto links reach a feed reader, an e-reader
or Anki.  Every rendered item passes ``gate``: when nh3 has nothing to remove,
the fragment keeps its own bytes (outputs stay stable); otherwise nh3's cleaned
fragment is used, with void elements written the XHTML way so that EPUB
documents stay well-formed.  Whole feed entries pass ``sanitise`` once more.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

import nh3

from digestconv.model import Item
from digestconv.text.clean import SURROGATES
from digestconv.text.markdown import is_plain, markdown_to_html

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


RENDERED_TAGS = ALLOWED_TAGS | {"h1", "h5", "h6"}
"""Every element the Markdown renderer writes: what ``gate`` lets through."""
RENDERED_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "code": {"class"}}

_cleaners: dict[str, nh3.Cleaner] = {}


def _cleaner(kind: str) -> nh3.Cleaner:
    """The shared nh3 cleaner of ``kind`` ("feed" or "gate"), built on first use."""
    if kind not in _cleaners:
        feed = kind == "feed"
        _cleaners[kind] = nh3.Cleaner(
            tags=set(ALLOWED_TAGS if feed else RENDERED_TAGS),
            attributes={
                k: set(v) for k, v in (ALLOWED_ATTRIBUTES if feed else RENDERED_ATTRIBUTES).items()
            },
            url_schemes=set(URL_SCHEMES),
            link_rel="noopener noreferrer" if feed else None,
            strip_comments=True,
        )
    return _cleaners[kind]


def sanitise(fragment: str) -> str:
    """A feed entry with anything a reader should not run or follow removed (serialised by nh3)."""
    cleaned: str = _cleaner("feed").clean(fragment)
    return cleaned


# The renderer writes void elements and no-break spaces the XHTML way, html5ever the HTML way.
_XHTML_VOID = re.compile(r"<(br|hr) />")
_HTML_VOID = re.compile(r"<(br|hr)>")


def _as_html5(fragment: str) -> str:
    return _XHTML_VOID.sub(r"<\1>", fragment).replace("\xa0", "&nbsp;")


def _as_xhtml(fragment: str) -> str:
    return _HTML_VOID.sub(r"<\1 />", fragment).replace("&nbsp;", "\xa0")


def gate(fragment: str) -> str:
    """``fragment`` if nh3 keeps all of it, else what nh3 keeps (still well-formed XHTML)."""
    # Lone surrogates cannot reach nh3; each output removes them on its own terms.
    probe = SURROGATES.remove(fragment)
    cleaned: str = _cleaner("gate").clean(probe)
    if cleaned == probe or cleaned == _as_html5(probe):
        return fragment
    return _as_xhtml(cleaned)


_RENDERED_LIMIT = 8192
"""Markdown items whose gated HTML is kept: enough for a site's repeated texts, bounded."""
_rendered: dict[str, str] = {}


def markdown_html(text: str) -> str:
    """Item Markdown as inline HTML that has passed the gate.

    Plain text is only escaped, never markup, so it has nothing for nh3 to remove.
    Markup is parsed by mistletoe and checked by nh3 once per distinct text in a
    process: the result depends on the text alone, and a build worker that
    renders the feed and then the Anki notes, or a site whose posts repeat an
    item, would otherwise pay for the same text again.
    """
    if is_plain(text):
        return escape(text)
    out = _rendered.get(text)
    if out is None:
        if len(_rendered) >= _RENDERED_LIMIT:
            _rendered.clear()
        out = _rendered[text] = gate(markdown_to_html(text))
    return out


def item_html(item: Item, with_label: bool = True) -> str:
    """An item as inline HTML, its label (as written) in bold when asked."""
    body = markdown_html(item.text)
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
