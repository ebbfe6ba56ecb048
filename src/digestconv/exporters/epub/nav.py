"""The EPUB 3 navigation document and the EPUB 2 NCX, built from one outline.

ebooklib 0.20 writes both itself, but its NCX always says ``dtb:depth 0``,
gives ``Link`` entries the id ``None`` (an lxml crash) and its landmarks are a
visible list titled "Guide".  Both documents are therefore generated here from
the same outline, with plain-text labels, ids that are valid XML names and
unique, a real depth, and landmarks marked ``hidden``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from digestconv.exporters.epub.labels import Labels
from digestconv.exporters.epub.tree import Document, clean, mark_lang, sub

NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class NavEntry:
    """One outline entry; ``href`` is relative to the package folder (where nav.xhtml lives)."""

    id: str
    label: str
    href: str
    children: Sequence[NavEntry] = field(default_factory=tuple)
    group: bool = False
    """A heading over its children (a month): the nav shows it as a label, not a link."""


@dataclass(frozen=True)
class Landmark:
    type: str
    label: str
    href: str


def _depth(entries: Sequence[NavEntry]) -> int:
    return 1 + max((_depth(e.children) for e in entries if e.children), default=0)


def _nav_list(parent: etree._Element, entries: Sequence[NavEntry], korean: bool) -> None:
    ol = sub(parent, "ol")
    ol.text = "\n"
    for e in entries:
        li = sub(ol, "li")
        if e.group and e.children:
            sub(li, "span", (), e.label)
        else:
            mark_lang(sub(li, "a", [("href", e.href)], e.label), e.label, korean)
        if e.children:
            _nav_list(li, e.children, korean)


def nav_document(
    entries: Sequence[NavEntry],
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
    return doc.serialise()


def ncx_document(
    entries: Sequence[NavEntry], *, uid: str, title: str, author: str | None, lang: str
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

    def points(parent: etree._Element, items: Sequence[NavEntry]) -> None:
        for e in items:
            order = orders.setdefault(e.href, len(orders) + 1)
            point = _ncx(parent, "navPoint", id=f"n-{e.id}", playOrder=str(order))
            _labelled(point, "navLabel", e.label)
            _ncx(point, "content", src=e.href)
            points(point, e.children)

    points(nav_map, entries)
    etree.indent(root, space="  ")
    # A label and its text stay on one line, as reading systems' NCX files usually have them.
    for label in root.iter(
        *(f"{{{NCX_NS}}}{tag}" for tag in ("docTitle", "docAuthor", "navLabel"))
    ):
        label.text = None
        label[0].tail = None
    out: bytes = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)
    return out


def _ncx(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(
        parent, f"{{{NCX_NS}}}{tag}", {k: clean(v) for k, v in attrs.items()} if attrs else None
    )


def _labelled(parent: etree._Element, tag: str, text: str) -> None:
    _ncx(_ncx(parent, tag), "text").text = clean(text)
