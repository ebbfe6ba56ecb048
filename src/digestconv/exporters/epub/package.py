"""Packaging finished documents into a reproducible EPUB: the OPF built with lxml, the OCF zip
written from members compressed when their documents were rendered.

Every byte of the container is decided here, from the posts alone: the package
document is an lxml tree (well-formed whatever a title holds), ``dcterms:modified``
is the newest post's time in UTC, and every zip entry carries that same date, the
same attributes and creator system, in a fixed order with ``mimetype`` first and
stored, as OCF requires.  No clock, no random identifier, no library defaults.
The archive is the one ``zipfile`` wrote for these books (``digestconv.zipwrite``
writes it from already deflated members, so a chapter is compressed once and kept).

The layout – element order, attribute order, the generator line – is the one
ebooklib 0.20 wrote when it packaged these books, so rebuilt books stay
byte-identical; ebooklib itself is no longer needed to write them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree

from digestconv.zipwrite import Buffer, DateTime, Member, deflate, deflating, store, write_pieces

MIMETYPE = b"application/epub+zip"
FOLDER = "EPUB"
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
GENERATOR = "Ebook-lib 0.20.0"
PREFIX = "rendition: http://www.idpf.org/vocab/rendition/#"
CONTAINER_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">
  <rootfiles>
    <rootfile media-type="application/oebps-package+xml" full-path="{FOLDER}/content.opf"/>
  </rootfiles>
</container>
"""
XHTML = "application/xhtml+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Metadata:
    identifier: str
    title: str
    lang: str
    creator: str | None
    description: str | None
    date: str
    """``YYYY-MM-DD`` for ``dc:date``."""
    modified: datetime
    """Timezone-aware; becomes ``dcterms:modified`` and the zip entries' date."""
    subjects: tuple[str, ...]
    accessibility: tuple[tuple[str, str], ...] = ()
    """``(property, value)`` pairs of EPUB Accessibility metadata, in order (see ``a11y``)."""


@dataclass(frozen=True)
class Item:
    """One manifest item: where a resource is and what it is (its bytes are written apart)."""

    id: str
    file_name: str
    """Relative to the package folder, e.g. ``text/d20251008.xhtml``."""
    media_type: str
    properties: str | None = None


def media_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif"}.get(
        suffix, "application/octet-stream"
    )


def _sub(parent: etree._Element, tag: str, attrs: dict[str, str], text: str | None = None) -> None:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text


def package_document(
    meta: Metadata,
    resources: Sequence[Item],
    spine: Sequence[str],
    guide: Sequence[tuple[str, str, str]],
) -> bytes:
    """The OPF: metadata, manifest, ``spine`` (item ids) and the EPUB 2 guide, pretty-printed by
    lxml; ``guide`` holds (type, title, href) references for old readers."""
    # The OPF namespace is the root's default; elements are written unprefixed under it.
    root = etree.Element(
        "package",
        {"xmlns": OPF_NS, "unique-identifier": "id", "version": "3.0", "prefix": PREFIX},
    )
    root.set(XML_LANG, meta.lang)
    metadata = etree.SubElement(root, "metadata", nsmap={"dc": DC_NS, "opf": OPF_NS})
    modified = meta.modified.astimezone(timezone.utc)
    _sub(metadata, "meta", {"property": "dcterms:modified"}, f"{modified:%Y-%m-%dT%H:%M:%SZ}")
    _sub(metadata, "meta", {"name": "generator", "content": GENERATOR})
    dc = f"{{{DC_NS}}}"
    _sub(metadata, dc + "identifier", {"id": "id"}, meta.identifier)
    _sub(metadata, dc + "title", {}, meta.title)
    _sub(metadata, dc + "language", {}, meta.lang)
    if meta.creator:
        _sub(metadata, dc + "creator", {"id": "creator"}, meta.creator)
    if meta.description:
        _sub(metadata, dc + "description", {}, meta.description)
    _sub(metadata, dc + "date", {}, meta.date)
    for subject in meta.subjects:
        _sub(metadata, dc + "subject", {}, subject)
    for prop, value in meta.accessibility:
        _sub(metadata, "meta", {"property": prop}, value)
    cover = next((r for r in resources if r.properties == "cover-image"), None)
    if cover is not None:
        _sub(metadata, "meta", {"name": "cover", "content": cover.id}, "")

    manifest = etree.SubElement(root, "manifest")
    for res in resources:
        attrs = {"href": res.file_name, "id": res.id, "media-type": res.media_type}
        if res.properties:
            attrs["properties"] = res.properties
        _sub(manifest, "item", attrs)

    spine_el = etree.SubElement(root, "spine", {"toc": "ncx"})
    for idref in spine:
        _sub(spine_el, "itemref", {"idref": idref})
    if guide:
        guide_el = etree.SubElement(root, "guide", {})
        for kind, title, href in guide:
            _sub(guide_el, "reference", {"type": kind, "title": title, "href": href})
    out: bytes = etree.tostring(root, pretty_print=True, encoding="utf-8", xml_declaration=True)
    return out


def zip_time(moment: datetime) -> DateTime:
    utc = moment.astimezone(timezone.utc)
    year = min(max(utc.year, 1980), 2107)  # what a zip's DOS date can hold
    return (year, utc.month, utc.day, utc.hour, utc.minute, utc.second)


def member(file_name: str, content: bytes) -> Member:
    """A document or resource of the package folder, deflated as the book stores it."""
    return deflate(f"{FOLDER}/{file_name}", content)


def streamed_member(file_name: str, pieces: Iterable[Buffer]) -> Member:
    """A document written as pieces, deflated as :func:`member` deflates it whole."""
    return deflating(f"{FOLDER}/{file_name}", pieces)


@functools.cache
def _container() -> Member:
    return deflate("META-INF/container.xml", CONTAINER_XML.encode("utf-8"))


def archive(modified: datetime, members: Sequence[Member]) -> Sequence[bytes]:
    """The EPUB's bytes as pieces: ``mimetype`` stored first, the container, then
    ``members`` in order (a member read out of a part is copied as its piece is read)."""
    head = [store("mimetype", MIMETYPE), _container()]
    return write_pieces([*head, *members], date_time=zip_time(modified))
