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
from digestconv.exporters.epub.xhtml import attr, clean, esc, finish, page

NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class NavEntry:
    """One outline entry; ``href`` is relative to the package folder (where nav.xhtml lives)."""

    id: str
    label: str
    href: str
    children: Sequence[NavEntry] = field(default_factory=tuple)


@dataclass(frozen=True)
class Landmark:
    type: str
    label: str
    href: str


def _depth(entries: Sequence[NavEntry]) -> int:
    return 1 + max((_depth(e.children) for e in entries if e.children), default=0)


def _nav_list(entries: Sequence[NavEntry]) -> str:
    out = ["<ol>"]
    for e in entries:
        out.append(f'<li><a href="{attr(e.href)}">{esc(e.label)}</a>')
        if e.children:
            out.append(_nav_list(e.children))
        out.append("</li>")
    out.append("</ol>")
    return "\n".join(out)


def nav_document(
    entries: Sequence[NavEntry],
    landmarks: Sequence[Landmark],
    *,
    title: str,
    lang: str,
    css: str,
    labels: Labels,
) -> bytes:
    body = [
        '<nav epub:type="toc" id="toc" role="doc-toc">',
        f"<h1>{esc(labels.contents)}</h1>",
        _nav_list(entries),
        "</nav>",
    ]
    if landmarks:
        body.append('<nav epub:type="landmarks" id="landmarks" hidden="hidden">')
        body.append(f"<h2>{esc(labels.landmarks)}</h2>")
        body.append("<ol>")
        body.extend(
            f'<li><a epub:type="{lm.type}" href="{attr(lm.href)}">{esc(lm.label)}</a></li>'
            for lm in landmarks
        )
        body.append("</ol>")
        body.append("</nav>")
    return finish(page(title=title, lang=lang, css=css, body="\n".join(body)))


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
    order = 0

    def points(parent: etree._Element, items: Sequence[NavEntry]) -> None:
        nonlocal order
        for e in items:
            order += 1
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
    return etree.SubElement(parent, f"{{{NCX_NS}}}{tag}", {k: clean(v) for k, v in attrs.items()})


def _labelled(parent: etree._Element, tag: str, text: str) -> None:
    _ncx(_ncx(parent, tag), "text").text = clean(text)
