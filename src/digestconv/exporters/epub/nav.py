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

from lxml import etree

from digestconv.exporters.epub.labels import Labels
from digestconv.exporters.epub.tree import Document, alone, clean, fill, mark, mark_lang, sub

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
    """An entry whose nav item and NCX points were serialised apart (a chapter's, see ``toc``).

    The documents put ``nav`` and ``ncx`` where the entry stands; ``ncx`` is cut
    around its ``playOrder`` values, which count every earlier target of the book,
    so that the pieces stay the same wherever the entry stands.
    """

    hrefs: tuple[str, ...]
    """The targets of the entry and its children, in document order."""
    depth: int
    nav: str
    ncx: tuple[str, ...]


Entry = NavEntry | Rendered

_ORDER = re.compile(r' playOrder="\d+">')


@dataclass(frozen=True)
class Landmark:
    type: str
    label: str
    href: str


def _depth(entries: Sequence[Entry]) -> int:
    return max(_entry_depth(e) for e in entries)


def _entry_depth(e: Entry) -> int:
    if isinstance(e, Rendered):
        return e.depth
    return 1 + _depth(e.children) if e.children else 1


def _rendered(entries: Sequence[Entry]) -> Iterator[Rendered]:
    for e in entries:
        if isinstance(e, Rendered):
            yield e
        else:
            yield from _rendered(e.children)


def _nav_list(parent: etree._Element, entries: Sequence[Entry], korean: bool) -> None:
    ol = sub(parent, "ol")
    ol.text = "\n"
    for e in entries:
        if isinstance(e, Rendered):
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
) -> bytes:
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
    out = doc.serialise()
    rendered = list(_rendered(entries))
    if not rendered:
        return out
    return fill(out.decode("utf-8"), (r.nav for r in rendered)).encode("utf-8")


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
) -> bytes:
    """An NCX whose ``dtb:uid`` matches the package identifier and whose depth is real."""
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
    rendered = list(_rendered(entries))
    if not rendered:
        return out

    def pieces() -> Iterator[str]:
        for r in rendered:
            numbers = [orders[h] for h in r.hrefs]
            yield r.ncx[0] + "".join(
                f' playOrder="{n}">{piece}' for n, piece in zip(numbers, r.ncx[1:], strict=True)
            )

    return fill(out.decode("utf-8"), pieces()).encode("utf-8")


def _points(parent: etree._Element, items: Sequence[Entry], orders: dict[str, int]) -> None:
    for e in items:
        if isinstance(e, Rendered):
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
