"""The EPUB 3 navigation document and the EPUB 2 NCX, built from one outline.

ebooklib 0.20 writes both itself, but its NCX always says ``dtb:depth 0``,
gives ``Link`` entries the id ``None`` (an lxml crash) and its landmarks are a
visible list titled "Guide".  Both documents are therefore generated here from
the same outline, with plain-text labels, ids that are valid XML names and
unique, a real depth, and landmarks marked ``hidden``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from digestconv.exporters.epub.labels import Labels
from digestconv.exporters.epub.tree import MARK_TEXT, Document, alone, clean, mark, mark_lang, sub
from digestconv.zipwrite import Buffer

NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class NavEntry:
    """One outline entry; ``href`` is relative to the package folder (where nav.xhtml lives)."""

    id: str
    label: str
    href: str
    children: Sequence[Entry] = field(default_factory=tuple)
    group: bool = False
    """A heading over its children (a month): the nav shows it as a label, not a link."""


@dataclass(frozen=True)
class Rendered:
    """An entry whose nav item and NCX points were serialised apart (a chapter's, see
    ``render_entry``), to stand in the documents as a :class:`Slot`.

    ``ncx`` is cut around its ``playOrder`` values, which count every earlier
    target of the book, so that the pieces stay the same wherever the entry stands.
    """

    hrefs: tuple[str, ...]
    """The targets of the entry and its children, in document order."""
    depth: int
    nav: str
    ncx: tuple[str, ...]


class Slot(Protocol):
    """Where an entry serialised apart stands in the outline, and its pieces as bytes."""

    @property
    def hrefs(self) -> tuple[str, ...]: ...

    @property
    def depth(self) -> int: ...

    def nav(self) -> Buffer: ...

    def ncx(self) -> Sequence[Buffer]: ...


Entry = NavEntry | Slot

_ORDER = re.compile(r' playOrder="\d+">')


@dataclass(frozen=True)
class Landmark:
    type: str
    label: str
    href: str


def _depth(entries: Sequence[Entry]) -> int:
    return max(_entry_depth(e) for e in entries)


def _entry_depth(e: Entry) -> int:
    if not isinstance(e, NavEntry):
        return e.depth
    return 1 + _depth(e.children) if e.children else 1


def _slots(entries: Sequence[Entry]) -> Iterator[Slot]:
    for e in entries:
        if isinstance(e, NavEntry):
            yield from _slots(e.children)
        else:
            yield e


def _filled(skeleton: bytes, pieces: Iterator[Buffer]) -> Iterator[Buffer]:
    """``skeleton`` with each ``mark`` replaced by the next of ``pieces``, as pieces (the
    mark is ASCII: cutting the UTF-8 bytes cuts the text at the same places)."""
    parts = skeleton.split(MARK_TEXT.encode("ascii"))
    yield parts[0]
    for rest in parts[1:]:
        piece = next(pieces, None)
        if piece is None:
            raise ValueError("fewer pieces than places in the document")
        yield piece
        yield rest
    if next(pieces, None) is not None:
        raise ValueError("more pieces than places in the document")


def _nav_list(parent: etree._Element, entries: Sequence[Entry], korean: bool) -> None:
    ol = sub(parent, "ol")
    ol.text = "\n"
    for e in entries:
        if not isinstance(e, NavEntry):
            mark(ol)
            continue
        li = sub(ol, "li")
        if e.group and e.children:
            sub(li, "span", (), e.label)
        else:
            mark_lang(sub(li, "a", [("href", e.href)], e.label), e.label, korean)
        if e.children:
            _nav_list(li, e.children, korean)


def nav_document(
    entries: Sequence[Entry],
    landmarks: Sequence[Landmark],
    *,
    title: str,
    lang: str,
    css: str,
    labels: Labels,
) -> Iterator[Buffer]:
    """The document's bytes as pieces: the slots' nav items are written as they are."""
    doc = Document(title=title, lang=lang, css=css)
    toc = sub(doc.body, "nav", [("epub:type", "toc"), ("id", "toc"), ("role", "doc-toc")])
    toc.text = "\n"
    sub(toc, "h1", (), labels.contents)
    _nav_list(toc, entries, doc.korean)
    if landmarks:
        marks = sub(
            doc.body, "nav", [("epub:type", "landmarks"), ("id", "landmarks"), ("hidden", "hidden")]
        )
        marks.text = "\n"
        sub(marks, "h2", (), labels.landmarks)
        ol = sub(marks, "ol")
        ol.text = "\n"
        for lm in landmarks:
            li = sub(ol, "li")
            sub(li, "a", [("epub:type", lm.type), ("href", lm.href)], lm.label, tail=None)
    return _filled(doc.serialise(), (slot.nav() for slot in _slots(entries)))


def render_entry(entry: NavEntry, *, lang: str, grouped: bool) -> Rendered:
    """``entry`` serialised as the nav document and the NCX write it: under a month when
    ``grouped`` (the NCX indents by depth), with the ``playOrder`` values cut out."""
    doc = Document(title="", lang=lang, css="")
    _nav_list(doc.body, [entry], doc.korean)
    nav = alone(doc.body[0][0])
    root = etree.Element(f"{{{NCX_NS}}}ncx", nsmap={None: NCX_NS})
    parent = _ncx(root, "navMap")
    if grouped:
        parent = _ncx(parent, "navPoint")
    orders: dict[str, int] = {}  # filled by _points in reading order: the entry's hrefs
    _points(parent, [entry], orders)
    etree.indent(root, space="  ")
    _one_line_labels(root)
    point = alone(parent[0])
    return Rendered(tuple(orders), _entry_depth(entry), nav, tuple(_ORDER.split(point)))


def ncx_document(
    entries: Sequence[Entry], *, uid: str, title: str, author: str | None, lang: str
) -> Iterator[Buffer]:
    """An NCX whose ``dtb:uid`` matches the package identifier and whose depth is real, as
    pieces: each slot's cuts with its ``playOrder`` values between them."""
    root = etree.Element(f"{{{NCX_NS}}}ncx", {"version": "2005-1"}, nsmap={None: NCX_NS})
    root.set(XML_LANG, clean(lang))
    head = _ncx(root, "head")
    depth = _depth(entries) if entries else 1
    for name, content in (
        ("dtb:uid", uid),
        ("dtb:depth", str(depth)),
        ("dtb:totalPageCount", "0"),
        ("dtb:maxPageNumber", "0"),
    ):
        _ncx(head, "meta", name=name, content=content)
    _labelled(root, "docTitle", title)
    if author:
        _labelled(root, "docAuthor", author)
    nav_map = _ncx(root, "navMap")
    # Entries with one target share one playOrder (a month and its first digest), as the
    # NCX requires; the others count on without gaps.
    orders: dict[str, int] = {}
    _points(nav_map, entries, orders)
    etree.indent(root, space="  ")
    _one_line_labels(root)
    out: bytes = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)
    return _filled(out, _numbered(_slots(entries), orders))


