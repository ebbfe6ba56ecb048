"""The catalog folder's files: the OPDS 1.2 feed, the OPDS 2.0 document and the covers."""

from __future__ import annotations

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub.labels import labels_for
from digestconv.exporters.opds import ATOM_NAME, JSON_NAME, OpdsOptions
from digestconv.exporters.opds.catalog import COVER_NAME, plan_catalog
from digestconv.model import Corpus
from digestconv.plugins import ExportError, Output


def export_catalog(corpus: Corpus, options: OpdsOptions, diagnostics: Diagnostics) -> Output:
    if not corpus.digests:
        raise ExportError("there are no digests, so there are no books to list")
    catalog = plan_catalog(corpus, options, diagnostics)
    files: dict[str, bytes] = {}
    if options.catalogs in ("atom", "both"):
        from digestconv.exporters.opds.atom import render_atom

        files[ATOM_NAME] = render_atom(catalog, with_json=options.catalogs == "both")
    if options.catalogs in ("json", "both"):
        from digestconv.exporters.opds.opds2 import render_json

        files[JSON_NAME] = render_json(catalog, with_atom=options.catalogs == "both")
    if options.covers:
        from digestconv.exporters.opds.covers import cover_thumbnail

        labels = labels_for(catalog.lang)
        for entry in catalog.entries:
            b = entry.book
            details = [labels.count_digests(len(b.digests)), labels.count_papers(b.n_papers)]
            footer = catalog.site_url or catalog.author
            files[COVER_NAME.format(stem=b.stem)] = cover_thumbnail(
                b.title, b.span, details, footer
            )
    return files
