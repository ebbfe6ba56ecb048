"""The catalog folder's files: the OPDS 1.2 feed, the OPDS 2.0 document and the covers.

Drawing a book's cover and scaling it down to a thumbnail is most of what the catalog
costs (a tenth of a second per book), and a thumbnail changes only with the words on
it; so each thumbnail is a part (see :mod:`digestconv.fragments`), drawn once and
reused by every build until its title, span, counts or footer change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub.plan import iso_day
from digestconv.exporters.opds import ATOM_NAME, JSON_NAME, OpdsOptions
from digestconv.exporters.opds.catalog import COVER_NAME, Catalog, plan_catalog
from digestconv.fragments import Part, PerExport
from digestconv.model import Corpus
from digestconv.plugins import ExportError

Cover = tuple[str, str, tuple[str, ...], str]
"""What a thumbnail shows: title, span, detail lines, footer."""


def _catalog(corpus: Corpus, options: OpdsOptions, diagnostics: Diagnostics) -> Catalog:
    if not corpus.digests:
        raise ExportError("there are no digests, so there are no books to list")
    return plan_catalog(corpus, options, diagnostics)


_planned: PerExport[Catalog] = PerExport(_catalog)
"""The catalog, made once per export for ``parts`` and ``assemble``."""


def _covers(catalog: Catalog, options: OpdsOptions) -> list[tuple[str, Cover]]:
    """Each thumbnail's file name and what it shows, in the catalog's order."""
    if not options.covers:
        return []
    from digestconv.exporters.epub.cover import cover_facts  # Pillow, only for covers

    footer = catalog.site_url or catalog.author
    out: list[tuple[str, Cover]] = []
    for entry in catalog.entries:
        b = entry.book
        span, details = cover_facts(iso_day(b.first), iso_day(b.last), len(b.digests), b.n_papers)
        out.append((COVER_NAME.format(stem=b.stem), (b.title, span, details, footer)))
    return out


def cover_parts(corpus: Corpus, options: OpdsOptions) -> list[Part]:
    """One part per thumbnail; its key is everything drawn on it."""
    catalog = _planned(corpus, options)  # its diagnostics are reported by assemble
    return [
        Part((), key=json.dumps(shown, ensure_ascii=False), data=shown)
        for _, shown in _covers(catalog, options)
    ]


def render_cover(shown: Cover) -> bytes:
    from digestconv.exporters.opds.covers import cover_thumbnail

    title, span, details, footer = shown
    return cover_thumbnail(title, span, list(details), footer)


def catalog_files(
    corpus: Corpus, options: OpdsOptions, thumbnails: Sequence[bytes], diagnostics: Diagnostics
) -> dict[str, bytes]:
    catalog = _planned.take(corpus, options, diagnostics)
    files: dict[str, bytes] = {}
    if options.catalogs in ("atom", "both"):
        from digestconv.exporters.opds.atom import render_atom

        files[ATOM_NAME] = render_atom(catalog, with_json=options.catalogs == "both")
    if options.catalogs in ("json", "both"):
        from digestconv.exporters.opds.opds2 import render_json

        files[JSON_NAME] = render_json(catalog, with_atom=options.catalogs == "both")
    covers = _covers(catalog, options)
    files.update((name, data) for (name, _), data in zip(covers, thumbnails, strict=True))
    return files