def _numbered(slots: Iterator[Slot], orders: dict[str, int]) -> Iterator[Buffer]:
    """Each slot's NCX points as one piece of pieces: its cuts joined by its targets'
    ``playOrder`` values."""
    for slot in slots:
        cuts = slot.ncx()
        pieces: list[Buffer] = [cuts[0]]
        for href, cut in zip(slot.hrefs, cuts[1:], strict=True):
            pieces.append(b' playOrder="%d">' % orders[href])
            pieces.append(cut)
        yield b"".join(pieces)


def _points(parent: etree._Element, items: Sequence[Entry], orders: dict[str, int]) -> None:
    for e in items:
        if not isinstance(e, NavEntry):
            for h in e.hrefs:
                orders.setdefault(h, len(orders) + 1)
            mark(parent)
            continue
        order = orders.setdefault(e.href, len(orders) + 1)
        point = _ncx(parent, "navPoint", id=f"n-{e.id}", playOrder=str(order))
        _labelled(point, "navLabel", e.label)
        _ncx(point, "content", src=e.href)
        _points(point, e.children, orders)


def _one_line_labels(root: etree._Element) -> None:
    """A label and its text on one line, as reading systems' NCX files usually have them."""
    for label in root.iter(
        *(f"{{{NCX_NS}}}{tag}" for tag in ("docTitle", "docAuthor", "navLabel"))
    ):
        label.text = None
        label[0].tail = None


def _ncx(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(
        parent, f"{{{NCX_NS}}}{tag}", {k: clean(v) for k, v in attrs.items()} if attrs else None
    )


def _labelled(parent: etree._Element, tag: str, text: str) -> None:
    _ncx(_ncx(parent, tag), "text").text = clean(text)
