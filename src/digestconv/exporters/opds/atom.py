"""OPDS 1.2: the catalog as an Atom acquisition feed, built with lxml.

OPDS 1.2 is Atom (RFC 4287) with link relations of its own, so the feed stays valid
against the Atom schema; Dublin Core terms carry the book's language and issue date.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from digestconv.exporters.opds import ATOM_NAME, ATOM_TYPE, JSON_NAME, JSON_TYPE
from digestconv.exporters.opds.books import BOOK_TYPE
from digestconv.exporters.opds.catalog import Catalog, Entry

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
NSMAP = {None: ATOM, "dc": DC, "opds": OPDS}
ACQUISITION = "http://opds-spec.org/acquisition"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    el = etree.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = text
    return el


def _link(parent: etree._Element, rel: str, href: str, type_: str) -> None:
    _sub(parent, f"{{{ATOM}}}link", rel=rel, href=href, type=type_)


def _date(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def render_atom(catalog: Catalog, *, with_json: bool) -> bytes:
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", catalog.lang)
    _sub(feed, f"{{{ATOM}}}id", catalog.identifier)
    _sub(feed, f"{{{ATOM}}}title", catalog.title)
    if catalog.subtitle:
        _sub(feed, f"{{{ATOM}}}subtitle", catalog.subtitle)
    _sub(feed, f"{{{ATOM}}}updated", _date(catalog.updated))
    author = _sub(feed, f"{{{ATOM}}}author")
    _sub(author, f"{{{ATOM}}}name", catalog.author)
    if catalog.site_url:
        _sub(author, f"{{{ATOM}}}uri", catalog.site_url)
    own = catalog.url_of(ATOM_NAME)
    _link(feed, "self", own, ATOM_TYPE)
    _link(feed, "start", own, ATOM_TYPE)
    if with_json:
        _link(feed, "alternate", catalog.url_of(JSON_NAME), JSON_TYPE)
    if catalog.site_url:
        _link(feed, "related", catalog.site_url, "text/html")
    for entry in catalog.entries:
        _entry(feed, entry, catalog)
    data: bytes = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data


def _entry(feed: etree._Element, entry: Entry, catalog: Catalog) -> None:
    book = entry.book
    el = _sub(feed, f"{{{ATOM}}}entry")
    _sub(el, f"{{{ATOM}}}title", book.title)
    _sub(el, f"{{{ATOM}}}id", book.identifier)
    _sub(el, f"{{{ATOM}}}updated", _date(book.last))
    author = _sub(el, f"{{{ATOM}}}author")
    _sub(author, f"{{{ATOM}}}name", catalog.author)
    _sub(el, f"{{{DC}}}language", book.lang)
    _sub(el, f"{{{DC}}}issued", book.first.date().isoformat())
    _sub(el, f"{{{ATOM}}}summary", entry.summary, type="text")
    _sub(el, f"{{{ATOM}}}content", entry.content, type="text")
    if entry.cover:
        _link(el, IMAGE, entry.cover, "image/png")
        _link(el, THUMBNAIL, entry.cover, "image/png")
    _link(el, ACQUISITION, entry.acquisition, BOOK_TYPE)
