"""XHTML documents as lxml trees, and the two ways they are written out.

Every element, attribute and text of a book's documents is put into an lxml
tree, so a document is well-formed whatever a post contains; only the item
fragments rendered from post Markdown arrive as markup.  Those are parsed –
all of a document's fragments in one parse, and if that fails, each one on its
own, an unparsable one shown as its source text – and their links are reduced
to URLs EPUBCheck accepts, ``align`` (gone from HTML5) removed.

A document whose fragments needed no such repair is written with each
fragment exactly as rendered, in its placeholder's place: the bytes of a book
do not depend on how lxml would re-serialise the renderer's markup.  A
repaired document is written by lxml as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from lxml import etree

from digestconv.exporters.epub.script import has_hangul, has_latin, is_korean, other_lang
from digestconv.text.clean import NOT_XHTML
from digestconv.text.html import escape
from digestconv.text.urls import safe_href

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS_NS}}}type"
DOCTYPE = "<!DOCTYPE html>"
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

Warn = Callable[[str, str, int], None]
"""Reports a problem: message, source path, line."""

Attrs = Sequence[tuple[str, str]]

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, recover=False
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PLACEHOLDER = "dc-fragment"
_PLACEHOLDER_TEXT = re.compile(r"<\?dc-fragment (\d+)\?>")
_VOID = frozenset(f"{{{XHTML_NS}}}{t}" for t in ("meta", "link", "br", "hr", "img"))


_forbidden = NOT_XHTML.regex.search


def clean(text: str) -> str:
    """``text`` without the code points no XHTML document may contain."""
    return text if _forbidden(text) is None else NOT_XHTML.remove(text)


_NAMES = {"epub:type": EPUB_TYPE, "xml:lang": XML_LANG, "xlink:href": f"{{{XLINK_NS}}}href"}
_QNAMES: dict[tuple[str, str], str] = {}


def _qname(ns: str, tag: str) -> str:
    name = _QNAMES.get((ns, tag))
    if name is None:
        name = _QNAMES[(ns, tag)] = f"{{{ns}}}{tag}"
    return name


def sub(
    parent: etree._Element,
    tag: str,
    attrs: Attrs = (),
    text: str | None = None,
    *,
    tail: str | None = "\n",
    ns: str = XHTML_NS,
) -> etree._Element:
    """A child element; ``tail`` is the text after it (a newline between block elements)."""
    element = etree.SubElement(
        parent,
        _QNAMES.get((ns, tag)) or _qname(ns, tag),
        {_NAMES.get(name, name): clean(value) for name, value in attrs} if attrs else None,
    )
    if text is not None:
        element.text = clean(text)
    element.tail = tail
    return element


def add_text(parent: etree._Element, text: str) -> None:
    """Text after the last child of ``parent`` (or its first text when it has none)."""
    text = clean(text)
    last = parent[-1] if len(parent) else None
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


_SPAN = f"{{{XHTML_NS}}}span"
_A = f"{{{XHTML_NS}}}a"


def link(
    parent: etree._Element, url: str, text: str, cls: str = "", tail: str | None = None
) -> None:
    """An anchor when EPUBCheck accepts the URL, else the text in a ``span``.

    ``safe_href`` only returns URLs already free of forbidden code points (it
    removes them, or the URL is plain ASCII), so only the class and text are cleaned.
    """
    href = safe_href(url)
    attrs = {"class": clean(cls)} if cls else {}
    if href is not None:
        attrs["href"] = href
    element = etree.SubElement(parent, _SPAN if href is None else _A, attrs)
    element.text = clean(text)
    element.tail = tail


def mark_lang(element: etree._Element, text: str, korean: bool) -> None:
    """``lang`` and ``xml:lang`` on ``element`` when ``text`` is in the other script."""
    if korean:  # the common case, once per item: Hangul text returns at its first syllable
        if has_hangul(text) is not None or has_latin(text) is None:
            return
        lang: str | None = "en"
    else:
        lang = other_lang(text, korean)
        if lang is None:
            return
    element.set("lang", lang)
    element.set(XML_LANG, lang)


class Document:
    """One XHTML document being built: its tree and the Markdown fragments placed in it."""

    def __init__(
        self,
        *,
        title: str,
        lang: str,
        css: str,
        body_attrs: Attrs = (),
        careful: Warn | None = None,
        path: str = "",
    ) -> None:
        self.careful = careful
        self.path = path
        self.korean = is_korean(lang)
        """Whether the document is Korean: text in Latin script inside it is marked English."""
        self._raw: list[str] = []
        self._placeholders: list[etree._Element] = []
        root = etree.Element(f"{{{XHTML_NS}}}html", nsmap={None: XHTML_NS, "epub": OPS_NS})
        root.set("lang", clean(lang))
        root.set(XML_LANG, clean(lang))
        root.text = "\n"
        head = sub(root, "head")
        head.text = "\n"
        sub(head, "meta", [("charset", "utf-8")])
        sub(head, "title", (), title.strip() or "-")
        sub(head, "link", [("rel", "stylesheet"), ("type", "text/css"), ("href", css)])
        self.root = root
        self.body = sub(root, "body", body_attrs)
        self.body.text = "\n"

    def checked(self, markup: str, source: str, line: int) -> str:
        """``markup``, or in the careful pass, when it is not well-formed on its own, its
        escaped ``source`` text (reported)."""
        if self.careful is not None and not _well_formed(markup):
            self.careful(
                "an item could not be rendered as XHTML; shown as its source text", self.path, line
            )
            return escape(source)
        return markup

    def fragment(self, parent: etree._Element, markup: str) -> None:
        """Rendered (and checked) Markdown as the content of ``parent``, after what it holds."""
        placeholder = etree.ProcessingInstruction(_PLACEHOLDER, str(len(self._raw)))
        parent.append(placeholder)
        self._raw.append(clean(markup))
        self._placeholders.append(placeholder)

    def serialise(self) -> bytes:
        """The document's bytes; raises ``XMLSyntaxError`` when a fragment is not well-formed."""
        parsed = _parse_all(self._raw)
        if not _repair(parsed):
            _close_empty(self.root)
            text = etree.tostring(self.root, encoding="unicode")
            text = _PLACEHOLDER_TEXT.sub(lambda m: self._raw[int(m.group(1))], text)
            return (DECLARATION + DOCTYPE + "\n" + text + "\n").encode("utf-8")
        for placeholder, content in zip(self._placeholders, parsed, strict=True):
            _splice(placeholder, content)
        out: bytes = etree.tostring(
            self.root.getroottree(), encoding="utf-8", xml_declaration=True, doctype=DOCTYPE
        )
        return out


