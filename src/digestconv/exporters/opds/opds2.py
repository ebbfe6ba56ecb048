"""OPDS 2.0: the catalog as a JSON feed of publications (Readium Web Publication metadata).

Serialised with ``json`` from plain dictionaries in a fixed key order, so the bytes are
stable; every publication carries the image and acquisition link the OPDS 2.0 schema
requires.
"""

from __future__ import annotations

import json
from typing import Any

from digestconv.exporters.opds import ATOM_NAME, ATOM_TYPE, JSON_NAME, JSON_TYPE
from digestconv.exporters.opds.atom import ACQUISITION
from digestconv.exporters.opds.books import BOOK_TYPE
from digestconv.exporters.opds.catalog import Catalog, Entry
from digestconv.exporters.opds.covers import THUMB_HEIGHT, THUMB_WIDTH

BOOK_SCHEMA = "http://schema.org/Book"


def render_json(catalog: Catalog, *, with_atom: bool) -> bytes:
    own = catalog.url_of(JSON_NAME)
    links: list[dict[str, Any]] = [
        {"rel": "self", "href": own, "type": JSON_TYPE},
        {"rel": "start", "href": own, "type": JSON_TYPE},
    ]
    if with_atom:
        links.append({"rel": "alternate", "href": catalog.url_of(ATOM_NAME), "type": ATOM_TYPE})
    if catalog.site_url:
        links.append({"rel": "related", "href": catalog.site_url, "type": "text/html"})
    metadata: dict[str, Any] = {
        "title": catalog.title,
        "modified": catalog.updated.isoformat(timespec="seconds"),
        "numberOfItems": len(catalog.entries),
    }
    if catalog.subtitle:
        metadata["description"] = catalog.subtitle
    doc = {
        "metadata": metadata,
        "links": links,
        "publications": [_publication(e, catalog) for e in catalog.entries],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _publication(entry: Entry, catalog: Catalog) -> dict[str, Any]:
    book = entry.book
    metadata: dict[str, Any] = {
        "@type": BOOK_SCHEMA,
        "identifier": book.identifier,
        "title": book.title,
        "author": {"name": catalog.author},
        "language": book.lang,
        "published": book.first.date().isoformat(),
        "modified": book.last.isoformat(timespec="seconds"),
        "description": entry.summary,
    }
    pub: dict[str, Any] = {
        "metadata": metadata,
        "links": [{"rel": ACQUISITION, "href": entry.acquisition, "type": BOOK_TYPE}],
    }
    if entry.cover:
        pub["images"] = [
            {"href": entry.cover, "type": "image/png", "width": THUMB_WIDTH, "height": THUMB_HEIGHT}
        ]
    return pub
