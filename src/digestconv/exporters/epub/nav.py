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
from digestconv.exporters.epub.xhtml import attr, esc, finish, page, parse_xml

NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"


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
    order = 0
    lines: list[str] = []

    def points(items: Sequence[NavEntry], indent: str) -> None:
        nonlocal order
        for e in items:
            order += 1
            lines.append(f'{indent}<navPoint id="n-{e.id}" playOrder="{order}">')
            lines.append(f"{indent}  <navLabel><text>{esc(e.label)}</text></navLabel>")
            lines.append(f'{indent}  <content src="{attr(e.href)}"/>')
            points(e.children, indent + "  ")
            lines.append(f"{indent}</navPoint>")

    points(entries, "    ")
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<ncx xmlns="{NCX_NS}" version="2005-1" xml:lang="{attr(lang)}">',
        "  <head>",
        f'    <meta name="dtb:uid" content="{attr(uid)}"/>',
        f'    <meta name="dtb:depth" content="{_depth(entries) if entries else 1}"/>',
        '    <meta name="dtb:totalPageCount" content="0"/>',
        '    <meta name="dtb:maxPageNumber" content="0"/>',
        "  </head>",
        f"  <docTitle><text>{esc(title)}</text></docTitle>",
    ]
    if author:
        head.append(f"  <docAuthor><text>{esc(author)}</text></docAuthor>")
    doc = "\n".join([*head, "  <navMap>", *lines, "  </navMap>", "</ncx>", ""])
    return _finish_ncx(doc)


def _finish_ncx(doc: str) -> bytes:
    """Well-formedness check for the NCX (same parser as the XHTML documents)."""
    root = parse_xml(doc)
    out: bytes = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)
    return out