MARK = "dc-toc"
MARK_TEXT = f"<?{MARK} ?>"
"""Where a document leaves room for elements serialised apart (see ``alone``): the
document is written in pieces, cut at each mark."""


def mark(parent: etree._Element) -> None:
    """A place for elements serialised apart, on a line of its own."""
    place = etree.ProcessingInstruction(MARK)
    place.tail = "\n"
    parent.append(place)


def alone(element: etree._Element) -> str:
    """``element`` as its document writes it, without its tail or the namespace
    declarations the document's root makes: a piece to put in a ``mark``'s place."""
    _close_empty(element)
    text: str = etree.tostring(element, encoding="unicode", with_tail=False)
    end = text.index(" ", 1) if " " in text[: text.index(">")] else text.index(">")
    head, rest = text[:end], text[end:]
    while rest.startswith(" xmlns"):
        rest = rest[rest.index('"', rest.index('"') + 1) + 1 :]
    return head + rest


def _well_formed(fragment: str) -> bool:
    try:
        etree.fromstring(f'<div xmlns="{XHTML_NS}">{clean(fragment)}</div>', _PARSER)
    except etree.XMLSyntaxError:
        return False
    return True


def _parse_all(fragments: Sequence[str]) -> list[etree._Element]:
    """Every fragment as the content of one wrapper element each, from a single parse."""
    if not fragments:
        return []
    joined = "".join(f"<f>{f}</f>" for f in fragments)
    wrapper = etree.fromstring(f'<div xmlns="{XHTML_NS}">{joined}</div>', _PARSER)
    return list(wrapper)


def _repair(parsed: Iterable[etree._Element]) -> bool:
    """Links reduced to what EPUBCheck accepts, ``align`` removed; whether anything changed."""
    changed = False
    for content in parsed:
        for a in content.iter(f"{{{XHTML_NS}}}a"):
            href = a.get("href")
            if href is None or a.get("class") is not None or not _SCHEME.match(href):
                continue
            fixed = safe_href(href)
            if fixed is None:
                del a.attrib["href"]
                changed = True
            elif fixed != href:
                a.set("href", fixed)
                changed = True
        for element in content.iter():
            if "align" in element.attrib:
                del element.attrib["align"]
                changed = True
    return changed


def _close_empty(root: etree._Element) -> None:
    """Non-void elements written as a start and an end tag, never ``<p/>``."""
    for element in root.iter(f"{{{XHTML_NS}}}*"):
        if element.text is None and len(element) == 0 and element.tag not in _VOID:
            element.text = ""


def _splice(placeholder: etree._Element, content: etree._Element) -> None:
    """Replace ``placeholder`` by the parsed fragment's text and elements."""
    parent = placeholder.getparent()
    assert parent is not None
    index = parent.index(placeholder)
    previous = placeholder.getprevious()
    tail = placeholder.tail or ""
    text = content.text or ""
    children = list(content)
    parent.remove(placeholder)
    if text:
        if previous is None:
            parent.text = (parent.text or "") + text
        else:
            previous.tail = (previous.tail or "") + text
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if tail:
        last = children[-1] if children else previous
        if last is None:
            parent.text = (parent.text or "") + tail
        else:
            last.tail = (last.tail or "") + tail
